// Follows between instance actors: our Follow of each allowlisted peer (and again, when the peer lost
// it), the peer's answer, the peers' instance actors that follow ours, and the Undo(Follow) of removed
// peers. The Undo is durable: PeerService.remove leaves a pending unfollow in the store in the same
// write that removes the peer, and flushUnfollows — run at once by the process that removed it when
// it is a worker, and by every reconciliation — sends it through the delivery queue, then clears it.
import { Follow, isActor, Undo, type Actor, type Recipient } from "@fedify/vocab";
import type { Follower, PendingUnfollow, PeerRecord } from "../../node/domain/ports";
import { INSTANCE_IDENTIFIER } from "./instance-actor";
import { log, message, type NetworkContext } from "./network-context";

/** A pending unfollow whose peer stays unreachable this long is given up (logged). */
const GIVE_UP_UNFOLLOW_MS = 7 * 24 * 3600_000;

export class PeerFollows {
  private flushing: Promise<void> | null = null;

  constructor(private readonly n: NetworkContext) {}

  private async actorAt(id: string, origin: string): Promise<Actor> {
    const found = await this.n.fedify().lookupObject(id);
    if (!isActor(found) || found.id == null || found.id.origin !== origin) throw new Error(`${id} is not the instance actor of ${origin}`);
    return found;
  }

  async followIfNeeded(peer: PeerRecord): Promise<void> {
    if (peer.sync.followState === "accepted" || peer.sync.followState === "pending") return;
    await this.follow(peer);
  }

  /** Sends a Follow from our instance actor to the peer's (again, if it was lost). */
  async follow(peer: PeerRecord): Promise<void> {
    const actor = await this.actorAt(new URL("/actor", peer.origin).href, peer.origin);
    const id = new URL(`#follows/${crypto.randomUUID()}`, this.n.instanceActor);
    await this.n.fedify().sendActivity({ identifier: INSTANCE_IDENTIFIER }, actor,
      new Follow({ id, actor: new URL(this.n.instanceActor), object: actor.id }));
    await this.n.repos.peers.patchSync(peer.origin, { followState: "pending", followActivityId: id.href, actorId: actor.id!.href });
    log.info("following {origin} ({actor})", { origin: peer.origin, actor: actor.id!.href });
  }

  /** Sends the Undo of one pending unfollow (enqueued for delivery: durable once this resolves). */
  async unfollow(p: Pick<PendingUnfollow, "origin" | "actorId" | "followActivityId">): Promise<void> {
    const actor = await this.actorAt(p.actorId, p.origin);
    const follow = new Follow({ id: new URL(p.followActivityId), actor: new URL(this.n.instanceActor), object: actor.id });
    await this.n.fedify().sendActivity({ identifier: INSTANCE_IDENTIFIER }, actor,
      new Undo({ id: new URL(`#undo/${crypto.randomUUID()}`, this.n.instanceActor), actor: new URL(this.n.instanceActor), object: follow }));
    log.info("unfollowed {origin}", { origin: p.origin });
  }

  /** Sends every pending unfollow (one run at a time; a second caller waits for the running one). */
  flushUnfollows(): Promise<void> {
    this.flushing ??= this.flush().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async flush(): Promise<void> {
    for (const p of await this.n.repos.peers.pendingUnfollows()) {
      if (this.n.closed) return;
      try {
        await this.unfollow(p);
        // Finish a removal a crash cut short (idempotent); not if the origin was added again meanwhile.
        if (!(await this.n.repos.peers.get(p.origin))) {
          await this.n.repos.mirror.removeOrigin(p.origin);
          await this.n.repos.mirroredHubs.removeOrigin(p.origin);
        }
        await this.n.repos.peers.unfollowed(p.origin, p.followActivityId);
      } catch (error) {
        const age = this.n.now().getTime() - Date.parse(p.removedAt);
        if (age > GIVE_UP_UNFOLLOW_MS) {
          log.warn("giving up unfollowing {origin}, removed {removedAt}: {error}", { origin: p.origin, removedAt: p.removedAt, error: message(error) });
          await this.n.repos.peers.unfollowed(p.origin, p.followActivityId);
        } else {
          log.warn("could not unfollow {origin} yet (next reconciliation retries): {error}", { origin: p.origin, error: message(error) });
        }
      }
    }
  }

  /** Accept or Reject of our Follow, from the peer's instance actor. */
  async followAnswered(actorId: URL, accepted: boolean): Promise<void> {
    const peer = await this.n.repos.peers.get(actorId.origin);
    if (!peer || peer.sync.actorId !== actorId.href) return;
    await this.n.repos.peers.patchSync(peer.origin, { followState: accepted ? "accepted" : "rejected" });
    log.info("{origin} {answer} our follow", { origin: peer.origin, answer: accepted ? "accepted" : "rejected" });
  }

  /** Peers' instance actors that follow ours: they receive every local challenge activity too. */
  async instanceFollowers(): Promise<Recipient[]> {
    const followers: Follower[] = await this.n.repos.followers.all(INSTANCE_IDENTIFIER);
    return followers.map((f) => ({ id: new URL(f.actorId), inboxId: new URL(f.inbox), endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null }));
  }
}
