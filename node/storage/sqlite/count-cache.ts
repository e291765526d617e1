// Listing totals remembered until the database changes. A COUNT over a filter walks every matching
// row (tens of milliseconds over 100,000 challenges), and the same few filters (the front page, a
// country, a topic) are counted on every page view. A cached total is valid while the database is
// unchanged: no write by this connection (total_changes()) and none by another process sharing the
// file (PRAGMA data_version, which SQLite bumps when another connection commits).
import type { Db } from "./database";

const MAX_ENTRIES = 1000;

export class CountCache {
  private readonly stampOf;
  private readonly entries = new Map<string, { stamp: string; value: unknown; at: number }>();

  constructor(db: Db, private readonly now: () => number = Date.now) {
    const st = db.prepare("SELECT total_changes() AS t, data_version AS v FROM pragma_data_version");
    this.stampOf = () => {
      const r = st.get() as { t: number; v: number };
      return `${r.t}:${r.v}`;
    };
  }

  /**
   * The count (or counts) for `key`, computed by `count` unless the database is unchanged since it last
   * was — or, with `maxStaleMs`, unless it was computed less than that long ago (facet counts).
   */
  get<T>(key: string, count: () => T, maxStaleMs = 0): T {
    const stamp = this.stampOf();
    const hit = this.entries.get(key);
    if (hit && (hit.stamp === stamp || this.now() - hit.at < maxStaleMs)) return hit.value as T;
    const value = count();
    this.keep(key, stamp, value);
    return value;
  }

  /**
   * get() for counts computed elsewhere (the reader thread). Requests for the same key while it is
   * being counted on the same database state share that count: a busy listing starts one, not one per
   * visitor (a count started before a write is not shared after it).
   */
  getAsync<T>(key: string, count: () => Promise<T>, maxStaleMs = 0): Promise<T> {
    const stamp = this.stampOf();
    const hit = this.entries.get(key);
    if (hit && (hit.stamp === stamp || this.now() - hit.at < maxStaleMs)) return Promise.resolve(hit.value as T);
    const flight = `${stamp}\n${key}`;
    const running = this.running.get(flight);
    if (running) return running as Promise<T>;
    const counting = count()
      .then((value) => { this.keep(key, stamp, value); return value; })
      .finally(() => this.running.delete(flight));
    this.running.set(flight, counting);
    return counting;
  }

  private readonly running = new Map<string, Promise<unknown>>();

  private keep(key: string, stamp: string, value: unknown): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { stamp, value, at: this.now() });
  }
}
