// Fedify's MessageQueue on SQLite: durable and at-least-once. A worker claims a message with a
// lease (locked_until, lock_token) inside BEGIN IMMEDIATE (atomic across processes on the file),
// runs the handler, and deletes the row only after the handler resolved. A process that dies
// mid-handler stops renewing its lease, and the message is delivered again when the lease expires.
// The worker loop itself is shared with the MongoDB queue (../leased-queue.ts).
//
// One table holds every lane (inbox, outbox, fan-out); each lane is its own queue instance with its
// own workers, so a backlog in one never starves another.
//
// Other processes on the file (the web process and the workers of IPN_ROLE=web/worker, several worker
// processes) cannot wake our workers: SQLite has no change notification. While it listens, each
// instance reads the table's AUTOINCREMENT counter every WATCH_MS (one row, no lock); when it moved,
// it looks at the rows added since (a rowid range) and wakes its idle workers if one is of its lane. A
// message another process enqueued is claimed within WATCH_MS rather than at the next poll
// (every pollIntervalMs, by the lane's one idle poller). Our own enqueues wake our workers directly.
//
// Order per ordering key: a message runs only when no message of its key and lane is ahead of it in
// (pos, seq) order — whether that one is ready, delayed or in flight. `pos` is the seq of the
// message's place in line: its own seq, except for a retry Fedify enqueues from the handler of the
// original, which takes the original's place (see LeasedMessageQueue.insert). So a Create waiting
// for its retry is never overtaken by the Update or Delete queued after it.
//
// What the messages of one batch share by reference (a fan-out's signed activity and keys) is one row
// of fedify_mq_parts, named by each message's part_id (queue-rows.ts, ADR 0020); the acknowledgement
// of the last message that names it deletes it, in the same transaction.
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { MessageQueueDepth, MessageQueueListenOptions } from "@fedify/fedify";
import { LeasedMessageQueue, type QueueLane, type QueueTuning } from "../leased-queue";
import { joined, ParsedParts, type QueuedRow, type SharedPart } from "../queue-rows";
import type { Db } from "./database";

export interface SqliteQueueOptions extends QueueTuning {
  /** Which lane of the shared table this instance serves (default "outbox"). */
  lane?: QueueLane;
}

/** A leased message: its row, naming the part it shares with the rest of its fan-out (queue-rows.ts). */
interface Claimed { seq: number; message: string; token: string; partId: number | null }

/** How often a listening instance looks for messages enqueued by other processes. */
const WATCH_MS = 50;

const memoryKeys = new WeakMap<Db, string>();
/**
 * The database a queue is on, for in-process wake-ups and the lane's one poller: its file, or for an
 * in-memory database a key of its own (the database object itself once went into a template string,
 * where every in-memory database reads "[object Database]": two of them shared their sleeping workers).
 */
function fileKey(db: Db): string {
  if (!db.memory) return path.resolve(db.name);
  let key = memoryKeys.get(db);
  if (key === undefined) {
    key = `:memory: ${randomUUID()}`;
    memoryKeys.set(db, key);
  }
  return key;
}

export class SqliteMessageQueue extends LeasedMessageQueue<Claimed> {
  private readonly s;
  private readonly claimTx: (now: number, count: number) => Claimed[];
  private readonly insertTx: (rows: readonly QueuedRow[], at: number, retry: boolean) => void;
  private readonly ackTx: (jobs: readonly Claimed[]) => void;
  readonly lane: QueueLane;

