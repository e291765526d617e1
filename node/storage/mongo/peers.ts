// PeerRepository on MongoDB: one document per allowlisted peer, _id = origin. A removed peer whose
// Undo(Follow) is still to be sent keeps its document with a `removal` field, set by the one update
// that takes it off the allowlist (a single-document write: atomic on every server, FerretDB too),
// until the worker has sent it.
import type { Collection } from "mongodb";
import { initialSyncState, type PendingUnfollow, type Peer, type PeerRecord, type PeerRepository, type PeerSyncState } from "../../domain/ports";
import { isDuplicateKey } from "./connection";

export interface PeerDoc {
  _id: string; country: string; role: Peer["role"]; source: Peer["source"]; addedAt: string; sync: Partial<PeerSyncState>;
  removal?: Omit<PendingUnfollow, "origin">;
}

const fromDoc = (d: PeerDoc): PeerRecord => ({
  origin: d._id, country: d.country, role: d.role, source: d.source, addedAt: d.addedAt, sync: { ...initialSyncState(), ...d.sync },
});

const LIVE = { removal: { $exists: false } };

export class MongoPeerRepository implements PeerRepository {
  constructor(private readonly c: Collection<PeerDoc>) {}

  async upsert(peer: Peer): Promise<PeerRecord> {
    // Adding a removed origin again cancels its pending unfollow and starts over (its mirror is gone).
    await this.c.updateOne(
      { _id: peer.origin, removal: { $exists: true } },
      { $set: { country: peer.country, role: peer.role, source: peer.source, addedAt: peer.addedAt, sync: initialSyncState() }, $unset: { removal: "" } },
    );
    const upsert = () => this.c.updateOne(
      { _id: peer.origin },
      { $set: { country: peer.country, role: peer.role, source: peer.source }, $setOnInsert: { addedAt: peer.addedAt, sync: initialSyncState() } },
      { upsert: true },
    );
    try {
      await upsert();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent upsert inserted it first
      await upsert();
    }
    const d = await this.c.findOne({ _id: peer.origin, ...LIVE });
    if (!d) throw new Error(`peer ${peer.origin} vanished`);
    return fromDoc(d);
  }

  async get(origin: string): Promise<PeerRecord | null> {
    const d = await this.c.findOne({ _id: origin, ...LIVE });
    return d ? fromDoc(d) : null;
  }

  async list(): Promise<PeerRecord[]> {
    return (await this.c.find(LIVE).sort({ _id: 1 }).toArray()).map(fromDoc);
  }

  async remove(origin: string, unfollow?: Omit<PendingUnfollow, "origin">): Promise<boolean> {
    if (!unfollow) return (await this.c.deleteOne({ _id: origin, ...LIVE })).deletedCount > 0;
    const removal = { actorId: unfollow.actorId, followActivityId: unfollow.followActivityId, removedAt: unfollow.removedAt };
    return (await this.c.updateOne({ _id: origin, ...LIVE }, { $set: { removal } })).matchedCount > 0;
  }

  async pendingUnfollows(): Promise<PendingUnfollow[]> {
    const docs = await this.c.find({ removal: { $exists: true } }).sort({ "removal.removedAt": 1, _id: 1 }).toArray();
    return docs.map((d) => ({ origin: d._id, ...d.removal! }));
  }

  async unfollowed(origin: string, followActivityId: string): Promise<void> {
    await this.c.deleteOne({ _id: origin, "removal.followActivityId": followActivityId });
  }

  /**
   * One $set per patched field, so two patches of different fields never lose each other's on
   * MongoDB. (FerretDB 1.x applies an update as read + write of the whole document: there, two
   * concurrent patches of one peer can; the network runs one reconciliation per peer at a time.)
   * A removed peer (pending unfollow) is not patched: its sync has ended.
   */
  async patchSync(origin: string, patch: Partial<PeerSyncState>): Promise<void> {
    const set: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) if (value !== undefined) set[`sync.${field}`] = value;
    if (Object.keys(set).length === 0) return;
    await this.c.updateOne({ _id: origin, ...LIVE }, { $set: set });
  }
}
