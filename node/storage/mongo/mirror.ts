// MirrorRepository on MongoDB: mirrored challenges are challenge documents without a key, written
// through the challenge repository, so each one goes through its commit record (challenges.ts):
// concurrent writers of one id (an inbox Update and a backfill page) never lose a newer revision.
// A batch is judged from one read and committed together (one commit record per document, written in
// one insertMany): without transactions it is not atomic as a whole, but every step is idempotent and a
// sync that stopped half-way simply runs again.
import type { Collection } from "mongodb";
import {
  DuplicateError, type FeedEffect, type MirrorEffectPlanner, type MirrorOutcome, type MirrorRepository, type MirrorWrite, type RevisionEntry, type StoredChallenge,
} from "../../domain/ports";
import { CHALLENGE_PROJECTION, fromChallengeDoc, type ChallengeDoc } from "./challenge-docs";
import type { MongoChallengeRepository, WriteDoc } from "./challenges";

/** Attempts per document when another writer keeps winning the same version. */
const ATTEMPTS = 5;

const HELD_PROJECTION = { key: 1, origin: 1, version: 1, withdrawnAt: 1, revision: 1 } as const;
type Held = Pick<ChallengeDoc, "_id" | "key" | "origin" | "version" | "withdrawnAt" | "revision">;

/** What a peer's document does to what is held: nothing (the outcome), or a write from a version (0: none held). */
function judge(w: MirrorWrite, held: Held | null, effects?: MirrorEffectPlanner):
  MirrorOutcome | { outcome: MirrorOutcome; challenge: StoredChallenge; from: number; effect: FeedEffect | null } {
  const next = (version: number): StoredChallenge => ({ id: w.doc.id, key: null, origin: w.origin, country: w.country, doc: w.doc, version, withdrawnAt: null });
  if (!held) return { outcome: "created", challenge: next(1), from: 0, effect: effects?.("created", next(1)) ?? null };
  if (held.key !== undefined && held.key !== null) return "conflict";
  if (held.origin !== w.origin) return "conflict";
  // Withdrawn here, yet its origin serves it: a Delete its origin contradicts, or a withdrawal undone.
  if (held.withdrawnAt ? held.revision > w.doc.revision : held.revision >= w.doc.revision) return "stale";
  const restoring = Boolean(held.withdrawnAt);
  // A restored challenge implies no feed effect: its feeds undid their boost for good (ADR 0007).
  const effect = restoring ? null : effects?.("updated", next(held.version + 1)) ?? null;
  return { outcome: restoring ? "restored" : "updated", challenge: next(held.version + 1), from: held.version, effect };
}

export class MongoMirrorRepository implements MirrorRepository {
  constructor(
    private readonly challenges: MongoChallengeRepository,
    private readonly c: Collection<ChallengeDoc>,
    private readonly writes: Collection<WriteDoc>,
  ) {}

  /**
   * The batch is judged from one read of what is held, committed together (challenges.ts commitMany),
   * and any write that lost a race to another writer is judged again on its own, as upsertOne() does.
   * An id twice in one batch: one at a time, in order.
   */
  async upsertMany(writes: MirrorWrite[], effects?: MirrorEffectPlanner): Promise<MirrorOutcome[]> {
    const ids = writes.map((w) => w.doc.id);
    if (writes.length < 2 || new Set(ids).size !== ids.length) {
      const outcomes: MirrorOutcome[] = [];
      for (const w of writes) outcomes.push(await this.upsertOne(w, effects));
      return outcomes;
    }
    const held = new Map((await this.c.find({ _id: { $in: ids } }, { projection: HELD_PROJECTION }).toArray()).map((d) => [d._id, d]));
    const outcomes: (MirrorOutcome | undefined)[] = writes.map(() => undefined);
    const planned: { i: number; outcome: MirrorOutcome; challenge: StoredChallenge; from: number; effect: FeedEffect | null }[] = [];
    writes.forEach((w, i) => {
      const judged = judge(w, held.get(w.doc.id) ?? null, effects);
      if (typeof judged === "string") outcomes[i] = judged;
      else planned.push({ i, ...judged });
    });
    const committed = await this.challenges.commitMany(planned);
    for (const [n, p] of planned.entries()) outcomes[p.i] = committed[n] ? p.outcome : await this.upsertOne(writes[p.i]!, effects);
    return outcomes as MirrorOutcome[];
  }

