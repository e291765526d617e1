// Follow of one of our actors: remember the follower's inboxes, then Accept at once (hubs never approve
// manually; Mastodon leaves the follow "requested" until the Accept arrives). Followers are who they
// say (issue 8, principle 5): the signer is the follower, its inboxes live on its own origin, and the
// instance actor — whose followers receive every hub's activities — accepts only allowlisted peers'
// instance actors and Rejects everyone else.
import type { InboxContext } from "@fedify/fedify";
import { Accept, type Actor, Follow, isActor, Reject } from "@fedify/vocab";
import { federationLogger } from "../log";
import { INSTANCE_IDENTIFIER, instanceActorUri } from "../network/instance-actor";
import { assertFetchableUrl } from "../safe-fetch";
import type { InboxDeps } from "./deps";

const log = federationLogger("inbox", "follow");

/** An allowlisted peer's instance actor (its /actor, or the actor our own follow of it resolved to). */
async function isPeerInstanceActor(deps: InboxDeps, actorId: URL): Promise<boolean> {
  const peer = await deps.repos.peers.get(actorId.origin);
  return peer != null && (actorId.href === instanceActorUri(peer.origin) || actorId.href === peer.sync.actorId);
}

/** The Follow as received, with its id (Mastodon matches its pending request by that id). */
const echo = (follow: Follow) => new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId });

export async function handleFollow(deps: InboxDeps, ctx: InboxContext<void>, follow: Follow): Promise<void> {
  if (follow.id == null || follow.actorId == null || follow.objectId == null) return;
  const target = ctx.parseUri(follow.objectId);
  if (target?.type !== "actor") return; // not one of ours: nothing to do
  const handle = target.identifier;
  const instance = handle === INSTANCE_IDENTIFIER;
  if (!instance && !deps.network?.isFollowable(handle) && !(await deps.repos.hubs.get(handle))) return;

  const follower = await follow.getActor(ctx);
  // The signer is follow.actor (Fedify checked it); the fetched document must be that actor.
  if (!isActor(follower) || follower.id?.href !== follow.actorId.href || follower.inboxId == null) {
    log.info("Follow of {handle} by {actor} dropped: actor document unusable", { handle, actor: follow.actorId.href });
    return;
  }
  const followerId = follower.id;
  const inboxes = [follower.inboxId, follower.endpoints?.sharedInbox].filter((u): u is URL => u != null);
  // An actor document could otherwise aim our deliveries (every future challenge) at someone else's
  // server: inboxes must be on the follower's own origin.
  const foreign = inboxes.find((u) => u.origin !== followerId.origin);
  if (foreign) {
    log.warn("Follow of {handle} by {actor} refused: inbox {inbox} is on another origin", { handle, actor: followerId.href, inbox: foreign.href });
    return;
  }
  // Deliveries are Fedify's own POSTs, outside our guarded fetch: never store an inbox that points
  // into a private network, or a public actor document could aim our deliveries at internal hosts.
  try {
    for (const inbox of inboxes) await assertFetchableUrl(inbox, { allowPrivateNetwork: deps.allowPrivateNetwork ?? false, resolver: deps.resolver });
  } catch (error) {
    log.info("Follow of {handle} by {actor} dropped: inbox not acceptable ({error})", { handle, actor: followerId.href, error: String(error) });
    return;
  }
  if (instance && !(await isPeerInstanceActor(deps, followerId))) {
    log.info("Follow of the instance actor by {actor} rejected: not an allowlisted peer's instance actor", { actor: followerId.href });
    await answer(ctx, handle, follower, follow, Reject);
    return;
  }
  await deps.repos.followers.add(handle, {
    actorId: followerId.href,
    inbox: follower.inboxId.href,
    sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    followId: follow.id.href,
  });
  await answer(ctx, handle, follower, follow, Accept);
  log.info("{actor} follows {handle}", { handle, actor: followerId.href });
}

async function answer(ctx: InboxContext<void>, handle: string, follower: Actor, follow: Follow, type: typeof Accept | typeof Reject): Promise<void> {
  const actor = ctx.getActorUri(handle);
  await ctx.sendActivity(
    { identifier: handle },
    follower,
    new type({
      id: new URL(`#${type === Accept ? "accepts" : "rejects"}/${crypto.randomUUID()}`, actor),
      actor,
      // Rebuilt from the ids because getActor() above cached the whole actor document inside it.
      object: echo(follow),
      to: follower.id,
    }),
  );
}
