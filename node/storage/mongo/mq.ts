// Fedify's MessageQueue on MongoDB: durable and at-least-once, safe across processes, on any
// server speaking the protocol (FerretDB 1.x included, where findOneAndUpdate is a read and a
// write that two workers can both "win", so it cannot be the claim).
//
// A message document never changes its identity: {_id: sequence, m: JSON, k: ordering key, at:
// due time, lockedUntil: lease hint}. Claiming message M means inserting the claim document
// "<M>#<n>" into fedify_mq_claims, where n is one more than M's latest claim, and only when that
// latest claim's lease (`until`) has ended: the unique _id lets exactly one worker win each
// round, and only the winner writes its claim afterwards (renewal, release). The handler runs;
// after it resolved, M and its claims are deleted (ack). A worker that dies stops renewing, its
// lease ends, and the next round's claim redelivers M. A failed handler releases M with a delay.
// M's lockedUntil mirrors its current lease so that the candidate query and getDepth skip messages
// in flight; it is a hint, the claims collection is the truth.
//
// Ordering key: M is not started while an older message with the same key is due (ready, being
// handled, or waiting for its lease to end), as in the SQLite queue.
//
// Concurrency lives here (`workers`), never in ParallelMessageQueue (it acknowledges too early, P9).
import { randomUUID } from "node:crypto";
import type { Collection } from "mongodb";
import type {
  MessageQueue, MessageQueueDepth, MessageQueueEnqueueOptions, MessageQueueListenOptions,
} from "@fedify/fedify";
import { isDuplicateKey } from "./connection";
import { nextSequence } from "./sequence";

export interface MongoQueueOptions {
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

export interface MqDoc { _id: string; m: string; k: string | null; at: Date; lockedUntil: Date }
export interface ClaimDoc { _id: string; msg: string; n: number; owner: string; until: Date; at: Date }

type Handler = (message: unknown) => Promise<void> | void;
interface Job { msg: MqDoc; claimId: string }

const EPOCH = new Date(0);
/** Candidates read per claim attempt; messages held back by their ordering key are skipped. */
const CANDIDATES = 64;

/** In-process wake-up across every queue instance on the same database (no change streams on FerretDB). */
const wakers = new Map<string, Set<() => void>>();

export class MongoMessageQueue implements MessageQueue {
  readonly nativeRetrial = false;
  private readonly workers: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly retryMs: number;
  private readonly graceMs: number;
  private readonly owner = randomUUID();
  private readonly listeners = new Set<{ abort: AbortController; done: Promise<void> }>();
  private closed = false;

  constructor(
    private readonly q: Collection<MqDoc>,
    private readonly claims: Collection<ClaimDoc>,
    /** Identifies the database for in-process wake-ups. */
    private readonly wakeKey: string,
    opts: MongoQueueOptions = {},
  ) {
    this.workers = Math.max(1, Math.trunc(opts.workers ?? 4));
    this.pollMs = Math.max(10, opts.pollIntervalMs ?? 1000);
    this.leaseMs = Math.max(100, opts.leaseMs ?? 60_000);
    this.retryMs = Math.max(0, opts.retryDelayMs ?? 5000);
    this.graceMs = Math.max(0, opts.shutdownGraceMs ?? 10_000);
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    if (messages.length === 0) return;
    const delay = Math.max(0, options?.delay?.total("millisecond") ?? 0);
    const at = new Date(Date.now() + delay);
    const k = options?.orderingKey ?? null;
    await this.q.insertMany(messages.map((m) => ({ _id: nextSequence(), m: JSON.stringify(m), k, at, lockedUntil: EPOCH })), { ordered: true });
    // Idle workers recompute their sleep: run it now, or wake up when the delay ends.
    for (const wake of [...(wakers.get(this.wakeKey) ?? [])]) wake();
  }

  /** Messages waiting in the queue (in-flight ones excluded), split into ready and delayed. */
  async getDepth(): Promise<MessageQueueDepth> {
    const now = new Date();
    const queued = await this.q.countDocuments({ lockedUntil: { $lte: now } });
    const ready = await this.q.countDocuments({ lockedUntil: { $lte: now }, at: { $lte: now } });
    return { queued, ready, delayed: Math.max(0, queued - ready) };
  }

