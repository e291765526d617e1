// ChallengeRepository on MongoDB, without multi-document transactions (FerretDB 1.x has none, and
// a standalone mongod neither). A challenge write and its outbox activity must still be all or
// nothing, and an update must win only from the version it read. Both rest on the one write that
// is atomic on every server speaking the protocol: an insert checked by unique indexes. (On
// FerretDB 1.x a conditional update is a read followed by a write, so two updateOne({_id, version})
// calls can both succeed; see test/contract/mongo.test.ts.)
//
// Every write is first recorded as ONE document in `challenge_writes`, the commit point:
//   _id "<challenge id>@<version it replaces>" (0 for an insert): unique, so one write per version
//       ever wins, and an insert of an existing id loses;
//   key (inserts of local challenges) and activityId: unique sparse, reserving them;
//   challenge + activity: the complete new state, and pending: true until it is applied.
// Then the state is applied (challenge replaced only while still at the replaced version,
// activity inserted, both idempotent) and the record's payload dropped. Only after that does the
// call resolve, so nothing acknowledged can be lost. A process that dies between commit and apply
// left a complete record: the store applies pending records when it opens, every minute, and an
// update that finds a stale one in its way. Until then readers see the previous version.
import type { Collection, Document, Filter } from "mongodb";
import {
  DuplicateError, type ActivityRecord, type ChallengeRepository, type FeedEffect, type ListingPage, type ListingQuery, type StoredChallenge,
} from "../../domain/ports";
import {
  CHALLENGE_PROJECTION, fromChallengeDoc, toActivityDoc, toChallengeDoc, type ActivityDoc, type ChallengeDoc,
} from "./challenge-docs";
import { byLatestUpdate } from "../by-latest-update";
import { duplicateWriteErrors, isDuplicateKey } from "./connection";
import { buildListing } from "./listing-query";
import { decodeListingCursor, listingPage } from "../cursor";
import { listingSortOf, RANK_AT_MOST } from "../../domain/listing-sort";
import { searchTerms } from "../../domain/word-forms";
import { relevanceScore } from "./relevance";
import { insertFeedEffectDoc, toFeedEffectDoc, type FeedEffectDoc } from "./feed-effects";
import type { StoreSequence } from "./sequence";
import { FACET_MAX_STALE_MS, type FacetCounts, type ListingFacet, withoutFacet } from "../../domain/listing-facets";

// Facets held in fields of their own (arrays but status and instrument); the rest are in "facets".
const FACET_FIELDS = { status: "status", instrument: "instrument", country: "countries", focusArea: "focusAreas" } as const;

export interface WriteDoc {
  _id: string;
  challengeId: string;
  /** The version this write replaces; 0 for an insert. */
  from: number;
  key?: string;
  activityId?: string;
  at: Date;
  pending?: true;
  challenge?: ChallengeDoc;
  activity?: ActivityDoc;
  /** The aggregator's feed effect of a mirror write (issue 8), applied with it. */
  effect?: FeedEffectDoc;
}

/** A pending record older than this is taken to be abandoned by a dead writer and applied by others. */
export const ABANDONED_AFTER_MS = 10_000;
/** Applied records stay this long: a concurrent writer that read the old version still meets its _id. */
export const KEEP_APPLIED_MS = 60 * 60_000;

export interface ChallengeCollections {
  challenges: Collection<ChallengeDoc>;
  activities: Collection<ActivityDoc>;
  writes: Collection<WriteDoc>;
  feedEffects: Collection<FeedEffectDoc>;
  /** Outbox order from the store, not from clocks (sequence.ts). */
  sequence: StoreSequence;
  /** Moves after every applied challenge write: the change stamp (mirror.ts changeStamp). */
  changes: StoreSequence;
}

export class MongoChallengeRepository implements ChallengeRepository {
  private readonly facetMemo = new Map<string, { at: number; value: Record<string, number> }>();

  constructor(private readonly c: ChallengeCollections) {}

