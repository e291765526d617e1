// "/": the listing of challenges with a plain GET filter form (works without JavaScript).
import { CHALLENGE_STATUSES, FOCUS_AREAS, INSTRUMENTS } from "../../domain/types";
import type { FacetCounts, ListingFacet, ListingPage, ListingQuery } from "../../domain/ports";
import { listingQueryToParams } from "../listing-query";
import { subscribeControl, type SubscribeTargets } from "./subscribe";
import { challengeCard, type HubLabel } from "./components";
import { getCodeList, LANGUAGE_TAGS } from "../../domain/codelists";
import { countryOptions, label } from "./format";
import { html, type SafeHtml } from "./html";
import { translator, type UiLanguage } from "../i18n";
import { searchTerms } from "../../domain/word-forms";

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

/**
 * The order choices. The default (the empty value) is relevance for a search and the nearest deadline
 * otherwise, so a search typed into a form that showed the default is ranked (listing-sort.ts).
 */
function sortOptions(sort: string, searching: boolean, t: ReturnType<typeof translator>): SafeHtml[] {
  const chosen = sort === "relevance" || (sort === "deadline" && !searching) ? "" : sort;
  return [
    option("", t(searching ? "filters.sortRelevance" : "filters.sortDeadline"), chosen === ""),
    ...(searching ? [option("deadline", t("filters.sortDeadline"), chosen === "deadline")] : []),
    option("newest", t("filters.sortNewest"), chosen === "newest"),
  ];
}

/** The filter form; with `counts`, each choice says how many challenges it gives (with the other filters). */
export function filterForm(raw: RawQuery, q: ListingQuery | null, ui: UiLanguage = "en", counts: FacetCounts = {}): SafeHtml {
  const t = translator(ui);
  // "France (2)": a choice's count, when the facet was counted.
  const n = (facet: ListingFacet, value: string, text: string) => {
    const c = counts[facet];
    return c ? `${text} (${(c[value] ?? 0).toLocaleString(ui)})` : text;
  };
  const statuses = q?.status ?? DEFAULT_STATUSES;
  const one = (values: string[] | undefined, fallback: string) => values?.[0] ?? fallback;
  const country = one(q?.country, rawValue(raw, "country").toUpperCase());
  const focus = one(q?.focusArea, rawValue(raw, "focusArea"));
  const instrument = one(q?.instrument, rawValue(raw, "instrument"));
  const sort = q?.sort ?? rawValue(raw, "sort");
  const searching = searchTerms(q?.q ?? rawValue(raw, "q")).length > 0;
  const hub = rawValue(raw, "hub");
  const language = one(q?.language, rawValue(raw, "language"));
  const procedure = one(q?.procedureType, rawValue(raw, "procedureType"));
  const closing = q?.closingWithin ? String(q.closingWithin) : rawValue(raw, "closingWithin");
  const list = (values: string[] | undefined, name: string) => values?.join(", ") ?? rawValue(raw, name);
  return html`<form class="filters" method="get" action="/">
<fieldset class="statuses"><legend>${t("filters.status")}</legend>
${PUBLIC_STATUSES.map((s) => html`<label><input type="checkbox" name="status" value="${s}"${statuses.includes(s) ? html` checked` : ""}> ${n("status", s, label("status", s, ui))}</label>
`)}</fieldset>
<label>${t("filters.country")} <select name="country">${option("", t("filters.any"), country === "")}${countryOptions(ui).map((c) => option(c.code, n("country", c.code, c.label), c.code === country))}</select></label>
<label>${t("filters.focusArea")} <select name="focusArea">${option("", t("filters.any"), focus === "")}${FOCUS_AREAS.map((f) => option(f, n("focusArea", f, label("focus-areas", f, ui)), f === focus))}</select></label>
<label>${t("filters.instrument")} <select name="instrument">${option("", t("filters.any"), instrument === "")}${INSTRUMENTS.map((i) => option(i, n("instrument", i, label("instruments", i, ui)), i === instrument))}</select></label>
<label>${t("filters.search")} <input type="search" name="q" maxlength="200" value="${rawValue(raw, "q")}"></label>
<label>${t("filters.cpv")} <input type="text" name="cpv" inputmode="numeric" aria-describedby="cpv-hint" value="${list(q?.cpv, "cpv")}"></label>
<span class="hint" id="cpv-hint">${t("filters.cpvHint")}</span>
<label>${t("filters.nuts")} <input type="text" name="nuts" aria-describedby="nuts-hint" value="${list(q?.nuts, "nuts")}"></label>
<span class="hint" id="nuts-hint">${t("filters.nutsHint")}</span>
<label>${t("filters.language")} <select name="language">${option("", t("filters.any"), language === "")}${LANGUAGE_TAGS.map((l) => option(l, n("language", l, label("languages", l, ui)), l === language))}</select></label>
<label>${t("filters.procedure")} <select name="procedureType">${option("", t("filters.any"), procedure === "")}${PROCEDURE_TYPES.map((p) => option(p, n("procedureType", p, label("procedure-types", p, ui)), p === procedure))}</select></label>
<label>${t("filters.closingWithin")} <select name="closingWithin">${option("", t("filters.anyTime"), closing === "")}${CLOSING_CHOICES.map((d) => option(String(d), t("filters.days", { count: d }), String(d) === closing))}</select></label>
<label><input type="checkbox" name="sme" value="true"${q?.sme ? html` checked` : ""}> ${n("sme", "true", t("filters.sme"))}</label>
<label><input type="checkbox" name="euFunded" value="true"${q?.euFunded ? html` checked` : ""}> ${n("euFunded", "true", t("filters.euFunded"))}</label>
<label>${t("filters.deadlineFrom")} <input type="date" name="deadlineFrom" value="${dateValue(rawValue(raw, "deadlineFrom"))}"></label>
<label>${t("filters.deadlineTo")} <input type="date" name="deadlineTo" value="${dateValue(rawValue(raw, "deadlineTo"))}"></label>
<label>${t("filters.sort")} <select name="sort">${sortOptions(sort, searching, t)}</select></label>
${hub ? html`<input type="hidden" name="hub" value="${hub}">` : ""}
<button type="submit">${t("filters.submit")}</button>
</form>`;
}

