// Fedify's KvStore on SQLite (fedify-notes.md §3): keys are stored as JSON.stringify(key), values
// as JSON; an expired row reads as absent and a timer sweeps expired rows away.
import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Db } from "./database";

const encode = (key: KvKey) => JSON.stringify(key);
/**
 * Keys strictly below `prefix` by whole segments are the strings starting with '["a",' (never
 * '["ab"]'): under BINARY collation exactly the range ['["a",', '["a"-'), an index range scan.
 * (LIKE would be wrong here: it ignores ASCII case.)
 */
const childRange = (prefix: KvKey): [string, string] => {
  const stem = encode(prefix).slice(0, -1);
  return [`${stem},`, `${stem}-`];
};

export interface SqliteKvOptions {
  /** How often expired rows are deleted (default one minute); reads ignore them in between. */
  sweepIntervalMs?: number;
}

export class SqliteKvStore implements KvStore {
  private readonly s;
  private sweeper: NodeJS.Timeout | null;
  private readonly casTx: (key: string, expected: unknown, next: unknown, expires: number | null) => boolean;

  constructor(db: Db, opts: SqliteKvOptions = {}) {
    this.s = {
      get: db.prepare("SELECT value FROM fedify_kv WHERE key = ? AND (expires IS NULL OR expires > ?)"),
      upsert: db.prepare(`INSERT INTO fedify_kv (key, value, expires) VALUES (?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`),
      delete: db.prepare("DELETE FROM fedify_kv WHERE key = ?"),
      listAll: db.prepare("SELECT key, value FROM fedify_kv WHERE expires IS NULL OR expires > ? ORDER BY key"),
      listPrefix: db.prepare(`SELECT key, value FROM fedify_kv WHERE (key = ? OR (key >= ? AND key < ?))
        AND (expires IS NULL OR expires > ?) ORDER BY key`),
      sweep: db.prepare("DELETE FROM fedify_kv WHERE expires IS NOT NULL AND expires <= ?"),
    };
    // Immediate: the read and the write happen under one write lock, so a concurrent process
    // cannot slip a change in between (Fedify's circuit breaker relies on this).
    const tx = db.transaction((key: string, expected: unknown, next: unknown, expires: number | null) => {
      const row = this.s.get.get(key, Date.now()) as { value: string } | undefined;
      const current: unknown = row ? JSON.parse(row.value) : undefined;
      if (!isDeepStrictEqual(current, expected)) return false;
      if (next === undefined) this.s.delete.run(key);
      else this.s.upsert.run(key, JSON.stringify(next), expires);
      return true;
    });
    this.casTx = (...args) => tx.immediate(...args);
    const every = opts.sweepIntervalMs ?? 60_000;
    this.sweeper = every > 0 ? setInterval(() => this.sweep(), every) : null;
    this.sweeper?.unref();
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const row = this.s.get.get(encode(key), Date.now()) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return;
    this.s.upsert.run(encode(key), JSON.stringify(value), expiry(options));
  }

  async delete(key: KvKey): Promise<void> {
    this.s.delete.run(encode(key));
  }

  /** `expected === undefined` means "absent"; `newValue === undefined` deletes. Deep comparison. */
  async cas(key: KvKey, expected: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    return this.casTx(encode(key), expected, newValue, expiry(options));
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    const rows = (prefix === undefined || prefix.length === 0
      ? this.s.listAll.all(now)
      : this.s.listPrefix.all(encode(prefix), ...childRange(prefix), now)) as { key: string; value: string }[];
    for (const r of rows) yield { key: JSON.parse(r.key) as KvKey, value: JSON.parse(r.value) as unknown };
  }

  /** Deletes expired rows; returns how many. */
  sweep(): number {
    try {
      return this.s.sweep.run(Date.now()).changes;
    } catch {
      return 0; // database closed or busy: the next sweep catches up
    }
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}

function expiry(options?: KvStoreSetOptions): number | null {
  return options?.ttl ? Date.now() + Math.max(0, options.ttl.total("millisecond")) : null;
}
