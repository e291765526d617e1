// Rate limit counters in the MongoDB database (one collection, indexes created by the library).
// On FerretDB 1.x the library's upsert-and-increment is not atomic under contention, so concurrent
// requests may be slightly under-counted there; on MongoDB it is exact.
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
  });
}
