// KeyRepository on MongoDB. putIfAbsent is race-free across processes: an insert on the unique
// _id (owner, algorithm) decides which pair is stored, and every caller reads back the winner.
import type { Collection } from "mongodb";
import type { KeyAlgorithm, KeyRepository, StoredKeyPair } from "../../domain/ports";
import { isDuplicateKey } from "./connection";

export interface KeyDoc { _id: string; owner: string; algorithm: KeyAlgorithm; publicKey: string; privateKey: string }
const idOf = (owner: string, algorithm: KeyAlgorithm) => JSON.stringify([owner, algorithm]);
// JWKs as JSON strings: exact round trip, whatever members a key type has.
const fromDoc = (d: KeyDoc): StoredKeyPair => ({
  publicKey: JSON.parse(d.publicKey) as JsonWebKey, privateKey: JSON.parse(d.privateKey) as JsonWebKey,
});

export class MongoKeyRepository implements KeyRepository {
  constructor(private readonly c: Collection<KeyDoc>) {}

  async get(owner: string, algorithm: KeyAlgorithm): Promise<StoredKeyPair | null> {
    const d = await this.c.findOne({ _id: idOf(owner, algorithm) });
    return d ? fromDoc(d) : null;
  }

  async putIfAbsent(owner: string, algorithm: KeyAlgorithm, pair: StoredKeyPair): Promise<StoredKeyPair> {
    const _id = idOf(owner, algorithm);
    try {
      await this.c.insertOne({ _id, owner, algorithm, publicKey: JSON.stringify(pair.publicKey), privateKey: JSON.stringify(pair.privateKey) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await this.c.findOne({ _id });
    if (!stored) throw new Error(`key pair of ${owner} (${algorithm}) vanished`);
    return fromDoc(stored);
  }
}
