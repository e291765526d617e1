// Leases in Fedify's KvStore so that two worker processes on one store never run the same scheduled job
// at the same time. A lease is one KV entry ["ipn","lease",<job>] = { owner, until, slot? }, changed only
// through cas(), so the SQLite and MongoDB stores both make take-over atomic across processes.
//
// A holder renews its lease while the job runs; a process that dies stops renewing and its lease lapses
// after ttlMs, so a crashed worker never blocks a job for longer than that. The scheduler's jobs run
// through guard() (node/main.ts); the outbox relay is a standing role taken with hold().
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { KvKey, KvStore } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";

const log = getLogger(["ipn", "ops", "lease"]);

export interface LeaseRecord {
  /** Which process holds it ("" once released). */
  owner: string;
  /** Epoch ms after which anyone may take it. */
  until: number;
}

export const leaseKey = (name: string): KvKey => ["ipn", "lease", name];

export interface JobLeasesOptions {
  /** Identifies this process in lease records (default host/pid/random). */
  owner?: string;
  /** Lease length for guard() and withLease() (default 60 s). */
  ttlMs?: number;
  /** How often a held lease is extended (default a third of its ttl). */
  renewEveryMs?: number;
  /** Clock (tests step it to expire leases without waiting). */
  now?: () => number;
}

/** A standing role held under a lease (JobLeases.hold). */
export interface HeldRole {
  /** Whether this process holds the lease now. */
  holding(): boolean;
  /** Stops trying; if held, runs onLose, then releases the lease. */
  stop(): Promise<void>;
}

/** What a lease-guarded run did: ran (with the function's value) or skipped because another process holds the lease. */
export type LeaseOutcome<T> = { ran: true; value: T } | { ran: false; heldBy: string };

interface Held {
  name: string;
  ttlMs: number;
  value: LeaseRecord;
  timer: NodeJS.Timeout | null;
  /** Renewals and the release run one after another, never interleaved. */
  chain: Promise<void>;
}

interface Runnable { name: string; run(): Promise<unknown> }

const DEFAULT_TTL_MS = 60_000;

function isLease(v: unknown): v is LeaseRecord {
  const r = v as LeaseRecord | null;
  return typeof r === "object" && r !== null && typeof r.owner === "string" && typeof r.until === "number";
}

export class JobLeases {
  readonly owner: string;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number | undefined;
  private readonly now: () => number;
  private readonly held = new Set<Held>();
  private readonly cas: NonNullable<KvStore["cas"]>;

  constructor(private readonly kv: KvStore, opts: JobLeasesOptions = {}) {
    // Without an atomic compare-and-swap two processes could both believe they took a lease.
    if (!kv.cas) throw new Error("job leases need a KvStore with cas() (the SQLite and MongoDB stores have it)");
    this.cas = kv.cas.bind(kv);
    this.owner = opts.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    this.ttlMs = Math.max(1, opts.ttlMs ?? DEFAULT_TTL_MS);
    this.renewEveryMs = opts.renewEveryMs;
    this.now = opts.now ?? Date.now;
  }

  /** Runs fn only while holding the named lease; skips (ran: false) when another holder has it. */
  async withLease<T>(name: string, fn: () => Promise<T> | T, ttlMs = this.ttlMs): Promise<LeaseOutcome<T>> {
    const held = await this.acquire(name, ttlMs);
    if (!held) {
      const current = await this.kv.get<LeaseRecord>(leaseKey(name));
      return { ran: false, heldBy: isLease(current) ? current.owner : "unknown" };
    }
    try {
      return { ran: true, value: await fn() };
    } finally {
      await this.release(held);
    }
  }

  /** The same job, its run() lease-guarded (for the scheduler's start-up run, runNow and cron runs alike). */
  guard<J extends Runnable>(job: J): J {
    return {
      ...job,
      run: async () => {
        const outcome = await this.withLease(job.name, () => job.run());
        if (outcome.ran) return outcome.value;
        log.debug("job {job} skipped: lease held by {owner}", { job: job.name, owner: outcome.heldBy });
        return { skipped: `lease held by ${outcome.heldBy}` };
      },
    };
  }

