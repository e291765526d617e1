// Parses the listing filters shared by GET /api/v1/challenges and the HTML listing at "/".
// Unknown values are precise 400s (with the failing parameter), never silently ignored.
import type { FieldError } from "../domain/errors";
import { CHALLENGE_STATUSES, FOCUS_AREAS, INSTRUMENTS } from "../domain/types";
import type { ListingQuery } from "../domain/ports";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

type RawQuery = Record<string, unknown>;

/** Accepts `?a=x&a=y` and `?a=x,y`. */
function listParam(raw: RawQuery, name: string): string[] | undefined {
  const v = raw[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [v])
    .filter((x): x is string => typeof x === "string")
    .flatMap((x) => x.split(","))
    .map((x) => x.trim())
    .filter((x) => x !== "");
  return parts.length ? parts : undefined;
}

function single(raw: RawQuery, name: string): string | undefined {
  const v = raw[name];
  if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : undefined;
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date (whole day, UTC) or an RFC 3339 date-time; `end` chooses the day's last instant for dates. */
function instant(value: string, end: boolean): string | null {
  if (DATE_RE.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(t)) return null;
    return new Date(end ? t + 86_399_999 : t).toISOString();
  }
  if (!DATETIME_RE.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export interface ParseOptions { origin: string }

export function parseListingQuery(raw: RawQuery, opts: ParseOptions):
  { ok: true; query: ListingQuery } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const q: ListingQuery = { limit: DEFAULT_PAGE_SIZE };

  const enumList = <T extends string>(name: string, allowed: readonly T[], exclude: readonly string[] = []) => {
    const values = listParam(raw, name);
    if (!values) return undefined;
    const bad = values.filter((v) => !allowed.includes(v as T) || exclude.includes(v));
    if (bad.length) {
      errors.push({ pointer: `/query/${name}`, message: `unknown value(s) ${bad.map((b) => JSON.stringify(b)).join(", ")}; allowed: ${allowed.filter((a) => !exclude.includes(a)).join(", ")}` });
      return undefined;
    }
    return values as T[];
  };

  q.status = enumList("status", CHALLENGE_STATUSES, ["draft"]);
  q.focusArea = enumList("focusArea", FOCUS_AREAS);
  q.instrument = enumList("instrument", INSTRUMENTS);

  const countries = listParam(raw, "country");
  if (countries) {
    const upper = countries.map((c) => c.toUpperCase());
    const bad = upper.filter((c) => !/^[A-Z]{2}$/.test(c));
    if (bad.length) errors.push({ pointer: "/query/country", message: "must be ISO 3166-1 alpha-2 codes (e.g. DE, FR, GR)" });
    else q.country = upper;
  }

  const hubs = listParam(raw, "hub");
  if (hubs) {
    const ids: string[] = [];
    for (const h of hubs) {
      if (/^[a-z0-9_]{1,30}$/.test(h)) ids.push(new URL(`/hubs/${h}`, opts.origin).href);
      else if (/^https?:\/\//.test(h) && URL.canParse(h)) ids.push(new URL(h).href);
      else errors.push({ pointer: "/query/hub", message: `${JSON.stringify(h)} is neither a hub handle nor a hub URL` });
    }
    if (ids.length) q.hub = ids;
  }

  const text = single(raw, "q");
  if (text !== undefined) {
    if (text.length > 200) errors.push({ pointer: "/query/q", message: "must be at most 200 characters" });
    else q.q = text;
  }

  for (const [name, end] of [["deadlineFrom", false], ["deadlineTo", true]] as const) {
    const v = single(raw, name);
    if (v === undefined) continue;
    const at = instant(v, end);
    if (at === null) errors.push({ pointer: `/query/${name}`, message: "must be a date (YYYY-MM-DD) or an RFC 3339 date-time with offset" });
    else q[name] = at;
  }
  if (q.deadlineFrom && q.deadlineTo && q.deadlineFrom > q.deadlineTo) {
    errors.push({ pointer: "/query/deadlineTo", message: "must not be before deadlineFrom" });
  }

  const sort = single(raw, "sort");
  if (sort !== undefined) {
    if (sort === "deadline" || sort === "newest") q.sort = sort;
    else errors.push({ pointer: "/query/sort", message: "must be \"deadline\" or \"newest\"" });
  }

  const limit = single(raw, "limit");
  if (limit !== undefined) {
    const n = Number(limit);
    if (!/^\d+$/.test(limit) || n < 1 || n > MAX_PAGE_SIZE) errors.push({ pointer: "/query/limit", message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` });
    else q.limit = n;
  }

  const cursor = single(raw, "cursor");
  if (cursor !== undefined) {
    if (cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) errors.push({ pointer: "/query/cursor", message: "is not a cursor returned by this API" });
    else q.cursor = cursor;
  }

  return errors.length ? { ok: false, errors } : { ok: true, query: q };
}

/** Rebuilds a query string for links (next page, feeds) from a parsed query. */
export function listingQueryToParams(q: ListingQuery, origin: string): URLSearchParams {
  const p = new URLSearchParams();
  const hubPrefix = new URL("/hubs/", origin).href;
  if (q.status) p.set("status", q.status.join(","));
  if (q.country) p.set("country", q.country.join(","));
  if (q.focusArea) p.set("focusArea", q.focusArea.join(","));
  if (q.instrument) p.set("instrument", q.instrument.join(","));
  if (q.hub) p.set("hub", q.hub.map((h) => (h.startsWith(hubPrefix) ? h.slice(hubPrefix.length) : h)).join(","));
  if (q.q) p.set("q", q.q);
  if (q.deadlineFrom) p.set("deadlineFrom", q.deadlineFrom);
  if (q.deadlineTo) p.set("deadlineTo", q.deadlineTo);
  if (q.sort) p.set("sort", q.sort);
  if (q.limit !== DEFAULT_PAGE_SIZE) p.set("limit", String(q.limit));
  return p;
}
