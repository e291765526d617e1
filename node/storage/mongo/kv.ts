// Fedify's KvStore on MongoDB (fedify-notes.md §3). Keys are stored as _id = JSON.stringify(key),
// values as JSON strings (exact round trip; no field-name rules apply to them). An expired
// document reads as absent; a TTL index removes it when the server has TTL indexes, otherwise the
// store's sweeper does (FerretDB 1.x refuses expireAfterSeconds).
//
// cas() cannot rely on updateOne({_id, value}) being atomic: FerretDB 1.x runs it as a read and a
// write, and two racing calls can both "succeed". Each document carries a random revision `rev`;
// a cas that read revision r must insert the marker "<key>\0<r>" into fedify_kv_cas before it
// writes, so exactly one cas wins the change away from r, on any server. (Against a key that does
// not exist the insert of the document itself decides.) Markers are swept after an hour.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Collection } from "mongodb";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import { isDuplicateKey } from "./connection";

export interface KvDoc { _id: string; v: string; rev: string; exp: Date | null }
export interface KvCasDoc { _id: string; at: Date }

export const CAS_MARKER_TTL_MS = 60 * 60_000;

const encode = (key: KvKey) => JSON.stringify(key);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const live = (now: Date) => ({ $or: [{ exp: null }, { exp: { $gt: now } }] });
const isLive = (d: KvDoc, now: Date) => d.exp === null || d.exp === undefined || d.exp.getTime() > now.getTime();

function expiry(options?: KvStoreSetOptions): Date | null {
  return options?.ttl ? new Date(Date.now() + Math.max(0, options.ttl.total("millisecond"))) : null;
}

export class MongoKvStore implements KvStore {
  constructor(private readonly c: Collection<KvDoc>, private readonly markers: Collection<KvCasDoc>) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const d = await this.c.findOne({ _id: encode(key), ...live(new Date()) });
    return d ? (JSON.parse(d.v) as T) : undefined;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (value === undefined) return;
    await this.write(encode(key), JSON.stringify(value), expiry(options));
  }

  async delete(key: KvKey): Promise<void> {
    await this.c.deleteOne({ _id: encode(key) });
  }

  /** `expected === undefined` means "absent"; `newValue === undefined` deletes. Deep comparison. */
  async cas(key: KvKey, expected: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    const _id = encode(key);
    const now = new Date();
    const current = await this.c.findOne({ _id });
    const value: unknown = current && isLive(current, now) ? JSON.parse(current.v) : undefined;
    if (!isDeepStrictEqual(value, expected)) return false;
    if (!current) {
      if (newValue === undefined) return true; // absent stays absent
      try {
        await this.c.insertOne({ _id, v: JSON.stringify(newValue), rev: randomUUID(), exp: expiry(options) });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false; // another writer created it first
        throw err;
      }
    }
    try {
      await this.markers.insertOne({ _id: `${_id}\u0000${current.rev}`, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) return false; // another cas changed it away from what we read
      throw err;
    }
    if (newValue === undefined) await this.c.deleteOne({ _id });
    else await this.write(_id, JSON.stringify(newValue), expiry(options));
    return true;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = new Date();
    // ["a"] covers '["a"]' itself and every id starting '["a",' (never '["ab"]'): an anchored
    // regex, i.e. a range of the _id index.
    const filter = prefix === undefined || prefix.length === 0
      ? live(now)
      : { $and: [{ $or: [{ _id: encode(prefix) }, { _id: { $regex: `^${escapeRegex(encode(prefix).slice(0, -1))},` } }] }, live(now)] };
    for await (const d of this.c.find(filter).sort({ _id: 1 })) {
      yield { key: JSON.parse(d._id) as KvKey, value: JSON.parse(d.v) as unknown };
    }
  }

  /** Deletes expired values and old cas markers (needed where the server has no TTL index). */
  async sweep(): Promise<void> {
    const now = Date.now();
    await this.c.deleteMany({ exp: { $ne: null, $lte: new Date(now) } });
    await this.markers.deleteMany({ at: { $lt: new Date(now - CAS_MARKER_TTL_MS) } });
  }

  private async write(_id: string, v: string, exp: Date | null): Promise<void> {
    const doc = { v, rev: randomUUID(), exp };
    try {
      await this.c.replaceOne({ _id }, doc, { upsert: true });
    } catch (err) {
      // Two upserts of a new key raced (FerretDB inserts both): the other one's insert won, replace it.
      if (!isDuplicateKey(err)) throw err;
      await this.c.replaceOne({ _id }, doc, { upsert: true });
    }
  }
}
