// FeedEffectRepository on MongoDB: the aggregator's feed effects outbox. A mirror write carries its
// effect in its commit record (challenges.ts), so the effect is inserted when the change is applied —
// by the writer or by whoever finishes an abandoned write — and never without the change. Order is a
// store sequence (sequence.ts), not a clock.
import type { Collection } from "mongodb";
import type { Challenge } from "../../domain/types";
import type { FeedEffect, FeedEffectRepository } from "../../domain/ports";
import { isDuplicateKey } from "./connection";
import type { StoreSequence } from "./sequence";

export interface FeedEffectDoc {
  _id: string;
  seq: string;
  kind: FeedEffect["kind"];
  challengeId: string;
  revision: number;
  country: string;
  /** JSON strings: documents and signed activities keep their exact keys (no "$" or "." restrictions). */
  doc: string | null;
  activity: string | null;
  createdAt: string;
  doneAt: string | null;
}

const MAX_PAGE = 1000;
const clamp = (n: number) => (Number.isFinite(n) ? Math.min(MAX_PAGE, Math.max(1, Math.trunc(n))) : 1);

export function toFeedEffectDoc(e: FeedEffect, seq: string): FeedEffectDoc {
  return {
    _id: e.id, seq, kind: e.kind, challengeId: e.challengeId, revision: e.revision, country: e.country,
    doc: e.doc === null ? null : JSON.stringify(e.doc),
    activity: e.activity === null || e.activity === undefined ? null : JSON.stringify(e.activity),
    createdAt: e.createdAt, doneAt: null,
  };
}

function fromDoc(d: FeedEffectDoc): FeedEffect {
  return {
    id: d._id, kind: d.kind, challengeId: d.challengeId, revision: d.revision, country: d.country,
    doc: d.doc === null ? null : (JSON.parse(d.doc) as Challenge), activity: d.activity === null ? null : JSON.parse(d.activity),
    createdAt: d.createdAt, doneAt: d.doneAt ?? null,
  };
}

/** Inserts unless present (idempotent: an applied-twice commit record inserts once). */
export async function insertFeedEffectDoc(c: Collection<FeedEffectDoc>, doc: FeedEffectDoc): Promise<boolean> {
  try {
    await c.insertOne(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

export class MongoFeedEffectRepository implements FeedEffectRepository {
  constructor(private readonly c: Collection<FeedEffectDoc>, private readonly sequence: StoreSequence) {}

  async record(effect: FeedEffect): Promise<boolean> {
    if (await this.c.findOne({ _id: effect.id }, { projection: { _id: 1 } })) return false;
    return insertFeedEffectDoc(this.c, toFeedEffectDoc(effect, await this.sequence.next()));
  }

  async pending(limit: number): Promise<FeedEffect[]> {
    const docs = await this.c.find({ doneAt: null }).sort({ seq: 1 }).limit(clamp(limit)).toArray();
    return docs.map(fromDoc);
  }

  async markDone(id: string, at: string): Promise<void> {
    await this.c.updateOne({ _id: id }, { $set: { doneAt: at } });
  }

  async get(id: string): Promise<FeedEffect | null> {
    const d = await this.c.findOne({ _id: id });
    return d ? fromDoc(d) : null;
  }
}
