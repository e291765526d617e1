// Backfill: every live challenge of a peer in pages of canonical documents, resumable from the
// persisted cursor — and bounded (sync-bounds.ts) by the total the peer announced in its digest, so
// a peer that repeats a cursor, never ends or sends huge pages cannot keep a worker busy.
import type { BackfillProgress, RevisionEntry } from "../../node/domain/ports";
import { log, type NetworkContext } from "./network-context";
import { PageBudget, SyncBoundsError } from "./sync-bounds";

export const BACKFILL_PAGE = 200;

export class Backfill {
  constructor(private readonly n: NetworkContext) {}

  /**
   * Pulls the peer's pages into the mirror, `announced` being its digest count; returns the (id,
   * revision) of documents refused on the way, for reconciliation to remember.
   */
  async run(origin: string, announced: number, opts: { restart?: boolean } = {}): Promise<RevisionEntry[]> {
    const refused: RevisionEntry[] = [];
    let peer = await this.n.repos.peers.get(origin);
    if (!peer) return refused;
    const previous = peer.sync.backfill;
    const fresh = opts.restart || previous.done;
    const progress: BackfillProgress = fresh
      ? { cursor: null, fetched: 0, done: false, startedAt: this.n.stamp(), finishedAt: null }
      : { ...previous, startedAt: previous.startedAt ?? this.n.stamp() };
    if (!fresh && previous.cursor) log.info("resuming backfill from {origin} after {fetched} documents", { origin, fetched: previous.fetched });
    const budget = new PageBudget(`challenge pages of ${origin}`, announced, BACKFILL_PAGE, this.n.bounds);
    try {
      for (;;) {
        if (this.n.closed) return refused;
        budget.beforePage(progress.cursor);
        const page = await this.n.client.challengePage(origin, progress.cursor, BACKFILL_PAGE);
        budget.afterPage(page.items.length, page.bytes);
        // Removed from the allowlist meanwhile: nothing more enters the mirror.
        peer = await this.n.repos.peers.get(origin);
        if (!peer) return refused;
        const r = await this.n.o.mirror.store(peer, page.items, (reason, doc) => {
          log.warn("backfill from {origin}: document refused: {reason}", { origin, reason });
          const d = doc as { id?: unknown; revision?: unknown } | null;
          if (typeof d?.id === "string" && typeof d.revision === "number") refused.push({ id: d.id, revision: d.revision });
        });
        progress.fetched += page.items.length;
        progress.cursor = page.nextCursor;
        if (!page.nextCursor) {
          progress.done = true;
          progress.finishedAt = this.n.stamp();
        }
        await this.n.repos.peers.patchSync(origin, { backfill: { ...progress } });
        log.info("backfill from {origin}: {fetched} documents ({stored} new or newer in this page){done}", {
          origin, fetched: progress.fetched, stored: r.stored, done: progress.done ? ", complete" : "",
        });
        if (progress.done) return refused;
      }
    } catch (error) {
      // A peer whose paging broke the bounds starts from its first page next time, not from its lie.
      if (error instanceof SyncBoundsError) {
        await this.n.repos.peers.patchSync(origin, { backfill: { cursor: null, fetched: 0, done: false, startedAt: null, finishedAt: null } });
      }
      throw error;
    }
  }
}
