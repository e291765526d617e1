// MirroredHubRepository on SQLite: one row per peer hub; a sync replaces an origin's rows in one
// immediate transaction, so the directory never shows half of a peer's list.
import type { Hub } from "../../domain/types";
import type { MirroredHub, MirroredHubFilter, MirroredHubRepository } from "../../domain/ports";
import type { Db } from "./database";

interface Row { id: string; origin: string; synced_at: string; doc: string }
const fromRow = (r: Row): MirroredHub => ({ id: r.id, origin: r.origin, doc: JSON.parse(r.doc) as Hub, syncedAt: r.synced_at });

export class SqliteMirroredHubRepository implements MirroredHubRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      upsert: db.prepare(`INSERT INTO mirrored_hubs (id, origin, country, hub_type, synced_at, doc) VALUES (@id, @origin, @country, @hub_type, @synced_at, @doc)
        ON CONFLICT(id) DO UPDATE SET country = excluded.country, hub_type = excluded.hub_type, synced_at = excluded.synced_at, doc = excluded.doc
        WHERE mirrored_hubs.origin = excluded.origin`),
      idsOf: db.prepare("SELECT id FROM mirrored_hubs WHERE origin = ?").pluck(),
      deleteId: db.prepare("DELETE FROM mirrored_hubs WHERE id = ? AND origin = ?"),
      get: db.prepare("SELECT id, origin, synced_at, doc FROM mirrored_hubs WHERE id = ?"),
      list: db.prepare(`SELECT id, origin, synced_at, doc FROM mirrored_hubs
        WHERE (@country IS NULL OR country = @country) AND (@hub_type IS NULL OR hub_type = @hub_type) ORDER BY id`),
      removeOrigin: db.prepare("DELETE FROM mirrored_hubs WHERE origin = ?"),
    };
  }

  async replaceOrigin(origin: string, docs: Hub[], at: string): Promise<{ held: number; removed: number }> {
    return this.db.transaction(() => {
      const keep = new Set<string>();
      for (const doc of docs) {
        if (new URL(doc.id).origin !== origin) throw new Error(`hub ${doc.id} is not on ${origin}`);
        this.s.upsert.run({ id: doc.id, origin, country: doc.country, hub_type: doc.hubType, synced_at: at, doc: JSON.stringify(doc) });
        keep.add(doc.id);
      }
      let removed = 0;
      for (const id of this.s.idsOf.all(origin) as string[]) if (!keep.has(id)) removed += this.s.deleteId.run(id, origin).changes;
      return { held: keep.size, removed };
    }).immediate();
  }

  async getById(id: string): Promise<MirroredHub | null> {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  async list(filter: MirroredHubFilter = {}): Promise<MirroredHub[]> {
    return (this.s.list.all({ country: filter.country ?? null, hub_type: filter.hubType ?? null }) as Row[]).map(fromRow);
  }

  async removeOrigin(origin: string): Promise<number> {
    return this.s.removeOrigin.run(origin).changes;
  }
}
