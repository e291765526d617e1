// The frame every page shares. No inline script or style anywhere: the CSP forbids both.
import { html, type SafeHtml } from "./html";
import { label, UI_LANGUAGE } from "./format";
import { LANGUAGE_NAMES, translator, UI_LANGUAGES, type UiLanguage } from "../i18n";
import { languageLinks, unnamedLanguage } from "./language-versions";
import { FAVICON_PATH } from "./site-files";
import { stylesheetHref } from "./stylesheet";

export interface SiteInfo {
  nodeName: string;
  /** ISO 3166-1 alpha-2 of the node's member state ("" when not configured). */
  country: string;
  /** The public origin, for the absolute addresses of a page's language versions. */
  origin?: string;
}

export interface PageOptions {
  site: SiteInfo;
  title: string;
  body: SafeHtml;
  /** Extra <head> elements (alternate links, OpenGraph). */
  head?: SafeHtml;
  lang?: string;
  /** The interface language of a translated page (its chrome and <html lang>); English otherwise. */
  ui?: UiLanguage;
  /** The page's own path and query, for the language links (only on translated pages). */
  path?: string;
  /** Name the page's language versions and canonical address in <head> (pages answered 200). */
  versions?: boolean;
  /** A canonical address elsewhere (a mirrored challenge's origin): named instead of the language versions. */
  canonical?: string;
}

const MIRRORED_HUB = /^\/mirror\/[^/]+\/hubs\//;
/** The site's sections, in every page's header; the one the page belongs to is marked current. */
const SECTIONS = [
  { href: "/", key: "site.footer.challenges", match: (path: string) => path === "/" || path.startsWith("/?") || path.startsWith("/challenges/") || (path.startsWith("/mirror/") && !MIRRORED_HUB.test(path)) },
  { href: "/hubs", key: "site.footer.hubs", match: (path: string) => path.startsWith("/hubs") || MIRRORED_HUB.test(path) },
  { href: "/feeds", key: "site.nav.follow", match: (path: string) => path.startsWith("/feeds") || path.startsWith("/topics/") || path.startsWith("/countries/") },
  { href: "/map", key: "site.footer.map", match: (path: string) => path.startsWith("/map") },
  { href: "/peers", key: "site.nav.network", match: (path: string) => path.startsWith("/peers") },
  { href: "/api/openapi.json", key: "site.nav.api", match: () => false },
] as const;

function siteNav(path: string | undefined, t: ReturnType<typeof translator>): SafeHtml {
  const here = path ? SECTIONS.find((s) => s.match(path))?.href : undefined;
  return html`<nav class="site-nav" aria-label="${t("site.nav.label")}"><ul>${SECTIONS.map((s) => html`<li><a href="${s.href}"${s.href === here ? html` aria-current="page"` : ""}>${t(s.key)}</a></li>`)}</ul></nav>`;
}

export function layout(p: PageOptions): SafeHtml {
  const ui = p.ui ?? "en";
  const t = translator(ui);
  const country = p.site.country ? label("countries", p.site.country, ui) : "";
  return html`<!DOCTYPE html>
<html lang="${p.lang ?? ui ?? UI_LANGUAGE}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ${p.site.nodeName}</title>
<link rel="stylesheet" href="${stylesheetHref}">
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<meta property="og:site_name" content="${p.site.nodeName}">
${p.canonical ? html`<link rel="canonical" href="${p.canonical}">` : p.path && p.versions && p.site.origin ? languageLinks(p.site.origin, p.path, ui) : ""}
${p.head}
</head>
<body>
<a class="skip-link" href="#main">${t("site.skip")}</a>
<header class="site-header">
<a class="site-name" href="/">${p.site.nodeName}</a>
${country ? html`<span class="site-country">${country}</span>` : ""}
<span class="site-tagline">${t("site.tagline")}</span>
${siteNav(p.path, t)}
</header>
<main id="main" tabindex="-1">
${p.body}
</main>
<footer class="site-footer">
<a href="/">${t("site.footer.challenges")}</a>
<a href="/hubs">${t("site.footer.hubs")}</a>
<a href="/map">${t("site.footer.map")}</a>
<a href="/accessibility">${t("site.footer.accessibility")}</a>
<a href="/api/openapi.json">${t("site.footer.api")}</a>
<a href="/schemas/challenge.json">${t("site.footer.schema")}</a>
<a href="/login">${t("site.footer.signIn")}</a>
${p.path ? html`<nav class="ui-languages" aria-label="${t("site.footer.language")}"><ul>${UI_LANGUAGES.map((l) => html`<li><a href="/ui?lang=${l}&amp;back=${encodeURIComponent(unnamedLanguage(p.path!))}" hreflang="${l}" lang="${l}"${l === ui ? html` aria-current="true"` : ""}>${LANGUAGE_NAMES[l]}</a></li>`)}</ul></nav>` : ""}
</footer>
</body>
</html>
`;
}
