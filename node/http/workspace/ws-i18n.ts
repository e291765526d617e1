// The workspace's words in the signed-in person's language (en, de, fr). Messages are written in
// English in the code, and that English is the key of their translation in the `workspace` section of
// the same catalogues as the public pages (locales/<lang>.json): the code stays readable, and a test
// finds every message the code uses missing from a catalogue. {{name}} marks a value put in.
import type { Request, Response } from "express";
import de from "../../../locales/de.json";
import fr from "../../../locales/fr.json";
import { isUiLanguage, type UiLanguage, uiLanguageOf } from "../i18n";

export type Tw = (english: string, values?: Record<string, string | number>) => string;

const CATALOGUES: Record<UiLanguage, Record<string, string>> = { en: {}, de: de.workspace, fr: fr.workspace };

export function workspaceText(lang: UiLanguage): Tw {
  const catalogue = CATALOGUES[lang];
  return (english, values) => {
    const text = catalogue[english] ?? english;
    return values ? text.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(values[k] ?? "")) : text;
  };
}

/** The language of a workspace page: the signed-in person's, else what the browser asks for. */
export function workspaceLanguage(req: Request, res: Response): UiLanguage {
  const user = (res.locals as { signedIn?: { user: { language: string } } }).signedIn?.user;
  return isUiLanguage(user?.language) ? user.language : uiLanguageOf(req);
}
