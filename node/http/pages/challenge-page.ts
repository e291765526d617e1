// "/challenges/:key": one challenge in full, in the language the reader picks among the document's.
import type { Challenge, LanguageMap, Location } from "../../domain/types";
import { paths } from "../../domain/uris";
import type { StoredChallenge } from "../../domain/ports";
import { challengeHref, dateTime, hubLink, inLang, mirroredNote, statusBadge, timeLeft, type HubLabel } from "./components";
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
  /** The page's own URL in this content and interface language (the layout names it canonical). */
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
    const amount = formatMoney(p.amount, ui);
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
${row(t("challenge.window"), window)}
${row(t("challenge.place"), d.placeOfPerformance.length ? html`<ul>${d.placeOfPerformance.map((p) => html`<li>${location(p, L, F, t)}</li>`)}</ul>` : null)}
${row(t("challenge.value"), formatMoney(d.estimatedValue, ui))}
${row(t("challenge.prizes"), prizes.length ? html`<ul>${prizes}</ul>` : null)}
${row(t("challenge.otherRewards"), text(d.nonMonetaryRewards, L, F) ? inLang(text(d.nonMonetaryRewards, L, F), ui) : null)}
${row(t("challenge.cpv"), cpv)}
${row(t("challenge.submissionLanguages"), d.submissionLanguages?.length ? d.submissionLanguages.map((l) => label("languages", l, ui)).join(", ") : null)}
${row(t("challenge.decision"), d.expectedDecisionDate)}
${row(t("challenge.procedure"), d.procedureType ? label("procedure-types", d.procedureType, ui) : null)}
${row(t("challenge.contractNature"), d.contractNature ? label("contract-natures", d.contractNature, ui) : null)}
${row(t("challenge.innovationTypes"), d.innovationTypes?.length ? d.innovationTypes.map((i) => label("innovation-types", i, ui)).join(", ") : null)}
${row(t("challenge.eligibleApplicants"), d.eligibleApplicantTypes?.length ? d.eligibleApplicantTypes.map((a) => label("applicant-types", a, ui)).join(", ") : null)}
${row(t("challenge.contractPeriod"), contractPeriod(d, t))}
${row(t("challenge.followUp"), followUp(d, L, ui, t))}
${row(t("challenge.fundingProgrammes"), d.fundingProgrammes?.length ? html`<ul class="plain">${d.fundingProgrammes.map((f) => html`<li>${f}</li>`)}</ul>` : null)}
${row(t("challenge.relatedNotices"), relatedNotices(d))}
${row(t("challenge.sme"), d.smeSuitable === undefined ? null : d.smeSuitable ? t("challenge.yes") : t("challenge.no"))}
${row(t("challenge.euFunded"), d.euFunded === undefined ? null : d.euFunded ? t("challenge.yes") : t("challenge.no"))}
${row(t("challenge.contact"), contact)}
</tbody>
</table>`;
}

function contractPeriod(d: Challenge, t: TFunction): SafeHtml | null {
  const p = d.contractPeriod;
  if (!p || (!p.startDate && !p.endDate && p.durationMonths === undefined)) return null;
  const dates = p.startDate || p.endDate ? html`${p.startDate ?? "—"} ${t("challenge.to")} ${p.endDate ?? "—"}` : null;
  const months = p.durationMonths !== undefined ? t("challenge.months", { count: p.durationMonths }) : null;
  return html`${dates ?? ""}${dates && months ? " · " : ""}${months ?? ""}`;
}

function followUp(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml | null {
  const f = d.followUp;
  if (!f) return null;
  if (!f.planned) return html`${t("challenge.followUpNone")}`;
  const desc = text(f.description, L, d.defaultLanguage);
  const parts: (SafeHtml | string)[] = [t("challenge.followUpPlanned")];
  if (f.instrument) parts.push(label("instruments", f.instrument, ui));
  if (f.expectedDate) parts.push(t("challenge.expected", { date: f.expectedDate }));
  return html`${parts.map((p, i) => (i === 0 ? html`${p}` : html` · ${p}`))}${desc ? html`<br>${inLang(desc, ui)}` : ""}`;
}

const NOTICE_SCHEMES: Record<string, string> = { ted: "TED", national: "National", ocds: "OCDS", other: "" };

function relatedNotices(d: Challenge): SafeHtml | null {
  if (!d.relatedNotices?.length) return null;
  return html`<ul class="plain">${d.relatedNotices.map((n) => {
    const name = `${NOTICE_SCHEMES[n.scheme] ?? n.scheme} ${n.id}`.trim();
    return html`<li>${linkOrText(n.url, name, { rel: "nofollow noopener" })}</li>`;
  })}</ul>`;
}

/** On a peer's challenge kept here: whose it is, and the way to the original. */
function mirroredChallengeNote(c: StoredChallenge, ui: UiLanguage, t: TFunction): SafeHtml {
  const original = challengeHref(c);
  const node = original ? new URL(original).host : c.origin;
  return mirroredNote(t("challenge.mirrored", { node }), original, ui);
}

/** At the top: where and how to take part, by when, and how long is left. */
function callToAction(v: ChallengeView, now: number): SafeHtml {
  const d = v.challenge.doc;
  const ui = v.ui ?? "en";
  const t = translator(ui);
  const end = d.submissionPeriod?.end;
  const live = d.status === "open" || d.status === "forthcoming";
  const left = live ? timeLeft(end, ui, now) : null;
  const submit = safeHttpUrl(d.submissionUrl);
  const enquiryLeft = live ? timeLeft(d.enquiryPeriod?.end, ui, now) : null;
  const items: [string, SafeHtml][] = [];
  if (d.submissionPeriod?.start && Date.parse(d.submissionPeriod.start) > now) items.push([t("challenge.opens"), dateTime(d.submissionPeriod.start)]);
  if (end) items.push([t("challenge.deadline"), html`${dateTime(end)}${left ? html` <strong class="time-left">${left}</strong>` : ""}`]);
  if (d.enquiryPeriod?.end) items.push([t("challenge.enquiry"), html`${dateTime(d.enquiryPeriod.end)}${enquiryLeft ? html` (${enquiryLeft})` : ""}`]);
  if (d.submissionType) items.push([t("challenge.submissionType"), html`${label("submission-types", d.submissionType, ui)}`]);
  if (d.submissionLanguages?.length) items.push([t("challenge.submissionLanguages"), html`${d.submissionLanguages.map((l) => label("languages", l, ui)).join(", ")}`]);
  if (submit) items.push([t("challenge.submitAt"), linkOrText(submit, new URL(submit).host, { rel: "nofollow noopener" })]);
  if (items.length === 0) return html``;
  const how = text(d.howToApply, v.lang, d.defaultLanguage);
  return html`<section class="cta" aria-labelledby="take-part" lang="${ui}">
