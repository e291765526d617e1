// The user interface's languages (i18next, catalogues in locales/<lang>.json): which one a reader gets,
// and the translator for it. Content keeps the language it was written in; only the interface changes.
// Which language: `?hl=` in the address (each language version of a page has its own URL, for links
// and search engines), else the reader's choice from the footer (a cookie), else the browser's
// Accept-Language, else English. The public pages speak the 24 official EU languages plus Icelandic
// and Norwegian; the workspace speaks English, German and French (WORKSPACE_LANGUAGES).
import type { Request } from "express";
import i18next, { type TFunction } from "i18next";
import bg from "../../locales/bg.json";
import cs from "../../locales/cs.json";
import da from "../../locales/da.json";
import de from "../../locales/de.json";
import el from "../../locales/el.json";
import en from "../../locales/en.json";
import es from "../../locales/es.json";
import et from "../../locales/et.json";
import fi from "../../locales/fi.json";
import fr from "../../locales/fr.json";
import ga from "../../locales/ga.json";
import hr from "../../locales/hr.json";
import hu from "../../locales/hu.json";
import is from "../../locales/is.json";
import it from "../../locales/it.json";
import lt from "../../locales/lt.json";
import lv from "../../locales/lv.json";
import mt from "../../locales/mt.json";
import nb from "../../locales/nb.json";
import nl from "../../locales/nl.json";
import pl from "../../locales/pl.json";
import pt from "../../locales/pt.json";
import ro from "../../locales/ro.json";
import sk from "../../locales/sk.json";
import sl from "../../locales/sl.json";
import sv from "../../locales/sv.json";
import { readCookie } from "./cookies";

const CATALOGUES = { bg, es, cs, da, de, et, el, en, fr, ga, hr, it, lv, lt, hu, mt, nl, pl, pt, ro, sk, sl, fi, sv, is, nb };

/** In the EU's protocol order (by each language's own name), then Icelandic and Norwegian. */
export const UI_LANGUAGES = Object.keys(CATALOGUES) as (keyof typeof CATALOGUES)[];
export type UiLanguage = keyof typeof CATALOGUES;
/** The languages the workspace (hub editors' pages) has catalogues for. */
export const WORKSPACE_LANGUAGES = ["en", "de", "fr"] as const satisfies readonly UiLanguage[];
export const UI_COOKIE = "ipn-ui";
/** The query parameter naming a page's interface language (its language version's own address). */
export const UI_PARAM = "hl";

/** Each language by its own name, as a reader looks for it in the language menu. */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = {
  bg: "Български", es: "Español", cs: "Čeština", da: "Dansk", de: "Deutsch", et: "Eesti", el: "Ελληνικά",
  en: "English", fr: "Français", ga: "Gaeilge", hr: "Hrvatski", it: "Italiano", lv: "Latviešu", lt: "Lietuvių",
  hu: "Magyar", mt: "Malti", nl: "Nederlands", pl: "Polski", pt: "Português", ro: "Română", sk: "Slovenčina",
  sl: "Slovenščina", fi: "Suomi", sv: "Svenska", is: "Íslenska", nb: "Norsk (bokmål)",
};

// Browsers send "no" (Norwegian) or "nn" (Nynorsk) as often as "nb": all get the Bokmål catalogue.
const ALIASES: Record<string, UiLanguage> = { no: "nb", nn: "nb" };

const i18n = i18next.createInstance();
// Resources are bundled: initialisation is synchronous and nothing is fetched.
void i18n.init({
  resources: Object.fromEntries(Object.entries(CATALOGUES).map(([l, c]) => [l, { translation: c }])),
  lng: "en", fallbackLng: "en", supportedLngs: [...UI_LANGUAGES],
  // Pages escape every interpolation themselves (html``); escaping here would escape twice.
  interpolation: { escapeValue: false },
  initAsync: false,
});

