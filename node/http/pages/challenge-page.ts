// "/challenges/:key": one challenge in full, in the language the reader picks among the document's.
import type { Challenge, LanguageMap, Location } from "../../domain/types";
import { paths } from "../../domain/uris";
import type { StoredChallenge } from "../../domain/ports";
import { dateTime, hubLink, inLang, statusBadge, type HubLabel } from "./components";
import { nutsName } from "../../domain/codelists";
import { cpvLabelIn, docLanguages, formatBytes, formatMoney, label, ordinal, pick } from "./format";
import { html, linkOrText, mailtoHref, safeHttpUrl, type SafeHtml } from "./html";
import { renderMarkdown } from "./markdown";
import type { TFunction } from "i18next";
import { translator, type UiLanguage } from "../i18n";

export interface ChallengeView {
  challenge: StoredChallenge;
  /** The interface language (labels, headings); the content keeps `lang`. */
  ui?: UiLanguage;
  /** The content language shown (one of the document's languages). */
  lang: string;
  hub: HubLabel;
  /** The page's own URL (canonical, without ?lang). */
  pageUrl: string;
}

const MARKDOWN_SECTIONS = ["description", "eligibility", "howToApply", "evaluationCriteria", "additionalInformation"] as const;

export function challengeTitle(doc: Challenge, lang: string): string {
  return pick(doc.title, lang, doc.defaultLanguage)?.text ?? doc.id;
}

export function challengeHead(v: ChallengeView): SafeHtml {
  const doc = v.challenge.doc;
  const title = challengeTitle(doc, v.lang);
  const summary = pick(doc.summary, v.lang, doc.defaultLanguage)?.text;
  const image = safeHttpUrl(doc.image?.url);
  const alt = pick(doc.image?.alt, v.lang, doc.defaultLanguage)?.text;
  return html`<link rel="alternate" type="application/activity+json" href="${v.challenge.id}">
<link rel="canonical" href="${v.pageUrl}">
<meta property="og:type" content="article">
<meta property="og:title" content="${title}">
<meta property="og:url" content="${v.pageUrl}">
<meta property="og:locale" content="${v.lang}">
${summary ? html`<meta property="og:description" content="${summary}">
<meta name="description" content="${summary}">` : ""}
${image ? html`<meta property="og:image" content="${image}">` : ""}
${image && alt ? html`<meta property="og:image:alt" content="${alt}">` : ""}
${doc.published ? html`<meta property="article:published_time" content="${doc.published}">` : ""}
<meta property="article:modified_time" content="${doc.updated}">`;
}

function languageSwitch(doc: Challenge, current: string, t: TFunction): SafeHtml {
  const langs = docLanguages(doc);
  if (langs.length < 2) return html``;
  return html`<nav class="languages" aria-label="${t("challenge.language")}"><ul>${langs.map((l) => (l === current
    ? html`<li><a href="?lang=${l}" aria-current="true" hreflang="${l}" lang="${l}">${label("languages", l, l)}</a></li>`
    : html`<li><a href="?lang=${l}" hreflang="${l}" lang="${l}">${label("languages", l, l)}</a></li>`))}</ul></nav>`;
}

function location(loc: Location, lang: string, fallback: string, t: TFunction): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  if (loc.scope) parts.push(SCOPES.includes(loc.scope) ? t(`challenge.${loc.scope}`) : loc.scope);
  const name = pick(loc.name, lang, fallback);
  if (name) parts.push(inLang(name, lang));
  const street = [loc.streetAddress, [loc.postalCode, loc.locality].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  if (street) parts.push(street);
  if (loc.country) parts.push(label("countries", loc.country, lang));
  if (loc.nuts) {
    const region = nutsName(loc.nuts);
    parts.push(region ? html`NUTS <code>${loc.nuts}</code> ${region}` : html`NUTS <code>${loc.nuts}</code>`);
  }
  return html`${parts.map((p, i) => (i === 0 ? html`${p}` : html`, ${p}`))}`;
}

const SCOPES = ["anyw", "anyw-eea", "anyw-cou"];

function row(name: string, value: SafeHtml | string | null | undefined): SafeHtml {
  if (value === null || value === undefined || value === "") return html``;
  return html`<tr><th scope="row">${name}</th><td>${value}</td></tr>`;
}

function text(map: LanguageMap | undefined, lang: string, fallback: string): { text: string; lang: string } | null {
  return pick(map, lang, fallback);
}

