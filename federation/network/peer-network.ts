// Node-to-node replication (DESIGN §4), the one object the rest of the node talks to: it serialises
// the sync tasks of each peer and delegates to the parts, each in its own file —
//   follows.ts         follows between instance actors, durable unfollow of removed peers;
//   mirror-inbox.ts    the inbox's origin rules (Create/Update/Announce refetched, Delete confirmed at the origin);
//   backfill.ts        complete, resumable, bounded pulls of a peer's pages;
//   reconciliation.ts  digest comparison and repair, Retry-After and refused revisions remembered;
//   hub-sync.ts        the peer's hub profiles, replaced at every reconciliation.
import type { Recipient } from "@fedify/vocab";
import type { PeerHooks } from "../../node/domain/peers";
import type { PeerRecord } from "../../node/domain/ports";
import { Backfill } from "./backfill";
import { PeerFollows } from "./follows";
import { HubSync } from "./hub-sync";
import { MirrorInbox, type RefetchOutcome } from "./mirror-inbox";
import { log, message, NetworkContext, type PeerNetworkOptions } from "./network-context";
import type { PeerClient } from "./peer-client";
import { Reconciliation } from "./reconciliation";

export { BACKFILL_PAGE } from "./backfill";
export type { PeerNetworkOptions } from "./network-context";

export class PeerNetwork implements PeerHooks {
  readonly client: PeerClient;
  readonly instanceActor: string;
  private readonly n: NetworkContext;
  private readonly follows: PeerFollows;
  private readonly inbox: MirrorInbox;
  private readonly filler: Backfill;
  private readonly reconciliation: Reconciliation;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(o: PeerNetworkOptions) {
    this.n = new NetworkContext(o);
    this.client = this.n.client;
    this.instanceActor = this.n.instanceActor;
    this.follows = new PeerFollows(this.n);
    this.inbox = new MirrorInbox(this.n);
    this.filler = new Backfill(this.n);
    this.reconciliation = new Reconciliation(this.n, this.follows, this.inbox, this.filler, new HubSync(this.n));
  }

  // ---- allowlist hooks (wired only in processes that talk to peers) ----

  added(peer: PeerRecord): void {
    void this.once(peer.origin, async () => {
      await this.follows.followIfNeeded(peer);
      await this.reconciliation.run(peer.origin);
    });
  }

  /** The removal left a pending unfollow in the store: send it now rather than at the next reconciliation. */
  removed(_peer: PeerRecord): void {
    void this.follows.flushUnfollows().catch((error) => log.warn("could not send pending unfollows: {error}", { error: message(error) }));
  }

  /** Runs one sync task per peer at a time; a second caller waits for the running one. */
  private once(origin: string, task: () => Promise<void>): Promise<void> {
    const running = this.inFlight.get(origin);
    if (running) return running;
    const p = task()
      .catch((error) => log.warn("sync with {origin} failed: {error}", { origin, error: message(error) }))
      .finally(() => this.inFlight.delete(origin));
    this.inFlight.set(origin, p);
    return p;
  }

  /** Resolves when every running sync task has ended (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight.values()]);
  }

  close(): Promise<void> {
    this.n.closed = true;
    return this.idle();
  }

  // ---- follows ----

  follow(peer: PeerRecord): Promise<void> {
    return this.follows.follow(peer);
  }

  /** Sends every pending unfollow of removed peers (also the first step of reconcileAll). */
  flushUnfollows(): Promise<void> {
    return this.follows.flushUnfollows();
  }

  followAnswered(actorId: URL, accepted: boolean): Promise<void> {
    return this.follows.followAnswered(actorId, accepted);
  }

  instanceFollowers(): Promise<Recipient[]> {
    return this.follows.instanceFollowers();
  }

  // ---- inbox ----

  received(kind: "Create" | "Update" | "Announce", actorId: URL | null, objectId: URL | null): Promise<void> {
    return this.inbox.received(kind, actorId, objectId);
  }

  deleted(actorId: URL | null, objectId: URL | null): Promise<void> {
    return this.inbox.deleted(actorId, objectId);
  }

  refetch(peer: PeerRecord, id: string, owner: string | null): Promise<RefetchOutcome> {
    return this.inbox.refetch(peer, id, owner);
  }

  // ---- backfill and reconciliation ----

  /** Pulls every live challenge of the peer in pages (bounded by `announced`, its digest count). */
  async backfill(origin: string, announced: number, opts: { restart?: boolean } = {}): Promise<void> {
    await this.filler.run(origin, announced, opts);
  }

  /** Sends pending unfollows, then reconciles every allowlisted peer, one after another (a few dozen nodes at most). */
  async reconcileAll(): Promise<void> {
    await this.follows.flushUnfollows().catch((error) => log.warn("could not send pending unfollows: {error}", { error: message(error) }));
    for (const peer of await this.n.repos.peers.list()) {
      if (this.n.closed) return;
      await this.once(peer.origin, () => this.reconciliation.run(peer.origin));
    }
  }

  /** Reconciles one peer (serialised with its other sync tasks). */
  reconcile(origin: string): Promise<void> {
    return this.once(origin, () => this.reconciliation.run(origin));
  }
}
