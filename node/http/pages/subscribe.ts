// "Subscribe" on every listing: the <link rel="alternate"> elements feed readers discover, and the
// visible links people click. The URLs keep the page's filters (node/http/feeds/ serves them).
import { html, type SafeHtml } from "./html";
import { translator, type UiLanguage } from "../i18n";

/** base: "/feed" or "/hubs/x/feed"; calendar: the matching .ics path; query: "" or "?…". */
export interface SubscribeTargets { base: string; calendar: string; query: string; title: string }

const FORMATS = [
  { ext: "atom", type: "application/atom+xml", label: "Atom" },
  { ext: "rss", type: "application/rss+xml", label: "RSS" },
  { ext: "json", type: "application/feed+json", label: "JSON Feed" },
] as const;

export function alternateLinks(t: SubscribeTargets): SafeHtml {
  return html`${FORMATS.map((f) => html`<link rel="alternate" type="${f.type}" title="${`${t.title} (${f.label})`}" href="${`${t.base}.${f.ext}${t.query}`}">
`)}<link rel="alternate" type="text/calendar" title="${`${t.title} (calendar)`}" href="${`${t.calendar}${t.query}`}">`;
}

export function subscribeControl(t: SubscribeTargets, ui: UiLanguage = "en"): SafeHtml {
  const tr = translator(ui);
  return html`<nav class="subscribe" aria-label="${tr("subscribe.label")}"><span>${tr("subscribe.prefix")}</span>
<ul>${FORMATS.map((f) => html`<li><a href="${`${t.base}.${f.ext}${t.query}`}" type="${f.type}">${f.label}</a></li>`)}<li><a href="${`${t.calendar}${t.query}`}" type="text/calendar">${tr("subscribe.calendar")}</a></li></ul>
</nav>`;
}
