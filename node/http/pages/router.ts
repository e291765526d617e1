// The server-rendered HTML pages. Mounted after Fedify: ActivityPub clients asking for these same
// URLs get AS2 from Fedify; everything Fedify passes on (browsers, and also unknown or draft
// objects it does not serve) lands here, so this router decides 404/410 on its own.
import express, { type Request, type Response } from "express";
import type { FacetCounts, ListingPage, MirroredHub, PeerRecord, Repositories, StoredChallenge, StoredHub } from "../../domain/ports";
import { LISTING_FACETS } from "../../domain/listing-facets";
import { InvalidCursorError } from "../../domain/ports";
import { COUNTRY_CODES } from "../../domain/codelists";
import { FOCUS_AREAS, INSTRUMENTS } from "../../domain/types";
import { paths, uri } from "../../domain/uris";
import { parseListingQuery } from "../listing-query";
import { challengeBody, challengeHead, challengeTitle } from "./challenge-page";
import { challengeHref, mirroredHubPath, mirroredIds, remoteHubLabel } from "./components";
import { hubDirectory, PUBLIC_STATUSES } from "./hub-directory";
import { createHubLabels } from "./hub-labels";
import { feedsRouter } from "../feeds/feeds.routes";
import { badRequestPage, gonePage, notFoundPage, type ErrorPage } from "./error-pages";
import { mapBody } from "./map-page";
import { remoteFollowBody, remoteFollowForm, type RemoteFollowFailure } from "./remote-follow-page";
import { docLanguages, pick } from "./format";
import { html, type SafeHtml } from "./html";
import { hubBody, hubHead } from "./hub-page";
import { hubsBody, parseHubsFilter } from "./hubs-page";
import { languageVersion } from "./language-versions";
import { layout, type SiteInfo } from "./layout";
import { filterForm, listingBody, listingSubscription } from "./listing-page";
import { alternateLinks, subscribeControl } from "./subscribe";
import { type FeedEntry, feedName, feedProfileBody, feedsBody, peersBody } from "./network-page";
import { sendConditional } from "../conditional";
import { accessibilityBody } from "./accessibility-page";
import { siteFilesRouter } from "./site-files";
import { isUiLanguage, translator, UI_COOKIE, UI_PARAM, uiLanguageOf, type UiLanguage } from "../i18n";
import { catalogRouter } from "../catalog.routes";
import { stylesheet, STYLESHEET_PATH } from "./stylesheet";

export interface PagesDeps {
  repos: Repositories;
  /** Canonical public origin, e.g. "https://de.ipn.example". */
  origin: string;
  nodeName: string;
  /** ISO 3166-1 alpha-2 of the node ("" when not configured). */
  country: string;
  /** The allowlisted peers with their sync state (the public /peers page). */
  peers?: () => Promise<PeerRecord[]>;
  /** The aggregator's topic and country actors (the /feeds page); absent on national nodes. */
  feeds?: readonly FeedEntry[];
  /** URL of the data licence (IPN_DATA_LICENCE), named in the DCAT catalogue. */
  dataLicence?: string;
  /** Asks a reader's own fediverse server for its page to follow an actor (federation/remote-follow.ts). */
  remoteFollow?: (account: string, actorId: string) => Promise<{ ok: true; url: string } | { ok: false; reason: RemoteFollowFailure }>;
}

const HUB_PAGE_LIMIT = 50;
const HANDLE_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const KEY_RE = /^[A-Za-z0-9_.~-]{1,200}$/;
/** A peer's host in a /mirror/ address (name or IPv4, optional port), and a mirrored hub's handle (hub.schema.json). */
const HOST_RE = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;
const MIRRORED_HANDLE_RE = /^[a-z0-9_]{1,30}$/;