  constructor(private readonly db: Db, opts: SqliteQueueOptions = {}) {
    const lane = opts.lane ?? "outbox";
    super(`${fileKey(db)}\u0000${lane}`, opts);
    this.lane = lane;
    this.s = {
      insert: db.prepare("INSERT INTO fedify_mq (lane, message, ordering_key, deliver_at, pos, part_id) VALUES (?, ?, ?, ?, ?, ?)"),
      insertPart: db.prepare("INSERT INTO fedify_mq_parts (body) VALUES (?)"),
      part: db.prepare("SELECT body FROM fedify_mq_parts WHERE id = ?").pluck(),
      // After the last message that names it went (acknowledged).
      dropPart: db.prepare("DELETE FROM fedify_mq_parts WHERE id = ? AND NOT EXISTS (SELECT 1 FROM fedify_mq WHERE part_id = ?)"),
      ownPlace: db.prepare("UPDATE fedify_mq SET pos = seq WHERE seq = ?"),
      // The place of the oldest message of a key: the original a retry stands in for.
      headOfKey: db.prepare("SELECT MIN(pos) AS pos FROM fedify_mq WHERE lane = ? AND ordering_key = ?"),
      // Claimable: due, not leased, and no message of the same ordering key ahead of it in line.
      next: db.prepare(`SELECT m.seq, m.message, m.part_id AS partId FROM fedify_mq m
        WHERE m.lane = @lane AND m.deliver_at <= @now AND m.locked_until <= @now
          AND (m.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM fedify_mq o WHERE o.lane = m.lane AND o.ordering_key = m.ordering_key
              AND (o.pos < m.pos OR (o.pos = m.pos AND o.seq < m.seq))))
        ORDER BY m.deliver_at, m.seq LIMIT 1`),
      lease: db.prepare("UPDATE fedify_mq SET locked_until = ?, lock_token = ? WHERE seq = ?"),
      renew: db.prepare("UPDATE fedify_mq SET locked_until = ? WHERE seq = ? AND lock_token = ?"),
      ack: db.prepare("DELETE FROM fedify_mq WHERE seq = ? AND lock_token = ?"),
      release: db.prepare("UPDATE fedify_mq SET locked_until = 0, lock_token = NULL, deliver_at = ? WHERE seq = ? AND lock_token = ?"),
      nextDue: db.prepare("SELECT MIN(deliver_at) AS at FROM fedify_mq WHERE lane = ? AND deliver_at > ?"),
      // AUTOINCREMENT's counter: moves on every insert, never back (a deleted newest row would move MAX(seq)).
      newest: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'fedify_mq'").pluck(),
      addedToLane: db.prepare("SELECT 1 FROM fedify_mq WHERE seq > ? AND lane = ? LIMIT 1").pluck(),
      depth: db.prepare(`SELECT COUNT(*) AS queued, COALESCE(SUM(deliver_at <= @now), 0) AS ready
        FROM fedify_mq WHERE lane = @lane AND locked_until <= @now`),
    };
    // Up to `count` messages in one transaction: each lease taken is seen by the next query (a leased
    // message, and those of its ordering key behind it, are no longer claimable).
    const claim = db.transaction((now: number, count: number) => {
      const claimed: Claimed[] = [];
      while (claimed.length < count) {
        const row = this.s.next.get({ now, lane: this.lane }) as { seq: number; message: string; partId: number | null } | undefined;
        if (!row) break;
        const token = randomUUID();
        this.s.lease.run(now + this.leaseMs, token, row.seq);
        claimed.push({ ...row, token });
      }
      return claimed;
    });
    this.claimTx = (now, count) => this.relaxed(() => claim.immediate(now, count));
    const insert = db.transaction((rows: readonly QueuedRow[], at: number, retry: boolean) => {
      // Every retry of a batch takes the place its key's head had before the batch.
      const heads = new Map<string | null, number | null>();
      const headOf = (key: string | null) => {
        if (!heads.has(key)) heads.set(key, (this.s.headOfKey.get(this.lane, key) as { pos: number | null }).pos);
        return heads.get(key)!;
      };
      const parts = new Map<SharedPart, number | bigint>();
      const partOf = (shared: SharedPart) => {
        let id = parts.get(shared);
        if (id === undefined) {
          id = this.s.insertPart.run(shared.json).lastInsertRowid;
          parts.set(shared, id);
        }
        return id;
      };
      for (const r of rows) {
        const head = retry ? headOf(r.orderingKey) : null;
        const partId = r.shared ? partOf(r.shared) : null;
        const { lastInsertRowid } = this.s.insert.run(this.lane, r.message, r.orderingKey, at, head, partId);
        if (head === null) this.s.ownPlace.run(lastInsertRowid);
      }
    });
    this.insertTx = (rows, at, retry) => insert.immediate(rows, at, retry);
    this.ackTx = db.transaction((jobs: readonly Claimed[]) => {
      const parts = new Set<number>();
      for (const j of jobs) {
        if (this.s.ack.run(j.seq, j.token).changes > 0 && j.partId !== null) parts.add(j.partId);
      }
      for (const id of parts) this.s.dropPart.run(id, id);
    });
  }

  /** The counter as last looked at (the rows above it are news). */
  private seen = 0;

  /** Listens as every queue does, and meanwhile watches for messages other processes enqueue. */
  override async listen(handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions): Promise<void> {
    this.seen = this.newest() ?? this.seen;
    const watch = setInterval(() => {
      try {
        const now = this.newest();
        if (now === null || now === this.seen) return;
        const ours = this.s.addedToLane.get(this.seen, this.lane) !== undefined;
        // At most one worker per row added (to any lane: the counter is the table's).
        if (ours) this.wake(now - this.seen);
        this.seen = now;
      } catch {
        // Busy or closing: the next tick (or the poll) looks again.
      }
    }, WATCH_MS);
    watch.unref();
    try {
      await super.listen(handler, options);
    } finally {
      clearInterval(watch);
    }
  }

  private newest(): number | null {
    return this.db.open ? ((this.s.newest.get() as number | undefined) ?? null) : null;
  }

