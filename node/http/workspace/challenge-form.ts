// The challenge editor's form ↔ the challenge document. The fields that drive the lifecycle have
// controls of their own (texts per language section, instrument, focus areas, submission window in a
// named time zone, status); every other field of the schema gets the control its schema describes
// (schema-fields.ts), so every field is editable in the browser and nothing of a document is lost by
// editing it. Validation is the API's (same schema, same rules); its JSON Pointers are mapped back
// onto these controls.
import type { FieldError } from "../../domain/errors";
import { localizedValidation } from "./validation-messages";
import { isPlainObject } from "../../domain/merge-patch";
import type { Challenge } from "../../domain/types";
import { CHALLENGE_SERVER_FIELDS } from "../../domain/types";
import { pathLabel } from "./field-labels";
import type { Tw } from "./ws-i18n";
import { isoToLocal, isTimeZone, localToIso } from "./local-time";
import { type Field, fieldsOfDocument } from "./schema-fields";
import { type Context, editList, fromPost, keepOrder, type StateGroup, toDoc, toState } from "./schema-values";

/** What the form posts (all strings; focusAreas repeated). */
export interface ChallengeForm {
  defaultLanguage: string;
  title: string;
  summary: string;
  description: string;
  instrument: string;
  focusAreas: string[];
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
  /** Every other field of the document, as its controls show it (schema-values.ts). */
  extra: StateGroup;
  changeReason: string;
  changeDescription: string;
  version: string;
  /** Drafts: when to publish, in the form's time zone ("" for no schedule). */
  publishAt: string;
}

/** Texts with a control per language section (statusReason only on public challenges, and optional). */
const TEXTS = ["title", "summary", "description", "statusReason"] as const;
export type Translation = Record<(typeof TEXTS)[number], string>;
const emptyTranslation = (): Translation => ({ title: "", summary: "", description: "", statusReason: "" });
const LANG_RE = /^[a-z]{2}$/;
/** Fields with controls of their own; server fields and the change log are the node's. */
const OWNED = new Set<string>(["defaultLanguage", ...TEXTS, "instrument", "focusAreas", "submissionType", "submissionPeriod", "submissionUrl", "status", "schemaVersion", "changeLog", ...CHALLENGE_SERVER_FIELDS]);
/** The fields shown with the control their schema describes, in the schema's order. */
export const SCHEMA_FIELDS: readonly Field[] = fieldsOfDocument("challenge", OWNED);

type Json = Record<string, unknown>;

/** The languages language maps are edited in: the default one, then those with a section. */
export const formLanguages = (f: Pick<ChallengeForm, "defaultLanguage" | "translations">): string[] => [f.defaultLanguage, ...Object.keys(f.translations).filter((l) => l !== f.defaultLanguage)];
const contextOf = (f: ChallengeForm): Context => ({ languages: formLanguages(f), timeZone: f.timeZone });

function extraState(doc: Json, ctx: Context): StateGroup {
  return Object.fromEntries(SCHEMA_FIELDS.map((f) => [f.key, toState(f, doc[f.key], ctx)]));
}

export function emptyForm(o: { defaultLanguage: string; country: string; timeZone: string }): ChallengeForm {
  const ctx = { languages: [o.defaultLanguage], timeZone: o.timeZone };
  return {
    defaultLanguage: o.defaultLanguage, title: "", summary: "", description: "", instrument: "", focusAreas: [],
    submissionType: "response", opens: "", deadline: "", timeZone: o.timeZone, submissionUrl: "", status: "", statusReason: "", translations: {},
    extra: extraState({ placeOfPerformance: [{ country: o.country }] }, ctx), changeReason: "", changeDescription: "", version: "", publishAt: "",
  };
}

/** Every language any language map of the document is written in. */
function languagesIn(v: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) languagesIn(x, out);
  else if (isPlainObject(v)) {
    const entries = Object.entries(v as Json);
    const isMap = entries.length > 0 && entries.every(([k, t]) => /^[a-z]{2}$/.test(k) && typeof t === "string");
    for (const [k, x] of entries) if (isMap) out.add(k); else languagesIn(x, out);
  }
  return out;
}

