// "/": the listing of challenges with a plain GET filter form (works without JavaScript).
import { CHALLENGE_STATUSES, FOCUS_AREAS, INSTRUMENTS } from "../../domain/types";
import type { ListingPage, ListingQuery } from "../../domain/ports";
import { listingQueryToParams } from "../listing-query";
import { subscribeControl, type SubscribeTargets } from "./subscribe";
import { challengeCard, type HubLabel } from "./components";
import { getCodeList, LANGUAGE_TAGS } from "../../domain/codelists";
import { countryOptions, label } from "./format";
import { html, type SafeHtml } from "./html";

const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");
const PROCEDURE_TYPES = (getCodeList("procedure-types")?.codes ?? []).map((c) => c.code);
const CLOSING_CHOICES = [7, 14, 30, 60, 90];
const DEFAULT_STATUSES = ["open", "forthcoming"];

/** The raw form values as the user typed them (to refill the form), one string per field. */
type RawQuery = Record<string, unknown>;
function rawValue(raw: RawQuery, name: string): string {
  const v = raw[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === "string" ? s : "";
}
/** A date input only holds YYYY-MM-DD; next-page links carry full instants. */
const dateValue = (s: string) => (/^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : "");

function option(value: string, text: string, selected: boolean): SafeHtml {
  return selected ? html`<option value="${value}" selected>${text}</option>` : html`<option value="${value}">${text}</option>`;
}

export function filterForm(raw: RawQuery, q: ListingQuery | null): SafeHtml {
  const statuses = q?.status ?? DEFAULT_STATUSES;
  const one = (values: string[] | undefined, fallback: string) => values?.[0] ?? fallback;
  const country = one(q?.country, rawValue(raw, "country").toUpperCase());
  const focus = one(q?.focusArea, rawValue(raw, "focusArea"));
  const instrument = one(q?.instrument, rawValue(raw, "instrument"));
  const sort = q?.sort ?? rawValue(raw, "sort");
  const hub = rawValue(raw, "hub");
  const language = one(q?.language, rawValue(raw, "language"));
  const procedure = one(q?.procedureType, rawValue(raw, "procedureType"));
  const closing = q?.closingWithin ? String(q.closingWithin) : rawValue(raw, "closingWithin");
  const list = (values: string[] | undefined, name: string) => values?.join(", ") ?? rawValue(raw, name);
  return html`<form class="filters" method="get" action="/">
<fieldset class="statuses"><legend>Status</legend>
${PUBLIC_STATUSES.map((s) => html`<label><input type="checkbox" name="status" value="${s}"${statuses.includes(s) ? html` checked` : ""}> ${label("status", s)}</label>
`)}</fieldset>
<label>Country <select name="country">${option("", "Any", country === "")}${countryOptions().map((c) => option(c.code, c.label, c.code === country))}</select></label>
<label>Focus area <select name="focusArea">${option("", "Any", focus === "")}${FOCUS_AREAS.map((f) => option(f, label("focus-areas", f), f === focus))}</select></label>
<label>Instrument <select name="instrument">${option("", "Any", instrument === "")}${INSTRUMENTS.map((i) => option(i, label("instruments", i), i === instrument))}</select></label>
<label>Search <input type="search" name="q" maxlength="200" value="${rawValue(raw, "q")}"></label>
<label>CPV codes <input type="text" name="cpv" inputmode="numeric" aria-describedby="cpv-hint" value="${list(q?.cpv, "cpv")}"></label>
<span class="hint" id="cpv-hint">e.g. 72000000 for every IT service; several separated by commas</span>
<label>NUTS regions <input type="text" name="nuts" aria-describedby="nuts-hint" value="${list(q?.nuts, "nuts")}"></label>
<span class="hint" id="nuts-hint">e.g. FR1 for Île-de-France and every region in it</span>
<label>Language <select name="language">${option("", "Any", language === "")}${LANGUAGE_TAGS.map((l) => option(l, label("languages", l), l === language))}</select></label>
<label>Procedure <select name="procedureType">${option("", "Any", procedure === "")}${PROCEDURE_TYPES.map((p) => option(p, label("procedure-types", p), p === procedure))}</select></label>
<label>Closing within <select name="closingWithin">${option("", "Any time", closing === "")}${CLOSING_CHOICES.map((d) => option(String(d), `${d} days`, String(d) === closing))}</select></label>
<label><input type="checkbox" name="sme" value="true"${q?.sme ? html` checked` : ""}> Suitable for SMEs</label>
<label><input type="checkbox" name="euFunded" value="true"${q?.euFunded ? html` checked` : ""}> EU-funded</label>
<label>Deadline from <input type="date" name="deadlineFrom" value="${dateValue(rawValue(raw, "deadlineFrom"))}"></label>
<label>Deadline to <input type="date" name="deadlineTo" value="${dateValue(rawValue(raw, "deadlineTo"))}"></label>
<label>Sort <select name="sort">${option("deadline", "Nearest deadline first", sort !== "newest")}${option("newest", "Newest first", sort === "newest")}</select></label>
${hub ? html`<input type="hidden" name="hub" value="${hub}">` : ""}
<button type="submit">Filter</button>
</form>`;
}

export interface ListingView {
  raw: RawQuery;
  query: ListingQuery;
  page: ListingPage;
  /** How many challenges match in all pages. */
  total: number;
  hubs: Map<string, HubLabel>;
  origin: string;
}

/** The feeds and calendar of exactly this selection (no paging). */
export function listingSubscription(q: ListingQuery, origin: string): SubscribeTargets {
  const params = listingQueryToParams({ ...q, cursor: undefined, limit: 20 }, origin).toString();
  return { base: "/feed", calendar: "/calendar.ics", query: params ? `?${params}` : "", title: "Innovation challenges" };
}

export function listingBody(v: ListingView): SafeHtml {
  let next: string | null = null;
  if (v.page.nextCursor) {
    const params = listingQueryToParams(v.query, v.origin);
    params.set("cursor", v.page.nextCursor);
    next = `/?${params.toString()}`;
  }
  return html`<h1>Innovation challenges</h1>
${filterForm(v.raw, v.query)}
${subscribeControl(listingSubscription(v.query, v.origin))}
<p class="count" role="status">${v.total === 1 ? "1 challenge" : `${v.total.toLocaleString("en")} challenges`} match${v.total === 1 ? "es" : ""} these filters</p>
<section class="results" aria-label="Challenges">
${v.page.items.length === 0
    ? html`<p class="empty">No challenges match these filters.</p>`
    : html`<ol class="cards">${v.page.items.map((c) => challengeCard(c, v.hubs.get(c.doc.hub) ?? { name: c.doc.hub, href: null }))}</ol>`}
</section>
${next ? html`<nav class="pager"><a rel="next" href="${next}">Next page</a></nav>` : ""}`;
}
