// /hubs: the directory of the hubs that publish on this node and of those mirrored from its peers
// (hub-directory.ts gathers both), filterable by country and hub type.
import type { FieldError } from "../../domain/errors";
import { COUNTRY_CODES } from "../../domain/codelists";
import { type Hub, HUB_TYPES, type HubType } from "../../domain/types";
import { label, pick } from "./format";
import { html, type SafeHtml } from "./html";
import { translator, UI_PARAM, type UiLanguage } from "../i18n";

export interface HubsFilter { country?: string; type?: HubType }
export interface HubEntry {
  doc: Hub;
  /** Where its card links: the hub's page here, or this node's copy of a peer's hub profile. */
  href: string;
  /** The host of the peer node a mirrored hub publishes on; null for this node's own hubs. */
  node: string | null;
  challenges: number;
}

/** The filter of a /hubs request, or the errors that name what is allowed. Unknown parameters are refused. */
export function parseHubsFilter(query: Record<string, unknown>): { ok: true; filter: HubsFilter } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const filter: HubsFilter = {};
  for (const [k, v] of Object.entries(query)) {
    const value = typeof v === "string" ? v.trim() : undefined;
    if (k === "country") {
      if (value && !(COUNTRY_CODES as readonly string[]).includes(value.toUpperCase())) errors.push({ pointer: "/query/country", message: `must be one of ${COUNTRY_CODES.join(", ")}` });
      else if (value) filter.country = value.toUpperCase();
    } else if (k === "type") {
      if (value && !(HUB_TYPES as readonly string[]).includes(value)) errors.push({ pointer: "/query/type", message: `must be one of ${HUB_TYPES.join(", ")}` });
      else if (value) filter.type = value as HubType;
    } else if (k !== UI_PARAM) {
      errors.push({ pointer: `/query/${k}`, message: "is not a filter of this page (allowed: country, type)" });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, filter };
}

export function matchesHubsFilter(doc: Hub, f: HubsFilter): boolean {
  return (!f.country || doc.country === f.country) && (!f.type || doc.hubType === f.type);
}

function filterForm(f: HubsFilter, ui: UiLanguage): SafeHtml {
  const t = translator(ui);
  const option = (value: string, text: string, selected: boolean) => html`<option value="${value}"${selected ? html` selected` : ""}>${text}</option>`;
  return html`<form class="filters" method="get" action="/hubs">
<label>${t("hubs.country")} <select name="country">${option("", t("hubs.anyCountry"), !f.country)}${COUNTRY_CODES.map((c) => option(c, label("countries", c, ui), f.country === c))}</select></label>
<label>${t("hubs.type")} <select name="type">${option("", t("hubs.anyType"), !f.type)}${HUB_TYPES.map((ty) => option(ty, label("hub-types", ty, ui), f.type === ty))}</select></label>
<button type="submit">${t("hubs.show")}</button>
</form>`;
}

export function hubsBody(entries: readonly HubEntry[], f: HubsFilter, ui: UiLanguage = "en"): SafeHtml {
  const t = translator(ui);
  const items = entries.map(({ doc, href, node, challenges }) => {
    const name = pick(doc.name, doc.defaultLanguage, doc.defaultLanguage);
    return html`<li class="card"><h2><a href="${href}"${name?.lang ? html` lang="${name.lang}"` : ""}>${name?.text ?? doc.preferredUsername}</a></h2>
<p class="card-meta"><span>${label("hub-types", doc.hubType, ui)}</span><span>${label("countries", doc.country, ui)}</span><span>${t("hubs.publicChallenges", { count: challenges })}</span>${node ? html`<span class="node">${t("hubs.fromNode", { node })}</span>` : ""}</p></li>`;
  });
  return html`<h1>${t("hubs.title")}</h1>
<p>${t("hubs.intro")} ${t("hubs.mirroredIntro")}</p>
${filterForm(f, ui)}
<p role="status">${t("hubs.count", { count: entries.length })}</p>
${entries.length ? html`<ul class="cards">${items}</ul>` : html`<p>${t("hubs.none")}</p>`}`;
}
