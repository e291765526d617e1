// Listing answers remembered until a challenge changes. The same few listings (the front page, a
// country, a topic, the next page of each) are asked again and again between two writes, and a write
// is rare next to them (a national node publishes a few challenges a day; the mirror applies a
// peer's changes as they come). An answer — the serialized JSON of page, total and facets — is valid
// while the store's change stamp is unchanged (MirrorRepository.changeStamp: every insert, update or
// delete of a challenge, local or mirrored, by any process on the store) and for at most MAX_AGE_MS,
// so nothing depending on the clock alone stays longer. The stamp is read before the answer is
// computed: a write meanwhile leaves a newer answer under an older stamp (recomputed next time),
// never an older answer under a newer stamp.
const MAX_AGE_MS = 60_000;
/** Bounded by bytes (a page of 100 documents is ~400 KiB) and by entries (many small answers — empty
 * listings for invented filters — must not grow the heap either). */
const MAX_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 10_000;
/** What one entry costs besides its key and body (the Map slot, the entry object, the stamp). */
const ENTRY_OVERHEAD = 256;

export interface ListingCacheOptions {
  /** The store's change stamp (cheap; no scan of the challenges). */
  stamp(): Promise<string>;
  now?: () => number;
  maxBytes?: number;
  maxEntries?: number;
}

/** The key of a parsed listing query: two spellings of one listing share it ("closing within N days"
 * is parsed to the minute, so its requests within a minute share it too). */
export function listingKey(query: object, facets: readonly string[]): string {
  return JSON.stringify([query, facets]);
}

export class ListingCache {
  // Bodies are kept encoded: turning 90 KiB of JSON into UTF-8 again for every answer cost more than
  // the rest of a remembered answer (profile of bench/listing.ts).
  private readonly entries = new Map<string, { stamp: string; at: number; body: Buffer }>();
  private bytes = 0;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(private readonly o: ListingCacheOptions) {
    this.now = o.now ?? Date.now;
    this.maxBytes = o.maxBytes ?? MAX_BYTES;
    this.maxEntries = o.maxEntries ?? MAX_ENTRIES;
  }

  /** The answer for `key`: remembered while the store is unchanged, else computed by `answer`. */
  async get(key: string, answer: () => Promise<string>): Promise<Buffer> {
    const stamp = await this.o.stamp();
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp && this.now() - hit.at < MAX_AGE_MS) {
      // Most recently used last: the oldest entries go first when the cache is full.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.body;
    }
    const text = await answer();
    // Memory of its own: Buffer.from puts small strings in a shared 8 KiB slab, which one small
    // remembered answer would keep alive whole (and the bound would not see).
    const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
    body.write(text);
    this.remember(key, { stamp, at: this.now(), body });
    return body;
  }

  private remember(key: string, entry: { stamp: string; at: number; body: Buffer }): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= size(key, old.body);
    }
    if (size(key, entry.body) > this.maxBytes / 4) return; // one huge answer must not empty the cache
    this.entries.set(key, entry);
    this.bytes += size(key, entry.body);
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes && this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
      this.bytes -= size(k, e.body);
    }
  }
}

function size(key: string, body: Buffer): number {
  return Buffer.byteLength(key) + body.length + ENTRY_OVERHEAD;
}