function keyFacts(v: ChallengeView): SafeHtml {
  const d = v.challenge.doc;
  const L = v.lang;
  const F = d.defaultLanguage;
  const ui = v.ui ?? "en";
  const t = translator(ui);
  const window = d.submissionPeriod?.start || d.submissionPeriod?.end
    ? html`${d.submissionPeriod?.start ? dateTime(d.submissionPeriod.start) : "—"} ${t("challenge.to")} ${d.submissionPeriod?.end ? dateTime(d.submissionPeriod.end) : "—"}`
    : null;
  const prizes = (d.prizes ?? []).map((p, i) => {
    const title = text(p.title, L, F);
    const amount = formatMoney(p.amount);
    return html`<li>${title ? inLang(title, ui) : ui === "en" ? `${ordinal(p.rank ?? i + 1)} prize` : t("challenge.prize", { n: p.rank ?? i + 1 })}${amount ? html`: ${amount}` : ""}</li>`;
  });
  // Each code with its official label in the page's language (English where CPV has none).
  const cpvItem = (code: string) => {
    const l = cpvLabelIn(code, L);
    return html`<li><code>${code}</code>${l ? html` <span lang="${l.lang}">${l.text}</span>` : ""}</li>`;
  };
  const cpv = d.cpv ? html`<ul class="plain">${[d.cpv.main, ...(d.cpv.additional ?? [])].map(cpvItem)}</ul>` : null;
  const contact = d.contact
    ? html`${d.contact.name ?? ""}${d.contact.email ? html` ${mailtoHref(d.contact.email) ? html`<a href="${mailtoHref(d.contact.email)}">${d.contact.email}</a>` : d.contact.email}` : ""}${d.contact.telephone ? html` · ${d.contact.telephone}` : ""}${d.contact.url ? html` · ${linkOrText(d.contact.url, d.contact.url, { rel: "nofollow noopener" })}` : ""}`
    : null;
  const buyers = (d.buyers ?? []).map((b) => html`<li>${linkOrText(b.url, inLang(text(b.name, L, F), ui), { rel: "nofollow noopener" })}</li>`);
  return html`<table class="facts">
<caption>${t("challenge.keyFacts")}</caption>
<tbody>
${row(t("challenge.status"), html`${statusBadge(d.status, ui)}${text(d.statusReason, L, F) ? html` ${inLang(text(d.statusReason, L, F), ui)}` : ""}`)}
${row(t("challenge.instrument"), label("instruments", d.instrument, ui))}
${row(t("challenge.focusAreas"), d.focusAreas.map((f) => label("focus-areas", f, ui)).join(", "))}
${row(t("challenge.hub"), hubLink(v.hub))}
${row(t("challenge.buyers"), buyers.length ? html`<ul>${buyers}</ul>` : null)}
${row(t("challenge.reference"), d.referenceNumber)}
${row(t("challenge.deadline"), d.submissionPeriod?.end ? dateTime(d.submissionPeriod.end) : null)}
${row(t("challenge.window"), window)}
${row(t("challenge.enquiry"), d.enquiryPeriod?.end ? dateTime(d.enquiryPeriod.end) : null)}
${row(t("challenge.place"), d.placeOfPerformance.length ? html`<ul>${d.placeOfPerformance.map((p) => html`<li>${location(p, L, F, t)}</li>`)}</ul>` : null)}
${row(t("challenge.value"), formatMoney(d.estimatedValue))}
${row(t("challenge.prizes"), prizes.length ? html`<ul>${prizes}</ul>` : null)}
${row(t("challenge.otherRewards"), text(d.nonMonetaryRewards, L, F) ? inLang(text(d.nonMonetaryRewards, L, F), ui) : null)}
${row(t("challenge.cpv"), cpv)}
${row(t("challenge.submissionType"), d.submissionType ? label("submission-types", d.submissionType, ui) : null)}
${row(t("challenge.submissionLanguages"), d.submissionLanguages?.length ? d.submissionLanguages.map((l) => label("languages", l, ui)).join(", ") : null)}
${row(t("challenge.submitAt"), d.submissionUrl ? linkOrText(d.submissionUrl, d.submissionUrl, { rel: "nofollow noopener" }) : null)}
${row(t("challenge.decision"), d.expectedDecisionDate)}
${row(t("challenge.sme"), d.smeSuitable === undefined ? null : d.smeSuitable ? t("challenge.yes") : t("challenge.no"))}
${row(t("challenge.euFunded"), d.euFunded === undefined ? null : d.euFunded ? t("challenge.yes") : t("challenge.no"))}
${row(t("challenge.contact"), contact)}
</tbody>
</table>`;
}