export function formFromDoc(doc: Challenge, timeZone: string, version: number): ChallengeForm {
  const lang = doc.defaultLanguage;
  // A section per language the document is written in anywhere, so no text of it is lost by editing.
  const translations: Record<string, Translation> = {};
  for (const l of [...languagesIn(doc, new Set())].sort()) if (l !== lang) translations[l] = emptyTranslation();
  for (const t of TEXTS) {
    for (const [l, value] of Object.entries((doc[t] ?? {}) as Record<string, string>)) if (l !== lang) translations[l]![t] = value;
  }
  const form: ChallengeForm = {
    defaultLanguage: lang,
    title: doc.title[lang] ?? "", summary: doc.summary[lang] ?? "", description: doc.description[lang] ?? "",
    instrument: doc.instrument, focusAreas: [...doc.focusAreas], submissionType: doc.submissionType ?? "",
    opens: isoToLocal(doc.submissionPeriod?.start, timeZone), deadline: isoToLocal(doc.submissionPeriod?.end, timeZone), timeZone,
    submissionUrl: doc.submissionUrl ?? "", status: doc.status, statusReason: doc.statusReason?.[lang] ?? "", translations,
    extra: {}, changeReason: "", changeDescription: "", version: String(version), publishAt: "",
  };
  return { ...form, extra: extraState(doc as unknown as Json, contextOf(form)) };
}

/** Reads the posted fields (anything missing is ""). */
export function readForm(body: unknown): ChallengeForm {
  const b = (isPlainObject(body) ? body : {}) as Record<string, unknown>;
  const s = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
  const list = (k: string) => (Array.isArray(b[k]) ? (b[k] as unknown[]).filter((x): x is string => typeof x === "string") : typeof b[k] === "string" ? [b[k] as string] : []);
  return {
    defaultLanguage: s("defaultLanguage"), title: s("title").trim(), summary: s("summary").trim(), description: s("description").replace(/\r\n/g, "\n").trim(),
    instrument: s("instrument"), focusAreas: list("focusAreas"), submissionType: s("submissionType"), opens: s("opens"), deadline: s("deadline"), timeZone: s("timeZone"),
    submissionUrl: s("submissionUrl").trim(), status: s("status"), statusReason: s("statusReason").trim(), translations: readTranslations(b), extra: Object.fromEntries(SCHEMA_FIELDS.map((f) => [f.key, fromPost(f, b, [f.key])])), changeReason: s("changeReason"), changeDescription: s("changeDescription").trim(), version: s("version"), publishAt: s("publishAt"),
  };
}

/** "title__en", "summary__en", "description__en" → translations.en (the section's fields). */
function readTranslations(b: Record<string, unknown>): Record<string, Translation> {
  const out: Record<string, Translation> = {};
  for (const [k, v] of Object.entries(b)) {
    const m = /^(title|summary|description|statusReason)__([a-z]{2})$/.exec(k);
    if (!m || typeof v !== "string") continue;
    out[m[2]!] ??= emptyTranslation();
    out[m[2]!]![m[1] as keyof Translation] = m[1] === "description" ? v.replace(/\r\n/g, "\n").trim() : v.trim();
  }
  return out;
}

/** The form with a section for one more language (nothing is saved: the same page comes back). */
export function withLanguage(f: ChallengeForm, lang: string): ChallengeForm {
  if (!LANG_RE.test(lang) || lang === f.defaultLanguage || f.translations[lang]) return f;
  return { ...f, translations: { ...f.translations, [lang]: emptyTranslation() } };
}

export function withoutLanguage(f: ChallengeForm, lang: string): ChallengeForm {
  const translations = { ...f.translations };
  delete translations[lang];
  return { ...f, translations };
}

/**
 * The texts of `lang` become the main ones and the former main texts a section of their own (unsaved):
 * every language map of the challenge must then have the new main language, which validation checks.
 */
export function withMainLanguage(f: ChallengeForm, lang: string): ChallengeForm {
  const section = f.translations[lang];
  if (!section || lang === f.defaultLanguage) return f;
  const translations: Record<string, Translation> = {};
  for (const [l, tr] of Object.entries(f.translations)) if (l !== lang) translations[l] = tr;
  translations[f.defaultLanguage] = { title: f.title, summary: f.summary, description: f.description, statusReason: f.statusReason };
  return { ...f, defaultLanguage: lang, title: section.title, summary: section.summary, description: section.description, statusReason: section.statusReason, translations };
}

/** "Add …" and "Remove …" buttons of lists (buyers, phases…): the form with one item more or fewer, unsaved. */
export function withListEdit(f: ChallengeForm, action: string): ChallengeForm | null {
  const m = /^(add|remove):d\.([A-Za-z0-9.]+)$/.exec(action);
  if (!m) return null;
  return { ...f, extra: editList(f.extra, m[2]!.split("."), m[1] as "add" | "remove") };
}

/**
 * The document the form describes (without server fields, without status), or the form's own errors
 * (impossible dates, unreadable JSON) before the schema is even asked. `prev` is the stored document
 * when editing: dates left alone keep the text they were stored with.
 */
