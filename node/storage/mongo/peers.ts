// PeerRepository on MongoDB: one document per allowlisted peer, _id = origin.
import type { Collection } from "mongodb";
import { initialSyncState, type Peer, type PeerRecord, type PeerRepository, type PeerSyncState } from "../ports";
import { isDuplicateKey } from "./connection";

export interface PeerDoc { _id: string; country: string; role: Peer["role"]; source: Peer["source"]; addedAt: string; sync: Partial<PeerSyncState> }

const fromDoc = (d: PeerDoc): PeerRecord => ({
  origin: d._id, country: d.country, role: d.role, source: d.source, addedAt: d.addedAt, sync: { ...initialSyncState(), ...d.sync },
});

export class MongoPeerRepository implements PeerRepository {
  constructor(private readonly c: Collection<PeerDoc>) {}

  async upsert(peer: Peer): Promise<PeerRecord> {
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
    const d = await this.c.findOne({ _id: peer.origin });
    if (!d) throw new Error(`peer ${peer.origin} vanished`);
    return fromDoc(d);
  }

  async get(origin: string): Promise<PeerRecord | null> {
    const d = await this.c.findOne({ _id: origin });
    return d ? fromDoc(d) : null;
  }

  async list(): Promise<PeerRecord[]> {
    return (await this.c.find({}).sort({ _id: 1 }).toArray()).map(fromDoc);
  }

  async remove(origin: string): Promise<boolean> {
    return (await this.c.deleteOne({ _id: origin })).deletedCount > 0;
  }

  /**
   * One $set per patched field, so two patches of different fields never lose each other's on
   * MongoDB. (FerretDB 1.x applies an update as read + write of the whole document: there, two
   * concurrent patches of one peer can; the network runs one reconciliation per peer at a time.)
   */
  async patchSync(origin: string, patch: Partial<PeerSyncState>): Promise<void> {
    const set: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(patch)) if (value !== undefined) set[`sync.${field}`] = value;
    if (Object.keys(set).length === 0) return;
    await this.c.updateOne({ _id: origin }, { $set: set });
  }
}
