// Dispatchers for what our IRIs serve as ActivityPub JSON: challenge Notes (Tombstones once withdrawn),
// the Create/Update/Delete activities recorded in the transactional outbox, and each hub's outbox.
// A null answer falls through to the HTML routes, which 404 (drafts and unknown keys).
import type { Federation, RequestContext } from "@fedify/fedify";
import { Create, Delete, Object as ASObject, Update, type Activity } from "@fedify/vocab";
import type { ActivityRecord, Repositories, StoredChallenge } from "../node/domain/ports";
import { activityFromRecord, hubHandleOf } from "./activities";
import { isSignedRequest, signedOrInstance } from "./actors";
import { challengeToNote, challengeToTombstone } from "./challenge-note";
import { routes } from "./routes";

export interface ObjectDeps {
  repos: Repositories;
  origin: string;
  /** Secure mode (IPN_AUTHORIZED_FETCH): objects and outboxes answer only signed GETs. */
  authorizedFetch?: boolean;
}

const OUTBOX_PAGE = 20;

/** Was public at some point: withdrawal keeps the last public version, drafts never were. */
const wasPublic = (c: StoredChallenge) => c.doc.status !== "draft";

export function registerObjectDispatchers(federation: Federation<void>, deps: ObjectDeps): void {
  const { repos, origin } = deps;
  const secure = deps.authorizedFetch ?? false;
  const authorizeObject = async (ctx: RequestContext<void>) => !secure || (await isSignedRequest(ctx));

  const localChallenge = async (key: string): Promise<StoredChallenge | null> => {
    const c = await repos.challenges.getByKey(key);
    return c && c.key === key && wasPublic(c) ? c : null;
  };

  // Registered for the base Object class because the same id serves a Note, and a Tombstone after
  // withdrawal. Fedify answers 200 for any object; the HTTP adapter turns a Tombstone into 410.
  federation.setObjectDispatcher(ASObject, routes.challenge, async (ctx, { key }) => {
    const c = await localChallenge(key);
    if (!c) return null;
    if (c.withdrawnAt) return challengeToTombstone(c.doc, c.withdrawnAt);
    return challengeToNote(c.doc, {
      origin,
      hubFollowersUri: ctx.getFollowersUri(hubHandleOf(c.doc.hub)),
      country: c.country,
    });
  }).authorize(authorizeObject);

  // Activities about a withdrawn challenge stop serving its content (the Delete still answers).
  const recorded = async <T extends Activity>(type: ActivityRecord["type"], iri: URL, key: string): Promise<T | null> => {
    const c = await localChallenge(key);
    if (!c || (c.withdrawnAt && type !== "Delete")) return null;
    const record = await repos.activities.get(iri.href);
    if (!record || record.type !== type) return null;
    return activityFromRecord(record, { origin, country: c.country }) as T;
  };
  federation.setObjectDispatcher(Create, routes.createActivity, (ctx, values) => recorded<Create>("Create", ctx.getObjectUri(Create, values), values.key))
    .authorize(authorizeObject);
  federation.setObjectDispatcher(Update, routes.updateActivity, (ctx, values) => recorded<Update>("Update", ctx.getObjectUri(Update, values), values.key))
    .authorize(authorizeObject);
  federation.setObjectDispatcher(Delete, routes.deleteActivity, (ctx, values) => recorded<Delete>("Delete", ctx.getObjectUri(Delete, values), values.key))
    .authorize(authorizeObject);

  federation
    .setOutboxDispatcher(routes.hubOutbox, async (ctx, identifier, cursor) => {
      if (cursor == null) return null; // paged: the collection itself only carries totalItems and first
      const hub = await repos.hubs.get(identifier);
      if (!hub) return null;
      let page: { items: ActivityRecord[]; next: string | null };
      try {
        page = await repos.activities.pageByActor(ctx.getActorUri(identifier).href, cursor === "" ? null : cursor, OUTBOX_PAGE);
      } catch {
        return null; // a hostile or stale cursor is a 404, not a 500
      }
      const withdrawn = new Set<string>();
      for (const objectId of new Set(page.items.map((r) => r.objectId))) {
        const c = await repos.challenges.getById(objectId);
        if (!c || c.withdrawnAt) withdrawn.add(objectId);
      }
      const items = page.items
        .filter((r) => r.type === "Delete" || !withdrawn.has(r.objectId))
        .map((r) => activityFromRecord(r, { origin, country: hub.doc.country }));
      return { items, nextCursor: page.next };
    })
    .setFirstCursor(() => "")
    .setCounter(async (ctx, identifier) => ((await repos.hubs.get(identifier)) ? repos.activities.countByActor(ctx.getActorUri(identifier).href) : null))
    .authorize(signedOrInstance(secure));
}

