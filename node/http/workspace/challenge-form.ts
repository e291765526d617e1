// The challenge editor's form ↔ the challenge document. The fields people fill in most get their own
// controls (texts in the default language, instrument, focus areas, first place, main CPV code,
// submission window in a named time zone); every other field of the schema stays editable as JSON in
// "More fields", so nothing of a document is ever lost by editing it in the browser. Validation is the
// API's (same schema, same rules); its JSON Pointers are mapped back onto these controls.
import type { FieldError } from "../../domain/errors";
import { isPlainObject } from "../../domain/merge-patch";
import type { Challenge } from "../../domain/types";
import { CHALLENGE_SERVER_FIELDS } from "../../domain/types";
import { isoToLocal, isTimeZone, localToIso } from "./local-time";

/** What the form posts (all strings; focusAreas repeated). */
export interface ChallengeForm {
  defaultLanguage: string;
  title: string;
  summary: string;
  description: string;
  instrument: string;
  focusAreas: string[];
  country: string;
  nuts: string;
  locality: string;
  cpvMain: string;
  submissionType: string;
  opens: string;
  deadline: string;
  timeZone: string;
  submissionUrl: string;
  /** Public challenges only: the status to move to (the current one to keep it), and why (default language). */
  status: string;
  statusReason: string;
  /** Title, summary and description in each further language, one section per language. */
  translations: Record<string, Translation>;
  /** The rest of the document as JSON. */
  other: string;
  changeReason: string;
  changeDescription: string;
  version: string;
}

const TEXTS = ["title", "summary", "description"] as const;
export type Translation = Record<(typeof TEXTS)[number], string>;
const LANG_RE = /^[a-z]{2}$/;
/** Texts edited in the default language that may be absent altogether. */
const OPTIONAL_TEXTS = ["statusReason"] as const;
/** Fields the form owns (besides the texts of the default language); the rest goes to "More fields". */
const OWNED = ["defaultLanguage", "instrument", "focusAreas", "submissionType", "submissionPeriod", "submissionUrl", "status", "schemaVersion"] as const;

type Json = Record<string, unknown>;

export function emptyForm(o: { defaultLanguage: string; country: string; timeZone: string }): ChallengeForm {
  return {
    defaultLanguage: o.defaultLanguage, title: "", summary: "", description: "", instrument: "", focusAreas: [], country: o.country, nuts: "", locality: "",
    cpvMain: "", submissionType: "response", opens: "", deadline: "", timeZone: o.timeZone, submissionUrl: "", status: "", statusReason: "", translations: {}, other: "{}", changeReason: "", changeDescription: "", version: "",
  };
}

export function formFromDoc(doc: Challenge, timeZone: string, version: number): ChallengeForm {
  const lang = doc.defaultLanguage;
  const rest = structuredClone(doc) as unknown as Json;
  for (const f of [...CHALLENGE_SERVER_FIELDS, ...OWNED]) delete rest[f];
  // The three texts get a section per language; other texts keep their further languages in the JSON.
  const translations: Record<string, Translation> = {};
  for (const t of TEXTS) {
    for (const [l, value] of Object.entries(doc[t] as Record<string, string>)) {
      if (l === lang) continue;
      translations[l] ??= { title: "", summary: "", description: "" };
      translations[l][t] = value;
    }
    delete rest[t];
  }
  for (const t of OPTIONAL_TEXTS) {
    const others = { ...((doc[t] ?? {}) as Record<string, string>) };
    delete others[lang];
    if (Object.keys(others).length) rest[t] = others; else delete rest[t];
  }
  const [first, ...morePlaces] = doc.placeOfPerformance ?? [];
  if (morePlaces.length) rest.placeOfPerformance = morePlaces; else delete rest.placeOfPerformance;
  if (doc.cpv?.additional?.length) rest.cpv = { additional: doc.cpv.additional }; else delete rest.cpv;
  return {
    defaultLanguage: lang,
    title: doc.title[lang] ?? "", summary: doc.summary[lang] ?? "", description: doc.description[lang] ?? "",
    instrument: doc.instrument, focusAreas: [...doc.focusAreas],
    country: first?.country ?? "", nuts: first?.nuts ?? "", locality: first?.locality ?? "",
    cpvMain: doc.cpv?.main ?? "", submissionType: doc.submissionType ?? "",
    opens: isoToLocal(doc.submissionPeriod?.start, timeZone), deadline: isoToLocal(doc.submissionPeriod?.end, timeZone), timeZone,
    submissionUrl: doc.submissionUrl ?? "", status: doc.status, statusReason: doc.statusReason?.[lang] ?? "", translations,
    other: JSON.stringify(rest, null, 2), changeReason: "", changeDescription: "", version: String(version),
  };
}

