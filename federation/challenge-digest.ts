// The human-readable digest of a challenge that fediverse users see as the post text (Note.content).
// Pure functions. Only tags Mastodon keeps (p br a strong ul li span) are produced, every piece of
// document text is escaped, and the digest stays under ~30 lines so Mastodon does not collapse it.
import type { Challenge, ChallengeStatus, Instrument, LanguageMap, LanguageTag, MonetaryAmount } from "../node/domain/types";
import { anchor, escapeHtml } from "./html";

export interface DigestOptions {
  /** Hashtag page URL for a normalised tag name. */
  tagHref: (name: string) => string;
  /** Country of the publishing hub; falls back to the places of performance. */
  country?: string;
}

const MAX_DOCUMENTS = 5;
const MAX_SUMMARY_CHARS = 600;

const INSTRUMENT_LABELS: Record<Instrument, string> = {
  "open-market-consultation": "Open market consultation",
  "call-for-solutions": "Call for solutions",
  "challenge-prize": "Challenge prize",
  "design-contest": "Design contest",
  "pre-commercial-procurement": "Pre-commercial procurement (PCP)",
  ppi: "Public procurement of innovative solutions (PPI)",
  "innovation-partnership": "Innovation partnership",
  "competitive-dialogue": "Competitive dialogue",
  other: "Other",
};

/** The languages of a document, its default language first (Mastodon takes the first contentMap key). */
export function documentLanguages(doc: Challenge): LanguageTag[] {
  const rest = (Object.keys(doc.title) as LanguageTag[]).filter((l) => l !== doc.defaultLanguage && doc.title[l]);
  return [doc.defaultLanguage, ...rest];
}

/** Text in `lang`, else in the default language, else any. */
export function textIn(map: LanguageMap | undefined, lang: LanguageTag, fallback: LanguageTag): string | undefined {
  if (!map) return undefined;
  return map[lang] ?? map[fallback] ?? Object.values(map).find((v) => typeof v === "string");
}

/**
 * "2027-01-29 12:00 (UTC+01:00)": the local time as the buyer wrote it, with its offset, so nobody's
 * deadline shifts by a locale or server time zone.
 */
export function formatDateTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  const offset = m[3]!.toUpperCase() === "Z" ? "UTC" : `UTC${m[3]}`;
  return `${m[1]} ${m[2]} (${offset})`;
}

/** "EUR 120,000" / "EUR 1,500.50": exact decimal strings, never through floating point. */
export function formatMoney(money: MonetaryAmount): string {
  const [intPart = "0", frac = ""] = money.amount.replace(/^\+/, "").split(".");
  const negative = intPart.startsWith("-");
  const digits = negative ? intPart.slice(1) : intPart;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = /^0*$/.test(frac) ? "" : `.${frac.padEnd(2, "0")}`;
  return `${money.currency} ${negative ? "-" : ""}${grouped}${fraction}`;
}