  /** `effect`: a mirror write's feed effect, committed in the same record (mirror.ts). */
  async insert(challenge: StoredChallenge, activity: ActivityRecord | null, effect?: FeedEffect | null): Promise<void> {
    const what = `challenge ${challenge.key ?? challenge.id}`;
    // Fast, precise answers for the common case; the unique indexes of the record decide races.
    const clash = await this.c.challenges.findOne(
      { $or: [{ _id: challenge.id }, ...(challenge.key === null ? [] : [{ key: challenge.key }])] }, { projection: { _id: 1 } });
    if (clash) throw new DuplicateError(what);
    if (activity && (await this.c.activities.findOne({ _id: activity.id }, { projection: { _id: 1 } }))) {
      throw new DuplicateError(`activity ${activity.id}`);
    }
    const record = await this.record(challenge, 0, activity, effect);
    try {
      await this.c.writes.insertOne(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      if (activity && (await this.c.writes.findOne({ activityId: activity.id }, { projection: { _id: 1 } }))) {
        throw new DuplicateError(`activity ${activity.id}`);
      }
      throw new DuplicateError(what);
    }
    await this.apply(record);
  }

  async update(challenge: StoredChallenge, expectedVersion: number, activity: ActivityRecord | null, effect?: FeedEffect | null): Promise<boolean> {
    if (!(challenge.version > expectedVersion)) {
      throw new Error(`a challenge write must raise its version (from ${expectedVersion} to ${challenge.version})`);
    }
    const current = await this.c.challenges.findOne({ _id: challenge.id }, { projection: { version: 1 } });
    if (!current || current.version !== expectedVersion) return false;
    if (activity && (await this.c.activities.findOne({ _id: activity.id }, { projection: { _id: 1 } }))) {
      // Two writers from the same version compute the same activity id (update-<revision>): if the
      // other one has won meanwhile, this is a lost race (false, a 409 for the client), not a duplicate.
      const now = await this.c.challenges.findOne({ _id: challenge.id }, { projection: { version: 1 } });
      const rival = await this.c.writes.findOne({ _id: `${challenge.id}@${expectedVersion}` }, { projection: { _id: 1 } });
      if ((now && now.version !== expectedVersion) || rival) return false;
      throw new DuplicateError(`activity ${activity.id}`);
    }
    const record = await this.record(challenge, expectedVersion, activity, effect);
    try {
      await this.c.writes.insertOne(record);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const winner = await this.c.writes.findOne({ _id: record._id });
      if (!winner) throw new DuplicateError(`activity ${activity?.id ?? "?"}`);
      // Another write from this version won. If its writer died before applying it, finish it now
      // so that the challenge does not stay at a version nobody can update from.
      if (winner.pending && Date.now() - winner.at.getTime() > ABANDONED_AFTER_MS) await this.apply(winner);
      return false;
    }
    await this.apply(record);
    return true;
  }

  /**
   * Writes of a batch with no activity (a mirror page, a burst of peer documents): the same commit
   * records as insert() and update(), committed with one insertMany and applied together — a few round
   * trips per batch instead of about ten per write. Each caller has read the version it replaces
   * (`from`, 0: not stored). False where that record lost to another writer's (an insert of an id that
   * exists by now, an update from a version another write already replaced): the caller judges that one
   * again. Nothing is acknowledged before every record that won is applied.
   */
  async commitMany(writes: readonly { challenge: StoredChallenge; from: number; effect: FeedEffect | null }[]): Promise<boolean[]> {
    // The feed effects' places in the store's order, taken for the whole batch at once.
    const seqs = await this.c.sequence.nextMany(writes.filter((w) => w.effect).length);
    const records: WriteDoc[] = [];
    for (const w of writes) records.push(await this.record(w.challenge, w.from, null, w.effect, w.effect ? seqs.shift() : undefined));
    const lost = new Set<number>();
    if (records.length > 0) {
      try {
        await this.c.writes.insertMany(records, { ordered: false });
      } catch (err) {
        const errors = duplicateWriteErrors(err);
        if (!errors) throw err;
        for (const i of errors) lost.add(i);
      }
    }
    const won = records.filter((_, i) => !lost.has(i));
    await this.applyMany(won);
    return records.map((_, i) => !lost.has(i));
  }

  async getById(id: string): Promise<StoredChallenge | null> {
    const d = await this.c.challenges.findOne({ _id: id }, { projection: CHALLENGE_PROJECTION });
    return d ? fromChallengeDoc(d) : null;
  }

  async getByKey(key: string): Promise<StoredChallenge | null> {
    const d = await this.c.challenges.findOne({ key }, { projection: CHALLENGE_PROJECTION });
    return d ? fromChallengeDoc(d) : null;
  }

  async getManyByKeys(keys: readonly string[]): Promise<StoredChallenge[]> {
    if (keys.length === 0) return [];
    const docs = await this.c.challenges.find({ key: { $in: [...keys] } }, { projection: CHALLENGE_PROJECTION }).toArray();
    return docs.map(fromChallengeDoc);
  }

  /** Derives the listing facets and word forms of challenges stored before they existed; idempotent. */
  async addMissingDerivedFields(): Promise<number> {
    let n = 0;
    const missing = { $or: [{ facets: { $exists: false } }, { stems: { $exists: false } }] };
    for await (const d of this.c.challenges.find(missing, { projection: CHALLENGE_PROJECTION })) {
      const derived = toChallengeDoc(fromChallengeDoc(d));
      await this.c.challenges.updateOne({ _id: d._id, version: d.version }, {
        $set: { facets: derived.facets, countries: derived.countries, tokens: derived.tokens, stems: derived.stems, titleTokens: derived.titleTokens },
      });
      n++;
    }
    if (n > 0) await this.c.changes.next(); // listings of other processes may change
    return n;
  }

  async count(query: ListingQuery): Promise<number> {
    const built = buildListing({ ...query, cursor: undefined });
    return built ? this.c.challenges.countDocuments(built.filter) : 0;
  }

  async facetCounts(query: ListingQuery, facets: readonly ListingFacet[]): Promise<FacetCounts> {
    const counts: FacetCounts = {};
    for (const facet of facets) {
      const built = buildListing(withoutFacet(query, facet));
      if (!built) { counts[facet] = {}; continue; }
      // Recounted at most once a minute per selection (FACET_MAX_STALE_MS): an aggregation reads every match.
      const key = `${facet}\n${JSON.stringify(built.filter)}`;
      const hit = this.facetMemo.get(key);
      if (hit && Date.now() - hit.at < FACET_MAX_STALE_MS) { counts[facet] = hit.value; continue; }
      const value = await this.countByValue(built.filter, facet);
      if (this.facetMemo.size >= 1000) this.facetMemo.delete(this.facetMemo.keys().next().value!);
      this.facetMemo.set(key, { at: Date.now(), value });
      counts[facet] = value;
    }
    return counts;
  }

  /** One aggregation per facet: the matching documents grouped by the facet's values. */
  private async countByValue(filter: Filter<ChallengeDoc>, facet: ListingFacet): Promise<Record<string, number>> {
    const field = FACET_FIELDS[facet as keyof typeof FACET_FIELDS];
    // The other facets share the "facets" array of "name:value" strings.
    const prefix = `${facet}:`;
    const pipeline: Document[] = field
      ? [{ $match: filter }, ...(field === "status" || field === "instrument" ? [] : [{ $unwind: `$${field}` }]), { $group: { _id: `$${field}`, n: { $sum: 1 } } }]
      : [{ $match: filter }, { $unwind: "$facets" }, { $match: { facets: { $regex: `^${prefix}` } } }, { $group: { _id: "$facets", n: { $sum: 1 } } }];
    const rows = await this.c.challenges.aggregate<{ _id: string; n: number }>(pipeline).toArray();
    return Object.fromEntries(rows.map((r) => [field ? r._id : r._id.slice(prefix.length), r.n]));
  }

  async list(query: ListingQuery): Promise<ListingPage> {
    if (listingSortOf(query) === "relevance" && (await this.fewEnoughToRank(query))) return this.rankedList(query);
    const built = buildListing(query);
    if (!built) return { items: [], nextCursor: null, prevCursor: null };
    const docs = await this.c.challenges
      .find(built.filter, { projection: { ...CHALLENGE_PROJECTION, deadlineKey: 1, publishedKey: 1 } })
      .sort(built.sort).limit(built.limit + 1).toArray();
    const page = listingPage(docs, { limit: built.limit, tag: built.spec.tag, from: built.from, positionOf: (d) => [d[built.spec.field], d._id] });
    return { ...page, items: page.items.map(fromChallengeDoc) };
  }

  /** At most RANK_AT_MOST matches? Counted no further than that: a broad search is not read to its end. */
  private async fewEnoughToRank(query: ListingQuery): Promise<boolean> {
    const built = buildListing({ ...query, cursor: undefined });
    return built !== null && (await this.c.challenges.countDocuments(built.filter, { limit: RANK_AT_MOST + 1 })) <= RANK_AT_MOST;
  }

  /**
   * A search ranked by relevance: its matches (at most RANK_AT_MOST) are scored from their words and
   * forms, ordered by score, and paged by (score, id) like any listing.
   */
  private async rankedList(query: ListingQuery): Promise<ListingPage> {
    const from = query.cursor !== undefined && query.cursor !== null ? decodeListingCursor(query.cursor, "r", "number") : null;
    const built = buildListing({ ...query, sort: "deadline", cursor: undefined });
    if (!built) return { items: [], nextCursor: null, prevCursor: null };
    const terms = searchTerms(query.q);
    const matches = await this.c.challenges
      .find(built.filter, { projection: { _id: 1, titleTokens: 1, tokens: 1, stems: 1 } })
      .sort(built.sort).limit(RANK_AT_MOST).toArray();
    // Lower first, as with bm25: the key is the negated score.
    const ranked = matches.map((d) => ({ key: -relevanceScore(terms, d), id: d._id }))
      .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const beyond = (r: { key: number; id: string }) => !from
      || (from.back ? r.key < from.key || (r.key === from.key && r.id < from.id) : r.key > from.key || (r.key === from.key && r.id > from.id));
    const rows = (from?.back ? ranked.filter(beyond).reverse() : ranked.filter(beyond)).slice(0, built.limit + 1);
    const page = listingPage(rows, { limit: built.limit, tag: "r", from, positionOf: (r) => [r.key, r.id] });
    const docs = await this.c.challenges.find({ _id: { $in: page.items.map((r) => r.id) } }, { projection: CHALLENGE_PROJECTION }).toArray();
    const byId = new Map(docs.map((d) => [d._id, fromChallengeDoc(d)]));
    return { ...page, items: page.items.map((r) => byId.get(r.id)).filter((c): c is StoredChallenge => c !== undefined) };
  }

  async dueForStatusChange(now: Date, limit: number): Promise<StoredChallenge[]> {
    const t = now.getTime();
    const docs = await this.c.challenges.find({
      local: true, withdrawn: false,
      $or: [{ status: "forthcoming", startMs: { $lte: t } }, { status: "open", deadlineMs: { $lte: t } }],
    }, { projection: CHALLENGE_PROJECTION }).limit(Math.max(1, Math.trunc(limit))).toArray();
    return docs.map(fromChallengeDoc);
  }

  async listByHub(hubId: string): Promise<StoredChallenge[]> {
    const docs = await this.c.challenges.find({ hub: hubId, local: true }, { projection: CHALLENGE_PROJECTION }).toArray();
    return byLatestUpdate(docs.map(fromChallengeDoc));
  }

  async countPublicByHub(hubId: string): Promise<number> {
    return this.c.challenges.countDocuments({ hub: hubId, listed: true, local: true });
  }

  /** Applies every pending record older than `olderThanMs` (0: all); returns how many. */
  async applyPending(olderThanMs: number): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const pending = await this.c.writes.find({ pending: true, at: { $lte: cutoff } }).sort({ at: 1, _id: 1 }).toArray();
    for (const w of pending) await this.apply(w);
    return pending.length;
  }