export function docFromForm(f: ChallengeForm, prev: Json = {}): { ok: true; doc: Json } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isTimeZone(f.timeZone)) errors.push({ pointer: "/timeZone", message: "choose a time zone" });
  const start = f.opens ? localToIso(f.opens, f.timeZone) : undefined;
  const end = f.deadline ? localToIso(f.deadline, f.timeZone) : undefined;
  if (start === null) errors.push({ pointer: "/opens", message: "enter a date and time such as 2027-01-29 12:00" });
  if (end === null) errors.push({ pointer: "/deadline", message: "enter a date and time such as 2027-01-29 12:00" });
  const ctx = contextOf(f);
  const doc: Json = {};
  for (const field of SCHEMA_FIELDS) {
    const v = toDoc(field, f.extra[field.key], ctx, `/d/${field.key}`, errors, prev[field.key]);
    if (v !== undefined) doc[field.key] = v;
  }
  if (errors.length) return { ok: false, errors };

  const lang = f.defaultLanguage;
  doc.defaultLanguage = lang;
  for (const t of TEXTS) {
    const map: Record<string, string> = f[t] ? { [lang]: f[t] } : {};
    for (const [l, tr] of Object.entries(f.translations)) if (tr[t] && l !== lang) map[l] = tr[t];
    // Title, summary and description are required (the schema says so when empty); a status reason is not.
    if (t !== "statusReason" || Object.keys(map).length) doc[t] = map;
  }
  if (f.instrument) doc.instrument = f.instrument;
  doc.focusAreas = keepOrder(f.focusAreas, prev.focusAreas);
  if (f.submissionType) doc.submissionType = f.submissionType;
  if (start || end) doc.submissionPeriod = { ...(start ? { start } : {}), ...(end ? { end } : {}) };
  if (f.submissionUrl) doc.submissionUrl = f.submissionUrl;
  return { ok: true, doc };
}

/** How the summary at the top names each control, so "must have at least one entry" says of what. */
const FIELD_LABELS: Record<string, string> = {
  title: "Title", summary: "Summary", description: "Description", instrument: "Instrument", focusAreas: "Focus areas",
  submissionType: "What suppliers submit", submissionUrl: "Where to submit", opens: "Submissions open", deadline: "Submission deadline", timeZone: "Time zone",
  defaultLanguage: "Main language", changeReason: "Why this change", status: "Status", statusReason: "Reason for the status",
  publishAt: "Publish at",
};

/** The control an error belongs to: a pointer into the document → the form field showing it, named. */
export function formErrors(errors: readonly FieldError[], lang: string, words: { tw: Tw; ui: string } = { tw: (x) => x, ui: "en" }): FieldError[] {
  const { tw, ui } = words;
  return pointErrors(errors, lang).map((e) => {
    const label = FIELD_LABELS[e.pointer.slice(1)];
    const message = localizedValidation(e.message, tw);
    if (label) return { pointer: e.pointer, message: `${tw(label)}: ${message}` };
    return { pointer: e.pointer, message: e.pointer.startsWith("/d/") ? `${pathLabel(e.pointer.slice(2), tw, ui)}: ${message}` : message };
  });
}

/** The names of the editor's own controls in error messages, for the test of the catalogues. */
export const FORM_FIELD_MESSAGES: readonly string[] = Object.values(FIELD_LABELS);

function pointErrors(errors: readonly FieldError[], lang: string): FieldError[] {
  const rules: [RegExp, string][] = [
    [new RegExp(`^/(title|summary|description|statusReason)(/${lang})?$`), "$1"],
    [/^\/(title|summary|description|statusReason)\/([a-z]{2})$/, "$1__$2"],
    [/^\/(instrument|submissionType|submissionUrl|defaultLanguage|timeZone|opens|deadline|changeReason|status|publishAt)$/, "$1"],
    [/^\/focusAreas(\/\d+)?$/, "focusAreas"],
    [/^\/submissionPeriod\/start$/, "opens"],
    [/^\/submissionPeriod(\/end)?$/, "deadline"],
    [/^\/changeLog(\/.*)?$/, "changeReason"],
    [/^$/, "title"],
  ];
  return errors.map((e) => {
    if (e.pointer.startsWith("/d/")) return e;
    for (const [re, to] of rules) if (re.test(e.pointer)) return { pointer: `/${e.pointer.replace(re, to)}`, message: e.message };
    // Every other field has the control its schema describes, under the same path.
    return { pointer: `/d${e.pointer}`, message: e.message };
  });
}
