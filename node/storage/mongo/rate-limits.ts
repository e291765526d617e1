// Rate limit counters in the MongoDB database (one collection; its indexes are the store's own,
// indexes.ts: the library's TTL index is not available on FerretDB 1.x, and expired counters are
// reset by the library itself when their key comes back). On FerretDB the library's
// upsert-and-increment is not atomic under contention, so concurrent requests may be slightly
// under-counted there; on MongoDB it is exact.
import type { MongoClient } from "mongodb";
import { RateLimiterMongo } from "rate-limiter-flexible";
import type { RateLimiterFactory } from "../rate-limits";

export function mongoRateLimiters(client: MongoClient, dbName: string): RateLimiterFactory {
  return ({ keyPrefix, points, durationSec }) => new RateLimiterMongo({
    storeClient: client,
    dbName,
    tableName: "rate_limits",
    keyPrefix,
    points,
    duration: durationSec,
    disableIndexesCreation: true,
  });
}
