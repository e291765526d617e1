// A store = the repositories of node/storage/ports.ts plus Fedify's KvStore and MessageQueue,
// all on one database (one SQLite file, or one MongoDB database), opened by the composition root.
import type { KvStore, MessageQueue } from "@fedify/fedify";
import type { Repositories } from "./ports";

export interface QueueDepth { queued: number; ready?: number; delayed?: number }

export interface Store extends Repositories {
  /** Fedify's key–value store (keys cache, idempotence, circuit breaker …). */
  kv: KvStore;
  /** Fedify's durable message queue (fan-out, outbox, inbox), at-least-once, with delays and ordering keys. */
  queue: MessageQueue & { getDepth(): Promise<QueueDepth> };
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Stops queue listeners and timers, then closes the database. Idempotent. */
  close(): Promise<void>;
}
