// The SQLite queue's idle workers: one of them polls, the others sleep until woken (leased-queue.ts).
// Two in-memory databases in one process are two queues — an enqueue on one wakes that one's workers,
// and each has its own poller (their wake-up key once read "[object Database]" for every in-memory
// database) — and a database closed under the workers stops them all, not only the one that polled.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../node/storage/sqlite/database";
import { SqliteMessageQueue } from "../../node/storage/sqlite/mq";

it("keeps the workers of two in-memory databases apart: each enqueue wakes its own database's worker", async () => {
  const dbs = [openDatabase(":memory:"), openDatabase(":memory:")];
  // A poll a minute: only a wake-up can make a message run within this test.
  const queues = dbs.map((db) => new SqliteMessageQueue(db, { lane: "inbox", workers: 1, pollIntervalMs: 60_000 }));
  const handled: string[][] = [[], []];
  const abort = new AbortController();
  try {
    const listening = queues.map((q, i) => q.listen((m) => { handled[i]!.push((m as { n: string }).n); }, { signal: abort.signal }));
    // Both workers asleep (the first listen's worker polls, the second's waits to be woken).
    await new Promise((r) => setTimeout(r, 200));
    // One at a time: whichever worker polls, the other database's enqueue must reach its own worker.
    const run = async (i: number, n: string) => {
      await queues[i]!.enqueue({ n });
      const until = Date.now() + 3_000;
      while (handled[i]!.length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    };
    await run(0, "a");
    await run(1, "b");
    expect(handled).toEqual([["a"], ["b"]]);
    abort.abort();
    await Promise.all(listening);
  } finally {
    for (const q of queues) await q.close();
    for (const db of dbs) db.close();
  }
});

it("stops every worker when the database is closed under them, not only the one that was polling", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-mq-closed-"));
  const db = openDatabase(path.join(dir, "ipn.db"));
  const queue = new SqliteMessageQueue(db, { lane: "inbox", workers: 4, pollIntervalMs: 100 });
  try {
    let ended = false;
    const listening = queue.listen(() => {}).then(() => { ended = true; });
    await new Promise((r) => setTimeout(r, 300));
    // Closed without an abort: only the polling worker meets the closed database on its own.
    db.close();
    const until = Date.now() + 5_000;
    while (!ended && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(true);
    await listening;
  } finally {
    await queue.close();
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
