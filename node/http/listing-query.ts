// The listing filters shared by GET /api/v1/challenges and the HTML listing at "/": validated against
// schemas/api/listing-query.schema.json (unknown parameters and values are precise 400s, never
// silently ignored), then turned into the store's ListingQuery (hub handles to actor IRIs, dates to
// instants).
import type { FieldError } from "../domain/errors";
import type { ListingQuery } from "../domain/ports";
import type { ListingFacet } from "../domain/listing-facets";
import type { ListingQuery as ApiListingQuery } from "./api/generated/api-types";
import { validateQuery } from "./api/request-schemas";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

type RawQuery = Record<string, unknown>;

/** The query as schemas/api/listing-query.schema.json describes it (after normalisation and coercion). */
type ListingParams = ApiListingQuery;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const MIN_INSTANT = Date.parse("0000-01-01T00:00:00Z");
const MAX_INSTANT = Date.parse("9999-12-31T23:59:59.999Z");

/** A date (whole day, UTC) or an RFC 3339 date-time (already checked by the schema); `end` takes the day's last instant. */
function instant(value: string, end: boolean): string {
  if (DATE_RE.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    return new Date(end ? t + 86_399_999 : t).toISOString();
  }
  // RFC 3339 allows a leap second (:60), which Date cannot hold: it is the last instant of its minute.
  const t = Date.parse(value.replace(/:60(?=(\.\d+)?(Z|[+-]\d{2}:\d{2})$)/i, ":59.999"));
  // Offsets can push year 0000 or 9999 past the four-digit years the stored instants use: clamp.
  return new Date(Math.min(MAX_INSTANT, Math.max(MIN_INSTANT, t))).toISOString();
}

export interface ParseOptions {
  origin: string;
  /** Parameters a caller owns besides the filters (e.g. the page's language): not validated here. */
  own?: readonly string[];
  /** HTML forms send empty fields: count them as absent (the API refuses an empty cursor or date). */
  dropEmpty?: boolean;
  /** Clock for closingWithin (tests); used to the minute. */
  now?: () => number;
}

export function parseListingQuery(raw: RawQuery, opts: ParseOptions):
  { ok: true; query: ListingQuery; facets: ListingFacet[] } | { ok: false; errors: FieldError[] } {
  const filters = opts.own?.length ? Object.fromEntries(Object.entries(raw).filter(([k]) => !opts.own!.includes(k))) : raw;
  const checked = validateQuery<ListingParams>("listing-query", filters, { dropEmpty: opts.dropEmpty });
  if (!checked.ok) return checked;
  const p = checked.value;
  const q: ListingQuery = { limit: p.limit ?? DEFAULT_PAGE_SIZE };
  if (p.status) q.status = p.status;
  if (p.country) q.country = p.country.map((c) => c.toUpperCase());
  if (p.focusArea) q.focusArea = p.focusArea;
  if (p.cpv) q.cpv = p.cpv;
  if (p.nuts) q.nuts = p.nuts.map((n) => n.toUpperCase());
  if (p.language) q.language = p.language;
  if (p.procedureType) q.procedureType = p.procedureType;
  if (p.sme) q.sme = true;
  if (p.euFunded) q.euFunded = true;
  if (p.instrument) q.instrument = p.instrument;
  // A URL the schema admits but WHATWG cannot parse (a port above 65535) names no hub: it matches nothing.
  if (p.hub) q.hub = p.hub.map((h) => (!h.includes("://") ? new URL(`/hubs/${h}`, opts.origin).href : URL.canParse(h) ? new URL(h).href : h));
  if (p.q) q.q = p.q;
  if (p.deadlineFrom) q.deadlineFrom = instant(p.deadlineFrom, false);
  if (p.deadlineTo) q.deadlineTo = instant(p.deadlineTo, true);
  if (p.closingWithin) {
    // "Closing within N days": deadlines from now to N days ahead, within any deadline range given.
    // Now to the minute: requests within a minute are one listing (the listing cache keys on the
    // parsed query; instants to the millisecond would never meet again). A challenge that closed less
    // than a minute ago may still be listed.
    const now = Math.floor((opts.now?.() ?? Date.now()) / 60_000) * 60_000;
    const from = new Date(now).toISOString();
    const to = new Date(now + p.closingWithin * 86_400_000).toISOString();
    q.deadlineFrom = q.deadlineFrom && Date.parse(q.deadlineFrom) > now ? q.deadlineFrom : from;
    q.deadlineTo = q.deadlineTo && Date.parse(q.deadlineTo) < Date.parse(to) ? q.deadlineTo : to;
    q.closingWithin = p.closingWithin;
  }
  if (p.sort) q.sort = p.sort;
  if (p.cursor) q.cursor = p.cursor;
  // Not a filter: which facet counts the caller wants beside the page.
  return { ok: true, query: q, facets: [...new Set(p.facets ?? [])] };
}

/** Rebuilds a query string for links (next page, feeds) from a parsed query. */
export function listingQueryToParams(q: ListingQuery, origin: string): URLSearchParams {
  const p = new URLSearchParams();
  const hubPrefix = new URL("/hubs/", origin).href;
  if (q.status) p.set("status", q.status.join(","));
  if (q.country) p.set("country", q.country.join(","));
  if (q.focusArea) p.set("focusArea", q.focusArea.join(","));
  if (q.instrument) p.set("instrument", q.instrument.join(","));
  if (q.cpv) p.set("cpv", q.cpv.join(","));
  if (q.nuts) p.set("nuts", q.nuts.join(","));
  if (q.language) p.set("language", q.language.join(","));
  if (q.procedureType) p.set("procedureType", q.procedureType.join(","));
  if (q.sme) p.set("sme", "true");
  if (q.euFunded) p.set("euFunded", "true");
  if (q.hub) p.set("hub", q.hub.map((h) => (h.startsWith(hubPrefix) ? h.slice(hubPrefix.length) : h)).join(","));
  if (q.q) p.set("q", q.q);
  // closingWithin stays relative in links (a feed subscribed today still means "within N days" tomorrow).
  if (q.closingWithin) p.set("closingWithin", String(q.closingWithin));
  else {
    if (q.deadlineFrom) p.set("deadlineFrom", q.deadlineFrom);
    if (q.deadlineTo) p.set("deadlineTo", q.deadlineTo);
  }
  if (q.sort) p.set("sort", q.sort);
  if (q.limit !== DEFAULT_PAGE_SIZE) p.set("limit", String(q.limit));
  return p;
}
