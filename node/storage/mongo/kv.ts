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
//
// A process killed between inserting its marker and writing would otherwise freeze the key for that
// hour (every later cas from r finds the marker): a standby could never take a lease whose holder died
// mid-renewal. So a marker older than CAS_MARKER_STALE_MS whose document is still at r counts as
// abandoned, and the next cas claims the attempt after it ("<key>\0<r>\0<n>"), again by one insert,
// so exactly one cas wins that too. The write itself is conditional on `rev` still being r, which keeps
// a writer that stalled past the stale limit from overwriting its successor.
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { Collection } from "mongodb";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import { isDuplicateKey } from "./connection";

export interface KvDoc { _id: string; v: string; rev: string; exp: Date | null }
export interface KvCasDoc { _id: string; at: Date }

export const CAS_MARKER_TTL_MS = 60 * 60_000;
/** A marker this old whose document has not changed belongs to a cas that died before its write. */
export const CAS_MARKER_STALE_MS = 10_000;
/** Abandoned attempts claimed one after another before giving up (each needs a dead writer). */
const MAX_CAS_ATTEMPTS = 8;

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
    if (!(await this.claim(_id, current.rev))) return false;
    const sameRev = { _id, rev: current.rev };
    if (newValue === undefined) return (await this.c.deleteOne(sameRev)).deletedCount === 1;
    const doc = { v: JSON.stringify(newValue), rev: randomUUID(), exp: expiry(options) };
    return (await this.c.replaceOne(sameRev, doc)).matchedCount === 1;
  }

  /** Claims the right to change `_id` away from revision `rev`: true for exactly one caller. */
  private async claim(_id: string, rev: string): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const marker = attempt === 0 ? `${_id}\u0000${rev}` : `${_id}\u0000${rev}\u0000${attempt}`;
      try {
        await this.markers.insertOne({ _id: marker, at: new Date() });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // Someone claimed this attempt: a cas in progress or done (we lose), or one that died before writing.
      const held = await this.markers.findOne({ _id: marker });
      if (held && Date.now() - held.at.getTime() < CAS_MARKER_STALE_MS) return false;
      const doc = await this.c.findOne({ _id }, { projection: { rev: 1 } });
      if (doc?.rev !== rev) return false; // it did change away from rev
    }
    return false;
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
