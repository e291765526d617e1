// The MessageQueue contract every store's queue must meet: Fedify's own conformance suite
// (testMessageQueue, with ordering keys), plus what IPN relies on beyond it: at-least-once across
// crashes and shutdowns, retry after a failing handler, and depth counts.
import { testMessageQueue } from "@fedify/testing";
import type { QueueTuning } from "../../node/storage/open-store";
import { DEFAULT_LANE_WORKERS, type Store } from "../../node/storage/store";
import { startQueueWorker } from "./queue-worker-process";

type Queue = Store["queue"];
type Lanes = Store["queues"];

export interface QueueHarness {
  /** A new queue instance on the same storage, as another process would open it. */
  open(tuning?: QueueTuning): Promise<Queue>;
  /** Every lane of a new store instance on the same storage. */
  lanes(tuning?: QueueTuning): Promise<Lanes>;
  /** The store URL, for openStore() in a child process (the crash test kills it). */
  url: string;
  /** Closes every instance opened and removes the storage. */
  cleanup(): Promise<void>;
}
export type QueueFactory = () => Promise<QueueHarness>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * Stores messages the way another process would: straight into the store, with no wake-up reaching this
 * process's workers (only a poll, or SQLite's watch of other processes' rows, finds them).
 */
async function storeUnannounced(q: Queue, ...ns: number[]): Promise<void> {
  const store = q as unknown as { insert(rows: { message: string; orderingKey: null }[], at: number, retry: boolean): Promise<void> };
  await store.insert(ns.map((n) => ({ message: JSON.stringify({ n }), orderingKey: null })), Date.now(), false);
}

