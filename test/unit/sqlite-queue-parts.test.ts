// What the messages of a fan-out share (the signed activity, the sender's keys) is stored once on
// SQLite (queue-rows.ts, ADR 0020): one part row for the fan-out, deleted with the last message that
// names it — also when the messages are acknowledged in separate transactions, across two processes'
// queue instances, and never while one of them waits for its retry. A real file and real queues.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../node/storage/sqlite/database";
import { SqliteMessageQueue, type SqliteQueueOptions } from "../../node/storage/sqlite/mq";

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function file(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-mq-parts-"));
  dirs.push(dir);
  return path.join(dir, "ipn.db");
}

type Db = ReturnType<typeof openDatabase>;

/** An outbox queue on a fresh file, and a reader of one number from that file; both closed after `test`. */
async function onQueue(options: SqliteQueueOptions, test: (q: SqliteMessageQueue, db: Db, count: (sql: string) => number) => Promise<void>): Promise<void> {
  const db = openDatabase(file());
  const q = new SqliteMessageQueue(db, { lane: "outbox", ...options });
  try {
    await test(q, db, (sql) => db.prepare(sql).pluck().get() as number);
  } finally {
    await q.close();
    db.close();
  }
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const activity = { type: "Create", id: "https://de.example/a/1", content: "x".repeat(8000) };
const keys = [{ keyId: "https://de.example/hubs/h#main-key", privateKey: { kty: "RSA", d: "y".repeat(1600) } }];
const fanOut = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ type: "outbox", activity, keys, attempt: 0, id: `${tag}${i}`, inbox: `https://s${i}.example/inbox` }));

it("stores a fan-out's shared activity and keys once, and deletes them with the last message acknowledged", () => onQueue({ workers: 2, pollIntervalMs: 20 }, async (q, db, count) => {
  await Promise.all(fanOut(40, "m").map((m, i) => q.enqueue(m, { orderingKey: `k${i}` })));
  expect(count("SELECT COUNT(*) FROM fedify_mq")).toBe(40);
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(1);
  // Each row holds only its own fields: a fortieth of the bytes it held before.
  expect(count("SELECT MAX(LENGTH(message)) FROM fedify_mq")).toBeLessThan(200);
  expect(count("SELECT LENGTH(body) FROM fedify_mq_parts")).toBeGreaterThan(9600);

  // Half of them handled, then a pause: the part stays for the other half.
  const handled: unknown[] = [];
  let controller = new AbortController();
  let listening = q.listen((m) => {
    handled.push(m);
    if (handled.length === 20) controller.abort();
  }, { signal: controller.signal });
  await listening;
  await until("the acknowledgements", () => count("SELECT COUNT(*) FROM fedify_mq") <= 20);
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(1);

  // Another process's instance takes the rest and deletes the part with the last one.
  const otherDb = openDatabase(db.name);
  const other = new SqliteMessageQueue(otherDb, { lane: "outbox", workers: 3, pollIntervalMs: 20 });
  controller = new AbortController();
  listening = other.listen((m) => { handled.push(m); }, { signal: controller.signal });
  await until("every message", () => count("SELECT COUNT(*) FROM fedify_mq") === 0);
  controller.abort();
  await listening;
  await other.close();
  otherDb.close();
  expect(new Set(handled.map((m) => (m as { id: string }).id)).size).toBe(40);
  for (const m of handled) expect(m).toMatchObject({ activity, keys });
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(0);
}));

it("keeps the part while a message that names it is handed back after a failure, and gives it whole again", () => onQueue({ workers: 2, pollIntervalMs: 20, retryDelayMs: 200 }, async (q, db, count) => {
  await Promise.all(fanOut(5, "r").map((m, i) => q.enqueue(m, { orderingKey: `k${i}` })));
  const attempts = new Map<string, number>();
  const delivered: unknown[] = [];
  const controller = new AbortController();
  const listening = q.listen((m) => {
    const id = (m as { id: string }).id;
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    // r3's first attempt throws: the message is released, not acknowledged, and runs again later.
    if (id === "r3" && attempts.get(id) === 1) throw new Error("the inbox did not answer");
    delivered.push(m);
  }, { signal: controller.signal });
  await until("the four others", () => delivered.length >= 4);
  await until("their acknowledgements", () => count("SELECT COUNT(*) FROM fedify_mq") === 1);
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(1);
  await until("r3 again", () => delivered.length === 5);
  controller.abort();
  await listening;
  expect(attempts.get("r3")).toBe(2);
  expect(delivered.find((m) => (m as { id: string }).id === "r3")).toEqual(fanOut(5, "r")[3]);
  expect(count("SELECT COUNT(*) FROM fedify_mq")).toBe(0);
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(0);
}));

