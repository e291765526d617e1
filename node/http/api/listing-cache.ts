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
/** Bounded by bytes, not entries: a page of 100 documents is ~400 KiB. */
const MAX_BYTES = 8 * 1024 * 1024;

export interface ListingCacheOptions {
  /** The store's change stamp (cheap; no scan of the challenges). */
  stamp(): Promise<string>;
  now?: () => number;
  maxBytes?: number;
}

export class ListingCache {
  private readonly entries = new Map<string, { stamp: string; at: number; body: string }>();
  private bytes = 0;
  private readonly now: () => number;
  private readonly maxBytes: number;

  constructor(private readonly o: ListingCacheOptions) {
    this.now = o.now ?? Date.now;
    this.maxBytes = o.maxBytes ?? MAX_BYTES;
  }

  /** The answer for `key`: remembered while the store is unchanged, else computed by `answer`. */
  async get(key: string, answer: () => Promise<string>): Promise<string> {
    const stamp = await this.o.stamp();
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp && this.now() - hit.at < MAX_AGE_MS) {
      // Most recently used last: the oldest entries go first when the cache is full.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.body;
    }
    const body = await answer();
    this.remember(key, { stamp, at: this.now(), body });
    return body;
  }

  private remember(key: string, entry: { stamp: string; at: number; body: string }): void {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.body.length;
    }
    if (entry.body.length > this.maxBytes / 4) return; // one huge answer must not empty the cache
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length;
    }
  }
}
