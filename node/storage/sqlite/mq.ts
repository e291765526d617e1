// Fedify's MessageQueue on SQLite: durable and at-least-once. A worker claims a message with a
// lease (locked_until, lock_token) inside BEGIN IMMEDIATE (atomic across processes on the file),
// runs the handler, and deletes the row only after the handler resolved. A process that dies
// mid-handler stops renewing its lease, and the message is delivered again when the lease expires.
//
// Concurrency lives here (`workers`), never in ParallelMessageQueue: that wrapper acknowledges when
// a slot starts, not when the work ends, and would break at-least-once and ordering (pitfall P9).
import { randomUUID } from "node:crypto";
import path from "node:path";
import type {
  MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions,
} from "@fedify/fedify";
import type { Db } from "./database";

export interface SqliteQueueOptions {
  /** Concurrent handlers per listen() (default 4). */
  workers?: number;
  /** Idle re-check interval: picks up other processes' messages and expired leases (default 1000). */
  pollIntervalMs?: number;
  /** A claimed message whose worker stopped renewing the lease is redelivered after this (default 60 s). */
  leaseMs?: number;
  /** After a handler threw, the message is retried this much later (default 5 s). */
  retryDelayMs?: number;
  /** On abort, how long to wait for running handlers before releasing their messages (default 10 s). */
  shutdownGraceMs?: number;
}

type Handler = (message: unknown) => Promise<void> | void;
interface Claimed { seq: number; message: string; token: string }

/** In-process wake-up across every queue instance on the same file (SQLite has no NOTIFY). */
const wakers = new Map<unknown, Set<() => void>>();
const fileKey = (db: Db): unknown => (db.memory ? db : path.resolve(db.name));