function documents(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml {
  if (!d.documents?.length) return html``;
  return html`<section class="documents"><h2>${t("challenge.documents")}</h2><ul>${d.documents.map((doc) => {
    const title = text(doc.title, L, d.defaultLanguage);
    const meta = [
      label("document-types", doc.documentType, ui),
      doc.mediaType,
      doc.languages?.length ? doc.languages.join(", ") : null,
      formatBytes(doc.sizeBytes),
    ].filter((x): x is string => typeof x === "string" && x !== "");
    return html`<li>${linkOrText(doc.url, inLang(title, ui) ?? doc.url, { rel: "nofollow noopener" })} <span class="meta">(${meta.join(" · ")})</span>${doc.published ? html` <span class="meta">${t("challenge.publishedAt")} ${dateTime(doc.published)}</span>` : ""}</li>`;
  })}</ul></section>`;
}

function milestones(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml {
  if (!d.milestones?.length) return html``;
  const sorted = [...d.milestones].sort((a, b) => Date.parse(a.dateTime) - Date.parse(b.dateTime));
  return html`<section class="milestones"><h2>${t("challenge.milestones")}</h2><ul>${sorted.map((m) => {
    const title = text(m.title, L, d.defaultLanguage);
    const where = m.online ? t("challenge.online") : m.location ? location(m.location, L, d.defaultLanguage, t) : null;
    return html`<li>${dateTime(m.dateTime)}${m.endTime ? html` ${t("challenge.to")} ${dateTime(m.endTime)}` : ""}: <strong>${label("milestone-types", m.type, ui)}</strong>${title ? html` — ${inLang(title, ui)}` : ""}${where ? html` (${where})` : ""}${safeHttpUrl(m.url) ? html` · ${linkOrText(m.url, t("challenge.details"), { rel: "nofollow noopener" })}` : ""}</li>`;
  })}</ul></section>`;
}

function changeLog(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml {
  if (!d.changeLog?.length) return html``;
  const sorted = [...d.changeLog].sort((a, b) => b.revision - a.revision);
  return html`<section class="changes"><h2>${t("challenge.changes")}</h2><ul>${sorted.map((c) => {
    const desc = text(c.description, L, d.defaultLanguage);
    return html`<li>${t("challenge.revision", { n: c.revision })}, ${dateTime(c.date)}: ${label("change-reasons", c.reason, ui)}${desc ? html` — ${inLang(desc, ui)}` : ""}</li>`;
  })}</ul></section>`;
}

export function challengeBody(v: ChallengeView): SafeHtml {
  const d = v.challenge.doc;
  const L = v.lang;
  const F = d.defaultLanguage;
  const title = challengeTitle(d, L);
  const summary = text(d.summary, L, F);
  const image = safeHttpUrl(d.image?.url);
  const alt = text(d.image?.alt, L, F)?.text ?? "";
  const ui = v.ui ?? "en";
  const t = translator(ui);
  return html`<article class="challenge" lang="${L}">
${languageSwitch(d, L, t)}
<h1>${title}</h1>
<p class="badges" lang="${ui}">${statusBadge(d.status, ui)}</p>
${summary ? inLang(summary, L, "p") : ""}
${v.challenge.key && (d.submissionPeriod?.end || d.enquiryPeriod?.end || d.milestones?.length)
    ? html`<p class="calendar-link" lang="${ui}"><a href="${`${paths.challenge(v.challenge.key)}/calendar.ics`}" type="text/calendar">${t("challenge.calendar")}</a></p>`
    : ""}
${image ? html`<img class="hero" src="${image}" alt="${alt}">` : ""}
<div lang="${ui}">${keyFacts(v)}</div>
${MARKDOWN_SECTIONS.map((field) => {
    const section = text(d[field], L, F);
    if (!section) return html``;
    return html`<section class="markdown"><h2 lang="${ui}">${t(`challenge.${field}`)}</h2><div lang="${section.lang}">${renderMarkdown(section.text)}</div></section>`;
  })}
<div lang="${ui}">
${documents(d, L, ui, t)}
${milestones(d, L, ui, t)}
${changeLog(d, L, ui, t)}
<p class="revision">${t("challenge.revision", { n: d.revision })}${d.published ? html` · ${t("challenge.publishedAt")} ${dateTime(d.published)}` : ""} · ${t("challenge.updatedAt")} ${dateTime(d.updated)}
${v.challenge.key ? html` · <a href="${paths.canonicalChallenge(v.challenge.key)}" type="application/json">${t("challenge.canonical")}</a>` : ""}</p>
</div>
</article>`;
}
