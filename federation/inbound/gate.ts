// The inbound gate: runs on every inbox POST after the body is read (≤ 1 MB) and before Fedify
// verifies anything. Fedify checks that a signature is valid for the key it names, and that the
// key document's `owner` equals the activity's actor — but a key document may *claim* any owner,
// on any origin. That was enough to forge a Delete of a peer's challenge with a key served from
// another server. The gate enforces what Fedify leaves open (SECURITY.md, FEDERATION.md):
//
//  1. A key speaks only for its own actor: every key a request names — HTTP Signature (cavage)
//     keyId, RFC 9421 keyid, LD signature creator, integrity proof verificationMethod — must sit on
//     the actor's origin, and, unless it is a fragment of the actor document itself, the actor's own
//     document must list it (publicKey / assertionMethod).
//  2. Strong signatures: cavage must cover (request-target), host, date and, with a body, digest;
//     RFC 9421 must cover @method, the target (@target-uri, or @authority and @path) and, with a
//     body, content-digest. Digests must match the body. Duplicate parameters are refused.
//  3. Well-formed input: a body that is not a JSON object with an actor, an unparsable Date, bad
//     base64 … are 400/401 here, never a 500 further down.
// Nothing here trusts a signature: Fedify still verifies it afterwards. The gate only refuses.
import { createHash, timingSafeEqual } from "node:crypto";
import {
  type CavageSignature,
  parseCavageSignature,
  parseContentDigest,
  parseDigest,
  parseRfc9421Inputs,
  parseRfc9421Signatures,
  SignatureHeaderError,
} from "./signature-headers";

/** The headers of a request as the gate and the fast path read them (a Fetch API Headers is one). */
export interface HeaderReader {
  /** The value, repeated ones joined with ", "; null when absent. */
  get(name: string): string | null;
  has(name: string): boolean;
}

export interface InboundRequest {
  method: string;
  headers: HeaderReader;
  body: Uint8Array;
}

export interface GateRefusal {
  status: 400 | 401;
  title: string;
  detail: string;
}

/** What the gate read of a request it let through, so that the fast path does not parse it again. */
export interface GatePassed {
  /** The body, a JSON object. */
  activity: Record<string, unknown>;
  /** Its draft-cavage Signature header (null when it is signed per RFC 9421, or only in the body). */
  cavage: CavageSignature | null;
}

export type GateVerdict = { refusal: GateRefusal; passed?: undefined } | { refusal?: undefined; passed: GatePassed };

export interface InboundGateOptions {
  /** Loads a remote JSON(-LD) document as the node fetches them (signed, guarded, cached). */
  loadDocument(url: string): Promise<unknown>;
  /** Accepted clock difference for Date headers (Fedify's own window: one hour). */
  maxSkewMs?: number;
  now?: () => number;
}

export type InboundGate = (request: InboundRequest) => Promise<GateVerdict>;

const HOUR = 60 * 60 * 1000;
const HASHES: Record<string, string> = { "sha-256": "sha256", "sha-512": "sha512" };

class Refused extends Error {
  constructor(readonly status: 400 | 401, readonly detail: string) {
    super(detail);
  }
}

const bad = (detail: string) => new Refused(400, detail);
const unauthorized = (detail: string) => new Refused(401, detail);

