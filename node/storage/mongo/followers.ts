// FollowerRepository on MongoDB. One document per (hub, follower), that pair being the _id; paging
// order is the time a follower was first added (seq), kept when a re-follow updates the inboxes.
import type { Collection } from "mongodb";
import type { Follower, FollowerRepository } from "../../domain/ports";
import { decodeCursor, encodeCursor } from "../cursor";
import { isDuplicateKey } from "./connection";
import { nextSequence } from "./sequence";

export interface FollowerDoc {
  _id: string; hub: string; seq: string; actorId: string; inbox: string; sharedInbox: string | null; followId: string | null;
}
const idOf = (hub: string, actorId: string) => JSON.stringify([hub, actorId]);
const fromDoc = (d: FollowerDoc): Follower => ({ actorId: d.actorId, inbox: d.inbox, sharedInbox: d.sharedInbox ?? null, followId: d.followId ?? null });
const MAX_PAGE = 1000;

export class MongoFollowerRepository implements FollowerRepository {
  constructor(private readonly c: Collection<FollowerDoc>) {}

  async add(hub: string, f: Follower): Promise<void> {
    const upsert = () => this.c.updateOne(
      { _id: idOf(hub, f.actorId) },
      { $set: { inbox: f.inbox, sharedInbox: f.sharedInbox, followId: f.followId }, $setOnInsert: { hub, actorId: f.actorId, seq: nextSequence() } },
      { upsert: true },
    );
    try {
      await upsert();
    } catch (err) {
      // Two upserts of a new follower raced and the other inserted first: now it is an update.
      if (!isDuplicateKey(err)) throw err;
      await upsert();
    }
  }

  async remove(hub: string, actorId: string): Promise<boolean> {
    return (await this.c.deleteOne({ _id: idOf(hub, actorId) })).deletedCount > 0;
  }

  async removeByInbox(inbox: string): Promise<number> {
    // Two deletes, each on its own index (an $or across fields may scan).
    const a = await this.c.deleteMany({ inbox });
    const b = await this.c.deleteMany({ sharedInbox: inbox });
    return a.deletedCount + b.deletedCount;
  }

  async all(hub: string): Promise<Follower[]> {
    return (await this.c.find({ hub }).sort({ seq: 1 }).toArray()).map(fromDoc);
  }

  async page(hub: string, cursor: string | null, limit: number): Promise<{ items: Follower[]; next: string | null }> {
    const after = cursor === null || cursor === undefined ? null : decodeCursor(cursor, "f", ["string"])[0] as string;
    const n = Number.isFinite(limit) ? Math.min(MAX_PAGE, Math.max(1, Math.trunc(limit))) : 1;
    const docs = await this.c.find(after === null ? { hub } : { hub, seq: { $gt: after } }).sort({ seq: 1 }).limit(n + 1).toArray();
    const page = docs.slice(0, n);
    const last = page[page.length - 1];
    return { items: page.map(fromDoc), next: docs.length > n && last ? encodeCursor(["f", last.seq]) : null };
  }

  async count(hub: string): Promise<number> {
    return this.c.countDocuments({ hub });
  }
}
