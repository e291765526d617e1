// The fast path for allowlisted peers' challenge activities (issue 13, ADR 0014; DESIGN §8: "known
// IPN peers can use a plain-JSON fast path without giving up verification"). Fedify verifies an
// inbox POST through JSON-LD: it expands the activity, checks a Linked Data signature by
// canonicalising it, and parses the activity into its vocabulary — ≈ 37 ms of CPU per activity on
// these machines, which is what held back inbound ingest (P2) and propagation to 30 followers (P4).
// A Create, Update, Announce or Delete from a peer only *hints* at a change (the mirror fetches the
// object from its origin, federation/network/mirror-inbox.ts), so all the node needs from it is four
// strings — and the proof that the peer's actor sent it. That proof is its HTTP signature, checked
// here with node:crypto against the actor's own key (kept in memory).
//
// Taken here, only when every condition holds; anything else returns null and goes to Fedify's
// full path unchanged (which also answers every refusal):
//  - the shared inbox; a draft-cavage signature (the inbound gate has already checked its coverage,
//    its Date and the body's Digest) whose key is a fragment of the actor's own document;
//  - a JSON object whose @context is the plain AS2 one, possibly with known vocabularies or inline
//    terms that do not redefine what is read here (id, type, actor, object, the "as" prefix) and set
//    no keyword (@vocab, @protected…); no "@id"/"@type" aliases;
//  - type Create, Update, Announce or Delete, one actor and one object given by id;
//  - the actor's origin is on the allowlist;
//  - the signature verifies with the key the actor's document lists (RSA, SHA-256). A signature that
//    does not verify with the remembered key goes to Fedify, which fetches the key afresh: a rotated
//    key costs one slow request, a forged one a 401 from Fedify.
// Then the hint is queued durably (the inbox lane) and answered 202; nothing acknowledged is lost. The
// same actor's activity id taken by this process in the last two hours is answered 202 again without a
// second hint.
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import type { GatePassed, HeaderReader } from "./gate";
import { parseCavageSignature } from "./signature-headers";

export const HINT_KINDS = ["Create", "Update", "Announce", "Delete"] as const;
export type HintKind = (typeof HINT_KINDS)[number];

/** What the mirror needs of a peer's activity: the rest is fetched from the object's origin. */
export interface PeerHint {
  kind: HintKind;
  actor: string;
  object: string;
  /** The activity's id (null when it has none): for the logs, and to take a repeated activity once. */
  activity: string | null;
}

export interface FastPathRequest {
  url: URL;
  headers: HeaderReader;
  body: Uint8Array;
  /** What the inbound gate already parsed of this request (its body and Signature header), if it ran. */
  read?: GatePassed;
}

export interface PeerFastPathOptions {
  /** The shared inbox path ("/inbox"). */
  inboxPath: string;
  /** Whether an origin is on this node's allowlist. */
  isPeer(origin: string): Promise<boolean>;
  /** Loads a remote document as the node fetches them (signed, guarded, cached). */
  loadDocument(url: string): Promise<unknown>;
  /** Stores the hint durably; resolves once it is. */
  enqueue(hint: PeerHint): Promise<void>;
  /** Kinds this node must see as whole activities (the aggregator forwards Update and Delete). */
  fullPathKinds?: readonly HintKind[];
  /** How long an actor's key is used without asking its document again (default 10 minutes). */
  keyTtlMs?: number;
  now?: () => number;
}

/** Resolves "accepted" when the activity was taken (answer 202), null to hand it to Fedify. */
export type PeerFastPath = (request: FastPathRequest) => Promise<"accepted" | null>;