  /** Messages waiting in the queue (in-flight ones excluded), split into ready and delayed. */
  async getDepth(): Promise<MessageQueueDepth> {
    const r = this.s.depth.get({ now: Date.now(), lane: this.lane }) as { queued: number; ready: number };
    return { queued: r.queued, ready: r.ready, delayed: r.queued - r.ready };
  }

  protected async insert(rows: readonly QueuedRow[], at: number, retry: boolean): Promise<void> {
    const before = this.newest();
    this.insertTx(rows, at, retry);
    // Our own rows need no second wake-up from the watch (unless another process's came before them).
    if (before === this.seen) this.seen = this.newest() ?? this.seen;
  }

  private claims: { resolve(job: Claimed | undefined): void; reject(error: unknown): void }[] = [];

  /**
   * The claims of workers that ask at once — woken together by an enqueue, or done together when their
   * acknowledgements committed — are served by one transaction (claimTx): a burst of 1,500 hints was
   * 1,500 claim commits. Gathered until the current microtasks have run, so no claim waits for I/O.
   */
  protected claim(_now: number): Promise<Claimed | undefined> {
    return new Promise((resolve, reject) => {
      this.claims.push({ resolve, reject });
      if (this.claims.length === 1) queueMicrotask(() => this.claimWaiting());
    });
  }

  private claimWaiting(): void {
    const waiting = this.claims;
    this.claims = [];
    let jobs: Claimed[];
    try {
      jobs = this.claimTx(Date.now(), waiting.length);
    } catch (error) {
      for (const w of waiting) w.reject(error);
      return;
    }
    waiting.forEach((w, i) => { w.resolve(jobs[i]); });
  }

  /** Parts this instance parsed for earlier messages of their fan-out. */
  private readonly parts = new ParsedParts();

  protected decode(job: Claimed): unknown {
    const { partId } = job;
    if (partId === null) return JSON.parse(job.message);
    // The last message that names a part is acknowledged before the part is deleted, in one
    // transaction: a message still leased finds its part. Should it not (its lease ran out and another
    // worker acknowledged it), the message fails here and is handed back.
    const part = this.parts.get(partId, () => (this.s.part.get(partId) as string | undefined) ?? null);
    if (part === null) throw new Error(`queue message ${job.seq}: its shared part ${partId} is missing`);
    return joined(job.message, part);
  }

  protected async renew(job: Claimed, until: number): Promise<void> {
    this.relaxed(() => this.s.renew.run(until, job.seq, job.token));
  }

  private acks: Claimed[] = [];
  private acksStored: Promise<void> | null = null;

  /**
   * Acknowledgements of one turn of the event loop are deleted in one transaction: handlers whose
   * answers arrived together (many deliveries in flight) share one commit. The message stays leased
   * until then; a crash before it only means a redelivery, as after any crash.
   */
  protected ack(job: Claimed): Promise<void> {
    this.acks.push(job);
    this.acksStored ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const jobs = this.acks;
      this.acks = [];
      this.acksStored = null;
      this.relaxed(() => this.ackTx(jobs));
    });
    return this.acksStored;
  }

  protected async release(job: Claimed, at: number): Promise<void> {
    this.relaxed(() => this.s.release.run(at, job.seq, job.token));
  }

  /**
   * Leases, acknowledgements and releases commit without an fsync of their own (WAL, synchronous =
   * NORMAL, for that statement only): an application crash loses none of them, and a power cut can
   * only undo the latest — a message then runs again (at least once, as after any crash), never lost.
   * The next durable commit (an enqueue, any store write) syncs them too. Enqueues stay FULL: a 201 or
   * a 202 promises what they carry. Saves two fsyncs per message.
   */
  private relaxed<T>(fn: () => T): T {
    // Not a statement prepared once: SQLite applies this pragma when it prepares it, and prepares it
    // again at every run.
    this.db.pragma("synchronous = NORMAL");
    try {
      return fn();
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  protected async nextDue(now: number): Promise<number | null> {
    return (this.s.nextDue.get(this.lane, now) as { at: number | null }).at;
  }

  /** Statements of advance(), by the number of needles. */
  private readonly advancers = new Map<number, ReturnType<Db["prepare"]>>();

  protected async advance(needles: readonly string[], now: number): Promise<number> {
    let statement = this.advancers.get(needles.length);
    if (!statement) {
      // The (lane, deliver_at, seq) index bounds the scan to the lane's delayed messages.
      statement = this.db.prepare(`UPDATE fedify_mq SET deliver_at = ? WHERE lane = ? AND deliver_at > ? AND locked_until <= ?
        AND (${needles.map(() => "instr(message, ?) > 0").join(" OR ")})`);
      this.advancers.set(needles.length, statement);
    }
    return statement.run([now, this.lane, now, now, ...needles]).changes;
  }

  protected storeClosed(): boolean {
    return !this.db.open;
  }
}