export function describeQueueContract(name: string, factory: QueueFactory): void {
  describe(`${name}: Fedify MessageQueue`, () => {
    let h: QueueHarness;
    beforeEach(async () => { h = await factory(); });
    afterEach(async () => { await h.cleanup(); });

    it("passes @fedify/testing testMessageQueue with two instances and ordering keys", async () => {
      await testMessageQueue(
        () => h.open({ pollIntervalMs: 200, workers: 2 }),
        ({ controller }) => { controller.abort(); },
        { testOrderingKey: true },
      );
    }, 120_000);

    it("does not retry natively: Fedify re-enqueues failed deliveries itself", async () => {
      expect((await h.open()).nativeRetrial ?? false).toBe(false);
    });

    it("delivers a message again when its handler throws", async () => {
      const q = await h.open({ retryDelayMs: 50, pollIntervalMs: 50 });
      const seen: unknown[] = [];
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        seen.push(m);
        if (seen.length === 1) throw new Error("transient failure");
      }, { signal: controller.signal });
      await q.enqueue({ type: "outbox", n: 1 });
      await until("the retry", () => seen.length >= 2);
      expect(seen).toEqual([{ type: "outbox", n: 1 }, { type: "outbox", n: 1 }]);
      await until("the queue to drain", async () => (await q.getDepth()).queued === 0);
      controller.abort();
      await expect(listening).resolves.toBeUndefined();
    });

    it("hands back a message whose handler is still running at shutdown, to be delivered again", async () => {
      const first = await h.open({ shutdownGraceMs: 50, workers: 1 });
      let started = 0;
      const controller = new AbortController();
      const listening = first.listen(() => { started++; return new Promise<void>(() => { /* never finishes */ }); }, { signal: controller.signal });
      await first.enqueue({ type: "fanout", id: "stuck" });
      await until("the handler to start", () => started === 1);
      controller.abort();
      await expect(listening).resolves.toBeUndefined();

      const second = await h.open({ pollIntervalMs: 50 });
      const got: unknown[] = [];
      const c2 = new AbortController();
      const l2 = second.listen((m) => { got.push(m); }, { signal: c2.signal });
      await until("redelivery", () => got.length === 1);
      expect(got).toEqual([{ type: "fanout", id: "stuck" }]);
      c2.abort();
      await l2;
    });

    it("redelivers the message of a process killed mid-handler once its lease expires", async () => {
      const q = await h.open({ pollIntervalMs: 50 });
      await q.enqueue({ type: "inbox", id: "crash-me" });
      const child = startQueueWorker(h.url, 800);
      try {
        await child.waitFor("claimed", 30_000);
      } finally {
        await child.kill();
      }
      expect(child.output()).toContain('"crash-me"');
      const got: unknown[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { got.push(m); }, { signal: controller.signal });
      await until("redelivery after the lease", () => got.length === 1);
      expect(got).toEqual([{ type: "inbox", id: "crash-me" }]);
      controller.abort();
      await listening;
    }, 60_000);

    it("runs now the delayed messages that name a server which came back, and only those", async () => {
      const q = await h.open({ pollIntervalMs: 50 });
      const later = { delay: Temporal.Duration.from({ hours: 1 }) };
      // A fan-out's messages share their activity (stored once on SQLite: each row keeps only its own fields).
      const activity = { type: "Create", content: "x".repeat(2000) };
      const to = (inbox: string, attempt: number) => ({ type: "outbox", inbox, activity, attempt });
      await q.enqueueMany!([to("https://a.example/inbox", 1), to("https://b.example/inbox", 1)], later);
      await q.enqueue(to("https://a.example/users/u/inbox", 2), later);
      await q.enqueue(to("https://a.example.org/inbox", 1), later); // another server: a longer host name
      const got: { inbox: string; activity: unknown }[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { got.push(m as { inbox: string; activity: unknown }); }, { signal: controller.signal });

      expect(await q.hasten(['"inbox":"https://a.example/', '"inbox":"http://a.example/'])).toBe(2);
      await until("the two messages to run", () => got.length === 2);
      expect(got.map((m) => m.inbox).sort()).toEqual(["https://a.example/inbox", "https://a.example/users/u/inbox"]);
      for (const m of got) expect(m.activity).toEqual(activity); // whole, shared part included
      expect(await q.getDepth()).toEqual({ queued: 2, ready: 0, delayed: 2 });
      // Nothing left for that server: a second call changes nothing.
      expect(await q.hasten(['"inbox":"https://a.example/'])).toBe(0);
      expect(await q.hasten([])).toBe(0);
      controller.abort();
      await listening;
      expect(got).toHaveLength(2);
    });

    it("counts queued, ready and delayed messages; a message in progress is not queued", async () => {
      // One handler at a time: no handler is set aside however long it waits (detachAfterMs).
      const q = await h.open({ workers: 1, pollIntervalMs: 50, detachAfterMs: Infinity });
      expect(await q.getDepth()).toEqual({ queued: 0, ready: 0, delayed: 0 });
      await q.enqueueMany!([{ n: 1 }, { n: 2 }]);
      await q.enqueue({ n: 3 }, { delay: Temporal.Duration.from({ hours: 1 }) });
      expect(await q.getDepth()).toEqual({ queued: 3, ready: 2, delayed: 1 });

      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      const handled: unknown[] = [];
      const controller = new AbortController();
      const listening = q.listen(async (m) => { handled.push(m); await gate; }, { signal: controller.signal });
      await until("the first message to start", () => handled.length === 1);
      expect(await q.getDepth()).toEqual({ queued: 2, ready: 1, delayed: 1 });
      release();
      await until("the ready messages to finish", async () => (await q.getDepth()).ready === 0 && handled.length === 2);
      await until("the last ack", async () => (await q.getDepth()).queued === 1);
      expect(await q.getDepth()).toEqual({ queued: 1, ready: 0, delayed: 1 });
      controller.abort();
      await listening;
    });

    it("keeps one ordering key strictly sequential even with many workers", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 50 });
      const log: string[] = [];
      let running = 0;
      let overlap = false;
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        const { key, n } = m as { key: string; n: number };
        if (key === "A") { running++; if (running > 1) overlap = true; }
        await sleep(5);
        log.push(`${key}${n}`);
        if (key === "A") running--;
      }, { signal: controller.signal });
      for (let n = 1; n <= 6; n++) {
        await q.enqueue({ key: "A", n }, { orderingKey: "A" });
        await q.enqueue({ key: "B", n });
      }
      await until("all messages", () => log.length === 12);
      expect(log.filter((x) => x.startsWith("A"))).toEqual(["A1", "A2", "A3", "A4", "A5", "A6"]);
      expect(overlap).toBe(false);
      controller.abort();
      await listening;
    });

    it(`runs ${DEFAULT_LANE_WORKERS.inbox} workers (the inbox lane's default) without a listener-leak warning in its process's log`, async () => {
      // In another process: Node prints the warning there (Jest's sandbox never sees it).
      const worker = startQueueWorker(h.url, 60_000, 50, DEFAULT_LANE_WORKERS.inbox);
      try {
        await worker.waitFor("listening", 20_000);
        const q = await h.open();
        for (let n = 0; n < 3; n++) await q.enqueue({ n });
        await until("the other process to claim all three", () => (worker.output().match(/claimed/g) ?? []).length === 3);
        await sleep(100);
        expect(worker.errors()).not.toMatch(/MaxListenersExceeded/);
      } finally {
        await worker.kill();
      }
    }, 60_000);

    it("wakes as many idle workers as there are new messages, not every worker of the lane", async () => {
      const q = await h.open({ workers: 16, pollIntervalMs: 60_000 });
      const claims = jest.spyOn(q as unknown as { claim(now: number): Promise<unknown> }, "claim");
      const dues = jest.spyOn(q as unknown as { nextDue(now: number): Promise<unknown> }, "nextDue");
      const seen: number[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { seen.push((m as { n: number }).n); }, { signal: controller.signal });
      // Every worker asleep: each has claimed once and found nothing (the question when the next message
      // is due is asked beside the sleep, once at a time per instance).
      await until("all 16 workers to look once", () => claims.mock.results.length >= 16 && dues.mock.results.length >= 1);
      await Promise.all([...claims.mock.results, ...dues.mock.results].map((r) => r.value));
      await sleep(50);
      claims.mockClear();
      await q.enqueue({ n: 1 });
      await until("the message to run", () => seen.length === 1);
      await sleep(100);
      // One worker claims it, then claims again and finds nothing (the other 15 slept on: 17 before).
      expect(claims.mock.calls.length).toBeLessThanOrEqual(2);
      claims.mockClear();
      for (let n = 2; n <= 4; n++) await q.enqueue({ n });
      await until("three more to run", () => seen.length === 4);
      await sleep(100);
      expect(seen.sort()).toEqual([1, 2, 3, 4]);
      expect(claims.mock.calls.length).toBeLessThanOrEqual(6);
      controller.abort();
      await listening;
    });

    it("polls an idle lane once per interval whatever its number of workers, and the poll still finds what no wake-up announced", async () => {
      const q = await h.open({ workers: 16, pollIntervalMs: 100 });
      const claims = jest.spyOn(q as unknown as { claim(now: number): Promise<unknown> }, "claim");
      const seen: number[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { seen.push((m as { n: number }).n); }, { signal: controller.signal });
      await sleep(300);
      claims.mockClear();
      await sleep(1000);
      // Each of the 16 idle workers polling on its own was ≈ 160 claims in this second; one poller ≈ 10.
      const polls = claims.mock.calls.length;
      expect(polls).toBeLessThanOrEqual(25);
      expect(polls).toBeGreaterThanOrEqual(2);
      await storeUnannounced(q, 1, 2, 3);
      await until("the poll to find all three", () => seen.length === 3, 10_000);
      expect(seen.sort()).toEqual([1, 2, 3]);
      controller.abort();
      await listening;
    });

    it("keeps polling while the worker that polled runs what it found", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 100, detachAfterMs: Infinity });
      const started: number[] = [];
      let release = () => {};
      const held = new Promise<void>((r) => { release = r; });
      // One message before: on SQLite, the watch for other processes' rows then knows where the table
      // stands and leaves the rows below to the poll.
      await storeUnannounced(q, 0);
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        const n = (m as { n: number }).n;
        started.push(n);
        if (n === 1) await held;
      }, { signal: controller.signal });
      await until("the one before", () => started.includes(0), 10_000);
      await sleep(300);
      await storeUnannounced(q, 1);
      await until("the poll to find the first", () => started.includes(1), 10_000);
      await storeUnannounced(q, 2);
      // Found by the next poll while the first one's worker is still busy with it.
      await until("another worker's poll to find the second", () => started.includes(2), 10_000);
      release();
      controller.abort();
      await listening;
    });

    it("keeps polling while the store is slow to say when the next delayed message is due", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 100 });
      const slow = q as unknown as { nextDue(now: number): Promise<number | null> };
      let answer = () => {};
      const held = new Promise<void>((r) => { answer = r; });
      const original = slow.nextDue.bind(q);
      jest.spyOn(slow, "nextDue").mockImplementation(async (now) => {
        await held;
        return original(now);
      });
      const seen: number[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { seen.push((m as { n: number }).n); }, { signal: controller.signal });
      try {
        await sleep(300);
        await storeUnannounced(q, 1);
        // The question is still unanswered: the poll finds the message all the same.
        await until("the poll to find it", () => seen.length === 1, 10_000);
        expect(seen).toEqual([1]);
      } finally {
        answer();
        controller.abort();
        await listening;
      }
    });

    // Fedify enqueues a fan-out with ordering keys as one enqueue() per inbox, all in one turn.
    it("stores a fan-out enqueued in one turn at once: when any enqueue resolves, every message is queued, each key in order", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 50 });
      const enqueues = Array.from({ length: 48 }, (_, i) => q.enqueue({ inbox: i }, { orderingKey: `k${i % 12}` }));
      await Promise.race(enqueues);
      expect(await q.getDepth()).toMatchObject({ queued: 48, ready: 48 });
      await Promise.all(enqueues);
      const log: number[] = [];
      const controller = new AbortController();
      const listening = q.listen(async (m) => { log.push((m as { inbox: number }).inbox); }, { signal: controller.signal });
      await until("all 48 messages", () => log.length === 48);
      for (let k = 0; k < 12; k++) {
        const ofKey = log.filter((i) => i % 12 === k);
        expect(ofKey).toEqual([k, k + 12, k + 24, k + 36]);
      }
      controller.abort();
      await listening;
    });

    // A fan-out's messages hold the same signed activity and keys by reference: a store may keep that
    // part once (SQLite does), but every handler gets its whole message, the retry of a failed one too.
    it("gives every message of a fan-out its whole content, shared values included, the retry of a failed delivery too", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 50 });
      const activity = { type: "Create", id: "https://de.example/a/1", content: "é ".repeat(3000), tags: [1, null, { x: "y" }] };
      const keys = [{ keyId: "https://de.example/hubs/h#main-key", privateKey: { kty: "RSA", n: "x".repeat(1500) } }];
      const common = { type: "outbox", keys, activity, attempt: 0 };
      const expected = Array.from({ length: 30 }, (_, i) => ({ ...common, id: `m${i}`, inbox: `https://s${i % 6}.example/inbox`, headers: {}, none: undefined }));
      const got: unknown[] = [];
      let failedOnce = false;
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        const message = m as { id: string; attempt: number };
        if (message.id === "m7" && !failedOnce) {
          failedOnce = true;
          // As Fedify's handler does: the retry is a new message made from the one received.
          await q.enqueue({ ...message, attempt: 1 }, { orderingKey: "k7", delay: Temporal.Duration.from({ milliseconds: 100 }) });
          return;
        }
        got.push(m);
      }, { signal: controller.signal });
      await Promise.all(expected.map((m, i) => q.enqueue(m, { orderingKey: `k${i}` })));
      await until("every message and the retry", () => got.length === 30);
      controller.abort();
      await listening;
      const byId = new Map(got.map((m) => [(m as { id: string }).id, m]));
      for (const { none: _, ...whole } of expected) {
        // An undefined field is left out, as JSON leaves it out.
        expect(Object.keys(byId.get(whole.id) as object).sort()).toEqual(Object.keys(whole).sort());
        expect(byId.get(whole.id)).toEqual(whole.id === "m7" ? { ...whole, attempt: 1 } : whole);
      }
      expect(await q.getDepth()).toMatchObject({ queued: 0 });
    });

    it("refuses only the caller whose message cannot be serialised, not the others of its turn", async () => {
      const q = await h.open({ workers: 1, pollIntervalMs: 50 });
      const cyclic: Record<string, unknown> = { type: "outbox" };
      cyclic.self = cyclic;
      const shared = { big: "x".repeat(5000) };
      const results = await Promise.allSettled([
        q.enqueue({ n: 1, shared }),
        q.enqueue({ n: 2, shared, bad: cyclic }),
        q.enqueue({ n: 3, shared }),
        q.enqueue({ n: 4, amount: 10n }),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
      const got: unknown[] = [];
      const controller = new AbortController();
      const listening = q.listen((m) => { got.push(m); }, { signal: controller.signal });
      await until("the two stored messages", () => got.length === 2);
      controller.abort();
      await listening;
      expect(got).toEqual(expect.arrayContaining([{ n: 1, shared }, { n: 3, shared }]));
    });

    // Two callbacks of one event-loop phase (two immediates queued together: Node runs both in the same
    // check phase, with a microtask checkpoint between them), each enqueueing: the first caller's answer
    // comes only once the second's message is stored too. A commit per microtask checkpoint fails this
    // on SQLite (synchronous writes); on MongoDB its I/O may let the second in before the first commit.
    it("stores the enqueues of separate callbacks of one event-loop phase together (peers' activities arriving at once)", async () => {
      const q = await h.open({ workers: 1, pollIntervalMs: 50 });
      const later = (n: number) => new Promise<void>((resolve, reject) => setImmediate(() => q.enqueue({ n }).then(resolve, reject)));
      const [first, second] = [later(1), later(2)];
      await first;
      const depth = await q.getDepth();
      await second;
      expect(depth).toMatchObject({ queued: 2 });
    });

    // Fedify re-enqueues a failed delivery as a new message (attempt + 1, a delay, the same ordering
    // key) from inside the handler of the original, which is acknowledged right after. The retry
    // must keep the original's place: an Update queued meanwhile must not reach the inbox before the
    // Create it follows.
    it("never lets a later message of an ordering key overtake an earlier one waiting for its retry", async () => {
      const q = await h.open({ workers: 4, pollIntervalMs: 50 });
      const log: string[] = [];
      const controller = new AbortController();
      const key = "https://de.example/challenges/1\nhttps://inbox.example";
      const listening = q.listen(async (m) => {
        const { activity, attempt } = m as { activity: string; attempt: number };
        log.push(`${activity}#${attempt}`);
        if (activity === "Create" && attempt < 2) {
          // While the Create is in flight the relay queues the Update …
          if (attempt === 0) await q.enqueue({ type: "outbox", activity: "Update", attempt: 0 }, { orderingKey: key });
          // … then the Create's delivery fails and Fedify schedules its retry.
          await q.enqueue({ type: "outbox", activity: "Create", attempt: attempt + 1 }, { orderingKey: key, delay: Temporal.Duration.from({ milliseconds: 300 }) });
        }
      }, { signal: controller.signal });
      await q.enqueue({ type: "outbox", activity: "Create", attempt: 0 }, { orderingKey: key });
      await until("every delivery", () => log.length === 4);
      expect(log).toEqual(["Create#0", "Create#1", "Create#2", "Update#0"]);
      controller.abort();
      await listening;
    });

    it("keeps other ordering keys moving while one waits for a retry", async () => {
      const q = await h.open({ workers: 2, pollIntervalMs: 50 });
      const log: string[] = [];
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        const { id, attempt } = m as { id: string; attempt: number };
        log.push(`${id}#${attempt}`);
        if (id === "slow" && attempt === 0) {
          await q.enqueue({ type: "outbox", id: "slow", attempt: 1 }, { orderingKey: "a", delay: Temporal.Duration.from({ hours: 1 }) });
        }
      }, { signal: controller.signal });
      await q.enqueue({ type: "outbox", id: "slow", attempt: 0 }, { orderingKey: "a" });
      await until("the first attempt", () => log.length === 1);
      await q.enqueue({ type: "outbox", id: "held", attempt: 0 }, { orderingKey: "a" });
      await q.enqueue({ type: "outbox", id: "other", attempt: 0 }, { orderingKey: "b" });
      await q.enqueue({ type: "outbox", id: "free", attempt: 0 });
      await until("the other key and the unkeyed message", () => log.includes("other#0") && log.includes("free#0"));
      expect(log).not.toContain("held#0");
      expect(await q.getDepth()).toMatchObject({ queued: 2, delayed: 1 });
      controller.abort();
      await listening;
    });

    it("runs each lane on its own: a stuck delivery lane does not hold up incoming activities", async () => {
      const lanes = await h.lanes({ workers: 1, pollIntervalMs: 50, shutdownGraceMs: 50, detachAfterMs: Infinity });
      const seen: Record<string, unknown[]> = { inbox: [], outbox: [], fanout: [] };
      const controller = new AbortController();
      const listening = (Object.keys(lanes) as (keyof Lanes)[]).map((lane) => lanes[lane].listen(async (m) => {
        seen[lane]!.push(m);
        if (lane === "outbox") await new Promise<void>(() => { /* a delivery that hangs */ });
      }, { signal: controller.signal }));
      await lanes.outbox.enqueueMany!([{ type: "outbox", n: 1 }, { type: "outbox", n: 2 }]);
      await until("the outbox lane to be stuck", () => seen.outbox!.length === 1);
      await lanes.inbox.enqueue({ type: "inbox", n: 1 });
      await lanes.fanout.enqueue({ type: "fanout", n: 1 });
      await until("the inbox and fan-out lanes", () => seen.inbox!.length === 1 && seen.fanout!.length === 1);
      expect(seen).toEqual({ inbox: [{ type: "inbox", n: 1 }], outbox: [{ type: "outbox", n: 1 }], fanout: [{ type: "fanout", n: 1 }] });
      expect(await lanes.outbox.getDepth()).toMatchObject({ queued: 1 });
      expect(await lanes.inbox.getDepth()).toMatchObject({ queued: 0 });
      controller.abort();
      await Promise.all(listening);
    });

    // A delivery to a server that never answers waits on that server, not on this node: once it has
    // run for detachAfterMs it stops holding its worker, which claims the next message. The message
    // set aside keeps its lease (not queued, its ordering key still blocked) and is acknowledged only
    // when its handler ends, or handed back at shutdown (at-least-once).
    it("sets aside a handler that outlasts detachAfterMs: the worker moves on, the message is acknowledged only when it ends", async () => {
      const q = await h.open({ workers: 1, pollIntervalMs: 50, detachAfterMs: 100 });
      let release!: () => void;
      const gate = new Promise<void>((r) => { release = r; });
      const log: string[] = [];
      const controller = new AbortController();
      const listening = q.listen(async (m) => {
        const { id } = m as { id: string };
        log.push(`start ${id}`);
        if (id === "hang") await gate;
        log.push(`end ${id}`);
      }, { signal: controller.signal });
      await q.enqueue({ type: "outbox", id: "hang" }, { orderingKey: "pit" });
      await q.enqueue({ type: "outbox", id: "after-hang" }, { orderingKey: "pit" });
      await q.enqueue({ type: "outbox", id: "other" }, { orderingKey: "healthy" });
      await until("the next message past the hanging one", () => log.includes("end other"));
      expect(log).toEqual(["start hang", "start other", "end other"]);
      // Still leased, not acknowledged: its successor of the same key waits.
      expect(await q.getDepth()).toMatchObject({ queued: 1 });
      release();
      await until("the hanging message and its successor", () => log.includes("end after-hang"));
      expect(log.slice(3)).toEqual(["end hang", "start after-hang", "end after-hang"]);
      await until("every ack", async () => (await q.getDepth()).queued === 0);
      controller.abort();
      await expect(listening).resolves.toBeUndefined();
    });

    it("hands back a set-aside message still running at shutdown, to be delivered again", async () => {
      const first = await h.open({ workers: 1, pollIntervalMs: 50, detachAfterMs: 50, shutdownGraceMs: 50 });
      const started: string[] = [];
      const controller = new AbortController();
      const listening = first.listen((m) => {
        started.push((m as { id: string }).id);
        return new Promise<void>(() => { /* never answers */ });
      }, { signal: controller.signal });
      await first.enqueueMany!([{ type: "outbox", id: "a" }, { type: "outbox", id: "b" }]);
      await until("both handlers to run (the first one set aside)", () => started.length === 2);
      controller.abort();
      await expect(listening).resolves.toBeUndefined();

      const second = await h.open({ pollIntervalMs: 50 });
      const got: string[] = [];
      const c2 = new AbortController();
      const l2 = second.listen((m) => { got.push((m as { id: string }).id); }, { signal: c2.signal });
      await until("redelivery of both", () => got.length === 2);
      expect(got.sort()).toEqual(["a", "b"]);
      c2.abort();
      await l2;
    });
  });
}