export const isUiLanguage = (v: unknown): v is UiLanguage => typeof v === "string" && Object.hasOwn(CATALOGUES, v);

/**
 * The translator of a language, kept. A call with a key alone, or with options that are all strings,
 * numbers or booleans (a count, a name), is answered from memory after its first time: i18next copies
 * its whole options object on every call, which was the largest single cost of rendering a listing
 * page (≈ 9 % of it). Any other call goes to i18next each time. The catalogues are bundled and never
 * change while the process runs, so an answer depends on the key and those values alone.
 */
export function translator(lang: UiLanguage): TFunction {
  let t = translators.get(lang);
  if (!t) {
    t = remembering(i18n.getFixedT(lang));
    translators.set(lang, t);
  }
  return t;
}

const translators = new Map<UiLanguage, TFunction>();
/** Answers kept per language (keys and counts vary little; this is a guard): cleared when full. */
const KEPT_ANSWERS_AT_MOST = 5000;

/**
 * The memory's key for a call `t(key)` or `t(key, {name: primitive, …})`; null for any other call.
 * JSON, not a joined string: values come from documents, and no two calls may share a key.
 */
function memoKey(args: unknown[]): string | null {
  if (typeof args[0] !== "string") return null;
  if (args.length === 1) return JSON.stringify(args[0]);
  if (args.length !== 2 || typeof args[1] !== "object" || args[1] === null) return null;
  for (const value of Object.values(args[1])) {
    const type = typeof value;
    if (type !== "string" && type !== "number" && type !== "boolean") return null;
  }
  return JSON.stringify(args);
}

function remembering(t: TFunction): TFunction {
  const answers = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const kept = (...args: unknown[]): unknown => {
    const key = memoKey(args);
    if (key === null) return call(...args);
    const known = answers.get(key);
    if (known !== undefined) return known;
    const text = call(...args);
    if (typeof text === "string") {
      if (answers.size >= KEPT_ANSWERS_AT_MOST) answers.clear();
      answers.set(key, text);
    }
    return text;
  };
  return kept as unknown as TFunction;
}

/** A translation if the catalogue of `lang` has one (code-list labels the lists lack), else undefined. */
export function catalogueEntry(lang: string, key: string): string | undefined {
  return isUiLanguage(lang) && i18n.exists(key, { lng: lang, fallbackLng: false }) ? i18n.t(key, { lng: lang }) : undefined;
}

/** The best of `among` for the browser's Accept-Language (aliases included), or undefined. */
function accepted<L extends UiLanguage>(req: Request, among: readonly L[]): L | undefined {
  // English first: a browser that states no preference (or "*") gets the first language offered.
  const offered = [...among.filter((l) => l === "en"), ...among.filter((l) => l !== "en"), ...Object.keys(ALIASES).filter((a) => among.includes(ALIASES[a] as L))];
  const best = req.acceptsLanguages(...offered);
  if (typeof best !== "string") return undefined;
  const lang = (ALIASES[best] ?? best) as L;
  return among.includes(lang) ? lang : undefined;
}

/** The language named in the address (?hl=), if it is one of ours. */
export function addressedLanguage(req: Request): UiLanguage | undefined {
  const hl = req.query[UI_PARAM];
  return isUiLanguage(hl) ? hl : undefined;
}

/** The reader's interface language: the address's, their choice (cookie), their browser's, else English. */
export function uiLanguageOf(req: Request): UiLanguage {
  return uiLanguageAmong(req, UI_LANGUAGES);
}

/** The same negotiation restricted to `among` (the workspace's languages). */
export function uiLanguageAmong<L extends UiLanguage>(req: Request, among: readonly L[]): L {
  const named = addressedLanguage(req);
  if (named && among.includes(named as L)) return named as L;
  const chosen = readCookie(req, UI_COOKIE);
  if (isUiLanguage(chosen) && among.includes(chosen as L)) return chosen as L;
  return accepted(req, among) ?? ("en" as L);
}