const AS2 = "https://www.w3.org/ns/activitystreams";
/** Vocabularies that define none of the terms read here (Fedify's and Mastodon's usual companions). */
export const KNOWN_CONTEXTS: ReadonlySet<string> = new Set([
  AS2,
  "https://w3id.org/security/v1",
  "https://w3id.org/security/data-integrity/v1",
  "https://w3id.org/security/data-integrity/v2",
  "https://w3id.org/security/multikey/v1",
  "https://w3id.org/identity/v1",
  "https://www.w3.org/ns/did/v1",
  "https://gotosocial.org/ns",
]);
/** Terms an inline context must not define: they, or the prefix ActivityStreams' own terms are
 * written with, would change what is read here. Every keyword (@vocab, @base, @import, @protected,
 * @version…) is refused too: none is needed by a peer's inline terms, and each changes how they read. */
const READ_TERMS = new Set(["id", "type", "actor", "object", "as", ...HINT_KINDS]);
const MAX_KEYS = 1000;
/** Activity ids taken within this long are taken once: the inbound gate accepts a Date up to an hour
 * either side of its clock, so a signed request can be replayed for two hours. */
const SEEN_MS = 2 * 60 * 60_000;
const MAX_SEEN = 10_000;

function plainContext(context: unknown): boolean {
  const entries = Array.isArray(context) ? context : [context];
  if (!entries.includes(AS2)) return false;
  return entries.every((entry) =>
    typeof entry === "string"
      ? KNOWN_CONTEXTS.has(entry)
      : entry !== null && typeof entry === "object" && !Array.isArray(entry) && Object.keys(entry).every((k) => !READ_TERMS.has(k) && !k.startsWith("@")));
}

const idOf = (value: unknown): string | null =>
  typeof value === "string" ? value : value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id : null;

/** The hint an activity carries, or null when it is not one this path reads. */
export function hintOf(body: unknown): PeerHint | null {
  if (!body || typeof body !== "object" || Array.isArray(body)) return null;
  const a = body as Record<string, unknown>;
  if ("@id" in a || "@type" in a || !plainContext(a["@context"])) return null;
  if (typeof a.type !== "string" || !(HINT_KINDS as readonly string[]).includes(a.type)) return null;
  if (typeof a.actor !== "string" || Array.isArray(a.object)) return null;
  const object = idOf(a.object);
  if (object === null) return null;
  if (a.object && typeof a.object === "object" && ("@id" in a.object || "@type" in a.object)) return null;
  try {
    new URL(a.actor);
    new URL(object);
  } catch {
    return null;
  }
  return { kind: a.type as HintKind, actor: a.actor, object, activity: typeof a.id === "string" ? a.id : null };
}

/** The draft-cavage signing string over the named headers; null when it names one this path does not rebuild. */
export function signingString(names: readonly string[], url: URL, headers: HeaderReader): string | null {
  const lines: string[] = [];
  for (const name of names) {
    if (name === "(request-target)") {
      lines.push(`(request-target): post ${url.pathname}${url.search}`);
      continue;
    }
    if (name.startsWith("(")) return null; // (created), (expires): Fedify's path reads them
    const value = headers.get(name);
    if (value === null) return null;
    lines.push(`${name}: ${value}`);
  }
  return lines.join("\n");
}

