// The worker machinery shared by the SQLite and MongoDB message queues: concurrency inside the queue
// (`workers`; never ParallelMessageQueue, which acknowledges when a slot starts — pitfall P9), leases
// renewed while a handler runs, acknowledgement only after the handler resolved (at-least-once),
// release with a delay when it threw, hand-back of unfinished messages on shutdown, handlers that
// outlast `detachAfterMs` set aside so that they stop holding a worker, and in-process wake-ups plus
// polling by one idle worker per lane. Each store supplies the five storage operations: insert, claim, renew,
// ack, release (and what is due next).
import { setMaxListeners } from "node:events";
import type {
  MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions,
} from "@fedify/fedify";
import { type QueuedRow, RowBatch } from "./queue-rows";

export interface QueueTuning {
  /** Concurrent handlers per listen() (default 4). */
  workers?: number;
  /** Idle re-check interval: picks up other processes' messages and expired leases (default 1000). One idle worker of the lane polls. */
  pollIntervalMs?: number;
  /** A claimed message whose worker stopped renewing the lease is redelivered after this (default 60 s). */
  leaseMs?: number;
  /** After a handler threw, the message is retried this much later (default 5 s). */
  retryDelayMs?: number;
  /** On abort, how long to wait for running handlers before releasing their messages (default 10 s). */
  shutdownGraceMs?: number;
  /**
   * A handler still running after this long is waiting on someone else (a remote server that does
   * not answer): it is set aside — it keeps its lease and its message is acknowledged or released
   * when it ends, as any other — and its worker claims the next message. Default: never (Infinity).
   */
  detachAfterMs?: number;
  /** Handlers set aside at once per listen(), beyond `workers`; when full, a worker waits for its own (default 4 × workers). */
  maxDetached?: number;
}

type Handler = (message: unknown) => Promise<void> | void;

/**
 * Fedify's messages that repeat an earlier one: a delivery or inbox retry (`attempt` > 0) and an
 * outbox message held back by the circuit breaker. Fedify enqueues them from inside the handler of
 * the original, which is acknowledged right after.
 */
export function isRetry(message: unknown): boolean {
  if (typeof message !== "object" || message === null) return false;
  const m = message as { attempt?: unknown; circuitHeld?: unknown };
  return (typeof m.attempt === "number" && m.attempt > 0) || m.circuitHeld === true;
}

/** The three lanes Fedify's work is split into, each its own queue with its own workers. */
export type QueueLane = "inbox" | "outbox" | "fanout";
export const QUEUE_LANES: readonly QueueLane[] = ["inbox", "outbox", "fanout"];

/** In-process wake-up across every queue instance on the same database (SQLite has no NOTIFY; FerretDB no change streams). */
const wakers = new Map<unknown, Set<() => void>>();
/**
 * The one idle worker per lane and database that polls, and its wake-up. The other idle workers sleep
 * until they are woken (or until a delayed message they saw is due): each idle worker polling on its own
 * was a claim and a due-date query per worker every second — 82 workers, 164 queries a second and 2–3 %
 * of a core for a node doing nothing.
 */
const pollers = new Map<unknown, Poller>();
interface Poller { wake(): void; pollMs: number }

export abstract class LeasedMessageQueue<Job> implements MessageQueue {
  readonly nativeRetrial = false;
  protected readonly workers: number;
  protected readonly pollMs: number;
  protected readonly leaseMs: number;
  protected readonly retryMs: number;
  protected readonly graceMs: number;
  protected readonly detachMs: number;
  protected readonly maxDetached: number;
  private readonly listeners = new Set<{ abort: AbortController; done: Promise<void> }>();
  protected closed = false;

  /** `wakeKey` identifies the database, so enqueues wake idle workers of every instance on it. */
  constructor(private readonly wakeKey: unknown, opts: QueueTuning = {}) {
    this.workers = Math.max(1, Math.trunc(opts.workers ?? 4));
    this.pollMs = Math.max(10, opts.pollIntervalMs ?? 1000);
    this.leaseMs = Math.max(100, opts.leaseMs ?? 60_000);
    this.retryMs = Math.max(0, opts.retryDelayMs ?? 5000);
    this.graceMs = Math.max(0, opts.shutdownGraceMs ?? 10_000);
    this.detachMs = Math.max(0, opts.detachAfterMs ?? Infinity);
    this.maxDetached = Math.max(0, Math.trunc(opts.maxDetached ?? 4 * this.workers));
  }

