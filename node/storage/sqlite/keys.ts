// KeyRepository on SQLite. putIfAbsent is race-free across processes: the primary key decides
// which pair is stored, and every caller reads back the winner.
import type { KeyAlgorithm, KeyRepository, StoredKeyPair } from "../../domain/ports";
import type { Db } from "./database";

interface KeyRow { public_key: string; private_key: string }
const fromRow = (r: KeyRow): StoredKeyPair => ({
  publicKey: JSON.parse(r.public_key) as JsonWebKey, privateKey: JSON.parse(r.private_key) as JsonWebKey,
});

export class SqliteKeyRepository implements KeyRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare("SELECT public_key, private_key FROM key_pairs WHERE owner = ? AND algorithm = ?"),
      insert: db.prepare(`INSERT INTO key_pairs (owner, algorithm, public_key, private_key) VALUES (?, ?, ?, ?)
        ON CONFLICT (owner, algorithm) DO NOTHING`),
    };
  }

  async get(owner: string, algorithm: KeyAlgorithm): Promise<StoredKeyPair | null> {
    const r = this.s.get.get(owner, algorithm) as KeyRow | undefined;
    return r ? fromRow(r) : null;
  }

  async putIfAbsent(owner: string, algorithm: KeyAlgorithm, pair: StoredKeyPair): Promise<StoredKeyPair> {
    this.s.insert.run(owner, algorithm, JSON.stringify(pair.publicKey), JSON.stringify(pair.privateKey));
    return fromRow(this.s.get.get(owner, algorithm) as KeyRow);
  }
}
