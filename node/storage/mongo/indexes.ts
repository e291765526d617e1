// Every index the MongoDB store queries with, created (idempotently) when a store opens. Only
// options FerretDB 1.x implements are used: no partialFilterExpression (a boolean `listed` field
// leads the listing indexes instead), no text index (text-tokens.ts), and TTL only where the
// server accepts it (otherwise the store's sweeper deletes expired values).
import type { Db, IndexSpecification, CreateIndexesOptions } from "mongodb";
import { isNotImplemented } from "./connection";

type Spec = [IndexSpecification, CreateIndexesOptions?];

const INDEXES: Record<string, Spec[]> = {
  challenges: [
    // Local challenge keys; absent for mirrored challenges, hence sparse.
    [{ key: 1 }, { unique: true, sparse: true, name: "key_unique" }],
    // Keyset listing: one ordered index per sort, led by the filters every listing has.
    [{ listed: 1, status: 1, deadlineKey: 1, _id: 1 }, { name: "listing_deadline" }],
    [{ listed: 1, status: 1, publishedKey: -1, _id: -1 }, { name: "listing_newest" }],
    [{ hub: 1, listed: 1, status: 1, deadlineKey: 1, _id: 1 }, { name: "listing_hub" }],
    [{ instrument: 1, listed: 1, status: 1, deadlineKey: 1, _id: 1 }, { name: "listing_instrument" }],
    [{ countries: 1, listed: 1, status: 1, deadlineKey: 1 }, { name: "listing_country" }],
    [{ focusAreas: 1, listed: 1, status: 1, deadlineKey: 1 }, { name: "listing_focus" }],
    [{ facets: 1, listed: 1, status: 1, deadlineKey: 1 }, { name: "listing_facets" }],
    [{ tokens: 1 }, { name: "listing_text" }],
    [{ stems: 1 }, { name: "listing_word_forms" }],
    // The mirror: live challenges of one origin in id order.
    [{ origin: 1, listed: 1, _id: 1 }, { name: "by_origin" }],
    // The clock's work lists and the hub's count.
    [{ status: 1, local: 1, withdrawn: 1, startMs: 1 }, { name: "due_start" }],
    [{ status: 1, local: 1, withdrawn: 1, deadlineMs: 1 }, { name: "due_end" }],
    // A hub's own challenges, drafts included (its editors' dashboard).
    [{ hub: 1, local: 1 }, { name: "by_hub_local" }],
  ],
  users: [[{ email: 1 }, { unique: true, name: "email_unique" }], [{ seq: 1 }, { name: "creation" }]],
  invitations: [[{ usedAt: 1, expiresAt: 1 }, { name: "pending" }]],
  sessions: [[{ userId: 1 }, { name: "by_user" }], [{ lastSeenAt: 1 }, { name: "by_last_seen" }]],
  audit_log: [[{ seq: -1 }, { name: "newest" }]],
  schedules: [[{ publishAt: 1 }, { name: "by_time" }]],
  challenge_writes: [
    [{ key: 1 }, { unique: true, sparse: true, name: "key_unique" }],
    [{ activityId: 1 }, { unique: true, sparse: true, name: "activity_unique" }],
    [{ pending: 1 }, { sparse: true, name: "pending" }],
    [{ at: 1 }, { name: "age" }],
    [{ challengeId: 1 }, { name: "by_challenge" }],
  ],
  activities: [
    [{ federatedAt: 1, seq: 1 }, { name: "pending" }],
    [{ actor: 1, seq: 1 }, { name: "by_actor" }],
    [{ objectId: 1, seq: 1 }, { name: "by_object" }],
  ],
  hubs: [[{ seq: 1 }, { name: "creation" }]],
  // Peers' hub profiles (mirrored-hubs.ts): replaced per origin, listed by the directory's filters.
  mirrored_hubs: [[{ origin: 1 }, { name: "by_origin" }], [{ country: 1, hubType: 1 }, { name: "by_filters" }]],
  // The aggregator's feed effects outbox (feed-effects.ts), relayed in seq order.
  feed_effects: [[{ doneAt: 1, seq: 1 }, { name: "pending" }]],
  followers: [
    [{ hub: 1, seq: 1 }, { name: "by_hub" }],
    [{ inbox: 1 }, { name: "by_inbox" }],
    [{ sharedInbox: 1 }, { sparse: true, name: "by_shared_inbox" }],
  ],
  fedify_kv_cas: [[{ at: 1 }, { name: "age" }]],
  fedify_mq: [
    [{ at: 1, _id: 1 }, { name: "due" }],
    [{ lockedUntil: 1, at: 1 }, { name: "depth" }],
    [{ k: 1, _id: 1 }, { name: "ordering" }],
    [{ lane: 1, k: 1, p: 1, _id: 1 }, { name: "lane_ordering" }],
    [{ lane: 1, at: 1, _id: 1 }, { name: "lane_due" }],
  ],
  fedify_mq_claims: [[{ msg: 1, n: -1 }, { name: "by_message" }]],
  // rate-limiter-flexible's counters (rate-limits.ts): one document per key.
  rate_limits: [[{ key: 1 }, { unique: true, name: "key_unique" }], [{ expire: 1 }, { name: "expiry" }]],
};

/** Creates the indexes; returns whether the server removes expired KV values itself (TTL index). */
export async function ensureIndexes(db: Db): Promise<{ ttl: boolean }> {
  for (const [collection, specs] of Object.entries(INDEXES)) {
    for (const [spec, options] of specs) await db.collection(collection).createIndex(spec, options ?? {});
  }
  const kv = db.collection("fedify_kv");
  try {
    await kv.createIndex({ exp: 1 }, { expireAfterSeconds: 0, name: "expiry_ttl" });
    return { ttl: true };
  } catch (err) {
    if (!isNotImplemented(err)) throw err;
    await kv.createIndex({ exp: 1 }, { name: "expiry" });
    return { ttl: false };
  }
}
