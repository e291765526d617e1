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
// Lanes: inbox, outbox and fan-out messages share the collection (field `lane`); each lane is its own
// queue instance with its own workers.
//
// Ordering key: M is not started while any message of its key and lane is ahead of it in line —
// ready, delayed or in flight — as in the SQLite queue. Its place in line `p` is its own _id, except
// for a retry Fedify enqueues from the original's handler, which takes the original's place.
//
// The worker loop (concurrency, lease renewal, ack after the handler, hand-back on shutdown) is
// shared with the SQLite queue (../leased-queue.ts).
import { randomUUID } from "node:crypto";
import type { MessageQueueDepth } from "@fedify/fedify";
import type { Collection } from "mongodb";
import { LeasedMessageQueue, type QueueLane, type QueueTuning } from "../leased-queue";
import { inlined, type QueuedRow } from "../queue-rows";
import { isDuplicateKey } from "./connection";
import { nextSequence } from "./sequence";

export interface MongoQueueOptions extends QueueTuning {
  /** Which lane of the shared collection this instance serves (default "outbox"). */
  lane?: QueueLane;
}

/** `p` (place in line) is absent on messages queued before lanes existed: their own _id. */
export interface MqDoc { _id: string; m: string; k: string | null; at: Date; lockedUntil: Date; lane: QueueLane; p?: string }
export interface ClaimDoc { _id: string; msg: string; n: number; owner: string; until: Date; at: Date }

interface Job { msg: MqDoc; claimId: string }

const EPOCH = new Date(0);
/**
 * How often the lane's one idle poller looks (leased-queue.ts). Nothing else tells this process of a
 * message another process enqueued — the web process of a split deployment (IPN_PROCESS_ROLE), whose
 * inbox messages the workers run — since FerretDB has no change streams: it waits 50 ms on average.
 * Three lanes idle: 30 candidate queries and 30 due-date queries a second (each idle worker polling
 * every second on its own were 82 and 82, and a message of the two-worker fan-out lane waited ≈ 330 ms).
 */
const POLL_MS = 100;
/** Candidates read per claim attempt; messages held back by their ordering key are skipped. */
const CANDIDATES = 64;

export class MongoMessageQueue extends LeasedMessageQueue<Job> {
  private readonly owner = randomUUID();
  readonly lane: QueueLane;

  constructor(
    private readonly q: Collection<MqDoc>,
    private readonly claims: Collection<ClaimDoc>,
    /** Identifies the database for in-process wake-ups. */
    wakeKey: string,
    opts: MongoQueueOptions = {},
  ) {
    const lane = opts.lane ?? "outbox";
    super(`${wakeKey}\u0000${lane}`, { ...opts, pollIntervalMs: opts.pollIntervalMs ?? POLL_MS });
    this.lane = lane;
  }

  /** Messages waiting in the queue (in-flight ones excluded), split into ready and delayed. */
  async getDepth(): Promise<MessageQueueDepth> {
    const now = new Date();
    const queued = await this.q.countDocuments({ lane: this.lane, lockedUntil: { $lte: now } });
    const ready = await this.q.countDocuments({ lane: this.lane, lockedUntil: { $lte: now }, at: { $lte: now } });
    return { queued, ready, delayed: Math.max(0, queued - ready) };
  }

  protected async insert(rows: readonly QueuedRow[], at: number, retry: boolean): Promise<void> {
    const due = new Date(at);
    // A retry takes the place of the oldest message of its key (the original, still in flight).
    const places = new Map<string, string | null>();
    if (retry) {
      for (const k of new Set(rows.map((r) => r.orderingKey))) {
        if (k === null) continue;
        const head = await this.q.find({ lane: this.lane, k }, { projection: { _id: 1, p: 1 } }).sort({ p: 1, _id: 1 }).limit(1).next();
        places.set(k, head ? (head.p ?? head._id) : null);
      }
    }
    await this.q.insertMany(rows.map((r) => {
      const _id = nextSequence();
      const place = r.orderingKey === null ? null : places.get(r.orderingKey) ?? null;
      // Whole: a part stored apart would need the message and its part written and deleted together,
      // and this queue has no multi-document transaction (ADR 0020).
      return { _id, m: inlined(r), k: r.orderingKey, at: due, lockedUntil: EPOCH, lane: this.lane, p: place ?? _id };
    }), { ordered: true });
  }

