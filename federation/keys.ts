// Key pairs of every actor the node signs for (hubs, feed actors, the instance actor): generated once,
// persisted as JWK, cached in memory after the first import.
// RSA-2048 (not Fedify's 4096-bit default: a third of the signing cost per delivery) for
// draft-cavage signatures, Ed25519 for Object Integrity Proofs. Rotating keys makes Mastodon
// re-send follows, so a stored pair always wins over a freshly generated one (putIfAbsent).
import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";
import type { KeyAlgorithm, KeyRepository, StoredKeyPair } from "../node/domain/ports";

const ALGORITHMS: KeyAlgorithm[] = ["RSASSA-PKCS1-v1_5", "Ed25519"];

async function generate(algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
  if (algorithm === "Ed25519") return generateCryptoKeyPair("Ed25519");
  // Private keys must be extractable: Fedify exports them to JWK into queued messages.
  return (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
}

async function importPair(stored: StoredKeyPair): Promise<CryptoKeyPair> {
  return { privateKey: await importJwk(stored.privateKey, "private"), publicKey: await importJwk(stored.publicKey, "public") };
}

export class ActorKeys {
  private readonly cache = new Map<string, Promise<CryptoKeyPair[]>>();

  constructor(private readonly keys: KeyRepository) {}

  /** [RSA, Ed25519] for an actor IRI; Fedify derives #main-key and #key-2 ids from this order. */
  pairsFor(owner: string): Promise<CryptoKeyPair[]> {
    let pending = this.cache.get(owner);
    if (!pending) {
      pending = Promise.all(ALGORITHMS.map((alg) => this.loadOrCreate(owner, alg)));
      // A failed load (e.g. database down) must not be cached forever.
      pending.catch(() => this.cache.delete(owner));
      this.cache.set(owner, pending);
    }
    return pending;
  }

  private async loadOrCreate(owner: string, algorithm: KeyAlgorithm): Promise<CryptoKeyPair> {
    const existing = await this.keys.get(owner, algorithm);
    if (existing) return importPair(existing);
    const pair = await generate(algorithm);
    const stored = await this.keys.putIfAbsent(owner, algorithm, {
      publicKey: await exportJwk(pair.publicKey),
      privateKey: await exportJwk(pair.privateKey),
    });
    return importPair(stored);
  }
}