  /**
   * Stores serialized messages, due at `at` (epoch ms). `retry`: Fedify re-enqueues a failed message
   * as a new one; it then takes the place of the oldest message of its ordering key (the original,
   * still in flight) instead of going to the back, so nothing enqueued meanwhile overtakes it.
   */
  protected abstract insert(rows: readonly QueuedRow[], at: number, retry: boolean): Promise<void>;
  /** Leases the next due message whose ordering key is free, or returns undefined. Atomic across processes. */
  protected abstract claim(now: number): Promise<Job | undefined>;
  /** The message, parsed, for its handler (a store may hand over parts it parsed for an earlier message). */
  protected abstract decode(job: Job): unknown;
  /** Extends our lease to `until` (epoch ms), if it is still ours. */
  protected abstract renew(job: Job, until: number): Promise<void>;
  /** Deletes the message (the handler succeeded), if our lease is still current. */
  protected abstract ack(job: Job): Promise<void>;
  /** Ends our lease; the message is due again at `at` (epoch ms). */
  protected abstract release(job: Job, at: number): Promise<void>;
  /** When the next delayed message becomes due (epoch ms), or null. */
  protected abstract nextDue(now: number): Promise<number | null>;
  /** Makes due at `now` the delayed messages not in flight whose stored JSON holds one of `needles`; how many. */
  protected abstract advance(needles: readonly string[], now: number): Promise<number>;
  /** True when the underlying connection is gone for good (stop the workers). */
  protected abstract storeClosed(): boolean;
  abstract getDepth(): Promise<MessageQueueDepth>;

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delay = Math.max(0, options?.delay?.total("millisecond") ?? 0);
    const orderingKey = options?.orderingKey ?? null;
    const retry = orderingKey !== null && messages.every(isRetry);
    if (retry || delay > 0) {
      const batch = new RowBatch();
      for (const m of messages) batch.add(m, orderingKey);
      await this.insert(batch.rows(), Date.now() + delay, retry);
    } else await this.together(messages, orderingKey);
    // As many idle workers as there are new messages run them (each claims again when done, so one
    // message never strands); a delayed one needs a single worker to shorten its sleep to the delay.
    this.wake(retry || delay > 0 ? 1 : messages.length);
  }

  private batch: { rows: RowBatch; stored: Promise<void> } | null = null;

  /**
   * Group commit: the immediate enqueues made in one turn of the event loop are stored together, in
   * one transaction (one fsync on SQLite, one insertMany on MongoDB). Fedify enqueues a fan-out with
   * ordering keys as one enqueue() per inbox, all in the same turn: 48 followers were 48 commits, and
   * the first deliveries ran before the last were stored. The batch is committed in the check phase
   * (setImmediate), so the enqueues of every I/O callback of one poll — a peer's activities arriving
   * on several connections at once, each queued by the inbox's fast path — share it too (inbound
   * ingest +10–16 % in three interleaved A/B pairs against a commit per microtask checkpoint). Each
   * caller still resolves only once its messages are durable; a failed commit rejects every caller of
   * the batch (nothing is half-acknowledged). The messages of a batch that hold the same large values
   * (a fan-out's activity and keys) store them once (queue-rows.ts).
   */
  private together(messages: readonly unknown[], orderingKey: string | null): Promise<void> {
    // Serialised now: a message that cannot be fails its own caller, not the batch.
    const rows = this.batch?.rows ?? new RowBatch();
    const size = rows.size;
    try {
      for (const m of messages) rows.add(m, orderingKey);
    } catch (error) {
      rows.truncate(size);
      return Promise.reject(error);
    }
    if (!this.batch) {
      const batch: { rows: RowBatch; stored: Promise<void> } = { rows, stored: Promise.resolve() };
      batch.stored = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = null;
        return this.insert(batch.rows.rows(), Date.now(), false);
      });
      this.batch = batch;
    }
    return this.batch.stored;
  }

  /**
   * Runs now the delayed messages (retries, messages held for their server) whose stored JSON holds one
   * of `needles`, e.g. `"inbox":"https://a.example/`: a server they wait for has shown it is back
   * (federation/transport/peer-recovery.ts). A substring of the JSON, not a parsed field: a stored
   * message can be a fan-out's own fields only (queue-rows.ts), and its shared part need not be read.
   * A needle that matches elsewhere in a message only makes that message run earlier. Returns how many.
   */
  async hasten(needles: readonly string[]): Promise<number> {
    if (needles.length === 0) return 0;
    const moved = await this.advance(needles, Date.now());
    if (moved > 0) this.wake(moved);
    return moved;
  }

  /** Never rejects; resolves once the signal aborted and running handlers finished (or were released). */
  async listen(handler: Handler, options: MessageQueueListenOptions = {}): Promise<void> {
    if (this.closed || options.signal?.aborted) return;
    const abort = new AbortController();
    // Each idle worker and each running handler listens on it (16 inbox workers exceed Node's default
    // of 10 and print a leak warning for listeners that are all removed when they end).
    setMaxListeners(2 * this.workers + this.maxDetached + 1, abort.signal);
    const forward = () => abort.abort();
    options.signal?.addEventListener("abort", forward, { once: true });
    // Handlers set aside by their workers (detachAfterMs): listen() resolves only once they ended too.
    const detached = new Set<Promise<void>>();
    const done = Promise.all(Array.from({ length: this.workers }, () => this.worker(handler, abort.signal, detached)))
      .then(() => Promise.all(detached))
      .then(() => undefined, () => undefined);
    const entry = { abort, done };
    this.listeners.add(entry);
    try {
      await done;
    } finally {
      this.listeners.delete(entry);
      options.signal?.removeEventListener("abort", forward);
    }
  }

  /** Stops every listen() of this instance and waits for them. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.listeners];
    for (const l of running) l.abort.abort();
    await Promise.all(running.map((l) => l.done));
  }

  private async worker(handler: Handler, signal: AbortSignal, detached: Set<Promise<void>>): Promise<void> {
    try {
      await this.work(handler, signal, detached);
    } finally {
      // A worker that stops between polls (shutdown, or the store closed under it) leaves the lane's
      // idle workers without a poller: one of them takes over, or stops in turn and wakes the next.
      if (!pollers.has(this.wakeKey)) this.wake(1);
    }
  }

  private async work(handler: Handler, signal: AbortSignal, detached: Set<Promise<void>>): Promise<void> {
    while (!signal.aborted) {
      let job: Job | undefined;
      try {
        job = await this.claim(Date.now());
      } catch {
        // Busy or unreachable database, or it was closed under us: back off and try again.
        if (this.closed || this.storeClosed()) return;
        await this.idle(signal);
        continue;
      }
      if (job !== undefined && signal.aborted) {
        const claimed = job;
        await this.safely(() => this.releaseAndWake(claimed, Date.now()));
        return;
      }
      if (job === undefined) {
        await this.idle(signal);
        continue;
      }
      // The poller itself took a message (or was woken with the others): one more idle worker looks, and
      // the first to find nothing polls from then on — also how a burst from another process is drained.
      if (!pollers.has(this.wakeKey)) this.wake(1);
      const running = this.run(job, handler, signal);
      if ((await this.outlasts(running, signal)) && detached.size < this.maxDetached) {
        // Waiting on someone else: set it aside (lease, ack and release unchanged) and claim the next.
        detached.add(running);
        void running.finally(() => detached.delete(running));
      } else {
        await running;
      }
    }
  }

  private async run(job: Job, handler: Handler, signal: AbortSignal): Promise<void> {
    const renew = setInterval(() => void this.safely(() => this.renew(job, Date.now() + this.leaseMs)), this.leaseMs / 3);
    renew.unref();
    let handedBack = false;
    const work = Promise.resolve()
      .then(() => handler(this.decode(job)))
      .then(
        () => this.safely(() => this.ack(job)),
        () => (handedBack ? undefined : this.safely(() => this.releaseAndWake(job, Date.now() + this.retryMs))),
      )
      .finally(() => clearInterval(renew));
    const outcome = await new Promise<"done" | "grace">((resolve) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = () => { graceTimer = setTimeout(() => resolve("grace"), this.graceMs); };
      void work.then(() => {
        signal.removeEventListener("abort", onAbort);
        clearTimeout(graceTimer);
        resolve("done");
      });
      if (signal.aborted) onAbort(); else signal.addEventListener("abort", onAbort, { once: true });
    });
    if (outcome === "grace") {
      // Shutting down and the handler is still running: hand the message back now rather than make
      // another worker wait for the lease; a late ack or release no longer matches our lease.
      clearInterval(renew);
      handedBack = true;
      await this.safely(() => this.releaseAndWake(job, Date.now()));
    }
  }

  /** True when `running` is still going after detachAfterMs (and we are not shutting down). */
  private outlasts(running: Promise<void>, signal: AbortSignal): Promise<boolean> {
    if (!Number.isFinite(this.detachMs)) return running.then(() => false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(!signal.aborted), this.detachMs);
      void running.then(() => {
        clearTimeout(timer);
        resolve(false);
      });
    });
  }

  private async releaseAndWake(job: Job, at: number): Promise<void> {
    await this.release(job, at);
    this.wake(1);
  }

  /**
   * Wakes up to `count` idle workers of this lane in this process, of every instance on the same
   * database. Not all of them: each woken worker claims (a transaction) and, finding nothing, asks
   * when the next message is due — 16 inbox workers woken for every enqueue were 30 wasted queries.
   */
  protected wake(count: number): void {
    let left = count;
    // The poller last: a worker woken in its place would leave the lane without one until it idles again.
    for (const wake of [...(wakers.get(this.wakeKey) ?? [])]) {
      if (left-- <= 0) return;
      wake();
    }
    if (left > 0) pollers.get(this.wakeKey)?.wake();
  }

  /**
   * Sleeps until woken. The first idle worker of the lane (this database, any instance in this process)
   * polls: it sleeps at most pollIntervalMs, less when a delayed message is due sooner. Any other sleeps
   * without a timer, unless a delayed message is due before that or its own instance wants to poll more
   * often than the poller's. The question when the next message is due is asked beside the sleep, not
   * before it: a worker is wakeable at once, and a slow answer does not hold up the lane's polling.
   */
  private async idle(signal: AbortSignal): Promise<void> {
    const key = this.wakeKey;
    const current = pollers.get(key);
    const poller = current === undefined;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    let resolveSleep = () => {};
    const slept = new Promise<void>((resolve) => { resolveSleep = resolve; });
    const me: Poller = { wake: () => end(), pollMs: this.pollMs };
    // Leaves the sleepers at once: two wake(1) in a row wake two workers.
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", end);
      if (poller) {
        if (pollers.get(key) === me) pollers.delete(key);
      } else {
        const set = wakers.get(key);
        set?.delete(me.wake);
        if (set?.size === 0) wakers.delete(key);
      }
      resolveSleep();
    };
    if (poller) pollers.set(key, me);
    else {
      const set = wakers.get(key) ?? new Set<() => void>();
      wakers.set(key, set);
      set.add(me.wake);
    }
    signal.addEventListener("abort", end, { once: true });
    if (signal.aborted) end();
    let deadline = poller || current.pollMs > this.pollMs ? Date.now() + this.pollMs : Number.POSITIVE_INFINITY;
    const arm = () => {
      clearTimeout(timer);
      if (!ended && Number.isFinite(deadline)) timer = setTimeout(end, Math.max(1, deadline - Date.now()));
    };
    arm();
    if (!ended) {
      void this.askNextDue().then((next) => {
        if (next && next < deadline) {
          deadline = next;
          arm();
        }
      });
    }
    await slept;
  }

  private dueQuestion: Promise<number | null | undefined> | null = null;

  /** When the next delayed message is due; one question in flight per instance, so a slow store does not pile them up. */
  private askNextDue(): Promise<number | null | undefined> {
    this.dueQuestion ??= this.safely(() => this.nextDue(Date.now())).finally(() => { this.dueQuestion = null; });
    return this.dueQuestion;
  }

  /** Bookkeeping after a handler must never crash a worker (e.g. the database is closing). */
  private async safely<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch {
      return undefined;
    }
  }
}
