// The API and inbox limits count in the process and write to the store in batches
// (node/storage/local-rate-counts.ts). Against the store's real limiter (SQLite file, two "processes"
// as two fronts on one file): exact refusal in one process, one budget shared through the store, a
// refused request written nowhere, the window's end, and requests passing when the store cannot count.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RateLimiterRes } from "rate-limiter-flexible";
import { openDatabase, type Db } from "../../node/storage/sqlite/database";
import { sqliteRateLimiters } from "../../node/storage/sqlite/rate-limits";
import { countLocally } from "../../node/storage/local-rate-counts";
import type { RateLimiter } from "../../node/storage/rate-limits";

let dir: string;
let db: Db;
let limits: ReturnType<typeof sqliteRateLimiters>;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-limits-"));
  db = openDatabase(path.join(dir, "ipn.db"));
  limits = sqliteRateLimiters(db);
});

/** The library readies each limiter asynchronously (a node makes them at start, long before requests). */
const ready = () => new Promise((r) => setTimeout(r, 20));
afterEach(() => {
  limits.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The store's limiter, with a count of the store writes made through it. */
async function storeLimiter(points: number, durationSec = 60): Promise<RateLimiter & { writes: number }> {
  const real = limits.factory({ keyPrefix: "api-ip", points, durationSec });
  await ready();
  const counted = {
    writes: 0,
    consume: (key: string | number, p?: number) => {
      counted.writes++;
      return real.consume(key, p);
    },
  };
  return counted;
}

/** What the store holds as spent for `key` (a count of zero points). */
async function spentOf(key: string): Promise<number> {
  const reader = limits.factory({ keyPrefix: "api-ip", points: 1000, durationSec: 60 });
  await ready();
  return (await reader.consume(key, 0)).consumedPoints;
}

async function outcomes(limiter: RateLimiter, key: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await limiter.consume(key).then(
        () => "ok",
        (r: unknown) => (r instanceof RateLimiterRes ? "refused" : "error"),
      ),
    );
  return out;
}

it("refuses exactly beyond the limit in one process, with one store write for the first request until a flush", async () => {
  const store = await storeLimiter(5);
  const front = countLocally(store, { points: 5, flushMs: 60_000 });
  expect(await outcomes(front, "198.51.100.7", 7)).toEqual(["ok", "ok", "ok", "ok", "ok", "refused", "refused"]);
  expect(store.writes).toBe(1);
  const refused = await front.consume("198.51.100.7").catch((r: RateLimiterRes) => r);
  expect(refused.msBeforeNext).toBeGreaterThan(50_000);
  // Another address has its own budget.
  expect(await outcomes(front, "203.0.113.9", 1)).toEqual(["ok"]);
  // The flush writes the four counted points as one count; the refused ones are written nowhere.
  await front.flush();
  expect(store.writes).toBe(3);
  expect(await spentOf("198.51.100.7")).toBe(5);
});

it("shares one budget between processes through the store, once each has flushed", async () => {
  const a = countLocally(await storeLimiter(6), { points: 6, flushMs: 60_000 });
  const b = countLocally(await storeLimiter(6), { points: 6, flushMs: 60_000 });
  expect(await outcomes(a, "198.51.100.7", 4)).toEqual(["ok", "ok", "ok", "ok"]);
  await a.flush();
  // b's first request asks the store, which holds a's four.
  expect(await outcomes(b, "198.51.100.7", 3)).toEqual(["ok", "ok", "refused"]);
  await b.flush();
  // a learns b's spending at its next flush.
  expect(await outcomes(a, "198.51.100.7", 1)).toEqual(["ok"]);
  await a.flush();
  expect(await outcomes(a, "198.51.100.7", 1)).toEqual(["refused"]);
});

it("flushes on its own after flushMs", async () => {
  const store = await storeLimiter(10);
  const front = countLocally(store, { points: 10, flushMs: 20 });
  await outcomes(front, "198.51.100.7", 4);
  expect(store.writes).toBe(1);
  await new Promise((r) => setTimeout(r, 80));
  expect(store.writes).toBe(2);
  expect(await spentOf("198.51.100.7")).toBe(4);
});

it("starts again when the store's window ends", async () => {
  const front = countLocally(await storeLimiter(2, 1), { points: 2, flushMs: 60_000 });
  expect(await outcomes(front, "198.51.100.7", 3)).toEqual(["ok", "ok", "refused"]);
  await new Promise((r) => setTimeout(r, 1100));
  expect(await outcomes(front, "198.51.100.7", 2)).toEqual(["ok", "ok"]);
});

it("lets requests pass when the store cannot count, as the store's limiter alone does", async () => {
  const broken: RateLimiter = { consume: () => Promise.reject(new Error("SQLITE_CANTOPEN")) };
  const front = countLocally(broken, { points: 1, flushMs: 60_000 });
  expect(await outcomes(front, "198.51.100.7", 3)).toEqual(["error", "error", "error"]);
  await expect(front.flush()).resolves.toBeUndefined();
});

it("holds at most maxKeys addresses; beyond, the store counts each request", async () => {
  const store = await storeLimiter(100);
  const front = countLocally(store, { points: 100, flushMs: 60_000, maxKeys: 2 });
  for (const ip of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) await outcomes(front, ip, 2);
  // Two held (one write each), the third counted by the store every time.
  expect(store.writes).toBe(4);
});

it("judges in the process, synchronously, once the store has answered for the key's window", async () => {
  const store = await storeLimiter(3);
  const front = countLocally(store, { points: 3, flushMs: 60_000 });
  // Nothing known yet: only the store can say.
  expect(front.judgeHere("198.51.100.7")).toBeNull();
  await front.consume("198.51.100.7");
  expect(front.judgeHere("198.51.100.7")?.passed).toBe(true);
  expect(front.judgeHere("198.51.100.7")?.passed).toBe(true);
  const refused = front.judgeHere("198.51.100.7");
  expect(refused?.passed).toBe(false);
  expect(refused?.res.msBeforeNext).toBeGreaterThan(50_000);
  expect(store.writes).toBe(1);
});
