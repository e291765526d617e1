// The SQLite queue commits its leases and acknowledgements without an fsync of their own
// (synchronous = NORMAL for that statement only) and must leave the connection at FULL afterwards:
// every other write of the node on it — an enqueue that a 202 promises, a stored challenge — relies
// on FULL. A real file, a real queue, a real claim and acknowledgement.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../node/storage/sqlite/database";
import { SqliteMessageQueue } from "../../node/storage/sqlite/mq";

const FULL = 2;

it("claims and acknowledges messages and leaves the connection's synchronous setting at FULL", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-mq-sync-"));
  const db = openDatabase(path.join(dir, "ipn.db"));
  const queue = new SqliteMessageQueue(db, { lane: "inbox", workers: 2, pollIntervalMs: 20 });
  try {
    const seenInHandler: number[] = [];
    const handled: unknown[] = [];
    const abort = new AbortController();
    const listening = queue.listen((message) => {
      seenInHandler.push(db.pragma("synchronous", { simple: true }) as number);
      handled.push(message);
    }, { signal: abort.signal });
    await queue.enqueueMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const until = Date.now() + 10_000;
    while ((handled.length < 3 || (await queue.getDepth()).queued > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await listening;

    expect(handled).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }, { n: 3 }]));
    // Acknowledged: nothing left, not even in flight.
    expect(db.prepare("SELECT COUNT(*) FROM fedify_mq").pluck().get()).toBe(0);
    // After each claim (handlers run after it) and after the acknowledgements, FULL again.
    expect(seenInHandler).toEqual([FULL, FULL, FULL]);
    expect(db.pragma("synchronous", { simple: true })).toBe(FULL);
  } finally {
    await queue.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