<h2 id="take-part">${t("challenge.takePart")}</h2>
<dl>${items.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl>
${submit && live && d.status === "open" ? html`<p><a class="button" href="${submit}" rel="nofollow noopener">${t("challenge.submitButton")}</a></p>` : ""}
${how ? html`<p><a href="#how-to-apply">${t("challenge.howToApply")}</a></p>` : ""}
</section>`;
}

function phases(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml {
  if (!d.phases?.length) return html``;
  return html`<section class="phases"><h2>${t("challenge.phases")}</h2><ol>${d.phases.map((p) => {
    const name = text(p.name, L, d.defaultLanguage);
    const desc = text(p.description, L, d.defaultLanguage);
    const facts = [
      p.startDate || p.endDate ? `${p.startDate ?? "—"} ${t("challenge.to")} ${p.endDate ?? "—"}` : null,
      formatMoney(p.budget, ui) ? `${t("challenge.budget")}: ${formatMoney(p.budget, ui)}` : null,
      p.maxParticipants !== undefined ? t("challenge.maxParticipants", { count: p.maxParticipants }) : null,
    ].filter((x): x is string => x !== null);
    return html`<li><strong>${inLang(name, ui)}</strong>${facts.length ? html` <span class="meta">(${facts.join(" · ")})</span>` : ""}${desc ? inLang(desc, ui, "p") : ""}</li>`;
  })}</ol></section>`;
}

function outcome(d: Challenge, L: string, ui: UiLanguage, t: TFunction): SafeHtml {
  const o = d.outcome;
  if (!o) return html``;
  const summary = text(o.summary, L, d.defaultLanguage);
  const phaseName = (id: string | undefined) => (id ? text(d.phases?.find((p) => p.id === id)?.name, L, d.defaultLanguage)?.text ?? id : null);
  return html`<section class="outcome"><h2>${t("challenge.outcome")}</h2>
<p>${t("challenge.decisionDate")}: ${o.decisionDate}</p>
${o.winners?.length ? html`<h3>${t("challenge.winners")}</h3><ul>${o.winners.map((w) => {
    const meta = [w.country ? label("countries", w.country, ui) : null, w.sme ? t("challenge.smeWinner") : null,
      w.prizeRank !== undefined ? t("challenge.prize", { n: w.prizeRank }) : null, phaseName(w.phase)].filter((x): x is string => !!x);
    return html`<li>${linkOrText(w.url, w.name, { rel: "nofollow noopener" })}${meta.length ? html` <span class="meta">(${meta.join(" · ")})</span>` : ""}</li>`;
  })}</ul>` : ""}
${o.nonAwardReason ? html`<p>${t("challenge.nonAward")}: ${label("non-award-reasons", o.nonAwardReason, ui)}</p>` : ""}
${summary ? inLang(summary, ui, "p") : ""}
</section>`;
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

export function challengeBody(v: ChallengeView, now: number = Date.now()): SafeHtml {
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
${v.challenge.key === null ? mirroredChallengeNote(v.challenge, ui, t) : ""}
${summary ? inLang(summary, L, "p") : ""}
${callToAction(v, now)}
${v.challenge.key && (d.submissionPeriod?.end || d.enquiryPeriod?.end || d.milestones?.length)
    ? html`<p class="calendar-link" lang="${ui}"><a href="${`${paths.challenge(v.challenge.key)}/calendar.ics`}" type="text/calendar">${t("challenge.calendar")}</a></p>`
    : ""}
${image ? html`<img class="hero" src="${image}" alt="${alt}">` : ""}
<div lang="${ui}">${keyFacts(v)}</div>
${MARKDOWN_SECTIONS.map((field) => {
    const section = text(d[field], L, F);
    if (!section) return html``;
    return html`<section class="markdown"${field === "howToApply" ? html` id="how-to-apply"` : ""}><h2 lang="${ui}">${t(`challenge.${field}`)}</h2><div lang="${section.lang}">${renderMarkdown(section.text)}</div></section>`;
  })}
<div lang="${ui}">
${phases(d, L, ui, t)}
${outcome(d, L, ui, t)}
${documents(d, L, ui, t)}
${milestones(d, L, ui, t)}
${changeLog(d, L, ui, t)}
<p class="revision">${t("challenge.revision", { n: d.revision })}${d.published ? html` · ${t("challenge.publishedAt")} ${dateTime(d.published)}` : ""} · ${t("challenge.updatedAt")} ${dateTime(d.updated)}
${v.challenge.key ? html` · <a href="${paths.canonicalChallenge(v.challenge.key)}" type="application/json">${t("challenge.canonical")}</a>` : ""}</p>
</div>
</article>`;
}
