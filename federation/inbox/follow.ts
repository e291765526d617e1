// Follow of one of our hubs: remember the follower's inboxes, then Accept at once (hubs never approve
// manually; Mastodon leaves the follow "requested" until the Accept arrives).
import type { InboxContext } from "@fedify/fedify";
import { Accept, Follow, isActor } from "@fedify/vocab";
import { federationLogger } from "../log";
import { assertFetchableUrl } from "../safe-fetch";
import type { InboxDeps } from "./deps";

const log = federationLogger("inbox", "follow");

export async function handleFollow(deps: InboxDeps, ctx: InboxContext<void>, follow: Follow): Promise<void> {
  if (follow.id == null || follow.actorId == null || follow.objectId == null) return;
  const target = ctx.parseUri(follow.objectId);
  if (target?.type !== "actor") return; // not one of ours: nothing to do
  const handle = target.identifier;
  if (!deps.network?.isFollowable(handle) && !(await deps.repos.hubs.get(handle))) return;

  const follower = await follow.getActor(ctx);
  // The signer is follow.actor (Fedify checked it); the fetched document must be that actor.
  if (!isActor(follower) || follower.id?.href !== follow.actorId.href || follower.inboxId == null) {
    log.info("Follow of {handle} by {actor} dropped: actor document unusable", { handle, actor: follow.actorId.href });
    return;
  }
  // Deliveries are Fedify's own POSTs, outside our guarded fetch: never store an inbox that points
  // into a private network, or a public actor document could aim our deliveries at internal hosts.
  const inboxes = [follower.inboxId, follower.endpoints?.sharedInbox].filter((u): u is URL => u != null);
  try {
    for (const inbox of inboxes) await assertFetchableUrl(inbox, { allowPrivateNetwork: deps.allowPrivateNetwork ?? false, resolver: deps.resolver });
  } catch (error) {
    log.info("Follow of {handle} by {actor} dropped: inbox not acceptable ({error})", { handle, actor: follow.actorId.href, error: String(error) });
    return;
  }
  await deps.repos.followers.add(handle, {
    actorId: follower.id.href,
    inbox: follower.inboxId.href,
    sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    followId: follow.id.href,
  });
  await ctx.sendActivity(
    { identifier: handle },
    follower,
    new Accept({
      id: new URL(`#accepts/${crypto.randomUUID()}`, ctx.getActorUri(handle)),
      actor: ctx.getActorUri(handle),
      // The Follow as received, with its id (Mastodon matches its pending request by that id);
      // rebuilt from the ids because getActor() above cached the whole actor document inside it.
      object: new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId }),
      to: follower.id,
    }),
  );
  log.info("{actor} follows {handle}", { handle, actor: follower.id.href });
}