  /** The feed effect of a stored change travels in the change's commit record (challenges.ts). */
  private async upsertOne(w: MirrorWrite, effects?: MirrorEffectPlanner): Promise<MirrorOutcome> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const judged = judge(w, await this.c.findOne({ _id: w.doc.id }, { projection: HELD_PROJECTION }), effects);
      if (typeof judged === "string") return judged;
      if (judged.from === 0) {
        try {
          await this.challenges.insert(judged.challenge, null, judged.effect);
          return judged.outcome;
        } catch (err) {
          if (err instanceof DuplicateError) continue; // created meanwhile: judge it again
          throw err;
        }
      }
      if (await this.challenges.update(judged.challenge, judged.from, null, judged.effect)) return judged.outcome;
    }
    throw new Error(`mirror write of ${w.doc.id} kept losing to concurrent writers`);
  }

  async withdraw(origin: string, ids: string[], at: string, effects?: MirrorEffectPlanner): Promise<StoredChallenge[]> {
    const done: StoredChallenge[] = [];
    for (const id of ids) {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const d = await this.c.findOne({ _id: id, origin, key: { $exists: false }, withdrawnAt: null }, { projection: CHALLENGE_PROJECTION });
        if (!d) break;
        const held = fromChallengeDoc(d);
        const withdrawn = { ...held, version: held.version + 1, withdrawnAt: at };
        if (await this.challenges.update(withdrawn, held.version, null, effects?.("withdrawn", withdrawn))) { done.push(withdrawn); break; }
      }
    }
    return done;
  }

  async revisions(origin: string): Promise<RevisionEntry[]> {
    const docs = await this.c.find({ origin, listed: true }, { projection: { _id: 1, revision: 1 } }).sort({ _id: 1 }).toArray();
    return docs.map((d) => ({ id: d._id, revision: d.revision }));
  }

  async revisionPage(origin: string, afterId: string | null, limit: number): Promise<RevisionEntry[]> {
    const n = Math.max(1, Math.trunc(limit));
    const docs = await this.c.find(afterId === null ? { origin, listed: true } : { origin, listed: true, _id: { $gt: afterId } }, { projection: { _id: 1, revision: 1 } })
      .sort({ _id: 1 }).limit(n).toArray();
    return docs.map((d) => ({ id: d._id, revision: d.revision }));
  }

  /** A store sequence moved after every applied challenge write (challenges.ts): never back, whatever the writers' clocks. */
  changeStamp(): Promise<string> {
    return this.challenges.changeStamp();
  }

  async page(origin: string, afterId: string | null, limit: number): Promise<StoredChallenge[]> {
    const n = Math.max(1, Math.trunc(limit));
    const docs = await this.c.find(afterId === null ? { origin, listed: true } : { origin, listed: true, _id: { $gt: afterId } }, { projection: CHALLENGE_PROJECTION })
      .sort({ _id: 1 }).limit(n).toArray();
    return docs.map(fromChallengeDoc);
  }

  async removeOrigin(origin: string): Promise<number> {
    const ids = (await this.c.find({ origin, key: { $exists: false } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    if (ids.length === 0) return 0;
    const { deletedCount } = await this.c.deleteMany({ _id: { $in: ids }, key: { $exists: false } });
    // Their commit records go too: the ids may be mirrored again (an insert's record reserves its id).
    await this.writes.deleteMany({ challengeId: { $in: ids } });
    await this.challenges.changed();
    return deletedCount;
  }
}