export class SqliteMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly workers: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly retryMs: number;
  private readonly graceMs: number;
  private readonly key: unknown;
  private readonly listeners = new Set<{ abort: AbortController; done: Promise<void> }>();
  private closed = false;
  private readonly s;
  private readonly claimTx: (now: number, token: string) => Claimed | undefined;
  private readonly insertTx: (messages: readonly string[], orderingKey: string | null, at: number) => void;

  constructor(private readonly db: Db, opts: SqliteQueueOptions = {}) {
    this.workers = Math.max(1, Math.trunc(opts.workers ?? 4));
    this.pollMs = Math.max(10, opts.pollIntervalMs ?? 1000);
    this.leaseMs = Math.max(100, opts.leaseMs ?? 60_000);
    this.retryMs = Math.max(0, opts.retryDelayMs ?? 5000);
    this.graceMs = Math.max(0, opts.shutdownGraceMs ?? 10_000);
    this.key = fileKey(db);
    this.s = {
      insert: db.prepare("INSERT INTO fedify_mq (message, ordering_key, deliver_at) VALUES (?, ?, ?)"),
      // Claimable: due, not leased, and no older message of the same ordering key is ready or in flight.
      next: db.prepare(`SELECT m.seq, m.message FROM fedify_mq m
        WHERE m.deliver_at <= @now AND m.locked_until <= @now
          AND (m.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM fedify_mq o WHERE o.ordering_key = m.ordering_key AND o.seq < m.seq
              AND (o.deliver_at <= @now OR o.locked_until > @now)))
        ORDER BY m.deliver_at, m.seq LIMIT 1`),
      lease: db.prepare("UPDATE fedify_mq SET locked_until = ?, lock_token = ? WHERE seq = ?"),
      renew: db.prepare("UPDATE fedify_mq SET locked_until = ? WHERE seq = ? AND lock_token = ?"),
      ack: db.prepare("DELETE FROM fedify_mq WHERE seq = ? AND lock_token = ?"),
      release: db.prepare("UPDATE fedify_mq SET locked_until = 0, lock_token = NULL, deliver_at = ? WHERE seq = ? AND lock_token = ?"),
      nextDue: db.prepare("SELECT MIN(deliver_at) AS at FROM fedify_mq WHERE deliver_at > ?"),
      depth: db.prepare(`SELECT COUNT(*) AS queued, COALESCE(SUM(deliver_at <= @now), 0) AS ready
        FROM fedify_mq WHERE locked_until <= @now`),
    };
    const claim = db.transaction((now: number, token: string) => {
      const row = this.s.next.get({ now }) as { seq: number; message: string } | undefined;
      if (!row) return undefined;
      this.s.lease.run(now + this.leaseMs, token, row.seq);
      return { ...row, token };
    });
    this.claimTx = (now, token) => claim.immediate(now, token);
    const insert = db.transaction((messages: readonly string[], orderingKey: string | null, at: number) => {
      for (const m of messages) this.s.insert.run(m, orderingKey, at);
    });
    this.insertTx = (messages, orderingKey, at) => insert.immediate(messages, orderingKey, at);
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delay = Math.max(0, options?.delay?.total("millisecond") ?? 0);
    this.insertTx(messages.map((m) => JSON.stringify(m)), options?.orderingKey ?? null, Date.now() + delay);
    // Idle workers recompute their sleep: run it now, or wake up when the delay ends.
    for (const wake of [...(wakers.get(this.key) ?? [])]) wake();
  }

  /** Messages waiting in the queue (in-flight ones excluded), split into ready and delayed. */
  async getDepth(): Promise<MessageQueueDepth> {
    const r = this.s.depth.get({ now: Date.now() }) as { queued: number; ready: number };
    return { queued: r.queued, ready: r.ready, delayed: r.queued - r.ready };
  }

  /** Never rejects; resolves once the signal aborted and running handlers finished (or were released). */
  async listen(handler: Handler, options: MessageQueueListenOptions = {}): Promise<void> {
    if (this.closed) return;
    const abort = new AbortController();
    const forward = () => abort.abort();
    if (options.signal?.aborted) return;
    options.signal?.addEventListener("abort", forward, { once: true });
    const done = Promise.all(Array.from({ length: this.workers }, () => this.worker(handler, abort.signal)))
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

  private async worker(handler: Handler, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let job: Claimed | undefined;
      try {
        job = this.claimTx(Date.now(), randomUUID());
      } catch {
        // SQLITE_BUSY beyond busy_timeout, or the database was closed under us: back off.
        if (!this.db.open) return;
        await this.idle(signal, this.pollMs);
        continue;
      }
      if (job) await this.run(job, handler, signal);
      else await this.idle(signal, this.idleMs());
    }
  }

  private async run(job: Claimed, handler: Handler, signal: AbortSignal): Promise<void> {
    const renew = setInterval(() => this.safely(() => this.s.renew.run(Date.now() + this.leaseMs, job.seq, job.token)), this.leaseMs / 3);
    renew.unref();
    const work = Promise.resolve()
      .then(() => handler(JSON.parse(job.message)))
      .then(
        () => { this.safely(() => this.s.ack.run(job.seq, job.token)); },
        () => { this.safely(() => this.s.release.run(Date.now() + this.retryMs, job.seq, job.token)); },
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
      // Shutting down and the handler is still running: hand the message back now rather than
      // make another worker wait for the lease; a late ack no longer matches the token.
      clearInterval(renew);
      this.safely(() => this.s.release.run(Date.now(), job.seq, job.token));
    }
  }

  private idleMs(): number {
    const now = Date.now();
    const next = this.safely(() => (this.s.nextDue.get(now) as { at: number | null }).at);
    return next ? Math.min(this.pollMs, Math.max(1, next - now)) : this.pollMs;
  }

  private idle(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = wakers.get(this.key) ?? new Set<() => void>();
      wakers.set(this.key, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && wakers.get(this.key) === set) wakers.delete(this.key);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Bookkeeping after a handler must never crash a worker (e.g. the database is closing). */
  private safely<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch {
      return undefined;
    }
  }
}