/** The RSA key the actor's document lists under that id (owner checked), or null. */
function keyIn(document: unknown, keyId: string, actor: string): KeyObject | null {
  if (!document || typeof document !== "object") return null;
  const d = document as Record<string, unknown>;
  if (d.id !== actor) return null;
  const listed = Array.isArray(d.publicKey) ? d.publicKey : d.publicKey == null ? [] : [d.publicKey];
  for (const entry of listed) {
    const k = entry as { id?: unknown; owner?: unknown; publicKeyPem?: unknown } | null;
    if (!k || k.id !== keyId || typeof k.publicKeyPem !== "string") continue;
    if (k.owner !== undefined && k.owner !== actor) return null;
    try {
      const key = createPublicKey(k.publicKeyPem);
      return key.asymmetricKeyType === "rsa" ? key : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** How long an origin found on the allowlist is taken as still on it without reading it again. */
const ON_ALLOWLIST_MS = 5_000;

/** Values kept until a time each, at most `max` of them (the oldest goes first when full). */
class Expiring<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly max: number, private readonly now: () => number) {}

  get(key: string): V | undefined {
    const held = this.entries.get(key);
    if (held && held.until > this.now()) return held.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, forMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: this.now() + forMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/**
 * isPeer over the allowlist that remembers, for a few seconds, the origins it found on it: reading a
 * peer's row (its sync state is parsed with it) was ≈ 3 % of an inbox POST's CPU. Only a yes is
 * remembered, so a peer just added is taken at once. A peer just removed may have hints queued for a
 * few more seconds; the mirror reads the allowlist again before it acts on one
 * (federation/network/mirror-inbox.ts), so they change nothing.
 */
export function peerOnAllowlist(peers: { get(origin: string): Promise<unknown> }, now: () => number = Date.now): (origin: string) => Promise<boolean> {
  const found = new Expiring<true>(MAX_KEYS, now);
  return async (origin) => {
    if (found.get(origin)) return true;
    if ((await peers.get(origin)) === null) return false;
    found.set(origin, true, ON_ALLOWLIST_MS);
    return true;
  };
}

export function createPeerFastPath(options: PeerFastPathOptions): PeerFastPath {
  const ttl = options.keyTtlMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const fullPath = new Set<string>(options.fullPathKinds ?? []);
  const keys = new Expiring<KeyObject>(MAX_KEYS, now);
  // Activities already queued, by actor and id: a replayed request (or a peer's retry after a lost
  // answer) is answered 202 again without queueing its hint twice, which would cost the mirror a second
  // fetch. By actor too: another peer sending an id it guessed must not hide the real activity.
  const seen = new Expiring<true>(MAX_SEEN, now);
  const seenKey = (hint: PeerHint) => (hint.activity === null ? null : `${hint.actor}\n${hint.activity}`);
  const seenBefore = (hint: PeerHint): boolean => {
    const key = seenKey(hint);
    return key !== null && seen.get(key) === true;
  };
  const remember = (hint: PeerHint): void => {
    const key = seenKey(hint);
    if (key !== null) seen.set(key, true, SEEN_MS);
  };

  async function keyOf(keyId: string, actor: string): Promise<KeyObject | null> {
    const held = keys.get(keyId);
    if (held) return held;
    let document: unknown;
    try {
      document = await options.loadDocument(actor);
    } catch {
      return null;
    }
    const key = keyIn(document, keyId, actor);
    if (key) keys.set(keyId, key, ttl);
    return key;
  }

  return async ({ url, headers, body, read }) => {
    if (url.pathname !== options.inboxPath) return null;
    const header = headers.get("signature");
    if (header === null || headers.has("signature-input") || !headers.has("digest")) return null;
    let parsed: unknown;
    try {
      parsed = read ? read.activity : JSON.parse(Buffer.from(body).toString("utf8"));
    } catch {
      return null;
    }
    const hint = hintOf(parsed);
    if (!hint || fullPath.has(hint.kind)) return null;
    let signature: ReturnType<typeof parseCavageSignature>;
    try {
      signature = read?.cavage ?? parseCavageSignature(header);
    } catch {
      return null;
    }
    if (signature.algorithm !== undefined && !["rsa-sha256", "hs2019"].includes(signature.algorithm.toLowerCase())) return null;
    if (!["(request-target)", "host", "date", "digest"].every((h) => signature.headers.includes(h))) return null;
    const keyId = signature.keyId;
    if (keyId.replace(/#.*$/, "") !== hint.actor || !keyId.includes("#")) return null;
    const origin = new URL(hint.actor).origin;
    if (!(await options.isPeer(origin))) return null;
    const text = signingString(signature.headers, url, headers);
    if (text === null) return null;
    const key = await keyOf(keyId, hint.actor);
    if (!key) return null;
    if (!verify("sha256", Buffer.from(text), key, Buffer.from(signature.signature, "base64"))) {
      keys.delete(keyId); // perhaps rotated: Fedify fetches it afresh, and refuses a forgery
      return null;
    }
    if (seenBefore(hint)) return "accepted";
    await options.enqueue(hint);
    remember(hint);
    return "accepted";
  };
}
