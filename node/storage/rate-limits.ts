// Rate limiters kept in the node's own store (rate-limiter-flexible), so every web process of a
// deployment counts against the same budget. Each store supplies the limiter for its database; the
// HTTP layer only sees this interface.
import type { RateLimiterAbstract } from "rate-limiter-flexible";

export interface RateLimitSpec {
  /** Separates the counters of different limits in the one table or collection. */
  keyPrefix: string;
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationSec: number;
}

export type RateLimiter = Pick<RateLimiterAbstract, "consume">;
export type RateLimiterFactory = (spec: RateLimitSpec) => RateLimiter;
