// The two signatures an outgoing activity carries in its body, made once per activity (outgoing-activity.ts):
// the integrity proof (eddsa-jcs-2022, FEP-8b32) and the Linked Data signature (RsaSignature2017), byte
// for byte what Fedify's createProof and signJsonLd make (@fedify/fedify sig/proof.ts, sig/ld.ts), so that
// its verifiers and every server that checks either accept them (test/federation/outgoing-activity.test.ts).
//
// Why not Fedify's own functions: they hash and sign through WebCrypto, a trip to libuv's pool and back
// for each digest and signature, and Fedify canonicalises with jsonld's browser build, whose URDNA2015
// hashes through WebCrypto too. jsonld's Node build (the same library and version, rdf-canonize hashing
// with node:crypto in-line) and node:crypto's one-shot sign make the same bytes: in a micro-benchmark of a
// challenge's Create (2026-12-06), the Linked Data signature went from 4.8–5.7 to 3.0–4.9 ms of CPU.
import { createHash, KeyObject, sign } from "node:crypto";
import { encodeMultibase } from "@fedify/vocab-runtime";
import canonicalJson from "json-canon";
import jsonld from "jsonld";

type Json = Record<string, unknown>;
/** Fedify's context loader: (url) → { contextUrl, documentUrl, document }, the shape jsonld asks for. */
type ContextLoader = (url: string) => Promise<unknown>;

// A CryptoKey's KeyObject, made once per key: the keys are the hub's own, loaded once and kept by Fedify.
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
const keyObjectOf = (key: CryptoKey) => {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
};

/**
 * The eddsa-jcs-2022 proof Fedify's createProof makes, over the compact form as sent: SHA-256 of the
 * proof options and of the document (JCS), signed with Ed25519. Placed after `type`, with the document's
 * context, where Fedify's compaction puts it.
 */
export function withProof(doc: Json, privateKey: CryptoKey, keyId: URL): Json {
  const created = Temporal.Now.instant().toString();
  const options = {
    "@context": doc["@context"], type: "DataIntegrityProof", cryptosuite: "eddsa-jcs-2022",
    verificationMethod: keyId.href, proofPurpose: "assertionMethod", created,
  };
  const digest = Buffer.concat([
    createHash("sha256").update(canonicalJson(options)).digest(),
    createHash("sha256").update(canonicalJson(doc)).digest(),
  ]);
  const signature = sign(null, digest, keyObjectOf(privateKey));
  const proof = {
    type: "DataIntegrityProof", created, cryptosuite: "eddsa-jcs-2022", proofPurpose: "assertionMethod",
    proofValue: new TextDecoder().decode(encodeMultibase("base58btc", signature)), verificationMethod: keyId.href,
    "@context": doc["@context"],
  };
  const out: Json = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = v;
    if (k === "type") out.proof = proof;
  }
  return out;
}

/** A document's canonical form (RDFC-1.0, the standard name of URDNA2015; N-Quads), its contexts through the loader. */
export function canonicalNQuads(doc: Json, loader: ContextLoader): Promise<string> {
  return jsonld.canonize(doc as never, { format: "application/n-quads", documentLoader: loader as never });
}

/**
 * The RsaSignature2017 Fedify's signJsonLd attaches: the signature options (identity context, creator,
 * created) and the document, each canonicalised and hashed (SHA-256, hex), the two hex strings signed
 * with RSASSA-PKCS1-v1_5 / SHA-256, base64.
 */
export async function withLinkedDataSignature(doc: Json, privateKey: CryptoKey, keyId: URL, loader: ContextLoader): Promise<Json> {
  const options = { "@context": "https://w3id.org/identity/v1", creator: keyId.href, created: new Date().toISOString() };
  const hash = async (d: Json) => createHash("sha256").update(await canonicalNQuads(d, loader)).digest("hex");
  const message = (await hash(options)) + (await hash(doc));
  const signatureValue = sign("sha256", Buffer.from(message), keyObjectOf(privateKey)).toString("base64");
  return { ...doc, signature: { ...options, type: "RsaSignature2017", signatureValue } };
}
