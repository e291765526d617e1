// PeerRepository on SQLite: one row per allowlisted peer; the sync state is a JSON column because it
// is always read and written as a whole (per peer, by one reconciliation at a time). A removed peer
// whose Undo(Follow) is still to be sent stays as a row with `removal` in that JSON (written by the
// same UPDATE that takes it off the allowlist) until the worker has sent it.
import { initialSyncState, type PendingUnfollow, type Peer, type PeerRecord, type PeerRepository, type PeerSyncState } from "../../domain/ports";
import type { Db } from "./database";

interface PeerRow { origin: string; country: string; role: string; source: string; added_at: string; sync: string }

function fromRow(r: PeerRow): PeerRecord {
  const { removal: _removal, ...sync } = JSON.parse(r.sync) as Partial<PeerSyncState> & { removal?: unknown };
  return {
    origin: r.origin, country: r.country, role: r.role as Peer["role"], source: r.source as Peer["source"], addedAt: r.added_at,
    sync: { ...initialSyncState(), ...sync },
  };
}

const LIVE = "json_extract(sync, '$.removal') IS NULL";

export class SqlitePeerRepository implements PeerRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      // Adding a removed origin again cancels its pending unfollow and starts over (its mirror is gone).
      insert: db.prepare(`INSERT INTO peers (origin, country, role, source, added_at, sync) VALUES (@origin, @country, @role, @source, @added_at, @sync)
        ON CONFLICT (origin) DO UPDATE SET country = excluded.country, role = excluded.role, source = excluded.source,
          added_at = CASE WHEN json_extract(peers.sync, '$.removal') IS NULL THEN peers.added_at ELSE excluded.added_at END,
          sync = CASE WHEN json_extract(peers.sync, '$.removal') IS NULL THEN peers.sync ELSE excluded.sync END`),
      get: db.prepare(`SELECT * FROM peers WHERE origin = ? AND ${LIVE}`),
      list: db.prepare(`SELECT * FROM peers WHERE ${LIVE} ORDER BY origin`),
      remove: db.prepare(`DELETE FROM peers WHERE origin = ? AND ${LIVE}`),
      markRemoved: db.prepare(`UPDATE peers SET sync = json_set(sync, '$.removal', json(?)) WHERE origin = ? AND ${LIVE}`),
      pending: db.prepare("SELECT origin, json_extract(sync, '$.removal') AS removal FROM peers WHERE json_extract(sync, '$.removal') IS NOT NULL ORDER BY json_extract(sync, '$.removal.removedAt'), origin"),
      unfollowed: db.prepare("DELETE FROM peers WHERE origin = ? AND json_extract(sync, '$.removal.followActivityId') = ?"),
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

  async remove(origin: string, unfollow?: Omit<PendingUnfollow, "origin">): Promise<boolean> {
    if (!unfollow) return this.s.remove.run(origin).changes > 0;
    const removal = { actorId: unfollow.actorId, followActivityId: unfollow.followActivityId, removedAt: unfollow.removedAt };
    return this.s.markRemoved.run(JSON.stringify(removal), origin).changes > 0;
  }

  async pendingUnfollows(): Promise<PendingUnfollow[]> {
    return (this.s.pending.all() as { origin: string; removal: string }[]).map((r) => ({ origin: r.origin, ...(JSON.parse(r.removal) as Omit<PendingUnfollow, "origin">) }));
  }

  async unfollowed(origin: string, followActivityId: string): Promise<void> {
    this.s.unfollowed.run(origin, followActivityId);
  }

  async patchSync(origin: string, patch: Partial<PeerSyncState>): Promise<void> {
    // Read-modify-write in one immediate transaction: two patches never lose each other's fields.
    // A removed peer (pending unfollow) is not patched: its sync has ended.
    this.db.transaction(() => {
      const r = this.s.get.get(origin) as PeerRow | undefined;
      if (!r) return;
      this.s.setSync.run(JSON.stringify({ ...fromRow(r).sync, ...patch }), origin);
    }).immediate();
  }
}
