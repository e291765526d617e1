// Node-to-node replication (DESIGN §4): following peers' instance actors, the mirror's inbox rules,
// complete and resumable backfill, and digest-based reconciliation that repairs whatever push missed
// (deletions included) and re-sends follows a peer no longer has.
import type { Context, Federation } from "@fedify/fedify";
import { Follow, isActor, Undo, type Actor, type Recipient } from "@fedify/vocab";
import { diffRevisions, revisionDigest, type MirrorService } from "../../node/domain/mirror";
import { refuseMirrored } from "../../node/domain/mirror";
import type { PeerHooks } from "../../node/domain/peers";
import type { BackfillProgress, Follower, PeerRecord, Repositories } from "../../node/storage/ports";
import { federationLogger } from "../log";
import { INSTANCE_IDENTIFIER, instanceActorUri } from "./instance-actor";
import { isChallengeId, PeerClient } from "./peer-client";

const log = federationLogger("network");

export const BACKFILL_PAGE = 200;
/** Above this many differences a reconciliation re-pulls pages instead of fetching documents one by one. */
const SINGLE_FETCH_LIMIT = 50;

export interface PeerNetworkOptions {
  federation: Federation<void>;
  repos: Repositories;
  mirror: MirrorService;
  origin: string;
  allowPrivateNetwork: boolean;
  userAgent: string;
  now?: () => Date;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

export class PeerNetwork implements PeerHooks {
  readonly client: PeerClient;
  readonly instanceActor: string;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly now: () => Date;
  private closed = false;

  constructor(private readonly o: PeerNetworkOptions) {
    this.client = new PeerClient({ allowPrivateNetwork: o.allowPrivateNetwork, userAgent: o.userAgent });
    this.instanceActor = instanceActorUri(o.origin);
    this.now = o.now ?? (() => new Date());
  }