  /**
   * Holds the named lease for as long as this process runs: a standing role that one process of the
   * deployment plays at a time (the outbox relay). Tries to take it every `retryMs`; calls onGain once
   * taken, onLose when a renewal found it taken over (this process stalled longer than the ttl) and
   * when stopped. stop() waits for onLose (e.g. the relay's last pass) before releasing the lease, so
   * a successor never overlaps a pass in progress here.
   */
  hold(name: string, opts: { ttlMs?: number; retryMs?: number; onGain(): unknown; onLose(): unknown }): HeldRole {
    const ttlMs = Math.max(1, opts.ttlMs ?? this.ttlMs);
    const retryMs = Math.max(1, opts.retryMs ?? Math.min(5_000, Math.floor(ttlMs / 3)));
    let held: Held | null = null;
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    let tick: Promise<void> = Promise.resolve();
    const step = async () => {
      if (stopped) return;
      try {
        if (held && !held.timer) {
          // The renewal found it taken over (renew() logged it): stand down.
          held = null;
          await opts.onLose();
        }
        if (!held) {
          held = await this.acquire(name, ttlMs);
          if (held) {
            log.info("took the {name} lease", { name });
            await opts.onGain();
          }
        }
      } catch (error) {
        log.warn("lease {name}: {error}", { name, error });
      }
    };
    const schedule = () => {
      if (stopped) return;
      timer = setTimeout(() => { tick = step().finally(schedule); }, retryMs);
      timer.unref();
    };
    tick = step().finally(schedule);
    return {
      holding: () => held !== null && held.timer !== null,
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await tick;
        if (!held) return;
        const h = held;
        held = null;
        try {
          await opts.onLose();
        } finally {
          await this.release(h);
        }
      },
    };
  }

  /** Stops renewing and releases every lease this instance holds (for shutdown). Idempotent. */
  async close(): Promise<void> {
    await Promise.all([...this.held].map((h) => this.release(h)));
  }

  /** Takes the lease if it is free (absent, released or expired). */
  private async acquire(name: string, ttlMs: number): Promise<Held | null> {
    const key = leaseKey(name);
    const current = await this.kv.get<unknown>(key);
    const now = this.now();
    const lease = isLease(current) ? current : undefined;
    if (lease && lease.until > now) return null;
    const value: LeaseRecord = { owner: this.owner, until: now + ttlMs };
    // cas against what was read: if any other process changed the entry in between, we lose.
    if (!(await this.cas(key, current, value))) return null;
    const held: Held = { name, ttlMs, value, timer: null, chain: Promise.resolve() };
    const every = Math.max(1, this.renewEveryMs ?? Math.floor(ttlMs / 3));
    held.timer = setInterval(() => { held.chain = held.chain.then(() => this.renew(held)); }, every);
    held.timer.unref();
    this.held.add(held);
    return held;
  }

  private async renew(held: Held): Promise<void> {
    if (!held.timer) return;
    try {
      const key = leaseKey(held.name);
      const current = await this.kv.get<unknown>(key);
      const next: LeaseRecord = { ...held.value, until: this.now() + held.ttlMs };
      if (this.isMine(current, held) && (await this.cas(key, current, next))) {
        held.value = next;
        return;
      }
      log.warn("lost the lease of job {job}: it ran longer than its lease and another process may have taken over", { job: held.name });
      this.stopRenewing(held);
    } catch (error) {
      // Store unreachable: keep trying; if it stays down the lease lapses, which is the safe side.
      log.warn("could not renew the lease of job {job}: {error}", { job: held.name, error });
    }
  }

  private release(held: Held): Promise<void> {
    const wasRenewing = this.stopRenewing(held);
    if (!wasRenewing) return held.chain;
    held.chain = held.chain.then(async () => {
      try {
        const key = leaseKey(held.name);
        const current = await this.kv.get<unknown>(key);
        if (!this.isMine(current, held)) return; // expired and taken over: not ours to release
        await this.cas(key, current, undefined);
      } catch (error) {
        log.warn("could not release the lease of job {job} (it lapses on its own): {error}", { job: held.name, error });
      }
    });
    return held.chain;
  }

  private stopRenewing(held: Held): boolean {
    if (!held.timer) return false;
    clearInterval(held.timer);
    held.timer = null;
    this.held.delete(held);
    return true;
  }

  private isMine(current: unknown, held: Held): boolean {
    return isLease(current) && current.owner === this.owner && current.until === held.value.until;
  }
}