function digestMatches(algorithm: string, expectedBase64: string, body: Uint8Array): boolean {
  const hash = HASHES[algorithm];
  if (!hash) return false;
  const actual = createHash(hash).update(body).digest();
  const expected = Buffer.from(expectedBase64, "base64");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Digest values whose algorithm we know must all match; at least one known algorithm must be there. */
function checkDigests(digests: Map<string, string>, body: Uint8Array, header: string): void {
  const known = [...digests].filter(([algorithm]) => algorithm in HASHES);
  if (known.length === 0) throw unauthorized(`${header} names no supported algorithm (sha-256, sha-512)`);
  for (const [algorithm, value] of known) {
    if (!digestMatches(algorithm, value, body)) throw unauthorized(`${header} ${algorithm} does not match the body`);
  }
}

function keyIdsOfBody(body: Record<string, unknown>): string[] {
  const ids: string[] = [];
  const signature = body.signature as { creator?: unknown } | undefined;
  if (signature && typeof signature === "object") {
    if (typeof signature.creator !== "string") throw unauthorized("the LD signature names no creator key");
    ids.push(signature.creator);
  }
  const proofs = body.proof == null ? [] : Array.isArray(body.proof) ? body.proof : [body.proof];
  for (const proof of proofs) {
    const method = (proof as { verificationMethod?: unknown } | null)?.verificationMethod;
    const id = typeof method === "string" ? method : (method as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string") throw unauthorized("an integrity proof names no verification method");
    ids.push(id);
  }
  return ids;
}

function actorIdOf(body: Record<string, unknown>): URL {
  const actor = body.actor;
  const raw = typeof actor === "string" ? actor : (actor as { id?: unknown } | null)?.id;
  if (typeof raw !== "string") throw bad("the activity names no actor");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("the activity's actor is not a URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw bad("the activity's actor is not an http(s) URL");
  return url;
}

function parseUrl(id: string, what: string): URL {
  try {
    return new URL(id);
  } catch {
    throw unauthorized(`${what} ${JSON.stringify(id.slice(0, 200))} is not a URL`);
  }
}

const withoutFragment = (u: URL) => u.href.replace(/#.*$/, "");

/** Ids listed under a key of an actor document, in compact or expanded spelling. */
function listed(document: unknown, ...names: string[]): Set<string> {
  const out = new Set<string>();
  if (!document || typeof document !== "object") return out;
  for (const name of names) {
    const value = (document as Record<string, unknown>)[name];
    for (const entry of Array.isArray(value) ? value : value == null ? [] : [value]) {
      const id = typeof entry === "string" ? entry : (entry as { id?: unknown; "@id"?: unknown } | null)?.id ?? (entry as { "@id"?: unknown } | null)?.["@id"];
      if (typeof id === "string") out.add(id);
    }
  }
  return out;
}

function checkCavage(sig: CavageSignature, request: InboundRequest, hasBody: boolean): void {
  const covered = new Set(sig.headers);
  const missing = ["(request-target)", "host", "date", ...(hasBody ? ["digest"] : [])].filter((h) => !covered.has(h));
  if (missing.length) throw unauthorized(`the Signature must cover ${missing.join(", ")}`);
  if (hasBody) {
    const digest = request.headers.get("digest");
    if (!digest) throw unauthorized("a signed body needs a Digest header");
    checkDigests(parseDigest(digest), request.body, "Digest");
  }
}

function checkRfc9421(request: InboundRequest, hasBody: boolean): string[] {
  const inputs = parseRfc9421Inputs(request.headers.get("signature-input")!);
  const signatures = parseRfc9421Signatures(request.headers.get("signature") ?? "");
  const keyIds: string[] = [];
  for (const input of inputs) {
    if (!signatures.has(input.label)) throw unauthorized(`Signature-Input ${input.label} has no signature`);
    const c = new Set(input.components);
    const missing: string[] = [];
    if (!c.has("@method")) missing.push("@method");
    if (!c.has("@target-uri") && !(c.has("@authority") && c.has("@path"))) missing.push("@target-uri (or @authority and @path)");
    if (hasBody && !c.has("content-digest")) missing.push("content-digest");
    if (missing.length) throw unauthorized(`signature ${input.label} must cover ${missing.join(", ")}`);
    keyIds.push(String(input.params.keyid));
  }
  if (hasBody) {
    const contentDigest = request.headers.get("content-digest");
    if (!contentDigest) throw unauthorized("a signed body needs a Content-Digest header");
    checkDigests(parseContentDigest(contentDigest), request.body, "Content-Digest");
  }
  return keyIds;
}

export function createInboundGate(options: InboundGateOptions): InboundGate {
  const maxSkew = options.maxSkewMs ?? HOUR;
  const now = options.now ?? Date.now;

  async function check(request: InboundRequest): Promise<GatePassed> {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(request.body).toString("utf8"));
    } catch {
      throw bad("the body is not JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw bad("the body is not a JSON object");
    const activity = body as Record<string, unknown>;
    const actor = actorIdOf(activity);
    const hasBody = request.body.length > 0;

    const date = request.headers.get("date");
    if (date !== null) {
      const at = Date.parse(date);
      if (Number.isNaN(at)) throw bad("the Date header is not a date");
      if (Math.abs(now() - at) > maxSkew) throw unauthorized("the Date header is too far from the current time");
    }

    const keyIds: string[] = [];
    let cavage: CavageSignature | null = null;
    if (request.headers.has("signature-input")) {
      keyIds.push(...checkRfc9421(request, hasBody));
    } else if (request.headers.has("signature")) {
      cavage = parseCavageSignature(request.headers.get("signature")!);
      if (date === null) throw unauthorized("a draft-cavage signature needs a Date header");
      checkCavage(cavage, request, hasBody);
      keyIds.push(cavage.keyId);
    }
    keyIds.push(...keyIdsOfBody(activity));
    if (keyIds.length === 0) throw unauthorized("the request carries no signature");

    const foreign: string[] = [];
    for (const id of keyIds) {
      const key = parseUrl(id, "the key id");
      if (key.origin !== actor.origin) throw unauthorized(`the key ${key.href} is not on the origin of the actor ${actor.href}`);
      if (withoutFragment(key) !== actor.href) foreign.push(key.href);
    }
    const passed = { activity, cavage };
    if (foreign.length === 0) return passed;
    // A key in a document of its own: its `owner` claim is not enough, the actor must list it.
    let document: unknown;
    try {
      document = await options.loadDocument(actor.href);
    } catch {
      throw unauthorized(`the actor ${actor.href} could not be loaded to confirm its keys`);
    }
    const keys = listed(document, "publicKey", "https://w3id.org/security#publicKey", "assertionMethod", "https://w3id.org/security#assertionMethod");
    const unlisted = foreign.filter((k) => !keys.has(k));
    if (unlisted.length) throw unauthorized(`the actor ${actor.href} does not list the key ${unlisted[0]}`);
    return passed;
  }

  return async (request) => {
    try {
      return { passed: await check(request) };
    } catch (error) {
      if (error instanceof Refused) {
        return { refusal: { status: error.status, title: error.status === 400 ? "Bad Request" : "Unauthorized", detail: error.detail } };
      }
      if (error instanceof SignatureHeaderError) return { refusal: { status: 401, title: "Unauthorized", detail: error.message } };
      throw error;
    }
  };
}
