// A forger for the inbound-gate tests: a raw HTTP server on 127.0.0.1 with its own RSA key that
// serves whatever actor and key documents a test tells it to (a key document claiming any owner, an
// actor that does not list the key …), counts every request, and signs inbox POSTs by hand — both
// draft-cavage and RFC 9421, covering exactly the components a test chooses, or with headers a test
// breaks on purpose. Valid signatures are real: a control case with full coverage is accepted.
import { createHash, webcrypto } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ForgeServer {
  origin: string;
  /** Paths requested so far (GETs of documents, contexts …). */
  requests: string[];
  /** Serves `doc` as application/activity+json at `path` (replaces what was there). */
  serve(path: string, doc: unknown): void;
  privateKey: CryptoKey;
  publicKeyPem: string;
  close(): Promise<void>;
}

export async function startForgeServer(): Promise<ForgeServer> {
  const pair = (await webcrypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
  const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
  const documents = new Map<string, unknown>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(path);
    req.resume();
    const doc = documents.get(path);
    if (req.method === "POST") { res.writeHead(202).end(); return; } // an inbox that takes anything
    if (doc === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    serve: (path, doc) => { documents.set(path, doc); },
    privateKey: pair.privateKey,
    publicKeyPem,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** An actor document: a Person whose publicKey is `key` (or none). */
export function actorDocument(id: string, key: { id: string; pem: string } | null, inbox = `${id}/inbox`): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
    id, type: "Person", preferredUsername: id.split("/").pop(), inbox,
    ...(key ? { publicKey: { id: key.id, owner: id, publicKeyPem: key.pem } } : {}),
  };
}

/** A stand-alone key document claiming `owner`. */
export function keyDocument(id: string, owner: string, pem: string): Record<string, unknown> {
  return { "@context": "https://w3id.org/security/v1", id, type: "Key", owner, publicKeyPem: pem };
}

const b64 = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes as ArrayBuffer).toString("base64");

async function rsaSign(key: CryptoKey, text: string): Promise<string> {
  return b64(await webcrypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(text)));
}

export interface SignOptions {
  url: string;
  body: string;
  keyId: string;
  privateKey: CryptoKey;
}

/** draft-cavage: signs the names in `covered` (default: all four the gate requires). */
export async function signCavage(o: SignOptions & { covered?: string[]; date?: string; digest?: string }): Promise<Headers> {
  const url = new URL(o.url);
  const headers = new Headers({
    host: url.host,
    date: o.date ?? new Date().toUTCString(),
    digest: o.digest ?? `SHA-256=${createHash("sha256").update(o.body).digest("base64")}`,
    "content-type": "application/activity+json",
  });
  const covered = o.covered ?? ["(request-target)", "host", "date", "digest"];
  const text = covered.map((name) => `${name}: ${name === "(request-target)" ? `post ${url.pathname}` : headers.get(name) ?? ""}`).join("\n");
  const signature = await rsaSign(o.privateKey, text);
  headers.set("signature", `keyId="${o.keyId}",algorithm="rsa-sha256",headers="${covered.join(" ")}",signature="${signature}"`);
  return headers;
}

/** RFC 9421: signs the components in `covered` (default: @method, @target-uri, @authority, content-digest). */
export async function signRfc9421(o: SignOptions & { covered?: string[] }): Promise<Headers> {
  const url = new URL(o.url);
  const headers = new Headers({
    "content-type": "application/activity+json",
    "content-digest": `sha-256=:${createHash("sha256").update(o.body).digest("base64")}:`,
    date: new Date().toUTCString(),
  });
  const covered = o.covered ?? ["@method", "@target-uri", "@authority", "content-digest"];
  const value = (c: string) => c === "@method" ? "POST" : c === "@target-uri" ? url.href : c === "@authority" ? url.host
    : c === "@path" ? url.pathname : headers.get(c) ?? "";
  const created = Math.floor(Date.now() / 1000);
  const params = `(${covered.map((c) => `"${c}"`).join(" ")});alg="rsa-v1_5-sha256";keyid="${o.keyId}";created=${created}`;
  const base = [...covered.map((c) => `"${c}": ${value(c)}`), `"@signature-params": ${params}`].join("\n");
  headers.set("signature-input", `sig1=${params}`);
  headers.set("signature", `sig1=:${await rsaSign(o.privateKey, base)}:`);
  return headers;
}

export async function post(url: string, body: string, headers: Headers): Promise<number> {
  const res = await fetch(url, { method: "POST", headers, body });
  await res.arrayBuffer();
  return res.status;
}