export interface ListingView {
  raw: RawQuery;
  query: ListingQuery;
  page: ListingPage;
  /** How many challenges match in all pages. */
  total: number;
  /** Per filter choice, how many challenges it gives with the other filters. */
  facets?: FacetCounts;
  hubs: Map<string, HubLabel>;
  origin: string;
  ui?: UiLanguage;
}

/** The feeds and calendar of exactly this selection (no paging). */
export function listingSubscription(q: ListingQuery, origin: string): SubscribeTargets {
  const params = listingQueryToParams({ ...q, cursor: undefined, limit: 20 }, origin).toString();
  return { base: "/feed", calendar: "/calendar.ics", query: params ? `?${params}` : "", title: "Innovation challenges" };
}

export function listingBody(v: ListingView): SafeHtml {
  const pageHref = (cursor: string | null) => {
    if (!cursor) return null;
    const params = listingQueryToParams(v.query, v.origin);
    params.set("cursor", cursor);
    return `/?${params.toString()}`;
  };
  const next = pageHref(v.page.nextCursor);
  const prev = pageHref(v.page.prevCursor);
  const ui = v.ui ?? "en";
  const t = translator(ui);
  return html`<h1>${t("listing.title")}</h1>
${filterForm(v.raw, v.query, ui, v.facets)}
${subscribeControl(listingSubscription(v.query, v.origin), ui)}
<p class="count" role="status">${t("listing.count", { count: v.total, n: v.total.toLocaleString(ui) })}</p>
<section class="results" aria-label="${t("listing.results")}">
${v.page.items.length === 0
    ? html`<p class="empty">${t("listing.empty")}</p>`
    : html`<ol class="cards">${v.page.items.map((c) => challengeCard(c, v.hubs.get(c.doc.hub) ?? { name: c.doc.hub, href: null }, 2, ui))}</ol>`}
</section>
${next || prev ? html`<nav class="pager" aria-label="${t("listing.pages")}">${prev ? html`<a rel="prev" href="${prev}">${t("listing.previous")}</a>` : ""}${next ? html`<a rel="next" href="${next}">${t("listing.next")}</a>` : ""}</nav>` : ""}`;
}
