// Fedify's MessageQueue on SQLite: durable and at-least-once. A worker claims a message with a
// lease (locked_until, lock_token) inside BEGIN IMMEDIATE (atomic across processes on the file),
// runs the handler, and deletes the row only after the handler resolved. A process that dies
// mid-handler stops renewing its lease, and the message is delivered again when the lease expires.
// The worker loop itself is shared with the MongoDB queue (../leased-queue.ts).
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { MessageQueueDepth } from "@fedify/fedify";
import { LeasedMessageQueue, type QueueTuning } from "../leased-queue";
import type { Db } from "./database";

export type SqliteQueueOptions = QueueTuning;

interface Claimed { seq: number; message: string; token: string }

const fileKey = (db: Db): unknown => (db.memory ? db : path.resolve(db.name));

export class SqliteMessageQueue extends LeasedMessageQueue<Claimed> {
  private readonly s;
  private readonly claimTx: (now: number, token: string) => Claimed | undefined;
  private readonly insertTx: (messages: readonly string[], orderingKey: string | null, at: number) => void;

  constructor(private readonly db: Db, opts: SqliteQueueOptions = {}) {
    super(fileKey(db), opts);
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

  /** Messages waiting in the queue (in-flight ones excluded), split into ready and delayed. */
  async getDepth(): Promise<MessageQueueDepth> {
    const r = this.s.depth.get({ now: Date.now() }) as { queued: number; ready: number };
    return { queued: r.queued, ready: r.ready, delayed: r.queued - r.ready };
  }

  protected async insert(messages: readonly string[], orderingKey: string | null, at: number): Promise<void> {
    this.insertTx(messages, orderingKey, at);
  }

  protected async claim(now: number): Promise<Claimed | undefined> {
    return this.claimTx(now, randomUUID());
  }

  protected payload(job: Claimed): string {
    return job.message;
  }

  protected async renew(job: Claimed, until: number): Promise<void> {
    this.s.renew.run(until, job.seq, job.token);
  }

  protected async ack(job: Claimed): Promise<void> {
    this.s.ack.run(job.seq, job.token);
  }

  protected async release(job: Claimed, at: number): Promise<void> {
    this.s.release.run(at, job.seq, job.token);
  }

  protected async nextDue(now: number): Promise<number | null> {
    return (this.s.nextDue.get(now) as { at: number | null }).at;
  }

  protected storeClosed(): boolean {
    return !this.db.open;
  }
}
