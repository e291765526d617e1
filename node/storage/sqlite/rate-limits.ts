// Rate limit counters in the SQLite file (one table, created by the library on first use).
// The library's own sweeping is a timer that would outlive a closed database (its rejection would be
// unhandled), so expired rows are swept here instead, on the request path every SWEEP_EVERY counts.
import Database from "better-sqlite3";
import { RateLimiterSQLite } from "rate-limiter-flexible";
import type { RateLimiter, RateLimiterFactory } from "../rate-limits";
import type { Db } from "./database";

const SWEEP_EVERY = 1000;
const HOUR = 60 * 60 * 1000;

/**
 * The counters are written through a connection of their own with synchronous = NORMAL (WAL): a count
 * is one upsert per API request or inbox POST, and under the store's FULL each was an fsync on the
 * request path (≈ 0.3 ms of a 0.7 ms cached listing). A counter lost in a power cut only forgives a
 * few requests; an application crash loses none. A throwaway in-memory store keeps its one connection.
 */
export function sqliteRateLimiters(db: Db): { factory: RateLimiterFactory; close(): void } {
  const counters = db.memory ? db : new Database(db.name, { readonly: db.readonly });
  if (counters !== db) {
    counters.pragma("synchronous = NORMAL");
    counters.pragma("busy_timeout = 5000");
  }
  const factory: RateLimiterFactory = ({ keyPrefix, points, durationSec }) => {
    const limiter = new RateLimiterSQLite({
      storeClient: counters,
      storeType: "better-sqlite3",
      tableName: "rate_limits",
      keyPrefix,
      points,
      duration: durationSec,
      clearExpiredByTimeout: false,
    }, () => { /* a failed table creation shows on the first count, which lets the request pass */ });
    let counted = 0;
    const wrapped: RateLimiter = {
      consume: (key, pointsToConsume, options) => {
        if (++counted % SWEEP_EVERY === 0 && counters.open) void (limiter as unknown as { clearExpired(before: number): Promise<void> }).clearExpired(Date.now() - HOUR).catch(() => undefined);
        return limiter.consume(key, pointsToConsume, options);
      },
    };
    return wrapped;
  };
  return { factory, close: () => { if (counters !== db && counters.open) counters.close(); } };
}
