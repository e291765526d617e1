// Digest-based reconciliation (DESIGN §4): compares our mirror of a peer with the peer's own digest,
// refreshes its hub profiles (hub-sync.ts), repairs whatever push missed — documents fetched from the origin, withdrawals the origin's list
// confirms, challenges withdrawn here that the origin still serves restored — and re-sends a follow
// the peer no longer has. Bounded per peer: a peer resting after 429/503 Retry-After is skipped until
// then, and revisions whose documents we refused are remembered, not fetched again every round.
import { diffRevisions, revisionDigest } from "../../node/domain/mirror";
import type { RevisionEntry } from "../../node/domain/ports";
import type { Backfill } from "./backfill";
import type { PeerFollows } from "./follows";
import type { HubSync } from "./hub-sync";
import type { MirrorInbox } from "./mirror-inbox";
import { log, message, type NetworkContext } from "./network-context";
import { PeerBusyError } from "./peer-client";

/** Above this many differences a reconciliation re-pulls pages instead of fetching documents one by one. */
const SINGLE_FETCH_LIMIT = 50;
/** Refused revisions remembered per peer (beyond that, the oldest are fetched again). */
const MAX_REFUSED = 1000;

const entryKey = (e: RevisionEntry) => `${e.revision} ${e.id}`;

export class Reconciliation {
  constructor(
    private readonly n: NetworkContext,
    private readonly follows: PeerFollows,
    private readonly inbox: MirrorInbox,
    private readonly backfill: Backfill,
    private readonly hubs: HubSync,
  ) {}

  async run(origin: string): Promise<void> {
    const peer = await this.n.repos.peers.get(origin);
    if (!peer) return;
    if (this.n.resting(peer)) {
      log.info("reconciliation with {origin} skipped: it asked to be left alone until {until}", { origin, until: peer.sync.retryAfter });
      return;
    }
    const attempt = this.n.stamp();
    let refused = peer.sync.refused ?? [];
    try {
      const remote = await this.n.client.digest(origin, this.n.instanceActor);
      // The peer says we do not follow it (lost state, a restore from backup …): follow again.
      if (remote.followedBy === false) {
        log.info("{origin} does not list us as a follower: following again", { origin });
        await this.follows.follow(peer);
      }
      // The peer answers: its hub profiles first (one request), then its challenges.
      await this.hubs.run(origin);
      if (!peer.sync.backfill.done) refused = [...refused, ...(await this.backfill.run(origin, remote.count))];
      let held = await this.n.o.mirror.revisions(origin);
      let inSync = revisionDigest(held) === remote.digest;
      if (!inSync) {
        const announced = await this.n.client.revisions(origin, remote.count, this.n.bounds);
        const announcedKeys = new Set(announced.map(entryKey));
        // Remembered only while the peer still announces that very revision.
        refused = dedupe(refused.filter((e) => announcedKeys.has(entryKey(e))));
        const skip = new Set(refused.map(entryKey));
        const revisionOf = new Map(announced.map((e) => [e.id, e.revision]));
        const { fetch, withdraw } = diffRevisions(held, announced);
        const toFetch = fetch.filter((id) => !skip.has(entryKey({ id, revision: revisionOf.get(id)! })));
        const withdrawn = await this.n.o.mirror.withdraw(peer, withdraw);
        if (toFetch.length > SINGLE_FETCH_LIMIT) {
          refused = dedupe([...refused, ...(await this.backfill.run(origin, remote.count, { restart: true })).filter((e) => announcedKeys.has(entryKey(e)))]);
        } else {
          for (const id of toFetch) {
            const outcome = await this.inbox.refetch(peer, id, null);
            // Refused, or announced yet not served (404): the same revision is not asked for again.
            if (outcome === "refused" || outcome === "missing") refused.push({ id, revision: revisionOf.get(id)! });
          }
        }
        const skipNow = new Set(refused.map(entryKey));
        held = await this.n.o.mirror.revisions(origin);
        // Challenges pushed meanwhile may make us hold more than the list we compared with.
        const still = diffRevisions(held, announced).fetch.filter((id) => !skipNow.has(entryKey({ id, revision: revisionOf.get(id)! })));
        inSync = still.length === 0;
        log.info("reconciled with {origin}: fetched {fetched}, withdrew {withdrawn}, {refused} refused revision(s) remembered{rest}", {
          origin, fetched: toFetch.length, withdrawn, refused: refused.length, rest: inSync ? "" : " (still differing; next run retries)",
        });
      }
      await this.n.repos.peers.patchSync(origin, {
        lastAttemptAt: attempt, held: held.length, announced: remote.count, retryAfter: null, refused: refused.slice(-MAX_REFUSED),
        ...(inSync ? { lastSyncAt: attempt, lastError: null, lastErrorAt: null } : { lastError: "mirror still differs from the peer after repair", lastErrorAt: attempt }),
      });
    } catch (error) {
      const busy = error instanceof PeerBusyError ? { retryAfter: error.until.toISOString() } : {};
      await this.n.repos.peers.patchSync(origin, { lastAttemptAt: attempt, lastError: message(error), lastErrorAt: attempt, refused: refused.slice(-MAX_REFUSED), ...busy });
      log.warn("reconciliation with {origin} failed: {error}", { origin, error: message(error) });
    }
  }
}

function dedupe(entries: RevisionEntry[]): RevisionEntry[] {
  const seen = new Map(entries.map((e) => [entryKey(e), e]));
  return [...seen.values()];
}