  protected async claim(nowMs: number): Promise<Job | undefined> {
    const now = new Date(nowMs);
    const candidates = await this.q.find({ lane: this.lane, at: { $lte: now }, lockedUntil: { $lte: now } }, { projection: { _id: 1, k: 1, p: 1 } })
      .sort({ at: 1, _id: 1 }).limit(CANDIDATES).toArray();
    // The head of each ordering key among the candidates — whatever its state (ready, delayed or in
    // flight) — in one query for all their keys: only a head may run.
    const keys = [...new Set(candidates.map((c) => c.k).filter((k): k is string => k !== null))];
    const heads = new Map<string, { id: string; place: string }>();
    if (keys.length) {
      for (const d of await this.q.find({ lane: this.lane, k: { $in: keys } }, { projection: { _id: 1, k: 1, p: 1 } }).toArray()) {
        const place = d.p ?? d._id;
        const head = heads.get(d.k!);
        if (!head || place < head.place || (place === head.place && d._id < head.id)) heads.set(d.k!, { id: d._id, place });
      }
    }
    for (const c of candidates) {
      if (c.k !== null && heads.get(c.k)?.id !== c._id) continue; // something of its key is ahead of it
      const job = await this.tryClaim(c._id, now);
      if (job) return job;
    }
    return undefined;
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

  protected decode(job: Job): unknown {
    return JSON.parse(job.msg.m);
  }

  protected async renew(job: Job, untilMs: number): Promise<void> {
    const until = new Date(untilMs);
    await this.claims.updateOne({ _id: job.claimId }, { $set: { until } });
    await this.q.updateOne({ _id: job.msg._id }, { $set: { lockedUntil: until } });
  }

  protected async ack(job: Job): Promise<void> {
    // Only while our claim is the latest: if our lease lapsed and another worker took the message,
    // deleting it now could lose it should that worker die before finishing.
    const latest = await this.claims.find({ msg: job.msg._id }).sort({ n: -1 }).limit(1).next();
    if (latest && latest._id !== job.claimId) return;
    await this.q.deleteOne({ _id: job.msg._id });
    await this.claims.deleteMany({ msg: job.msg._id });
  }

  protected async release(job: Job, atMs: number): Promise<void> {
    const now = new Date();
    const at = new Date(atMs);
    await this.claims.updateOne({ _id: job.claimId }, { $set: { until: now } });
    await this.q.updateOne({ _id: job.msg._id }, { $set: { lockedUntil: EPOCH, ...(at > now ? { at } : {}) } });
  }

  protected async nextDue(nowMs: number): Promise<number | null> {
    const next = await this.q.find({ lane: this.lane, at: { $gt: new Date(nowMs) } }, { projection: { at: 1 } }).sort({ at: 1 }).limit(1).next();
    return next ? next.at.getTime() : null;
  }

  protected async advance(needles: readonly string[], nowMs: number): Promise<number> {
    const now = new Date(nowMs);
    const matches = needles.map((n) => ({ m: { $regex: n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") } }));
    const { modifiedCount } = await this.q.updateMany({ lane: this.lane, at: { $gt: now }, lockedUntil: { $lte: now }, $or: matches }, { $set: { at: now } });
    return modifiedCount;
  }

  /** Messages queued before lanes existed join the outbox lane (Fedify handles any message type in any lane). */
  static async upgrade(q: Collection<MqDoc>): Promise<void> {
    await q.updateMany({ lane: { $exists: false } }, { $set: { lane: "outbox" } });
  }

  protected storeClosed(): boolean {
    return false; // a closed client throws on every call; close() of the queue ends the workers
  }
}
