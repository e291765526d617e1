// Rate limit counters in the SQLite file (one table, created by the library on first use).
// The library's own sweeping is a timer that would outlive a closed database (its rejection would be
// unhandled), so expired rows are swept here instead, on the request path every SWEEP_EVERY counts.
import { RateLimiterSQLite } from "rate-limiter-flexible";
import type { RateLimiter, RateLimiterFactory } from "../rate-limits";
import type { Db } from "./database";

const SWEEP_EVERY = 1000;
const HOUR = 60 * 60 * 1000;

export function sqliteRateLimiters(db: Db): RateLimiterFactory {
  return ({ keyPrefix, points, durationSec }) => {
    const limiter = new RateLimiterSQLite({
      storeClient: db,
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
        if (++counted % SWEEP_EVERY === 0 && db.open) void (limiter as unknown as { clearExpired(before: number): Promise<void> }).clearExpired(Date.now() - HOUR).catch(() => undefined);
        return limiter.consume(key, pointsToConsume, options);
      },
    };
    return wrapped;
  };
}