  /** Deletes applied records that no concurrent writer can still be racing. */
  async forgetApplied(): Promise<void> {
    await this.c.writes.deleteMany({ pending: { $exists: false }, at: { $lt: new Date(Date.now() - KEEP_APPLIED_MS) } });
  }

  private async record(challenge: StoredChallenge, from: number, activity: ActivityRecord | null, effect?: FeedEffect | null, effectSeq?: string): Promise<WriteDoc> {
    return {
      _id: `${challenge.id}@${from}`, challengeId: challenge.id, from,
      ...(from === 0 && challenge.key !== null ? { key: challenge.key } : {}),
      ...(activity ? { activityId: activity.id, activity: toActivityDoc(activity, await this.c.sequence.next()) } : {}),
      ...(effect ? { effect: toFeedEffectDoc(effect, effectSeq ?? (await this.c.sequence.next())) } : {}),
      at: new Date(), pending: true, challenge: toChallengeDoc(challenge),
    };
  }

  /** Idempotent: safe to run twice, or in two processes at once (the writer and a recovery). */
  private async apply(w: WriteDoc): Promise<void> {
    if (w.challenge) {
      if (w.from === 0) {
        try {
          await this.c.challenges.insertOne(w.challenge);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err; // applied before
        }
      } else {
        // Only over the replaced version: a late second apply never undoes a newer write.
        await this.c.challenges.replaceOne({ _id: w.challengeId, version: w.from }, w.challenge);
      }
    }
    if (w.activity) {
      try {
        await this.c.activities.insertOne(w.activity);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (w.effect) await insertFeedEffectDoc(this.c.feedEffects, w.effect);
    // After the state is visible, so a reader that computed from an older state holds an older stamp.
    // The write stands even if the stamp cannot move: caches keyed on it hold an answer at most a minute
    // (the listing) or five (the sync digest), and the next write moves it.
    if (w.challenge) await this.c.changes.next().catch(() => undefined);
    await this.c.writes.updateOne({ _id: w._id }, { $unset: { pending: "", challenge: "", activity: "", effect: "" } });
  }

  /** apply() for records without activities, in bulk: one insertMany, one bulkWrite, one stamp, one updateMany. Idempotent too. */
  private async applyMany(records: readonly WriteDoc[]): Promise<void> {
    if (records.length === 0) return;
    const inserts = records.filter((w) => w.challenge && w.from === 0).map((w) => w.challenge!);
    const replaces = records.filter((w) => w.challenge && w.from !== 0);
    if (inserts.length > 0) {
      try {
        await this.c.challenges.insertMany(inserts, { ordered: false });
      } catch (err) {
        if (!duplicateWriteErrors(err)) throw err; // applied before
      }
    }
    if (replaces.length > 0) {
      // Only over the replaced version, as in apply().
      await this.c.challenges.bulkWrite(replaces.map((w) => ({ replaceOne: { filter: { _id: w.challengeId, version: w.from }, replacement: w.challenge! } })), { ordered: false });
    }
    const effects = records.flatMap((w) => (w.effect ? [w.effect] : []));
    if (effects.length > 0) {
      try {
        await this.c.feedEffects.insertMany(effects, { ordered: false });
      } catch (err) {
        if (!duplicateWriteErrors(err)) throw err; // applied before
      }
    }
    await this.c.changes.next().catch(() => undefined);
    await this.c.writes.updateMany({ _id: { $in: records.map((w) => w._id) } }, { $unset: { pending: "", challenge: "", activity: "", effect: "" } });
  }

  /** The change stamp: a store sequence, so it moves with every write whatever the writers' clocks. */
  changeStamp(): Promise<string> {
    return this.c.changes.current();
  }

  /** Moves the change stamp for a change made outside apply() (an origin's challenges removed). */
  async changed(): Promise<void> {
    await this.c.changes.next();
  }
}
