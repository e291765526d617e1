// MirroredHubRepository on MongoDB: one document per peer hub, _id = its actor IRI. The document is
// kept as JSON text, like local hubs (hubs.ts): `extensions` keys are URLs, with dots Mongo forbids in
// field names. Without transactions a sync is upserts, then one delete of what the peer no longer
// lists; each step is idempotent, and a sync that stopped half-way is completed by the next one.
import type { Collection } from "mongodb";
import type { Hub } from "../../domain/types";
import type { MirroredHub, MirroredHubFilter, MirroredHubRepository } from "../../domain/ports";

export interface MirroredHubDoc { _id: string; origin: string; country: string; hubType: string; syncedAt: string; doc: string }
const fromDoc = (d: MirroredHubDoc): MirroredHub => ({ id: d._id, origin: d.origin, doc: JSON.parse(d.doc) as Hub, syncedAt: d.syncedAt });

export class MongoMirroredHubRepository implements MirroredHubRepository {
  constructor(private readonly c: Collection<MirroredHubDoc>) {}

  async replaceOrigin(origin: string, docs: Hub[], at: string): Promise<{ held: number; removed: number }> {
    for (const doc of docs) if (new URL(doc.id).origin !== origin) throw new Error(`hub ${doc.id} is not on ${origin}`);
    if (docs.length) {
      await this.c.bulkWrite(docs.map((doc) => ({
        replaceOne: { filter: { _id: doc.id, origin }, replacement: { origin, country: doc.country, hubType: doc.hubType, syncedAt: at, doc: JSON.stringify(doc) }, upsert: true },
      })), { ordered: false });
    }
    const ids = [...new Set(docs.map((d) => d.id))];
    const { deletedCount } = await this.c.deleteMany({ origin, _id: { $nin: ids } });
    return { held: ids.length, removed: deletedCount };
  }

  async getById(id: string): Promise<MirroredHub | null> {
    const d = await this.c.findOne({ _id: id });
    return d ? fromDoc(d) : null;
  }

  async list(filter: MirroredHubFilter = {}): Promise<MirroredHub[]> {
    const query: Partial<Pick<MirroredHubDoc, "country" | "hubType">> = {};
    if (filter.country) query.country = filter.country;
    if (filter.hubType) query.hubType = filter.hubType;
    return (await this.c.find(query).sort({ _id: 1 }).toArray()).map(fromDoc);
  }

  async removeOrigin(origin: string): Promise<number> {
    return (await this.c.deleteMany({ origin })).deletedCount;
  }
}
