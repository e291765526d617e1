// Port of the key pairs of every actor the node signs for (hubs, feed actors, the instance actor).

export type KeyAlgorithm = "RSASSA-PKCS1-v1_5" | "Ed25519";
export interface StoredKeyPair { publicKey: JsonWebKey; privateKey: JsonWebKey }

export interface KeyRepository {
  get(owner: string, algorithm: KeyAlgorithm): Promise<StoredKeyPair | null>;
  /** Insert if absent; returns the pair that is stored afterwards (the existing one wins a race). */
  putIfAbsent(owner: string, algorithm: KeyAlgorithm, pair: StoredKeyPair): Promise<StoredKeyPair>;
}
