// The production store: every repository, Fedify's KV and queue on one MongoDB database (or any
// server speaking its protocol; the contract tests run against FerretDB 1.24). Nothing here needs
// transactions, change streams, text indexes or TTL indexes; see challenges.ts, kv.ts and mq.ts
// for how atomicity is obtained from unique inserts instead.
import { QUEUE_LANES, type QueueLane } from "../leased-queue";
import { DEFAULT_LANE_DETACH_MS, DEFAULT_LANE_WORKERS, type Store } from "../store";
import { MongoScheduleRepository, type ScheduleDoc } from "./schedules";
import { type AuditDoc, type InvitationDoc, type InvitationUseDoc, MongoAuditRepository, MongoInvitationRepository, MongoSessionRepository, MongoUserRepository, type SessionDoc, type UserDoc } from "./accounts";
import { MongoActivityRepository } from "./activities";
import { MongoChallengeRepository, ABANDONED_AFTER_MS, type WriteDoc } from "./challenges";
import type { ActivityDoc, ChallengeDoc } from "./challenge-docs";
import { connect, databaseName } from "./connection";
import { MongoFeedEffectRepository, type FeedEffectDoc } from "./feed-effects";
import { MongoFollowerRepository, type FollowerDoc } from "./followers";
import { MongoHubRepository, type HubDoc } from "./hubs";
import { ensureIndexes } from "./indexes";
import { MongoKeyRepository, type KeyDoc } from "./keys";
import { MongoKvStore, type KvCasDoc, type KvDoc } from "./kv";
import { MongoMirrorRepository } from "./mirror";
import { MongoMirroredHubRepository, type MirroredHubDoc } from "./mirrored-hubs";
import { MongoMessageQueue, type ClaimDoc, type MongoQueueOptions, type MqDoc } from "./mq";
import { MongoPeerRepository, type PeerDoc } from "./peers";
import { mongoRateLimiters } from "./rate-limits";
import { StoreSequence, type SequenceDoc } from "./sequence";

export interface MongoStoreOptions {
  queue?: MongoQueueOptions;
  /** Workers per lane (default DEFAULT_LANE_WORKERS; `queue.workers` sets all lanes at once). */
  laneWorkers?: Partial<Record<QueueLane, number>>;
  /** How often expired KV values, old markers and abandoned writes are dealt with (default one minute; 0 = never). */
  sweepIntervalMs?: number;
  /** How long to look for a server before failing (default 10 s). */
  serverSelectionTimeoutMs?: number;
}

export { MongoKvStore, MongoMessageQueue, databaseName };
export type { MongoQueueOptions };

/** Connects to the database named in the URL (default "ipn"), creates the indexes and finishes interrupted writes. */
export async function createMongoStore(url: string, opts: MongoStoreOptions = {}): Promise<Store> {
  const { client, db } = await connect(url, opts);
  let sweeper: NodeJS.Timeout | null = null;
  try {
    const { ttl } = await ensureIndexes(db);
    // One counter orders the outbox and the feed effects (sequence.ts).
    const sequence = new StoreSequence(db.collection<SequenceDoc>("sequences"), "outbox");
    const challenges = new MongoChallengeRepository({
      challenges: db.collection<ChallengeDoc>("challenges"),
      activities: db.collection<ActivityDoc>("activities"),
      writes: db.collection<WriteDoc>("challenge_writes"),
      feedEffects: db.collection<FeedEffectDoc>("feed_effects"),
      sequence,
      changes: new StoreSequence(db.collection<SequenceDoc>("sequences"), "changes"),
    });
    const kv = new MongoKvStore(db.collection<KvDoc>("fedify_kv"), db.collection<KvCasDoc>("fedify_kv_cas"));
    await MongoMessageQueue.upgrade(db.collection<MqDoc>("fedify_mq"));
    const queues = Object.fromEntries(QUEUE_LANES.map((lane) => [lane, new MongoMessageQueue(
      db.collection<MqDoc>("fedify_mq"), db.collection<ClaimDoc>("fedify_mq_claims"), `${url}\u0000${db.databaseName}`,
      {
        ...opts.queue, lane, workers: opts.laneWorkers?.[lane] ?? opts.queue?.workers ?? DEFAULT_LANE_WORKERS[lane],
        detachAfterMs: opts.queue?.detachAfterMs ?? DEFAULT_LANE_DETACH_MS[lane],
      },
    )])) as Record<QueueLane, MongoMessageQueue>;
    // A write committed by a process that died before applying it (challenges.ts).
    await challenges.applyPending(ABANDONED_AFTER_MS);
    // Challenges stored before the listing facets or word forms existed (issue 11) get them once.
    await challenges.addMissingDerivedFields();
    const sweep = async () => {
      try {
        await challenges.applyPending(ABANDONED_AFTER_MS);
        await challenges.forgetApplied();
        if (!ttl) await kv.sweep();
        await db.collection<ClaimDoc>("fedify_mq_claims").deleteMany({ until: { $lt: new Date(Date.now() - 60 * 60_000) } });
        await db.collection("rate_limits").deleteMany({ expire: { $lt: new Date(Date.now() - 60 * 60_000) } });
      } catch {
        // Server unreachable or closing: the next sweep catches up.
      }
    };
    const every = opts.sweepIntervalMs ?? 60_000;
    if (every > 0) {
      sweeper = setInterval(() => void sweep(), every);
      sweeper.unref();
    }
    let closing: Promise<void> | null = null;
    return {
      challenges,
      activities: new MongoActivityRepository(db.collection<ActivityDoc>("activities")),
      hubs: new MongoHubRepository(db.collection<HubDoc>("hubs")),
      users: new MongoUserRepository(db.collection<UserDoc>("users")),
      invitations: new MongoInvitationRepository(db.collection<InvitationDoc>("invitations"), db.collection<InvitationUseDoc>("invitation_uses")),
      sessions: new MongoSessionRepository(db.collection<SessionDoc>("sessions")),
      audit: new MongoAuditRepository(db.collection<AuditDoc>("audit_log")),
      schedules: new MongoScheduleRepository(db.collection<ScheduleDoc>("schedules")),
      followers: new MongoFollowerRepository(db.collection<FollowerDoc>("followers")),
      keys: new MongoKeyRepository(db.collection<KeyDoc>("key_pairs")),
      peers: new MongoPeerRepository(db.collection<PeerDoc>("peers")),
      mirror: new MongoMirrorRepository(challenges, db.collection<ChallengeDoc>("challenges"), db.collection<WriteDoc>("challenge_writes")),
      mirroredHubs: new MongoMirroredHubRepository(db.collection<MirroredHubDoc>("mirrored_hubs")),
      feedEffects: new MongoFeedEffectRepository(db.collection<FeedEffectDoc>("feed_effects"), sequence),
      kv,
      rateLimiter: mongoRateLimiters(client, db.databaseName),
      queues,
      queue: queues.outbox,
      async ping() {
        if (closing) throw new Error("the store is closed");
        await db.command({ ping: 1 });
      },
      close() {
        closing ??= (async () => {
          if (sweeper) clearInterval(sweeper);
          await Promise.all(Object.values(queues).map((q) => q.close()));
          await client.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    if (sweeper) clearInterval(sweeper);
    await client.close().catch(() => undefined);
    throw err;
  }
}
