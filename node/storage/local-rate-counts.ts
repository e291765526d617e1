// A shared rate limiter (counters in the store, so every web process spends one budget) with the
// counting done in the process and written to the store in batches. A store count is a write: on
// SQLite an upsert through its own connection, ≈ 0.27 ms, which more than doubled the cost of a
// remembered listing answer (0.22 → 0.49 ms p50, a loop of listing requests over loopback); on
// MongoDB a round trip. For the limits that guard capacity (API requests and inbox deliveries per
// address or server, per minute) a budget shared to within a second is as good, so:
//
// - the first request of a key in its window asks the store (awaited): it learns what every process
//   has spent and when the window ends;
// - later requests are judged here, on what the store last said plus what this process has counted
//   since, and refused here once that is over the limit (no store write for a refused request);
// - what was counted is written to the store at most every `flushMs`, as one count per key, and the
//   store's answer (everyone's spending) replaces what was known.
//
// So each process refuses exactly at the limit on its own, and N processes together can let through
// at most what the others counted in their last `flushMs` beyond it. Limits that must be exact (sign-in
// attempts) use the store's limiter directly. If the store cannot count, requests pass, as before.
import { RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimiter } from "./rate-limits";

export interface LocalCountOptions {
  /** The limit's points per window (as given to the store's limiter). */
  points: number;
  /** How often counted points are written to the store (default 1000 ms). */
  flushMs?: number;
  /** Keys held at most (one per client address or server seen in a window); beyond, the store counts. */
  maxKeys?: number;
  now?: () => number;
}

interface KeyCount {
  /** Points the store last reported spent in this window, by every process. */
  known: number;
  /** Points counted here since, not yet written. */
  pending: number;
  /** When the store's window for this key ends (ms since the epoch). */
  resetAt: number;
}

const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_MAX_KEYS = 50_000;

/** What the store's limiter answered: its verdict with the spending, or a failure to count. */
function verdict(outcome: unknown): RateLimiterRes | null {
  return outcome instanceof RateLimiterRes || (typeof outcome === "object" && outcome !== null && typeof (outcome as { msBeforeNext?: unknown }).msBeforeNext === "number")
    ? (outcome as RateLimiterRes)
    : null;
}

export interface LocalVerdict {
  passed: boolean;
  res: RateLimiterRes;
}

export interface LocallyCountedLimiter extends RateLimiter {
  /** Synchronous, for the request path: decided here, or null when only the store can say (consume()). */
  judgeHere(key: string, points?: number): LocalVerdict | null;
  /** Writes what was counted now (tests; a timer does it every flushMs). */
  flush(): Promise<void>;
}

export function countLocally(shared: RateLimiter, options: LocalCountOptions): LocallyCountedLimiter {
  const limit = options.points;
  const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const keys = new Map<string, KeyCount>();
  let timer: NodeJS.Timeout | null = null;

  const learn = (key: string, res: RateLimiterRes, at: number, pending: number) => {
    if (!keys.has(key) && keys.size >= maxKeys) sweep(at);
    if (!keys.has(key) && keys.size >= maxKeys) return; // full of live keys: this one is counted by the store
    keys.set(key, { known: res.consumedPoints, pending, resetAt: at + res.msBeforeNext });
  };

  const sweep = (at: number) => {
    for (const [k, c] of keys) if (c.resetAt <= at && c.pending === 0) keys.delete(k);
  };

  /** Asks the store; remembers its answer (spent, window end) for the requests that follow. Only for a
   * key with no live window here, so nothing counted here is pending for it. */
  const direct = async (key: string, points: number): Promise<RateLimiterRes> => {
    const at = now();
    try {
      const res = await shared.consume(key, points);
      learn(key, res, at, 0);
      return res;
    } catch (outcome) {
      const res = verdict(outcome);
      if (res) learn(key, res, at, 0);
      throw outcome;
    }
  };

  const flush = async (): Promise<void> => {
    timer = null;
    const at = now();
    const writes: Promise<void>[] = [];
    for (const [key, c] of keys) {
      if (c.pending === 0) continue;
      const points = c.pending;
      c.pending = 0;
      // Counted in a window that has ended since: the store's new window does not owe them.
      if (c.resetAt <= at) continue;
      writes.push(
        Promise.resolve()
          .then(() => shared.consume(key, points))
          .then(
            (res) => learn(key, res, at, keys.get(key)?.pending ?? 0),
            (outcome: unknown) => {
              const res = verdict(outcome);
              // Over the limit: the store counted them and says how much everyone spent.
              if (res) learn(key, res, at, keys.get(key)?.pending ?? 0);
              // The store could not count: those requests are forgiven, as when it is down.
            },
          ),
      );
    }
    sweep(at);
    await Promise.all(writes);
  };

  const schedule = () => {
    if (timer) return;
    timer = setTimeout(() => void flush(), flushMs);
    timer.unref();
  };

  /** The verdict when this process can give it (a live window here), counted if passed; else null. */
  const judgeHere = (key: string, points = 1): LocalVerdict | null => {
    const c = keys.get(key);
    const at = now();
    if (!c || c.resetAt <= at) return null;
    const spent = c.known + c.pending;
    const left = c.resetAt - at;
    if (spent + points > limit) return { passed: false, res: new RateLimiterRes(0, left, spent, false) };
    c.pending += points;
    schedule();
    return { passed: true, res: new RateLimiterRes(limit - spent - points, left, spent + points, false) };
  };

  return {
    judgeHere,
    consume(key: string | number, pointsToConsume = 1): Promise<RateLimiterRes> {
      const k = String(key);
      const here = judgeHere(k, pointsToConsume);
      if (here === null) return direct(k, pointsToConsume);
      return here.passed ? Promise.resolve(here.res) : Promise.reject(here.res);
    },
    flush: () => {
      if (timer) clearTimeout(timer);
      return flush();
    },
  };
}