  /** Never rejects; resolves once the signal aborted and running handlers finished (or were released). */
  async listen(handler: Handler, options: MessageQueueListenOptions = {}): Promise<void> {
    if (this.closed || options.signal?.aborted) return;
    const abort = new AbortController();
    const forward = () => abort.abort();
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
      let job: Job | null;
      try {
        job = await this.claim();
      } catch {
        // Server unreachable or the client closing: back off and try again.
        if (this.closed) return;
        await this.idle(signal, this.pollMs);
        continue;
      }
      if (signal.aborted) {
        if (job) await this.safely(() => this.release(job!, new Date()));
        return;
      }
      if (job) await this.run(job, handler, signal);
      else await this.idle(signal, await this.idleMs());
    }
  }

  private async claim(): Promise<Job | null> {
    const now = new Date();
    const candidates = await this.q.find({ at: { $lte: now }, lockedUntil: { $lte: now } }, { projection: { _id: 1, k: 1 } })
      .sort({ at: 1, _id: 1 }).limit(CANDIDATES).toArray();
    const blockedKeys = new Set<string>();
    for (const c of candidates) {
      if (c.k !== null) {
        if (blockedKeys.has(c.k)) continue;
        const older = await this.q.findOne({ k: c.k, _id: { $lt: c._id }, at: { $lte: now } }, { projection: { _id: 1 } });
        if (older) { blockedKeys.add(c.k); continue; }
      }
      const job = await this.tryClaim(c._id, now);
      if (job) return job;
      if (c.k !== null) blockedKeys.add(c.k); // someone else has the key's oldest message
    }
    return null;
  }

  private async tryClaim(msgId: string, now: Date): Promise<Job | null> {
    const latest = await this.claims.find({ msg: msgId }).sort({ n: -1 }).limit(1).next();
    if (latest && latest.until.getTime() > now.getTime()) return null;
    const claim: ClaimDoc = {
      _id: `${msgId}#${latest ? latest.n + 1 : 0}`, msg: msgId, n: latest ? latest.n + 1 : 0, owner: this.owner,
      until: new Date(Date.now() + this.leaseMs), at: now,
    };
    try {
      await this.claims.insertOne(claim);
    } catch (err) {
      if (isDuplicateKey(err)) return null; // another worker won this round
      throw err;
    }
    // Acknowledged between our read and our claim: nothing left to do.
    const msg = await this.q.findOne({ _id: msgId });
    if (!msg) {
      await this.claims.deleteOne({ _id: claim._id });
      return null;
    }
    await this.q.updateOne({ _id: msgId }, { $set: { lockedUntil: claim.until } });
    return { msg, claimId: claim._id };
  }

  private async run(job: Job, handler: Handler, signal: AbortSignal): Promise<void> {
    const renew = setInterval(() => {
      const until = new Date(Date.now() + this.leaseMs);
      void this.safely(async () => {
        await this.claims.updateOne({ _id: job.claimId }, { $set: { until } });
        await this.q.updateOne({ _id: job.msg._id }, { $set: { lockedUntil: until } });
      });
    }, this.leaseMs / 3);
    renew.unref();
    let released = false;
    const work = Promise.resolve()
      .then(() => handler(JSON.parse(job.msg.m)))
      .then(
        () => this.safely(() => this.ack(job)),
        () => released ? undefined : this.safely(() => this.release(job, new Date(Date.now() + this.retryMs))),
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
      // make another worker wait for the lease.
      clearInterval(renew);
      released = true;
      await this.safely(() => this.release(job, new Date()));
    }
  }

  private async ack(job: Job): Promise<void> {
    await this.q.deleteOne({ _id: job.msg._id });
    await this.claims.deleteMany({ msg: job.msg._id });
  }

  /** Ends our lease; the message is due again at `at`. */
  private async release(job: Job, at: Date): Promise<void> {
    const now = new Date();
    await this.claims.updateOne({ _id: job.claimId }, { $set: { until: now } });
    await this.q.updateOne({ _id: job.msg._id }, { $set: { lockedUntil: EPOCH, ...(at > now ? { at } : {}) } });
    for (const wake of [...(wakers.get(this.wakeKey) ?? [])]) wake();
  }

  private async idleMs(): Promise<number> {
    const now = Date.now();
    const next = await this.safely(() => this.q.find({ at: { $gt: new Date(now) } }, { projection: { at: 1 } }).sort({ at: 1 }).limit(1).next());
    return next ? Math.min(this.pollMs, Math.max(1, next.at.getTime() - now)) : this.pollMs;
  }

  private idle(signal: AbortSignal, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = wakers.get(this.wakeKey) ?? new Set<() => void>();
      wakers.set(this.wakeKey, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && wakers.get(this.wakeKey) === set) wakers.delete(this.wakeKey);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Bookkeeping after a handler must never crash a worker (e.g. the client is closing). */
  private async safely<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch {
      return undefined;
    }
  }
}