/** Reads the posted fields (anything missing is ""). */
export function readForm(body: unknown): ChallengeForm {
  const b = (isPlainObject(body) ? body : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]).filter((x): x is string => typeof x === "string") : typeof b[k] === "string" ? [b[k] as string] : []);
  return {
    defaultLanguage: s("defaultLanguage"), title: s("title").trim(), summary: s("summary").trim(), description: s("description").replace(/\r\n/g, "\n").trim(),
    instrument: s("instrument"), focusAreas: list("focusAreas"), country: s("country"), nuts: s("nuts").trim().toUpperCase(), locality: s("locality").trim(),
    cpvMain: s("cpvMain").trim(), submissionType: s("submissionType"), opens: s("opens"), deadline: s("deadline"), timeZone: s("timeZone"),
    submissionUrl: s("submissionUrl").trim(), status: s("status"), statusReason: s("statusReason").trim(), translations: readTranslations(b), other: s("other").trim() || "{}", changeReason: s("changeReason"), changeDescription: s("changeDescription").trim(), version: s("version"),
  };
}

/** "title__en", "summary__en", "description__en" → translations.en (the section's fields). */
function readTranslations(b: Record<string, unknown>): Record<string, Translation> {
  const out: Record<string, Translation> = {};
  for (const [k, v] of Object.entries(b)) {
    const m = /^(title|summary|description)__([a-z]{2})$/.exec(k);
    if (!m || typeof v !== "string") continue;
    out[m[2]!] ??= { title: "", summary: "", description: "" };
    out[m[2]!]![m[1] as keyof Translation] = m[1] === "description" ? v.replace(/\r\n/g, "\n").trim() : v.trim();
  }
  return out;
}

/** The form with a section for one more language (nothing is saved: the same page comes back). */
export function withLanguage(f: ChallengeForm, lang: string): ChallengeForm {
  if (!LANG_RE.test(lang) || lang === f.defaultLanguage || f.translations[lang]) return f;
  return { ...f, translations: { ...f.translations, [lang]: { title: "", summary: "", description: "" } } };
}

export function withoutLanguage(f: ChallengeForm, lang: string): ChallengeForm {
  const translations = { ...f.translations };
  delete translations[lang];
  return { ...f, translations };
}

/**
 * The document the form describes (without server fields, without status), or the form's own errors
 * (unreadable JSON, impossible dates) before the schema is even asked.
 */
export function docFromForm(f: ChallengeForm): { ok: true; doc: Json } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let rest: Json = {};
  try {
    const parsed: unknown = JSON.parse(f.other);
    if (isPlainObject(parsed)) rest = parsed as Json;
    else errors.push({ pointer: "/other", message: "More fields must be a JSON object ({ … })" });
  } catch (e) {
    errors.push({ pointer: "/other", message: `More fields is not valid JSON: ${(e as Error).message}` });
  }
  if (!isTimeZone(f.timeZone)) errors.push({ pointer: "/timeZone", message: "choose a time zone" });
  const start = f.opens ? localToIso(f.opens, f.timeZone) : undefined;
  const end = f.deadline ? localToIso(f.deadline, f.timeZone) : undefined;
  if (start === null) errors.push({ pointer: "/opens", message: "enter a date and time such as 2027-01-29 12:00" });
  if (end === null) errors.push({ pointer: "/deadline", message: "enter a date and time such as 2027-01-29 12:00" });
  if (errors.length) return { ok: false, errors };

  const lang = f.defaultLanguage;
  const doc: Json = { ...rest, defaultLanguage: lang };
  for (const t of TEXTS) {
    // Further languages: their sections, and any still written under More fields.
    const others: Record<string, string> = isPlainObject(rest[t]) ? { ...(rest[t] as Record<string, string>) } : {};
    for (const [l, tr] of Object.entries(f.translations)) if (tr[t]) others[l] = tr[t];
    doc[t] = { ...(f[t] ? { [lang]: f[t] } : {}), ...Object.fromEntries(Object.entries(others).filter(([l]) => l !== lang)) };
  }
  for (const t of OPTIONAL_TEXTS) {
    const others = isPlainObject(rest[t]) ? Object.fromEntries(Object.entries(rest[t] as Record<string, string>).filter(([l]) => l !== lang)) : {};
    const map = { ...(f[t] ? { [lang]: f[t] } : {}), ...others };
    if (Object.keys(map).length) doc[t] = map; else delete doc[t];
  }
  if (f.instrument) doc.instrument = f.instrument;
  doc.focusAreas = f.focusAreas;
  const first = { ...(f.country ? { country: f.country } : {}), ...(f.nuts ? { nuts: f.nuts } : {}), ...(f.locality ? { locality: f.locality } : {}) };
  const morePlaces = Array.isArray(rest.placeOfPerformance) ? rest.placeOfPerformance : [];
  doc.placeOfPerformance = Object.keys(first).length ? [first, ...morePlaces] : morePlaces;
  const additional = isPlainObject(rest.cpv) && Array.isArray((rest.cpv as Json).additional) ? (rest.cpv as Json).additional : undefined;
  if (f.cpvMain) doc.cpv = { main: f.cpvMain, ...(additional ? { additional } : {}) };
  else delete doc.cpv;
  if (f.submissionType) doc.submissionType = f.submissionType;
  if (start || end) doc.submissionPeriod = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  if (f.submissionUrl) doc.submissionUrl = f.submissionUrl;
  return { ok: true, doc };
}

