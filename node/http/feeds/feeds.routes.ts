// Subscriptions to any listing: /feed.{atom,rss,json} and /calendar.ics take the same filters as the
// listing page "/" (and the API), /hubs/{handle}/feed.* and /calendar.ics a hub's challenges, and
// /challenges/{key}/calendar.ics one challenge's dates. Feeds list the latest changes first (50 unless
// `limit` says otherwise); calendars the nearest deadlines (100). Every answer is conditional (304): the
// ETag is exact (a withdrawn challenge leaving the feed changes it); Last-Modified is the latest change
// of a listed challenge.
import express, { type Request, type Response } from "express";
import type { ListingQuery, Repositories, StoredChallenge } from "../../domain/ports";
import { CHALLENGE_STATUSES } from "../../domain/types";
import { paths, uri } from "../../domain/uris";
import { sendConditional } from "../conditional";
import { listingQueryToParams, parseListingQuery } from "../listing-query";
import { challengeHref, remoteHubLabel } from "../pages/components";
import { pick } from "../pages/format";
import { createHubLabels } from "../pages/hub-labels";
import { problem, sendProblem } from "../problem";
import { renderCalendar } from "./render-calendar";
import { entryOf, feedModel } from "./feed-model";
import { FEED_FORMATS, type FeedFormat, renderAtom, renderJsonFeed, renderRss } from "./render-syndication";

export interface FeedsDeps {
  repos: Repositories;
  origin: string;
  nodeName: string;
}

const FEED_LIMIT = 50;
const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");
const CALENDAR_LIMIT = 100;
const HANDLE_RE = /^[a-z0-9_]{1,30}$/;
const KEY_RE = /^[A-Za-z0-9_.~-]{1,200}$/;
const RENDER: Record<FeedFormat, (m: Parameters<typeof renderAtom>[0]) => string> = { atom: renderAtom, rss: renderRss, json: renderJsonFeed };
const CALENDAR_TYPE = "text/calendar; charset=utf-8";

