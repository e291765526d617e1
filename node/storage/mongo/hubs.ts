// HubRepository on MongoDB: one document per hub, _id = handle (its uniqueness).
import type { Collection } from "mongodb";
import type { Hub } from "../../domain/types";
import { DuplicateError, type HubRepository, type StoredHub } from "../../domain/ports";
import { isDuplicateKey } from "./connection";
import { nextSequence } from "./sequence";

export interface HubDoc { _id: string; seq: string; doc: string; tokenHash: string }
const fromDoc = (d: HubDoc): StoredHub => ({ handle: d._id, doc: JSON.parse(d.doc) as Hub, tokenHash: d.tokenHash });

export class MongoHubRepository implements HubRepository {
  constructor(private readonly c: Collection<HubDoc>) {}

  async insert(hub: StoredHub): Promise<void> {
    try {
      await this.c.insertOne({ _id: hub.handle, seq: nextSequence(), doc: JSON.stringify(hub.doc), tokenHash: hub.tokenHash });
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateError(`hub ${hub.handle}`);
      throw err;
    }
  }

  async get(handle: string): Promise<StoredHub | null> {
    const d = await this.c.findOne({ _id: handle });
    return d ? fromDoc(d) : null;
  }

  /** In creation order. */
  async list(): Promise<StoredHub[]> {
    return (await this.c.find({}).sort({ seq: 1 }).toArray()).map(fromDoc);
  }

  async setTokenHash(handle: string, tokenHash: string): Promise<boolean> {
    return (await this.c.updateOne({ _id: handle }, { $set: { tokenHash } })).matchedCount > 0;
  }

  async updateDoc(handle: string, doc: Hub): Promise<boolean> {
    return (await this.c.updateOne({ _id: handle }, { $set: { doc: JSON.stringify(doc) } })).matchedCount > 0;
  }
}
