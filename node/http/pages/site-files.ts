// The files every site is expected to have: robots.txt (pointing crawlers at the sitemap, keeping them
// out of the API and the ActivityPub collections), sitemap.xml (the listing, every hub and every public
// challenge published on this node — mirrored ones are indexed on their own nodes — each with its
// language versions), and a favicon.
import express from "express";
import type { Repositories } from "../../domain/ports";
import { CHALLENGE_STATUSES } from "../../domain/types";
import { paths, uri } from "../../domain/uris";
import { escapeHtml } from "../../domain/html-escape";
import { UI_LANGUAGES } from "../i18n";
import { languageVersion } from "./language-versions";

// The sitemap protocol allows 50,000 addresses and 50 MB in one file; each address here carries its 27
// language versions (about 2.5 kB), so the size is the ceiling reached first.
const SITEMAP_MAX = 15_000;
const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");

export const FAVICON_PATH = "/favicon.svg";
// The IPN mark: a white network of three nodes on the site's accent blue.
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b4f9c"/><path d="M9 22 16 9l7 13z" fill="none" stroke="#fff" stroke-width="2"/><circle cx="16" cy="9" r="3.5" fill="#fff"/><circle cx="9" cy="22" r="3.5" fill="#fff"/><circle cx="23" cy="22" r="3.5" fill="#fff"/></svg>\n`;

export function siteFilesRouter(deps: { repos: Repositories; origin: string }): express.Router {
  const r = express.Router();
  const cacheDay = (res: express.Response) => res.set("Cache-Control", "public, max-age=86400");

  r.get("/robots.txt", (_req, res) => {
    cacheDay(res);
    res.type("text/plain; charset=utf-8").send(`User-agent: *\nDisallow: /api/\nDisallow: /inbox\nDisallow: /workspace\nDisallow: /invitations/\nDisallow: /login\nAllow: /\n\nSitemap: ${uri(deps.origin, "/sitemap.xml")}\n`);
  });

  r.get(FAVICON_PATH, (_req, res) => { cacheDay(res); res.type("image/svg+xml").send(FAVICON); });
  // Browsers ask for /favicon.ico whatever the page links; send them to the one icon there is.
  r.get("/favicon.ico", (_req, res) => { cacheDay(res); res.redirect(301, FAVICON_PATH); });

  r.get("/sitemap.xml", async (_req, res) => {
    const urls: { loc: string; lastmod?: string }[] = [{ loc: uri(deps.origin, "/") }];
    for (const h of await deps.repos.hubs.list()) urls.push({ loc: uri(deps.origin, paths.hub(h.handle)), lastmod: h.doc.updated });
    let cursor: string | undefined;
    do {
      const page = await deps.repos.challenges.list({ status: [...PUBLIC_STATUSES], sort: "newest", limit: 100, cursor });
      for (const c of page.items) if (c.key !== null) urls.push({ loc: uri(deps.origin, paths.challenge(c.key)), lastmod: c.doc.updated });
      cursor = page.nextCursor ?? undefined;
    } while (cursor && urls.length < SITEMAP_MAX);
    const versions = (loc: string) => [...UI_LANGUAGES.map((l) => [l, languageVersion(loc, loc, l)]), ["x-default", loc]]
      .map(([l, href]) => `<xhtml:link rel="alternate" hreflang="${l}" href="${escapeHtml(href!)}"/>`).join("");
    const body = urls.slice(0, SITEMAP_MAX)
      .map((u) => `<url><loc>${escapeHtml(u.loc)}</loc>${u.lastmod ? `<lastmod>${escapeHtml(u.lastmod)}</lastmod>` : ""}${versions(u.loc)}</url>`).join("\n");
    res.set("Cache-Control", "public, max-age=3600");
    res.type("application/xml; charset=utf-8").send(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${body}\n</urlset>\n`);
  });
  return r;
}
