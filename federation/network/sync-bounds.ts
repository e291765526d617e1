// How much of a peer's paging this node follows in one sync round. A peer's pages are produced by
// software we do not control: it may repeat a cursor, never end, announce a total it never reaches,
// or send enormous pages. Every walk (the revision list, a backfill) is therefore held to what the
// peer itself announced in its digest, plus a little slack for challenges published meanwhile, and
// to absolute ceilings of bytes and time. Exceeding any bound ends the walk with an error that the
// reconciliation records in the peer's sync status; the next round starts again, equally bounded.
// A peer's hub list is one answer, bounded by its size and by the number of hubs taken from it.
import { MAX_MIRRORED_HUBS } from "../../node/domain/mirrored-hubs";

export interface SyncBounds {
  /** Pages beyond ceil(announced / page size) a walk may take (challenges published while walking). */
  slackPages: number;
  /** A digest announcing more live challenges than this is not believed. */
  maxAnnounced: number;
  /** Bytes per announced document a walk may receive, on top of baseBytes. */
  bytesPerDocument: number;
  baseBytes: number;
  /** Wall-clock time one walk may take. */
  walkMs: number;
  /** Hubs mirrored per peer (the rest of a longer list is dropped) and the size of its hub list. */
  maxHubs: number;
  hubListBytes: number;
}

export const DEFAULT_SYNC_BOUNDS: SyncBounds = {
  slackPages: 3,
  maxAnnounced: 1_000_000,
  bytesPerDocument: 64 * 1024,
  baseBytes: 16 * 1024 * 1024,
  walkMs: 10 * 60_000,
  maxHubs: MAX_MIRRORED_HUBS,
  hubListBytes: 8 * 1024 * 1024,
};

export class SyncBoundsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncBoundsError";
  }
}

/** The budget of one walk through a peer's pages. */
export class PageBudget {
  private readonly seen = new Set<string>();
  private readonly maxPages: number;
  private readonly maxItems: number;
  private readonly maxBytes: number;
  private readonly deadline: number;
  private pages = 0;
  private items = 0;
  private bytes = 0;

  constructor(private readonly what: string, announced: number, private readonly pageSize: number, bounds: SyncBounds, now = Date.now()) {
    if (announced > bounds.maxAnnounced) throw new SyncBoundsError(`${what}: announces ${announced} challenges, more than the ${bounds.maxAnnounced} believed`);
    const pages = Math.ceil(announced / pageSize);
    this.maxPages = pages + bounds.slackPages;
    this.maxItems = (pages + bounds.slackPages) * pageSize;
    this.maxBytes = bounds.baseBytes + announced * bounds.bytesPerDocument;
    this.deadline = now + bounds.walkMs;
  }

  /** Before fetching the page at `cursor` (null: the first page of this walk). */
  beforePage(cursor: string | null, now = Date.now()): void {
    if (cursor !== null) {
      if (this.seen.has(cursor)) throw new SyncBoundsError(`${this.what}: cursor repeated after ${this.pages} pages`);
      this.seen.add(cursor);
    }
    if (this.pages >= this.maxPages) throw new SyncBoundsError(`${this.what}: does not end within ${this.maxPages} pages, more than its announced total needs`);
    if (now > this.deadline) throw new SyncBoundsError(`${this.what}: not done within the time allowed for one walk`);
  }

  /** After a page of `items` entries and `bytes` bytes arrived. */
  afterPage(items: number, bytes: number): void {
    this.pages++;
    this.items += items;
    this.bytes += bytes;
    if (items > this.pageSize) throw new SyncBoundsError(`${this.what}: a page of ${items} entries, more than the ${this.pageSize} asked for`);
    if (this.items > this.maxItems) throw new SyncBoundsError(`${this.what}: ${this.items} entries, more than its announced total allows`);
    if (this.bytes > this.maxBytes) throw new SyncBoundsError(`${this.what}: ${this.bytes} bytes, more than its announced total allows`);
  }
}
