// PeerRepository on SQLite: one row per allowlisted peer; the sync state is a JSON column because it
// is always read and written as a whole (per peer, by one reconciliation at a time).
import { initialSyncState, type Peer, type PeerRecord, type PeerRepository, type PeerSyncState } from "../ports";
import type { Db } from "./database";

interface PeerRow { origin: string; country: string; role: string; source: string; added_at: string; sync: string }

function fromRow(r: PeerRow): PeerRecord {
  return {
    origin: r.origin, country: r.country, role: r.role as Peer["role"], source: r.source as Peer["source"], addedAt: r.added_at,
    sync: { ...initialSyncState(), ...(JSON.parse(r.sync) as Partial<PeerSyncState>) },
  };
}

export class SqlitePeerRepository implements PeerRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO peers (origin, country, role, source, added_at, sync) VALUES (@origin, @country, @role, @source, @added_at, @sync)
        ON CONFLICT (origin) DO UPDATE SET country = excluded.country, role = excluded.role, source = excluded.source`),
      get: db.prepare("SELECT * FROM peers WHERE origin = ?"),
      list: db.prepare("SELECT * FROM peers ORDER BY origin"),
      remove: db.prepare("DELETE FROM peers WHERE origin = ?"),
      setSync: db.prepare("UPDATE peers SET sync = ? WHERE origin = ?"),
    };
  }

  async upsert(peer: Peer): Promise<PeerRecord> {
    this.s.insert.run({ origin: peer.origin, country: peer.country, role: peer.role, source: peer.source, added_at: peer.addedAt, sync: JSON.stringify(initialSyncState()) });
    return fromRow(this.s.get.get(peer.origin) as PeerRow);
  }

  async get(origin: string): Promise<PeerRecord | null> {
    const r = this.s.get.get(origin) as PeerRow | undefined;
    return r ? fromRow(r) : null;
  }

  async list(): Promise<PeerRecord[]> {
    return (this.s.list.all() as PeerRow[]).map(fromRow);
  }

  async remove(origin: string): Promise<boolean> {
    return this.s.remove.run(origin).changes > 0;
  }

  async patchSync(origin: string, patch: Partial<PeerSyncState>): Promise<void> {
    // Read-modify-write in one immediate transaction: two patches never lose each other's fields.
    this.db.transaction(() => {
      const r = this.s.get.get(origin) as PeerRow | undefined;
      if (!r) return;
      this.s.setSync.run(JSON.stringify({ ...fromRow(r).sync, ...patch }), origin);
    }).immediate();
  }
}
