// The SQLite count cache: totals are recounted whenever the database changed; facet counts, with a
// staleness allowance (FACET_MAX_STALE_MS), at most that often, whatever the writes in between.
import Database from "better-sqlite3";
import { CountCache } from "../../node/storage/sqlite/count-cache";

it("recounts exact totals after every write, and stale-tolerant counts only once their allowance is over", () => {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE t (x INTEGER)");
  let now = 1_000_000;
  const cache = new CountCache(db, () => now);
  const n = () => (db.prepare("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n;
  expect(cache.get("exact", n)).toBe(0);
  expect(cache.get("facet", n, 60_000)).toBe(0);
  db.prepare("INSERT INTO t VALUES (1)").run();
  expect(cache.get("exact", n)).toBe(1);
  // Within the allowance the earlier figure stands, although the database changed…
  now += 59_000;
  expect(cache.get("facet", n, 60_000)).toBe(0);
  // …and once it is over, the count is taken again.
  now += 2_000;
  expect(cache.get("facet", n, 60_000)).toBe(1);
  db.close();
});