it("repeats small shared values and values held by one message in each row: no part for them", () => onQueue({}, async (q, db) => {
  const small = { keyId: "https://de.example/hubs/h#main-key" };
  await Promise.all([q.enqueue({ n: 1, small }), q.enqueue({ n: 2, small }), q.enqueue({ n: 3, activity: { ...activity } }), q.enqueue({ n: 4, activity: { ...activity } })]);
  expect(db.prepare("SELECT COUNT(*) FROM fedify_mq_parts").pluck().get()).toBe(0);
  const rows = db.prepare("SELECT message FROM fedify_mq ORDER BY seq").pluck().all() as string[];
  expect(rows.map((r) => JSON.parse(r))).toEqual([{ n: 1, small }, { n: 2, small }, { n: 3, activity }, { n: 4, activity }]);
}));

it("stores rows an earlier version cannot mistake for a whole message, and still runs the whole rows it stored", () => onQueue({ workers: 1, pollIntervalMs: 20 }, async (q, db) => {
  await Promise.all(fanOut(2, "v").map((m) => q.enqueue(m)));
  // An earlier version's worker (a rolling update) parses the row alone: it fails and hands it back.
  for (const row of db.prepare("SELECT message FROM fedify_mq").pluck().all() as string[]) {
    expect(() => JSON.parse(row)).toThrow(SyntaxError);
  }
  // A row that version wrote: the whole message, no part.
  db.prepare("INSERT INTO fedify_mq (lane, message, ordering_key, deliver_at, pos) VALUES ('outbox', ?, NULL, 0, 0)").run(JSON.stringify({ id: "old", activity }));
  const got: unknown[] = [];
  const controller = new AbortController();
  const listening = q.listen((m) => { got.push(m); }, { signal: controller.signal });
  await until("the three messages", () => got.length === 3);
  controller.abort();
  await listening;
  expect(got).toEqual(expect.arrayContaining([{ id: "old", activity }, ...fanOut(2, "v")]));
}));

it("parses a fan-out's part once for all its messages: each gets its own fields over the same frozen activity and keys", () => onQueue({ workers: 4, pollIntervalMs: 20, retryDelayMs: 100 }, async (q, db, count) => {
  type Handled = { id: string; inbox: string; activity: typeof activity; keys: typeof keys; mark?: number };
  await Promise.all(fanOut(10, "p").map((m, i) => q.enqueue(m, { orderingKey: `k${i}` })));
  const handled: Handled[] = [];
  const refused: string[] = [];
  const controller = new AbortController();
  const listening = q.listen((m) => {
    "use strict";
    const message = m as Handled;
    message.mark = handled.length; // the message is the handler's own
    if (refused.length === 0) {
      try {
        message.activity.content = "changed by one handler";
      } catch (error) {
        refused.push((error as Error).name);
        throw error; // as a handler that did not expect it: the message is handed back
      }
    }
    handled.push(message);
  }, { signal: controller.signal });
  await until("every message", () => count("SELECT COUNT(*) FROM fedify_mq") === 0);
  controller.abort();
  await listening;

  expect(refused).toEqual(["TypeError"]);
  expect(handled.map((m) => m.id).sort()).toEqual(fanOut(10, "p").map((m) => m.id).sort());
  for (const m of handled) expect(m.inbox).toBe(`https://s${m.id.slice(1)}.example/inbox`);
  // One parsed activity and one key list for the ten messages, unchanged and frozen.
  expect(new Set(handled.map((m) => m.activity)).size).toBe(1);
  expect(new Set(handled.map((m) => m.keys)).size).toBe(1);
  expect(handled[0]!.activity).toEqual(activity);
  expect(Object.isFrozen(handled[0]!.activity)).toBe(true);
  expect(Object.isFrozen(handled[0]!.keys[0]!.privateKey)).toBe(true);
  expect(new Set(handled.map((m) => m.mark)).size).toBe(10);
  expect(count("SELECT COUNT(*) FROM fedify_mq_parts")).toBe(0);
}));
