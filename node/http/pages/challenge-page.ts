// "/challenges/:key": one challenge in full, in the language the reader picks among the document's.
import type { Challenge, LanguageMap, Location } from "../../domain/types";
import { paths } from "../../domain/uris";
import type { StoredChallenge } from "../../domain/ports";
import { dateTime, hubLink, inLang, statusBadge, type HubLabel } from "./components";
import { nutsName } from "../../domain/codelists";
import { cpvLabelIn, docLanguages, formatBytes, formatMoney, label, ordinal, pick, UI_LANGUAGE } from "./format";
import { html, linkOrText, mailtoHref, safeHttpUrl, type SafeHtml } from "./html";
import { renderMarkdown } from "./markdown";

export interface ChallengeView {
  challenge: StoredChallenge;
  /** The content language shown (one of the document's languages). */
  lang: string;
  hub: HubLabel;
  /** The page's own URL (canonical, without ?lang). */
  pageUrl: string;
}

const MARKDOWN_SECTIONS = [
  ["description", "Description"],
  ["eligibility", "Eligibility"],
  ["howToApply", "How to apply"],
  ["evaluationCriteria", "Evaluation criteria"],
  ["additionalInformation", "Additional information"],
] as const;

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

function languageSwitch(doc: Challenge, current: string): SafeHtml {
  const langs = docLanguages(doc);
  if (langs.length < 2) return html``;
  return html`<nav class="languages" aria-label="Language"><ul>${langs.map((l) => (l === current
    ? html`<li><a href="?lang=${l}" aria-current="true" hreflang="${l}" lang="${l}">${label("languages", l, l)}</a></li>`
    : html`<li><a href="?lang=${l}" hreflang="${l}" lang="${l}">${label("languages", l, l)}</a></li>`))}</ul></nav>`;
}

function location(loc: Location, lang: string, fallback: string): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  if (loc.scope) parts.push(SCOPES[loc.scope] ?? loc.scope);
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

