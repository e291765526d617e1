// The inbox listener chain (shared inbox /inbox and each hub's inbox). Fedify verifies signatures
// before any listener runs; listeners only see authenticated activities and never throw on hostile
// input (an exception would make Fedify retry and log it as an error).
import type { Federation } from "@fedify/fedify";
import { Accept, Activity, Announce, Create, Delete, Follow, Reject, Undo, Update } from "@fedify/vocab";
import { INSTANCE_IDENTIFIER } from "../network/instance-actor";
import { routes } from "../routes";
import { federationLogger } from "../log";
import type { InboxDeps } from "./deps";
import { handleFollow } from "./follow";
import { ActivityInProgress, onlyOnce } from "./once";
import { handleUndo } from "./undo";

const log = federationLogger("inbox");

export type { InboxDeps } from "./deps";

export function registerInbox(federation: Federation<void>, deps: InboxDeps): void {
  federation
    .setInboxListeners(routes.hubInbox, routes.sharedInbox)
    // Fetches made while handling the shared inbox (the signer's key, the follower's actor) are signed
    // by the instance actor: GoToSocial and Mastodon in secure mode refuse unsigned ones (401).
    .setSharedKeyDispatcher(() => ({ identifier: INSTANCE_IDENTIFIER }))
    // Each listener runs once per activity id, however many copies arrive at once (./once.ts).
    .on(Follow, (ctx, follow) => onlyOnce(deps.kv, follow, () => handleFollow(deps, ctx, follow)))
    .on(Undo, (ctx, undo) => onlyOnce(deps.kv, undo, () => handleUndo(deps, ctx, undo)))
    // Node-to-node mirroring (origin rules in federation/network/peer-network.ts).
    .on(Create, (_ctx, a) => onlyOnce(deps.kv, a, async () => { await deps.network?.received("Create", a.actorId, a.objectId); }))
    .on(Update, (ctx, a) => onlyOnce(deps.kv, a, async () => {
      await deps.network?.received("Update", a.actorId, a.objectId);
      await deps.network?.forward?.(ctx, a);
    }))
    .on(Announce, (_ctx, a) => onlyOnce(deps.kv, a, async () => { await deps.network?.received("Announce", a.actorId, a.objectId); }))
    .on(Delete, (ctx, a) => onlyOnce(deps.kv, a, async () => {
      await deps.network?.deleted(a.actorId, a.objectId);
      await deps.network?.forward?.(ctx, a);
    }))
    .on(Accept, (_ctx, a) => onlyOnce(deps.kv, a, async () => { if (a.actorId) await deps.network?.followAnswered(a.actorId, true); }))
    .on(Reject, (_ctx, a) => onlyOnce(deps.kv, a, async () => { if (a.actorId) await deps.network?.followAnswered(a.actorId, false); }))
    // Everything else (Like, Announce of our challenges, Delete of remote accounts …) is accepted
    // and ignored; Fedify matches listeners by class hierarchy, so this catches all other activities.
    .on(Activity, async (_ctx, activity) => {
      log.debug("ignored {type} {id}", { type: activity.constructor.name, id: activity.id?.href });
    })
    // A deleted remote account signs its own Delete with a key that is gone by now (410/404):
    // answer 202 without processing instead of a 401 that makes its server retry for days.
    .onUnverifiedActivity((_ctx, activity, reason) => {
      if (!(activity instanceof Delete) || activity.actorId == null || activity.objectId?.href !== activity.actorId.href) return;
      if (reason.type === "keyFetchError" && "status" in reason.result && (reason.result.status === 410 || reason.result.status === 404)) {
        return new Response(null, { status: 202 });
      }
    })
    .onError((_ctx, error) => {
      if (error instanceof ActivityInProgress) log.debug("{error}", { error: error.message });
      else log.warn("inbox listener failed: {error}", { error });
    });
}
