// The frame every page shares. No inline script or style anywhere: the CSP forbids both.
import { html, type SafeHtml } from "./html";
import { label, UI_LANGUAGE } from "./format";
import { FAVICON_PATH } from "./site-files";
import { stylesheetHref } from "./stylesheet";

export interface SiteInfo {
  nodeName: string;
  /** ISO 3166-1 alpha-2 of the node's member state ("" when not configured). */
  country: string;
}

export interface PageOptions {
  site: SiteInfo;
  title: string;
  body: SafeHtml;
  /** Extra <head> elements (alternate links, OpenGraph). */
  head?: SafeHtml;
  lang?: string;
}

export function layout(p: PageOptions): SafeHtml {
  const country = p.site.country ? label("countries", p.site.country) : "";
  return html`<!DOCTYPE html>
<html lang="${p.lang ?? UI_LANGUAGE}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ${p.site.nodeName}</title>
<link rel="stylesheet" href="${stylesheetHref}">
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<meta property="og:site_name" content="${p.site.nodeName}">
${p.head}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="site-name" href="/">${p.site.nodeName}</a>
${country ? html`<span class="site-country">${country}</span>` : ""}
<span class="site-tagline">Innovation Procurement Network</span>
</header>
<main id="main" tabindex="-1">
${p.body}
</main>
<footer class="site-footer">
<a href="/">Challenges</a>
<a href="/hubs">Hubs</a>
<a href="/accessibility">Accessibility</a>
<a href="/api/openapi.json">API (OpenAPI)</a>
<a href="/schemas/challenge.json">Challenge schema</a>
<a href="/login">Sign in (hub editors)</a>
</footer>
</body>
</html>
`;
}
