// Each language version of a page has its own address: ?hl=<language> (the interface) beside the page's
// own query (?lang= picks a challenge's content language). Pages name every version for search engines
// (hreflang) and their own as canonical; the sitemap lists the same alternates.
import { html, type SafeHtml } from "./html";
import { UI_LANGUAGES, UI_PARAM, type UiLanguage } from "../i18n";

/** The page's address in one language (`?hl=`), or with no language named (null: the negotiated x-default). */
export function languageVersion(origin: string, path: string, lang: UiLanguage | null): string {
  const url = new URL(path, origin);
  url.searchParams.delete(UI_PARAM);
  if (lang) url.searchParams.set(UI_PARAM, lang);
  return url.href;
}

/** The path without ?hl=, so that the reader's choice of language (a cookie) decides when they come back. */
export function unnamedLanguage(path: string): string {
  const url = new URL(languageVersion("http://localhost", path, null));
  return url.pathname + url.search;
}

/** Every language version of a translated page for search engines (hreflang), and this one's canonical address. */
export function languageLinks(origin: string, path: string, ui: UiLanguage): SafeHtml {
  return html`<link rel="canonical" href="${languageVersion(origin, path, ui)}">
${UI_LANGUAGES.map((l) => html`<link rel="alternate" hreflang="${l}" href="${languageVersion(origin, path, l)}">
`)}<link rel="alternate" hreflang="x-default" href="${languageVersion(origin, path, null)}">`;
}
