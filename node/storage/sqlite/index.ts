// The embedded store: every repository, Fedify's KV and queue on one SQLite file.
import { QUEUE_LANES, type QueueLane } from "../leased-queue";
import { DEFAULT_LANE_DETACH_MS, DEFAULT_LANE_WORKERS, type Store } from "../store";
import { SqliteScheduleRepository } from "./schedules";
import { SqliteAuditRepository, SqliteInvitationRepository, SqliteSessionRepository, SqliteUserRepository } from "./accounts";
import { SqliteActivityRepository } from "./activities";
import { SqliteChallengeRepository } from "./challenges";
import { BackgroundReader } from "./background-reader";
import { openDatabase, type OpenDatabaseOptions } from "./database";
import { SqliteFeedEffectRepository } from "./feed-effects";
import { SqliteFollowerRepository } from "./followers";
import { SqliteHubRepository } from "./hubs";
import { SqliteKeyRepository } from "./keys";
import { SqliteKvStore, type SqliteKvOptions } from "./kv";
import { SqliteMirrorRepository } from "./mirror";
import { SqliteMirroredHubRepository } from "./mirrored-hubs";
import { SqliteMessageQueue, type SqliteQueueOptions } from "./mq";
import { SqlitePeerRepository } from "./peers";
import { sqliteRateLimiters } from "./rate-limits";

export interface SqliteStoreOptions extends OpenDatabaseOptions {
  queue?: SqliteQueueOptions;
  /** Workers per lane (default DEFAULT_LANE_WORKERS; `queue.workers` sets all lanes at once). */
  laneWorkers?: Partial<Record<QueueLane, number>>;
  kv?: SqliteKvOptions;
}

export { SqliteKvStore, SqliteMessageQueue, openDatabase };
export type { SqliteKvOptions, SqliteQueueOptions };

/** Opens (creating and migrating if needed) the SQLite file as a Store. ":memory:" gives a throwaway store. */
export function createSqliteStore(file: string, opts: SqliteStoreOptions = {}): Store {
  const db = openDatabase(file, opts);
  // A file can be read by a second connection in another thread; an in-memory database cannot.
  const reader = file !== ":memory:" && file !== "" ? new BackgroundReader(file, opts.busyTimeoutMs) : null;
  const kv = new SqliteKvStore(db, opts.kv);
  const limits = sqliteRateLimiters(db);
  const queues = Object.fromEntries(QUEUE_LANES.map((lane) => [lane, new SqliteMessageQueue(db, {
    ...opts.queue,
    lane,
    workers: opts.laneWorkers?.[lane] ?? opts.queue?.workers ?? DEFAULT_LANE_WORKERS[lane],
    detachAfterMs: opts.queue?.detachAfterMs ?? DEFAULT_LANE_DETACH_MS[lane],
  })])) as Record<QueueLane, SqliteMessageQueue>;
  let closing: Promise<void> | null = null;
  return {
    challenges: new SqliteChallengeRepository(db, reader),
    activities: new SqliteActivityRepository(db),
    hubs: new SqliteHubRepository(db),
    users: new SqliteUserRepository(db),
    invitations: new SqliteInvitationRepository(db),
    sessions: new SqliteSessionRepository(db),
    audit: new SqliteAuditRepository(db),
    schedules: new SqliteScheduleRepository(db),
    followers: new SqliteFollowerRepository(db),
    keys: new SqliteKeyRepository(db),
    peers: new SqlitePeerRepository(db),
    mirror: new SqliteMirrorRepository(db),
    mirroredHubs: new SqliteMirroredHubRepository(db),
    feedEffects: new SqliteFeedEffectRepository(db),
    kv,
    rateLimiter: limits.factory,
    queues,
    queue: queues.outbox,
    async ping() {
      db.prepare("SELECT 1").get();
    },
    close() {
      closing ??= (async () => {
        kv.close();
        await Promise.all(Object.values(queues).map((q) => q.close()));
        limits.close();
        await reader?.close();
        db.close();
      })();
      return closing;
    },
  };
}