export function createPagesRouter(deps: PagesDeps): express.Router {
  const origin = new URL(deps.origin).origin;
  const host = new URL(origin).host;
  const site: SiteInfo = { nodeName: deps.nodeName, country: deps.country, origin };
  const router = express.Router();

  /** `path`: the page's address without noise (default: as requested), for its language versions. */
  const send = (res: Response, status: number, page: { title: string; body: SafeHtml; head?: SafeHtml; lang?: string; ui?: UiLanguage; path?: string; canonical?: string }) => {
    res.status(status);
    res.vary("Accept");
    // Translated pages depend on the reader's language choice and browser; say so to caches.
    if (page.ui) res.vary("Accept-Language").vary("Cookie");
    const body = layout({ site, ...page, path: page.ui ? page.path ?? res.req.originalUrl : undefined, versions: status === 200 }).value;
    // A page that can be cached (not /peers, which is live) answers revalidations with 304.
    // max-age=0: a browser revalidates every time (a 304 when nothing changed), so an officer who has
    // just published sees the change at once, not a minute later.
    if (status === 200 && res.get("Cache-Control") === undefined) return sendConditional(res.req, res, body, { type: "text/html; charset=utf-8", maxAge: 0 });
    res.set("Content-Type", "text/html; charset=utf-8");
    res.send(body);
  };
  const sendError = (res: Response, page: ErrorPage, ui?: UiLanguage) => send(res, page.status, { ...page, ui });

  const hubLabels = createHubLabels(deps.repos, origin);
  // Atom, RSS, JSON Feed and iCalendar of every listing, hub and challenge.
  router.use(feedsRouter({ repos: deps.repos, origin, nodeName: deps.nodeName }));
  router.use(siteFilesRouter({ repos: deps.repos, origin }));
  // The DCAT-AP catalogue of the node's open data, for national portals and data.europa.eu.
  router.use(catalogRouter({ repos: deps.repos, origin, nodeName: deps.nodeName, country: deps.country, licence: deps.dataLicence ?? "https://creativecommons.org/licenses/by/4.0/" }));
  router.get("/accessibility", (req, res) => {
    const ui = uiLanguageOf(req);
    send(res, 200, { title: translator(ui)("a11y.title"), body: accessibilityBody(deps.nodeName, origin, ui), ui });
  });

  router.get(STYLESHEET_PATH, (_req, res) => {
    // The page links it with a content-hash query, so a year-long cache never serves a stale file.
    res.set("Cache-Control", "public, max-age=31536000, immutable");
    res.type("text/css; charset=utf-8").send(stylesheet);
  });

  // Hashtag links in federated Notes point here: a focus area, EEA country or instrument tag becomes
  // that filter (#precommercialprocurement is the instrument pre-commercial-procurement; #KI is not a
  // country), any other tag a full-text search.
  router.get("/tags/:name", (req, res) => {
    const name = String(req.params.name).slice(0, 100);
    const lower = name.toLowerCase();
    const params = new URLSearchParams();
    const instrument = INSTRUMENTS.find((i) => i.replace(/[^a-z0-9]/g, "") === lower);
    if ((FOCUS_AREAS as readonly string[]).includes(lower)) params.set("focusArea", lower);
    else if ((COUNTRY_CODES as readonly string[]).includes(name.toUpperCase())) params.set("country", name.toUpperCase());
    else if (instrument) params.set("instrument", instrument);
    else params.set("q", name);
    res.redirect(302, `/?${params}`);
  });

  // The reader picks the interface language in the footer: remembered for a year, back to the page.
  router.get("/ui", (req, res) => {
    const lang = isUiLanguage(req.query.lang) ? req.query.lang : "en";
    const back = typeof req.query.back === "string" && /^\/(?![/\\])[^\\]*$/.test(req.query.back) ? req.query.back : "/";
    res.append("Set-Cookie", `${UI_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax${origin.startsWith("https:") ? "; Secure" : ""}`);
    res.set("Cache-Control", "no-store");
    res.redirect(303, back);
  });

  router.get("/", async (req, res) => {
    const ui = uiLanguageOf(req);
    const t = translator(ui);
    const raw = req.query as Record<string, unknown>;
    const parsed = parseListingQuery(raw, { origin, dropEmpty: true, own: [UI_PARAM] });
    if (!parsed.ok) return sendError(res, badRequestPage(parsed.errors, filterForm(raw, null, ui), ui), ui);
    let page: ListingPage;
    let total: number;
    let facets: FacetCounts;
    try {
      [page, total, facets] = await Promise.all([
        deps.repos.challenges.list(parsed.query), deps.repos.challenges.count(parsed.query), deps.repos.challenges.facetCounts(parsed.query, LISTING_FACETS),
      ]);
    } catch (e) {
      if (e instanceof InvalidCursorError) {
        return sendError(res, badRequestPage([{ pointer: "/query/cursor", message: "is not a cursor returned by this site" }], filterForm(raw, null, ui), ui), ui);
      }
      throw e;
    }
    const hubs = await hubLabels(page.items);
    send(res, 200, {
      title: t("listing.title"),
      head: html`<meta name="description" content="${t("listing.description", { node: deps.nodeName })}">
${alternateLinks(listingSubscription(parsed.query, origin))}`,
      body: listingBody({ raw, query: parsed.query, page, total, facets, hubs, origin, ui }),
      ui,
    });
  });

  if (deps.peers) {
    const list = deps.peers;
    router.get("/peers", async (req, res) => {
      const ui = uiLanguageOf(req);
      // Sync figures change by the minute: never cached by a proxy.
      res.set("Cache-Control", "no-store");
      send(res, 200, { title: translator(ui)("peers.title"), body: peersBody(await list(), new Date(), ui), ui });
    });
  }

  // Follow & feeds, on every node: the node's feeds, its hubs' accounts, the aggregator's topic and country accounts.
  router.get("/feeds", async (req, res) => {
    const ui = uiLanguageOf(req);
    const hubs = (await deps.repos.hubs.list()).map((hub) => {
      const name = pick(hub.doc.name, ui, hub.doc.defaultLanguage);
      return { name: name?.text ?? hub.handle, lang: name?.lang, href: `/hubs/${hub.handle}`, handle: `@${hub.handle}@${host}` };
    });
    const subscribe = subscribeControl(listingSubscription({ limit: 20 }, origin), ui);
    send(res, 200, { title: translator(ui)("site.nav.follow"), body: feedsBody({ feeds: deps.feeds ?? [], hubs, subscribe, ui }), ui });
  });

  if (deps.feeds) {
    const feeds = deps.feeds;
    // A browser opening a feed actor's IRI (ActivityPub clients get the actor from Fedify) sees its
    // profile: what it boosts, a remote-follow form, the link to its challenges.
    const byPath = new Map(feeds.map((f) => [new URL(f.actorUrl).pathname, f]));
    router.get(["/topics/:code", "/countries/:code"], (req, res, next) => {
      const feed = byPath.get(req.path);
      if (!feed) return next();
      const ui = uiLanguageOf(req);
      const form = remoteFollowForm({ action: `${req.path}/follow`, ui });
      send(res, 200, { title: feedName(feed, ui), body: feedProfileBody(feed, form, ui), ui });
    });
    router.get(["/topics/:code/follow", "/countries/:code/follow"], async (req, res, next) => {
      const page = req.path.replace(/\/follow$/, "");
      const feed = byPath.get(page);
      if (!feed) return next();
      await remoteFollow(req, res, { name: feedName(feed, uiLanguageOf(req)), page, fediverseHandle: feed.handle, actorId: feed.actorUrl });
    });
  }

  router.get("/map", async (req, res) => {
    const ui = uiLanguageOf(req);
    // The country facet of the open challenges: one grouped count (remembered until the store changes).
    const open = { status: ["open" as const], limit: 1 };
    const [{ country = {} }, total] = await Promise.all([deps.repos.challenges.facetCounts(open, ["country"]), deps.repos.challenges.count(open)]);
    const counts = new Map(COUNTRY_CODES.map((c) => [c, country[c] ?? 0] as const));
    send(res, 200, { title: translator(ui)("map.title"), body: mapBody(counts, total, ui), ui });
  });

  router.get("/hubs", async (req, res) => {
    const ui = uiLanguageOf(req);
    const parsed = parseHubsFilter(req.query as Record<string, unknown>);
    if (!parsed.ok) return sendError(res, badRequestPage(parsed.errors, undefined, ui), ui);
    const entries = await hubDirectory(deps.repos, parsed.filter, ui);
    send(res, 200, { title: translator(ui)("hubs.title"), body: hubsBody(entries, parsed.filter, ui), ui });
  });

  /** A hub's page: one of ours (`stored`), or a peer's kept here (`mirrored`, canonical at its origin). */
  const hubPage = async (req: Request, res: Response, hub: StoredHub | MirroredHub | null, mirrored: boolean) => {
    const ui = uiLanguageOf(req);
    if (!hub) return sendError(res, notFoundPage("hub", ui), ui);
    const handle = hub.doc.preferredUsername;
    // Ours at this node's origin as configured now; a peer's at the id its origin gave it.
    const actorId = mirrored ? hub.doc.id : uri(origin, paths.hub(handle));
    const page = await deps.repos.challenges.list({ hub: [actorId], status: [...PUBLIC_STATUSES], sort: "newest", limit: HUB_PAGE_LIMIT });
    // The listing takes our hubs by handle and a peer's by IRI.
    const moreHref = page.nextCursor
      ? `/?${new URLSearchParams({ hub: mirrored ? actorId : handle, status: PUBLIC_STATUSES.join(","), sort: "newest" }).toString()}`
      : null;
    const hubHost = mirrored ? new URL(actorId).host : host;
    const view = { hub: { handle, doc: hub.doc }, actorId, host: hubHost, challenges: page.items, moreHref, ui, mirrored: mirrored ? { page: mirroredHubPath(actorId)!, original: actorId } : undefined };
    const lang = hub.doc.defaultLanguage;
    const name = pick(hub.doc.name, ui, lang)?.text ?? handle;
    const summary = pick(hub.doc.summary, ui, lang)?.text ?? null;
    send(res, 200, { title: name, head: hubHead(view, name, summary), body: hubBody(view), ui, canonical: mirrored ? actorId : undefined });
  };

  router.get("/hubs/:handle", async (req, res) => {
    const handle = String(req.params.handle);
    await hubPage(req, res, HANDLE_RE.test(handle) ? await deps.repos.hubs.get(handle) : null, false);
  });

  // A peer's hub profile as mirrored here: readable while its node is down, canonical at its origin.
  router.get("/mirror/:host/hubs/:handle", async (req, res) => {
    const peerHost = String(req.params.host);
    const handle = String(req.params.handle);
    let hub: MirroredHub | null = null;
    if (HOST_RE.test(peerHost) && MIRRORED_HANDLE_RE.test(handle)) {
      for (const id of mirroredIds(peerHost, handle, "hubs")) hub ??= await deps.repos.mirroredHubs.getById(id);
    }
    await hubPage(req, res, hub, true);
  });

  // Remote follow: the reader's address → their server's page for following this actor (or why not).
  const remoteFollow = async (req: Request, res: Response, target: { name: string; page: string; fediverseHandle: string; actorId: string }) => {
    const ui = uiLanguageOf(req);
    const view = { name: target.name, page: target.page, fediverseHandle: target.fediverseHandle, ui };
    const account = typeof req.query.account === "string" ? req.query.account.trim().slice(0, 320) : "";
    if (!account || !deps.remoteFollow) return send(res, 200, { title: translator(ui)("remoteFollow.title", { name: target.name }), body: remoteFollowBody({ ...view, account }), ui });
    res.set("Cache-Control", "no-store");
    const r = await deps.remoteFollow(account, target.actorId);
    if (r.ok) return res.redirect(303, r.url);
    const server = account.split("@").filter(Boolean)[1] ?? "";
    send(res, r.reason === "invalid-account" ? 400 : 502, { title: translator(ui)("remoteFollow.failedTitle"), body: remoteFollowBody({ ...view, account, failure: r.reason, server }), ui });
  };

  router.get("/hubs/:handle/follow", async (req, res) => {
    const handle = String(req.params.handle);
    const hub = HANDLE_RE.test(handle) ? await deps.repos.hubs.get(handle) : null;
    if (!hub) return sendError(res, notFoundPage("hub", uiLanguageOf(req)), uiLanguageOf(req));
    const lang = hub.doc.defaultLanguage;
    const name = pick(hub.doc.name, lang, lang)?.text ?? handle;
    await remoteFollow(req, res, { name, page: `/hubs/${handle}`, fediverseHandle: `@${handle}@${host}`, actorId: uri(origin, paths.hub(handle)) });
  });

  /** A public challenge's page in the content language asked for (?lang=), or the reader's 404 or 410 page. */
  const challengePage = async (req: Request, res: Response, challenge: StoredChallenge | null, canonicalElsewhere: boolean) => {
    const ui = uiLanguageOf(req);
    // Drafts were never public: they do not exist as far as readers are concerned, withdrawn or not.
    if (!challenge || challenge.doc.status === "draft") return sendError(res, notFoundPage("challenge", ui), ui);
    if (challenge.withdrawnAt) return sendError(res, gonePage(challenge.withdrawnAt, ui), ui);
    const doc = challenge.doc;
    const asked = typeof req.query.lang === "string" ? req.query.lang : "";
    const lang = (docLanguages(doc) as string[]).includes(asked) ? asked : doc.defaultLanguage;
    const hub = (await hubLabels([challenge])).get(doc.hub) ?? remoteHubLabel(doc.hub);
    // Each content language has its own address (?lang=), each interface language too (?hl=); a
    // mirrored challenge's canonical address is its origin's.
    const canonical = canonicalElsewhere ? challengeHref(challenge) ?? challenge.id : undefined;
    const path = canonical ? undefined : `${paths.challenge(challenge.key!)}${lang === doc.defaultLanguage ? "" : `?lang=${lang}`}`;
    const view = { challenge, lang, hub, pageUrl: canonical ?? languageVersion(origin, path!, ui), ui };
    send(res, 200, { title: challengeTitle(doc, lang), head: challengeHead(view), body: challengeBody(view), ui, path, canonical });
  };

  router.get("/challenges/:key", async (req, res) => {
    const key = String(req.params.key);
    const challenge = KEY_RE.test(key) ? await deps.repos.challenges.getByKey(key) : null;
    await challengePage(req, res, challenge?.key ? challenge : null, false);
  });

  // A peer's challenge as mirrored here: readable while its node is down, canonical at its origin.
  router.get("/mirror/:host/:key", async (req, res) => {
    const host = String(req.params.host);
    const key = String(req.params.key);
    let challenge: StoredChallenge | null = null;
    if (KEY_RE.test(key) && HOST_RE.test(host)) {
      for (const id of mirroredIds(host, key)) challenge ??= await deps.repos.challenges.getById(id);
    }
    // Only mirrored challenges: a local one has its own address.
    await challengePage(req, res, challenge?.key === null ? challenge : null, true);
  });

  // Any other address a browser asks for gets a page, not the API's problem+json.
  router.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || req.path.startsWith("/api/") || req.accepts(["json", "html"]) !== "html") return next();
    const ui = uiLanguageOf(req);
    sendError(res, notFoundPage("page", ui), ui);
  });
  return router;
}
