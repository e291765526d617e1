// HubRepository on SQLite.
import type { Hub } from "../../domain/types";
import { DuplicateError, type HubRepository, type StoredHub } from "../../domain/ports";
import { isUniqueViolation, type Db } from "./database";

interface HubRow { handle: string; doc: string; token_hash: string }
const fromRow = (r: HubRow): StoredHub => ({ handle: r.handle, doc: JSON.parse(r.doc) as Hub, tokenHash: r.token_hash });

export class SqliteHubRepository implements HubRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare("INSERT INTO hubs (handle, doc, token_hash) VALUES (?, ?, ?)"),
      get: db.prepare("SELECT handle, doc, token_hash FROM hubs WHERE handle = ?"),
      list: db.prepare("SELECT handle, doc, token_hash FROM hubs ORDER BY seq"),
      setToken: db.prepare("UPDATE hubs SET token_hash = ? WHERE handle = ?"),
      setDoc: db.prepare("UPDATE hubs SET doc = ? WHERE handle = ?"),
    };
  }

  async insert(hub: StoredHub): Promise<void> {
    try {
      this.s.insert.run(hub.handle, JSON.stringify(hub.doc), hub.tokenHash);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateError(`hub ${hub.handle}`);
      throw err;
    }
  }

  async get(handle: string): Promise<StoredHub | null> {
    const r = this.s.get.get(handle) as HubRow | undefined;
    return r ? fromRow(r) : null;
  }

  /** In creation order. */
  async list(): Promise<StoredHub[]> {
    return (this.s.list.all() as HubRow[]).map(fromRow);
  }

  async setTokenHash(handle: string, tokenHash: string): Promise<boolean> {
    return this.s.setToken.run(tokenHash, handle).changes > 0;
  }

  async updateDoc(handle: string, doc: Hub): Promise<boolean> {
    return this.s.setDoc.run(JSON.stringify(doc), handle).changes > 0;
  }
}