/** How the summary at the top names each control, so "must have at least one entry" says of what. */
const FIELD_LABELS: Record<string, string> = {
  title: "Title", summary: "Summary", description: "Description", instrument: "Instrument", focusAreas: "Focus areas",
  country: "Country", nuts: "Region (NUTS code)", locality: "Town or city", cpvMain: "Main CPV code", submissionType: "What suppliers submit",
  submissionUrl: "Where to submit", opens: "Submissions open", deadline: "Submission deadline", timeZone: "Time zone",
  defaultLanguage: "Main language", changeReason: "Why this change", status: "Status", statusReason: "Reason for the status",
};

/** The control an error belongs to: a pointer into the document → the form field showing it, named. */
export function formErrors(errors: readonly FieldError[], lang: string): FieldError[] {
  return pointErrors(errors, lang).map((e) => {
    const label = FIELD_LABELS[e.pointer.slice(1)];
    return label ? { pointer: e.pointer, message: `${label}: ${e.message}` } : e;
  });
}

function pointErrors(errors: readonly FieldError[], lang: string): FieldError[] {
  const rules: [RegExp, string][] = [
    [new RegExp(`^/(title|summary|description)(/${lang})?$`), "$1"],
    [/^\/(title|summary|description)\/([a-z]{2})$/, "$1__$2"],
    [/^\/(instrument|submissionType|submissionUrl|defaultLanguage|other|timeZone|opens|deadline|changeReason|status)$/, "$1"],
    [new RegExp(`^/statusReason(/${lang})?$`), "statusReason"],
    [/^\/focusAreas(\/\d+)?$/, "focusAreas"],
    [/^\/placeOfPerformance\/0\/country$/, "country"],
    [/^\/placeOfPerformance(\/0)?$/, "country"],
    [/^\/placeOfPerformance\/0\/nuts$/, "nuts"],
    [/^\/placeOfPerformance\/0\/locality$/, "locality"],
    [/^\/cpv(\/main)?$/, "cpvMain"],
    [/^\/submissionPeriod\/start$/, "opens"],
    [/^\/submissionPeriod(\/end)?$/, "deadline"],
    [/^\/changeLog(\/.*)?$/, "changeReason"],
  ];
  return errors.map((e) => {
    for (const [re, to] of rules) if (re.test(e.pointer)) return { pointer: `/${e.pointer.replace(re, to)}`, message: e.message };
    // Everything else lives in "More fields": say where inside it.
    return { pointer: "/other", message: `More fields, ${e.pointer || "the document"}: ${e.message}` };
  });
}

/** An RFC 7396 merge patch that turns `prev` into `next` (removed members become null). */
export function mergePatchBetween(prev: Json, next: Json): Json {
  const patch: Json = {};
  for (const k of Object.keys(prev)) if (!(k in next)) patch[k] = null;
  for (const [k, v] of Object.entries(next)) {
    const before = prev[k];
    if (isPlainObject(before) && isPlainObject(v)) {
      const inner = mergePatchBetween(before as Json, v as Json);
      if (Object.keys(inner).length) patch[k] = inner;
    } else if (JSON.stringify(before) !== JSON.stringify(v)) {
      patch[k] = v;
    }
  }
  return patch;
}
