// Undo(Follow): the follower leaves. Only the signer's own follow can be undone: we remove by the
// Undo's actor, whom Fedify authenticated, and ignore an Undo whose Follow names another actor.
import type { InboxContext } from "@fedify/fedify";
import { Follow, type Undo } from "@fedify/vocab";
import { federationLogger } from "../log";
import type { InboxDeps } from "./deps";

const log = federationLogger("inbox", "undo");

export async function handleUndo(deps: InboxDeps, ctx: InboxContext<void>, undo: Undo): Promise<void> {
  const actorId = undo.actorId?.href;
  if (!actorId) return;
  let object: unknown = null;
  try {
    object = await undo.getObject(ctx);
  } catch (error) {
    log.debug("Undo by {actor}: object not resolvable: {error}", { actor: actorId, error });
  }
  if (object != null && !(object instanceof Follow)) return; // Undo of a Like, Announce …: nothing we track

  const follow = object instanceof Follow ? object : null;
  // Only the signer's own relations: an Undo of a Follow made by someone else changes nothing (and
  // must not quietly end the signer's own follow either).
  if (follow?.actorId != null && follow.actorId.href !== actorId) {
    log.info("Undo by {actor} ignored: the Follow {follow} belongs to {owner}", { actor: actorId, follow: follow.id?.href, owner: follow.actorId.href });
    return;
  }
  const target = follow?.objectId ? ctx.parseUri(follow.objectId) : null;
  let handles: string[];
  if (target?.type === "actor") {
    handles = [target.identifier];
  } else {
    // The object could not be read: only a Follow id we stored for this actor identifies the follow,
    // so an Undo of something else (a bare Like id, say) never unfollows anyone.
    const followId = follow?.id?.href ?? undo.objectId?.href;
    if (!followId) return;
    const candidates = ctx.recipient ? [ctx.recipient] : (await deps.repos.hubs.list()).map((h) => h.handle);
    handles = [];
    for (const handle of candidates) {
      if ((await deps.repos.followers.all(handle)).some((f) => f.actorId === actorId && f.followId === followId)) handles.push(handle);
    }
  }
  for (const handle of handles) {
    if (await deps.repos.followers.remove(handle, actorId)) log.info("{actor} unfollowed {handle}", { actor: actorId, handle });
  }
}