/** Hashtag names Mastodon accepts as they are: letters, digits and underscores only (no hyphens). */
export function normaliseTag(name: string): string {
  return name.normalize("NFC").replace(/^#/, "").replace(/[^\p{L}\p{N}_]/gu, "");
}

export function countriesOf(doc: Challenge, country?: string): string[] {
  const fromPlaces = doc.placeOfPerformance.map((p) => p.country).filter((c): c is string => !!c);
  return [...new Set([...(country ? [country] : []), ...fromPlaces])];
}

/** Focus areas, countries, the instrument and the editor's hashtags, normalised and de-duplicated. */
export function hashtagNames(doc: Challenge, country?: string): string[] {
  const raw = [...doc.focusAreas, ...countriesOf(doc, country), doc.instrument, ...(doc.hashtags ?? [])];
  const seen = new Set<string>();
  const names: string[] = [];
  for (const r of raw) {
    const n = normaliseTag(r);
    if (!n || seen.has(n.toLowerCase())) continue;
    seen.add(n.toLowerCase());
    names.push(n);
  }
  return names;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The line at the top of the digest for every state but open; null when open. */
export function statusLine(doc: Challenge, lang: LanguageTag): string | null {
  const reason = textIn(doc.statusReason, lang, doc.defaultLanguage);
  const withReason = (label: string) => `<strong>${label}:</strong> ${reason ? escapeHtml(reason) : "no reason given"}`;
  const start = doc.submissionPeriod?.start;
  const end = doc.submissionPeriod?.end;
  const line = ((status: ChallengeStatus): string | null => {
    switch (status) {
      case "open": return null;
      case "draft": return "<strong>DRAFT</strong> — not published";
      case "forthcoming": return `<strong>FORTHCOMING</strong> — ${start ? `opens ${escapeHtml(formatDateTime(start))}` : "not yet open for submissions"}`;
      case "closed": return `<strong>CLOSED</strong> — ${end ? `submissions ended ${escapeHtml(formatDateTime(end))}` : "submissions have ended"}`;
      case "evaluation": return "<strong>IN EVALUATION</strong> — submissions have closed and are being assessed";
      case "awarded": return `<strong>AWARDED</strong>${doc.outcome?.decisionDate ? ` — decision of ${escapeHtml(doc.outcome.decisionDate)}` : ""}`;
      case "unsuccessful": return reason ? withReason("CLOSED WITHOUT AWARD") : "<strong>CLOSED WITHOUT AWARD</strong>";
      case "cancelled": return withReason("CANCELLED");
      case "suspended": return withReason("SUSPENDED");
    }
  })(doc.status);
  return line;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const paragraphText = (text: string) => escapeHtml(text.trim()).replace(/\r?\n+/g, "<br>");

/** The digest in one language (labels stay English for now). */
export function challengeDigest(doc: Challenge, lang: LanguageTag, opts: DigestOptions): string {
  const t = (map: LanguageMap | undefined) => textIn(map, lang, doc.defaultLanguage);
  const parts: string[] = [];

  const status = statusLine(doc, lang);
  if (status) parts.push(`<p>${status}</p>`);
  parts.push(`<p><strong>${escapeHtml(t(doc.title) ?? "")}</strong></p>`);
  const summary = t(doc.summary);
  if (summary) parts.push(`<p>${paragraphText(truncate(summary, MAX_SUMMARY_CHARS))}</p>`);

  const facts: string[] = [];
  if (doc.submissionPeriod?.start && doc.status === "forthcoming") facts.push(`Opens: ${escapeHtml(formatDateTime(doc.submissionPeriod.start))}`);
  if (doc.submissionPeriod?.end) facts.push(`Deadline: ${escapeHtml(formatDateTime(doc.submissionPeriod.end))}`);
  const countries = countriesOf(doc, opts.country);
  if (countries.length) facts.push(`Country: ${escapeHtml(countries.join(", "))}`);
  if (doc.focusAreas.length) facts.push(`Focus: ${escapeHtml(doc.focusAreas.map(capitalise).join(", "))}`);
  facts.push(`Instrument: ${escapeHtml(INSTRUMENT_LABELS[doc.instrument] ?? doc.instrument)}`);
  if (doc.estimatedValue) facts.push(`Budget: ${escapeHtml(formatMoney(doc.estimatedValue))}`);
  const prizes = [...(doc.prizes ?? [])].filter((p) => p.amount).sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99));
  if (prizes.length) facts.push(`Prizes: ${escapeHtml(prizes.map((p) => formatMoney(p.amount!)).join(" · "))}`);
  parts.push(`<p>${facts.join("<br>")}</p>`);

  const docs = doc.documents ?? [];
  if (docs.length) {
    const items = docs.slice(0, MAX_DOCUMENTS).map((d) => {
      const title = t(d.title) ?? d.url;
      const pdf = d.mediaType === "application/pdf" ? " (PDF)" : "";
      return `<li>${anchor(d.url, title + pdf)}</li>`;
    });
    if (docs.length > MAX_DOCUMENTS) items.push(`<li>${docs.length - MAX_DOCUMENTS} more on the challenge page</li>`);
    parts.push(`<ul>${items.join("")}</ul>`);
  }

  parts.push(`<p>${anchor(doc.url, "Full challenge & how to apply")}</p>`);

  const tags = hashtagNames(doc, opts.country).map((n) =>
    `<a rel="tag" class="mention hashtag" href="${escapeHtml(opts.tagHref(n))}">#<span>${escapeHtml(n)}</span></a>`);
  if (tags.length) parts.push(`<p>${tags.join(" ")}</p>`);

  return parts.join("");
}
