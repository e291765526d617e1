// The user interface's languages (i18next, catalogues in locales/<lang>.json): which one a reader gets,
// and the translator for it. Content keeps the language it was written in; only the interface changes.
// A reader's choice (the language links in the footer) is kept in a cookie and wins over the browser's
// Accept-Language; without either, English.
import type { Request } from "express";
import i18next, { type TFunction } from "i18next";
import de from "../../locales/de.json";
import en from "../../locales/en.json";
import fr from "../../locales/fr.json";
import { readCookie } from "./cookies";

export const UI_LANGUAGES = ["en", "de", "fr"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
export const UI_COOKIE = "ipn-ui";

const i18n = i18next.createInstance();
// Resources are bundled: initialisation is synchronous and nothing is fetched.
void i18n.init({
  resources: { en: { translation: en }, de: { translation: de }, fr: { translation: fr } },
  lng: "en", fallbackLng: "en", supportedLngs: [...UI_LANGUAGES],
  // Pages escape every interpolation themselves (html``); escaping here would escape twice.
  interpolation: { escapeValue: false },
  initAsync: false,
});

export const isUiLanguage = (v: unknown): v is UiLanguage => typeof v === "string" && (UI_LANGUAGES as readonly string[]).includes(v);

export function translator(lang: UiLanguage): TFunction {
  return i18n.getFixedT(lang);
}

/** A translation if the catalogue of `lang` has one (code-list labels the lists lack), else undefined. */
export function catalogueEntry(lang: string, key: string): string | undefined {
  return isUiLanguage(lang) && i18n.exists(key, { lng: lang, fallbackLng: false }) ? i18n.t(key, { lng: lang }) : undefined;
}

/** The reader's interface language: their choice (cookie), else their browser's, else English. */
export function uiLanguageOf(req: Request): UiLanguage {
  const chosen = readCookie(req, "ipn-ui");
  if (isUiLanguage(chosen)) return chosen;
  const accepted = req.acceptsLanguages(...UI_LANGUAGES);
  return isUiLanguage(accepted) ? accepted : "en";
}
