// ActivityRepository on MongoDB: the transactional outbox. Activities are inserted by the
// challenge repository when it applies a write (challenges.ts); this side reads and marks them.
import type { Collection } from "mongodb";
import type { ActivityRecord, ActivityRepository } from "../../domain/ports";
import { decodeCursor, encodeCursor } from "../cursor";
import { fromActivityDoc, type ActivityDoc } from "./challenge-docs";

const MAX_PAGE = 1000;
const clamp = (n: number) => (Number.isFinite(n) ? Math.min(MAX_PAGE, Math.max(1, Math.trunc(n))) : 1);

export class MongoActivityRepository implements ActivityRepository {
  constructor(private readonly c: Collection<ActivityDoc>) {}

  async pending(limit: number): Promise<ActivityRecord[]> {
    const docs = await this.c.find({ federatedAt: null }).sort({ seq: 1 }).limit(clamp(limit)).toArray();
    return docs.map(fromActivityDoc);
  }

  async markFederated(id: string, at: string): Promise<void> {
    await this.c.updateOne({ _id: id }, { $set: { federatedAt: at } });
  }

  async get(id: string): Promise<ActivityRecord | null> {
    const d = await this.c.findOne({ _id: id });
    return d ? fromActivityDoc(d) : null;
  }

  async pageByActor(actor: string, before: string | null, limit: number): Promise<{ items: ActivityRecord[]; next: string | null }> {
    const beforeSeq = before === null || before === undefined ? null : decodeCursor(before, "a", ["string"])[0] as string;
    const n = clamp(limit);
    const docs = await this.c.find(beforeSeq === null ? { actor } : { actor, seq: { $lt: beforeSeq } })
      .sort({ seq: -1 }).limit(n + 1).toArray();
    const page = docs.slice(0, n);
    const last = page[page.length - 1];
    return { items: page.map(fromActivityDoc), next: docs.length > n && last ? encodeCursor(["a", last.seq]) : null };
  }

  async countByActor(actor: string): Promise<number> {
    return this.c.countDocuments({ actor });
  }

  async forObject(objectId: string): Promise<ActivityRecord[]> {
    return (await this.c.find({ objectId }).sort({ seq: 1 }).toArray()).map(fromActivityDoc);
  }
}
