// A store = the repositories of node/storage/ports.ts plus Fedify's KvStore and MessageQueue,
// all on one database (one SQLite file, or one MongoDB database), opened by the composition root.
import type { KvStore, MessageQueue } from "@fedify/fedify";
import type { QueueLane } from "./leased-queue";
import type { Repositories } from "../domain/ports";
import type { RateLimiterFactory } from "./rate-limits";

export type { QueueLane } from "./leased-queue";

export interface QueueDepth { queued: number; ready?: number; delayed?: number }

export type StoreQueue = MessageQueue & {
  getDepth(): Promise<QueueDepth>;
  /** Runs now the delayed messages whose stored JSON holds one of `needles` (LeasedMessageQueue.hasten); how many. */
  hasten(needles: readonly string[]): Promise<number>;
};

/**
 * Workers per lane: incoming activities, deliveries (one per inbox), fan-out (one per activity). The
 * inbox lane's handlers mostly wait: a peer's hints wait for their origin's batch (one fetch and one
 * transaction for the hints handed over meanwhile, federation/network/mirror-inbox.ts), so more of them
 * make larger batches (inbound ingest 330 → 530 /CPU-s with 16 instead of 4 in the benchmark; 591–647 →
 * 677–718 with 32 instead of 16, where batches grow from about 8 to about 16 hints; 48 and 64 gave no
 * more than 32 then). 64 since 2026-12-06: a burst's next batch now waits up to 10 ms to fill (ADR 0016),
 * and with 32 workers a batch could not hold more than about 30 of them.
 */
export const DEFAULT_LANE_WORKERS: Readonly<Record<QueueLane, number>> = { inbox: 64, outbox: 16, fanout: 2 };

/**
 * When a running handler of each lane is set aside so that it stops holding one of the lane's
 * workers (QueueTuning.detachAfterMs). A delivery still running after 1 s is waiting on its server
 * (signing and sending take milliseconds): a server that never answers, or one the transport makes
 * wait for its per-server slot, must not hold the capacity every other server's deliveries share.
 * Its message keeps its lease and is acknowledged only when the delivery ended (at-least-once).
 */
export const DEFAULT_LANE_DETACH_MS: Readonly<Record<QueueLane, number>> = { inbox: Infinity, outbox: 1000, fanout: Infinity };

/** The depth of every lane added up (metrics, tests). */
export async function totalQueueDepth(store: Pick<Store, "queues">): Promise<QueueDepth> {
  const depths = await Promise.all(Object.values(store.queues).map((q) => q.getDepth()));
  return depths.reduce<Required<QueueDepth>>(
    (sum, d) => ({ queued: sum.queued + d.queued, ready: sum.ready + (d.ready ?? 0), delayed: sum.delayed + (d.delayed ?? 0) }),
    { queued: 0, ready: 0, delayed: 0 },
  );
}

export interface Store extends Repositories {
  /** Fedify's key–value store (keys cache, idempotence, circuit breaker …). */
  kv: KvStore;
  /**
   * Fedify's durable message queues, at-least-once, with delays and ordering keys: one per lane
   * (incoming activities, deliveries, fan-out), each with its own workers, so a backlog or a hanging
   * server in one lane never holds up the others.
   */
  queues: Record<QueueLane, StoreQueue>;
  /** The outbox lane (queues.outbox): the one most tests and tools look at. */
  queue: StoreQueue;
  /** Rate limiters counted in this store (shared by every process on it). */
  rateLimiter: RateLimiterFactory;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Stops queue listeners and timers, then closes the database. Idempotent. */
  close(): Promise<void>;
}