export function feedsRouter(deps: FeedsDeps): express.Router {
  const origin = new URL(deps.origin).origin;
  const hubLabels = createHubLabels(deps.repos, origin);
  const router = express.Router();

  /**
   * The listing query of a feed or calendar request and the query string it shares with its page and
   * other formats (the filters as given, without defaults or paging); null after answering 400.
   */
  const queryOf = (req: Request, res: Response, kind: "feed" | "calendar", hubIri?: string): { q: ListingQuery; shared: string } | null => {
    const raw = { ...(req.query as Record<string, unknown>) };
    if (hubIri) delete raw.hub; // a hub's feed is that hub's, whatever the query says
    const parsed = parseListingQuery(raw, { origin, dropEmpty: true });
    if (!parsed.ok || parsed.facets.length) {
      // Facet counts belong beside a listing; a feed or calendar that was asked for them says so.
      sendProblem(res, problem(400, "invalid filters", parsed.ok ? [{ pointer: "/query/facets", message: "counts belong to GET /api/v1/challenges; feeds and calendars have none" }] : parsed.errors));
      return null;
    }
    const q = parsed.query;
    const params = listingQueryToParams({ ...q, cursor: undefined, limit: 20 }, origin).toString();
    if (raw.limit === undefined || raw.limit === "") q.limit = kind === "feed" ? FEED_LIMIT : CALENDAR_LIMIT;
    if (raw.sort === undefined || raw.sort === "") q.sort = kind === "feed" ? "newest" : "deadline";
    // A feed follows challenges through their whole life: closing, the award, a suspension are
    // changes its readers want as updated entries, so unless asked otherwise it lists every public status.
    if (kind === "feed" && (raw.status === undefined || raw.status === "")) q.status = [...PUBLIC_STATUSES];
    if (hubIri) q.hub = [hubIri];
    return { q, shared: params ? `?${params}` : "" };
  };

  const list = async (q: ListingQuery): Promise<StoredChallenge[]> => (await deps.repos.challenges.list({ ...q, cursor: undefined })).items;

  const sendFeed = async (req: Request, res: Response, format: FeedFormat, hub?: { handle: string; iri: string; name: string }) => {
    const asked = queryOf(req, res, "feed", hub?.iri);
    if (!asked) return;
    const items = await list(asked.q);
    const labels = await hubLabels(items);
    const query = asked.shared;
    const base = hub ? uri(origin, `${paths.hub(hub.handle)}/feed`) : uri(origin, "/feed");
    const model = feedModel({
      title: hub ? `${hub.name} — innovation challenges` : `Innovation challenges on ${deps.nodeName}`,
      description: hub ? `Public-sector innovation challenges of ${hub.name}, newest changes first.` : `Public-sector innovation challenges on ${deps.nodeName}, newest changes first.`,
      pageUrl: hub ? uri(origin, paths.hub(hub.handle)) : `${uri(origin, "/")}${query}`,
      feedBase: base,
      query,
      entries: items.map((c) => entryOf(c, labels.get(c.doc.hub) ?? remoteHubLabel(c.doc.hub), origin)),
    });
    sendConditional(req, res, RENDER[format](model), { type: `${FEED_FORMATS[format].type}; charset=utf-8`, lastModified: model.updated });
  };

  const sendListCalendar = async (req: Request, res: Response, name: string, hubIri?: string) => {
    const asked = queryOf(req, res, "calendar", hubIri);
    if (!asked) return;
    const items = await list(asked.q);
    const body = renderCalendar(name, items.map((c) => ({ challenge: c, url: new URL(challengeHref(c) ?? c.doc.url, origin).href })));
    const updated = items.reduce<string | null>((m, c) => (m === null || c.doc.updated > m ? c.doc.updated : m), null);
    sendConditional(req, res, body, { type: CALENDAR_TYPE, lastModified: updated });
  };

  const localHub = async (handle: string) => {
    const hub = HANDLE_RE.test(handle) ? await deps.repos.hubs.get(handle) : null;
    if (!hub) return null;
    const lang = hub.doc.defaultLanguage;
    return { handle, iri: uri(origin, paths.hub(handle)), name: pick(hub.doc.name, lang, lang)?.text ?? handle };
  };

  for (const format of Object.keys(FEED_FORMATS) as FeedFormat[]) {
    router.get(`/feed.${format}`, (req, res) => sendFeed(req, res, format));
    router.get(`/hubs/:handle/feed.${format}`, async (req, res) => {
      const hub = await localHub(String(req.params.handle));
      if (!hub) return sendProblem(res, problem(404, "no such hub on this node"));
      await sendFeed(req, res, format, hub);
    });
  }
  router.get("/calendar.ics", (req, res) => sendListCalendar(req, res, `Innovation challenges on ${deps.nodeName}`));
  router.get("/hubs/:handle/calendar.ics", async (req, res) => {
    const hub = await localHub(String(req.params.handle));
    if (!hub) return sendProblem(res, problem(404, "no such hub on this node"));
    await sendListCalendar(req, res, `${hub.name} — innovation challenges`, hub.iri);
  });
  router.get("/challenges/:key/calendar.ics", async (req, res) => {
    const key = String(req.params.key);
    const c = KEY_RE.test(key) ? await deps.repos.challenges.getByKey(key) : null;
    if (!c || c.key === null || c.doc.status === "draft") return sendProblem(res, problem(404, "no such challenge"));
    if (c.withdrawnAt) return sendProblem(res, problem(410, "this challenge was withdrawn"));
    const lang = c.doc.defaultLanguage;
    const body = renderCalendar(pick(c.doc.title, lang, lang)?.text ?? key, [{ challenge: c, url: uri(origin, paths.challenge(c.key)) }]);
    sendConditional(req, res, body, { type: CALENDAR_TYPE, lastModified: c.doc.updated });
  });
  return router;
}