  private ctx(): Context<void> {
    return this.o.federation.createContext(new URL(this.o.origin), undefined);
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  // ---- allowlist hooks ----

  added(peer: PeerRecord): void {
    void this.once(peer.origin, async () => {
      await this.followIfNeeded(peer);
      await this.reconcileNow(peer.origin);
    });
  }

  removed(peer: PeerRecord): void {
    void this.unfollow(peer).catch((error) => log.warn("could not unfollow {origin}: {error}", { origin: peer.origin, error: message(error) }));
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
    this.closed = true;
    return this.idle();
  }

  // ---- follows between instance actors ----

  private async peerActor(origin: string): Promise<Actor> {
    const found = await this.ctx().lookupObject(new URL("/actor", origin).href);
    if (!isActor(found) || found.id == null || found.id.origin !== origin) throw new Error(`${origin}/actor is not the instance actor of ${origin}`);
    return found;
  }

  private async followIfNeeded(peer: PeerRecord): Promise<void> {
    if (peer.sync.followState === "accepted" || peer.sync.followState === "pending") return;
    await this.follow(peer);
  }

  /** Sends a Follow from our instance actor to the peer's (again, if it was lost). */
  async follow(peer: PeerRecord): Promise<void> {
    const actor = await this.peerActor(peer.origin);
    const id = new URL(`#follows/${crypto.randomUUID()}`, this.instanceActor);
    await this.ctx().sendActivity({ identifier: INSTANCE_IDENTIFIER }, actor,
      new Follow({ id, actor: new URL(this.instanceActor), object: actor.id }));
    await this.o.repos.peers.patchSync(peer.origin, { followState: "pending", followActivityId: id.href, actorId: actor.id!.href });
    log.info("following {origin} ({actor})", { origin: peer.origin, actor: actor.id!.href });
  }

  async unfollow(peer: PeerRecord): Promise<void> {
    if (!peer.sync.actorId || !peer.sync.followActivityId) return;
    const actor = await this.peerActor(peer.origin);
    const follow = new Follow({ id: new URL(peer.sync.followActivityId), actor: new URL(this.instanceActor), object: actor.id });
    await this.ctx().sendActivity({ identifier: INSTANCE_IDENTIFIER }, actor,
      new Undo({ id: new URL(`#undo/${crypto.randomUUID()}`, this.instanceActor), actor: new URL(this.instanceActor), object: follow }));
    log.info("unfollowed {origin}", { origin: peer.origin });
  }

  /** Accept or Reject of our Follow, from the peer's instance actor. */
  async followAnswered(actorId: URL, accepted: boolean): Promise<void> {
    const peer = await this.o.repos.peers.get(actorId.origin);
    if (!peer || peer.sync.actorId !== actorId.href) return;
    await this.o.repos.peers.patchSync(peer.origin, { followState: accepted ? "accepted" : "rejected" });
    log.info("{origin} {answer} our follow", { origin: peer.origin, answer: accepted ? "accepted" : "rejected" });
  }

  /** Peers' instance actors that follow ours: they receive every local challenge activity too. */
  async instanceFollowers(): Promise<Recipient[]> {
    const followers: Follower[] = await this.o.repos.followers.all(INSTANCE_IDENTIFIER);
    return followers.map((f) => ({ id: new URL(f.actorId), inboxId: new URL(f.inbox), endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null }));
  }

  // ---- inbox: the origin rules ----

  /**
   * Create, Update (actor and object on the same allowlisted origin) or Announce (object on an
   * allowlisted origin, announced by an allowlisted peer): the object is fetched from its origin,
   * never taken from the activity. Throws on transport failures so Fedify retries the activity.
   */
  async received(kind: "Create" | "Update" | "Announce", actorId: URL | null, objectId: URL | null): Promise<void> {
    if (!actorId || !objectId || objectId.origin === new URL(this.o.origin).origin || !isChallengeId(objectId)) return;
    const sender = await this.o.repos.peers.get(actorId.origin);
    if (!sender) {
      log.info("{kind} of {object} by {actor} ignored: {origin} is not an allowlisted peer", { kind, object: objectId.href, actor: actorId.href, origin: actorId.origin });
      return;
    }
    if (kind !== "Announce" && objectId.origin !== actorId.origin) {
      log.warn("{kind} by {actor} refused: object {object} is on another origin", { kind, actor: actorId.href, object: objectId.href });
      return;
    }
    const peer = kind === "Announce" ? await this.o.repos.peers.get(objectId.origin) : sender;
    if (!peer) {
      log.info("Announce of {object} ignored: its origin is not an allowlisted peer", { object: objectId.href });
      return;
    }
    // Create and Update only by the owning hub; an Announce may come from anyone allowlisted.
    await this.refetch(peer, objectId.href, kind === "Announce" ? null : actorId.href);
  }

  /** Delete of a mirrored challenge, by its owning hub (same origin, allowlisted). */
  async deleted(actorId: URL | null, objectId: URL | null): Promise<void> {
    if (!actorId || !objectId || actorId.origin !== objectId.origin) return;
    const peer = await this.o.repos.peers.get(actorId.origin);
    if (!peer) return;
    const held = await this.o.repos.challenges.getById(objectId.href);
    if (!held || held.key !== null || held.origin !== peer.origin) return;
    if (held.doc.hub !== actorId.href) {
      log.warn("Delete of {object} by {actor} refused: not its hub", { object: objectId.href, actor: actorId.href });
      return;
    }
    const n = await this.o.mirror.withdraw(peer, [objectId.href]);
    if (n) log.info("mirrored challenge {id} withdrawn by {origin}", { id: objectId.href, origin: peer.origin });
  }

  /**
   * The origin's current canonical document of one challenge into the mirror: 410 withdraws it here.
   * An Update of a challenge we do not hold stores it as well — the document comes from its origin,
   * exactly as a backfill would (ADR 0006).
   */
  async refetch(peer: PeerRecord, id: string, owner: string | null): Promise<void> {
    const got = await this.client.canonical(id);
    if (got.kind === "gone") {
      await this.o.mirror.withdraw(peer, [id]);
      return;
    }
    if (got.kind === "missing") {
      // Not (or no longer) public at its origin: nothing to store; a retry would not change that.
      log.info("{id} is not served by its origin (404): nothing mirrored", { id });
      return;
    }
    const reason = refuseMirrored(got.doc, peer.origin, { allowHttp: this.o.allowPrivateNetwork, expectedId: id });
    if (reason) {
      log.warn("document {id} from {origin} refused: {reason}", { id, origin: peer.origin, reason });
      return;
    }
    if (owner !== null && (got.doc as { hub: string }).hub !== owner) {
      log.warn("{id} refused: announced by {owner}, which is not its hub", { id, owner });
      return;
    }
    await this.o.mirror.store(peer, [got.doc]);
  }

  // ---- backfill ----

  /** Pulls every live challenge of the peer in pages, resuming from the persisted cursor. */
  async backfill(origin: string, opts: { restart?: boolean } = {}): Promise<void> {
    let peer = await this.o.repos.peers.get(origin);
    if (!peer) return;
    const previous = peer.sync.backfill;
    const fresh = opts.restart || previous.done;
    const progress: BackfillProgress = fresh
      ? { cursor: null, fetched: 0, done: false, startedAt: this.stamp(), finishedAt: null }
      : { ...previous, startedAt: previous.startedAt ?? this.stamp() };
    if (!fresh && previous.cursor) log.info("resuming backfill from {origin} after {fetched} documents", { origin, fetched: previous.fetched });
    for (;;) {
      if (this.closed) return;
      const page = await this.client.challengePage(origin, progress.cursor, BACKFILL_PAGE);
      // Removed from the allowlist meanwhile: nothing more enters the mirror.
      peer = await this.o.repos.peers.get(origin);
      if (!peer) return;
      const r = await this.o.mirror.store(peer, page.items, (reason) => log.warn("backfill from {origin}: document refused: {reason}", { origin, reason }));
      progress.fetched += page.items.length;
      progress.cursor = page.nextCursor;
      if (!page.nextCursor) {
        progress.done = true;
        progress.finishedAt = this.stamp();
      }
      await this.o.repos.peers.patchSync(origin, { backfill: { ...progress } });
      log.info("backfill from {origin}: {fetched} documents ({stored} new or newer in this page){done}", {
        origin, fetched: progress.fetched, stored: r.stored, done: progress.done ? ", complete" : "",
      });
      if (progress.done) return;
    }
  }

  // ---- reconciliation ----

  /** Reconciles every allowlisted peer, one after another (a few dozen nodes at most). */
  async reconcileAll(): Promise<void> {
    for (const peer of await this.o.repos.peers.list()) {
      if (this.closed) return;
      await this.once(peer.origin, () => this.reconcileNow(peer.origin));
    }
  }

  /** Reconciles one peer (serialised with its other sync tasks). */
  reconcile(origin: string): Promise<void> {
    return this.once(origin, () => this.reconcileNow(origin));
  }

  private async reconcileNow(origin: string): Promise<void> {
    const peer = await this.o.repos.peers.get(origin);
    if (!peer) return;
    const attempt = this.stamp();
    try {
      const remote = await this.client.digest(origin, this.instanceActor);
      // The peer says we do not follow it (lost state, a restore from backup …): follow again.
      if (remote.followedBy === false) {
        log.info("{origin} does not list us as a follower: following again", { origin });
        await this.follow(peer);
      }
      if (!peer.sync.backfill.done) await this.backfill(origin);
      let held = await this.o.mirror.revisions(origin);
      let inSync = revisionDigest(held) === remote.digest;
      if (!inSync) {
        const announced = await this.client.revisions(origin);
        const { fetch, withdraw } = diffRevisions(held, announced);
        const withdrawn = await this.o.mirror.withdraw(peer, withdraw);
        if (fetch.length > SINGLE_FETCH_LIMIT) {
          await this.backfill(origin, { restart: true });
        } else {
          for (const id of fetch) await this.refetch(peer, id, null);
        }
        held = await this.o.mirror.revisions(origin);
        // Challenges pushed meanwhile may make us hold more than the list we compared with.
        inSync = diffRevisions(held, announced).fetch.length === 0;
        log.info("reconciled with {origin}: fetched {fetched}, withdrew {withdrawn}{rest}", {
          origin, fetched: fetch.length, withdrawn, rest: inSync ? "" : " (still differing; next run retries)",
        });
      }
      await this.o.repos.peers.patchSync(origin, {
        lastAttemptAt: attempt, held: held.length, announced: remote.count,
        ...(inSync ? { lastSyncAt: attempt, lastError: null, lastErrorAt: null } : { lastError: "mirror still differs from the peer after repair", lastErrorAt: attempt }),
      });
    } catch (error) {
      await this.o.repos.peers.patchSync(origin, { lastAttemptAt: attempt, lastError: message(error), lastErrorAt: attempt });
      log.warn("reconciliation with {origin} failed: {error}", { origin, error: message(error) });
    }
  }
}