const SCOPES: Record<string, string> = {
  anyw: "Anywhere",
  "anyw-eea": "Anywhere in the EEA",
  "anyw-cou": "Anywhere in the country",
};

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
  const window = d.submissionPeriod?.start || d.submissionPeriod?.end
    ? html`${d.submissionPeriod?.start ? dateTime(d.submissionPeriod.start) : "—"} to ${d.submissionPeriod?.end ? dateTime(d.submissionPeriod.end) : "—"}`
    : null;
  const prizes = (d.prizes ?? []).map((p, i) => {
    const title = text(p.title, L, F);
    const amount = formatMoney(p.amount);
    return html`<li>${title ? inLang(title, UI_LANGUAGE) : `${ordinal(p.rank ?? i + 1)} prize`}${amount ? html`: ${amount}` : ""}</li>`;
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
  const buyers = (d.buyers ?? []).map((b) => html`<li>${linkOrText(b.url, inLang(text(b.name, L, F), UI_LANGUAGE), { rel: "nofollow noopener" })}</li>`);
  return html`<table class="facts">
<caption>Key facts</caption>
<tbody>
${row("Status", html`${statusBadge(d.status)}${text(d.statusReason, L, F) ? html` ${inLang(text(d.statusReason, L, F), UI_LANGUAGE)}` : ""}`)}
${row("Instrument", label("instruments", d.instrument))}
${row("Focus areas", d.focusAreas.map((f) => label("focus-areas", f)).join(", "))}
${row("Hub", hubLink(v.hub))}
${row("Buyers", buyers.length ? html`<ul>${buyers}</ul>` : null)}
${row("Reference number", d.referenceNumber)}
${row("Deadline", d.submissionPeriod?.end ? dateTime(d.submissionPeriod.end) : null)}
${row("Submission window", window)}
${row("Enquiry deadline", d.enquiryPeriod?.end ? dateTime(d.enquiryPeriod.end) : null)}
${row("Place of performance", d.placeOfPerformance.length ? html`<ul>${d.placeOfPerformance.map((p) => html`<li>${location(p, L, F)}</li>`)}</ul>` : null)}
${row("Estimated value", formatMoney(d.estimatedValue))}
${row("Prizes", prizes.length ? html`<ul>${prizes}</ul>` : null)}
${row("Other rewards", text(d.nonMonetaryRewards, L, F) ? inLang(text(d.nonMonetaryRewards, L, F), UI_LANGUAGE) : null)}
${row("CPV", cpv)}
${row("Submission type", d.submissionType ? label("submission-types", d.submissionType) : null)}
${row("Submission languages", d.submissionLanguages?.length ? d.submissionLanguages.map((l) => label("languages", l)).join(", ") : null)}
${row("Submit at", d.submissionUrl ? linkOrText(d.submissionUrl, d.submissionUrl, { rel: "nofollow noopener" }) : null)}
${row("Expected decision", d.expectedDecisionDate)}
${row("Suitable for SMEs", d.smeSuitable === undefined ? null : d.smeSuitable ? "Yes" : "No")}
${row("EU funded", d.euFunded === undefined ? null : d.euFunded ? "Yes" : "No")}
${row("Contact", contact)}
</tbody>
</table>`;
}

function documents(d: Challenge, L: string): SafeHtml {
  if (!d.documents?.length) return html``;
  return html`<section class="documents"><h2>Documents</h2><ul>${d.documents.map((doc) => {
    const title = text(doc.title, L, d.defaultLanguage);
    const meta = [
      label("document-types", doc.documentType),
      doc.mediaType,
      doc.languages?.length ? doc.languages.join(", ") : null,
      formatBytes(doc.sizeBytes),
    ].filter((x): x is string => typeof x === "string" && x !== "");
    return html`<li>${linkOrText(doc.url, inLang(title, UI_LANGUAGE) ?? doc.url, { rel: "nofollow noopener" })} <span class="meta">(${meta.join(" · ")})</span>${doc.published ? html` <span class="meta">published ${dateTime(doc.published)}</span>` : ""}</li>`;
  })}</ul></section>`;
}

function milestones(d: Challenge, L: string): SafeHtml {
  if (!d.milestones?.length) return html``;
  const sorted = [...d.milestones].sort((a, b) => Date.parse(a.dateTime) - Date.parse(b.dateTime));
  return html`<section class="milestones"><h2>Milestones</h2><ul>${sorted.map((m) => {
    const title = text(m.title, L, d.defaultLanguage);
    const where = m.online ? "online" : m.location ? location(m.location, L, d.defaultLanguage) : null;
    return html`<li>${dateTime(m.dateTime)}${m.endTime ? html` to ${dateTime(m.endTime)}` : ""}: <strong>${label("milestone-types", m.type)}</strong>${title ? html` — ${inLang(title, UI_LANGUAGE)}` : ""}${where ? html` (${where})` : ""}${safeHttpUrl(m.url) ? html` · ${linkOrText(m.url, "details", { rel: "nofollow noopener" })}` : ""}</li>`;
  })}</ul></section>`;
}

function changeLog(d: Challenge, L: string): SafeHtml {
  if (!d.changeLog?.length) return html``;
  const sorted = [...d.changeLog].sort((a, b) => b.revision - a.revision);
  return html`<section class="changes"><h2>Changes</h2><ul>${sorted.map((c) => {
    const desc = text(c.description, L, d.defaultLanguage);
    return html`<li>Revision ${c.revision}, ${dateTime(c.date)}: ${label("change-reasons", c.reason)}${desc ? html` — ${inLang(desc, UI_LANGUAGE)}` : ""}</li>`;
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
  return html`<article class="challenge" lang="${L}">
${languageSwitch(d, L)}
<h1>${title}</h1>
<p class="badges" lang="${UI_LANGUAGE}">${statusBadge(d.status)}</p>
${summary ? inLang(summary, L, "p") : ""}
${v.challenge.key && (d.submissionPeriod?.end || d.enquiryPeriod?.end || d.milestones?.length)
    ? html`<p class="calendar-link" lang="${UI_LANGUAGE}"><a href="${`${paths.challenge(v.challenge.key)}/calendar.ics`}" type="text/calendar">Add the deadline and dates to your calendar (iCal)</a></p>`
    : ""}
${image ? html`<img class="hero" src="${image}" alt="${alt}">` : ""}
<div lang="${UI_LANGUAGE}">${keyFacts(v)}</div>
${MARKDOWN_SECTIONS.map(([field, heading]) => {
    const t = text(d[field], L, F);
    if (!t) return html``;
    return html`<section class="markdown"><h2 lang="${UI_LANGUAGE}">${heading}</h2><div lang="${t.lang}">${renderMarkdown(t.text)}</div></section>`;
  })}
<div lang="${UI_LANGUAGE}">
${documents(d, L)}
${milestones(d, L)}
${changeLog(d, L)}
<p class="revision">Revision ${d.revision}${d.published ? html` · published ${dateTime(d.published)}` : ""} · updated ${dateTime(d.updated)}
${v.challenge.key ? html` · <a href="${paths.canonicalChallenge(v.challenge.key)}" type="application/json">Canonical JSON</a>` : ""}</p>
</div>
</article>`;
}
