// Rate limit counters in the SQLite file (one table, created by the library on first use).
import { RateLimiterSQLite } from "rate-limiter-flexible";
import type { RateLimiterFactory } from "../rate-limits";
import type { Db } from "./database";

export function sqliteRateLimiters(db: Db): RateLimiterFactory {
  return ({ keyPrefix, points, durationSec }) => new RateLimiterSQLite({
    storeClient: db,
    storeType: "better-sqlite3",
    tableName: "rate_limits",
    keyPrefix,
    points,
    duration: durationSec,
    clearExpiredByTimeout: true,
  });
}
