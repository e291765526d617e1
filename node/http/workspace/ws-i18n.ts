// The workspace's words in the signed-in person's language (en, de, fr; the public pages speak more). Messages are written in
// English in the code, and that English is the key of their translation in the `workspace` section of
// the same catalogues as the public pages (locales/<lang>.json): the code stays readable, and a test
// finds every message the code uses missing from a catalogue. {{name}} marks a value put in.
import type { Request, Response } from "express";
import de from "../../../locales/de.json";
import fr from "../../../locales/fr.json";
import { type UiLanguage, uiLanguageAmong, WORKSPACE_LANGUAGES } from "../i18n";

export type Tw = (english: string, values?: Record<string, string | number>) => string;

export type WorkspaceLanguage = (typeof WORKSPACE_LANGUAGES)[number];
const CATALOGUES: Record<WorkspaceLanguage, Record<string, string>> = { en: {}, de: de.workspace, fr: fr.workspace };

export const isWorkspaceLanguage = (v: unknown): v is WorkspaceLanguage => (WORKSPACE_LANGUAGES as readonly unknown[]).includes(v);

export function workspaceText(lang: UiLanguage): Tw {
  const catalogue: Record<string, string> = isWorkspaceLanguage(lang) ? CATALOGUES[lang] : {};
  return (english, values) => {
    const text = catalogue[english] ?? english;
    return values ? text.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => String(values[k] ?? "")) : text;
  };
}

/** The language of a workspace page: the signed-in person's, else the reader's among the workspace's languages. */
export function workspaceLanguage(req: Request, res: Response): WorkspaceLanguage {
  const user = (res.locals as { signedIn?: { user: { language: string } } }).signedIn?.user;
  return isWorkspaceLanguage(user?.language) ? user.language : uiLanguageAmong(req, WORKSPACE_LANGUAGES);
}
