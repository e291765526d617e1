// The lean delivery path (issue 13, ADR 0015): the first attempt of each of Fedify's outbox messages
// is sent here, and only what does not succeed goes to Fedify's own handler. A CPU profile of the
// fan-out benchmark showed ≈ 8 ms of CPU per delivery in Fedify's path: the private key imported from
// its JWK for every message, the Fetch API's Request/Response objects (twice: once to sign, once to
// send), OpenTelemetry context wrappers, circuit-breaker and signature-scheme lookups — and the RSA
// signature itself is a fraction of a millisecond. Here: the key is imported once and kept, the body is
// the activity Fedify already compacted and signed (LD signature, integrity proof) when it enqueued the
// message, the HTTP signature is draft-cavage over the same headers Fedify signs, and the POST goes
// through the transport's own undici dispatcher under the same per-origin rules.
//
// What is left to Fedify, unchanged: retries (attempt > 0) and messages its circuit breaker holds; a
// server whose circuit-breaker state is not clear, or for which Fedify remembers another signature
// scheme (RFC 9421); and every attempt that does not end in a 2xx — Fedify then sends the message
// itself, with its double-knocking, retry policy, 404/410 pruning and circuit breaker. (A server that
// answered 5xx is thus asked twice in a row; one held back by the transport is not asked at all.)
import { createHash, createPrivateKey, type JsonWebKey as NodeJwk, type KeyObject, sign } from "node:crypto";
import type { KvStore } from "@fedify/fedify";
import type { PostAnswer } from "./outgoing";
import { circuitKey } from "./peer-recovery";

/** The fields of Fedify's OutboxMessage this path reads (@fedify/fedify's queue.ts). */
interface OutboxMessage {
  type: "outbox";
  keys: { keyId: string; privateKey: JsonWebKey }[];
  activity: unknown;
  activityId?: string;
  /** When Fedify enqueued the fan-out: with activityId, one sendActivity() call (one body). */
  started?: string;
  inbox: string;
  headers?: Record<string, string>;
  attempt: number;
  circuitHeld?: boolean;
}

export interface LeanDeliveryOptions {
  /** Fedify's KV: its circuit-breaker state and remembered signature schemes live there. */
  kv: KvStore;
  /** The signed POST (federation/transport/outgoing.ts transportPost); null: no transport, Fedify's way. */
  post(url: URL, headers: Record<string, string>, body: Buffer): Promise<PostAnswer> | null;
  userAgent: string;
  /** A delivery made here (Fedify's meter counts its own). */
  onDelivered?(): void;
}

/** Resolves true when the message was delivered here (acknowledge it), false to hand it to Fedify. */
export type LeanDelivery = (message: unknown) => Promise<boolean>;

const CAVAGE = "draft-cavage-http-signatures-12";
const MAX_KEYS = 1000;
const MAX_BODIES = 64;

function isFirstOutboxAttempt(m: unknown): m is OutboxMessage {
  if (typeof m !== "object" || m === null) return false;
  const o = m as Partial<OutboxMessage>;
  return o.type === "outbox" && o.attempt === 0 && o.circuitHeld !== true && typeof o.inbox === "string" && Array.isArray(o.keys);
}

/**
 * The draft-cavage signature Fedify's signRequestDraft makes: every header of the request, in the
 * Fetch API's order (lower-cased names, sorted), after `(request-target)` with the path (no query).
 */
export function signCavage(url: URL, headers: Record<string, string>, keyId: string, key: KeyObject): string {
  const names = Object.keys(headers).sort();
  const text = [`(request-target): post ${url.pathname}`, ...names.map((n) => `${n}: ${headers[n]!.trim()}`)].join("\n");
  const signature = sign("sha256", Buffer.from(text), key).toString("base64");
  return `keyId="${keyId}",algorithm="rsa-sha256",headers="${["(request-target)", ...names].join(" ")}",signature="${signature}"`;
}

export function createLeanDelivery(options: LeanDeliveryOptions): LeanDelivery {
  const keys = new Map<string, KeyObject>();
  const keyOf = (jwk: JsonWebKey, keyId: string): KeyObject => {
    const cacheKey = `${keyId} ${jwk.n}`;
    let key = keys.get(cacheKey);
    if (!key) {
      key = createPrivateKey({ key: jwk as NodeJwk, format: "jwk" });
      if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
      keys.set(cacheKey, key);
    }
    return key;
  };

  // Every message of one sendActivity() call carries the same activity: its body and digest are made
  // once, not once per inbox (JSON, buffer and SHA-256 of ≈ 4 KiB were ≈ 0.15 ms per delivery).
  const bodies = new Map<string, { body: Buffer; digest: string }>();
  const bodyOf = (message: OutboxMessage) => {
    const cacheKey = message.activityId && message.started ? `${message.activityId}\n${message.started}` : null;
    let entry = cacheKey ? bodies.get(cacheKey) : undefined;
    if (!entry) {
      const body = Buffer.from(JSON.stringify(message.activity));
      entry = { body, digest: `SHA-256=${createHash("sha256").update(body).digest("base64")}` };
      if (cacheKey) {
        if (bodies.size >= MAX_BODIES) bodies.delete(bodies.keys().next().value!);
        bodies.set(cacheKey, entry);
      }
    }
    return entry;
  };

  return async (message) => {
    if (!isFirstOutboxAttempt(message)) return false;
    const rsa = message.keys.find((k) => k.privateKey?.kty === "RSA");
    if (!rsa) return false;
    let inbox: URL;
    try {
      inbox = new URL(message.inbox);
    } catch {
      return false;
    }
    // Fedify's own state for this server decides while there is any.
    if ((await options.kv.get(circuitKey(inbox.host))) !== undefined) return false;
    const spec = await options.kv.get(["_fedify", "httpMessageSignaturesSpec", inbox.origin]);
    if (spec !== undefined && spec !== CAVAGE) return false;

    const { body, digest } = bodyOf(message);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) headers[name.toLowerCase()] = value;
    headers["content-type"] = "application/activity+json";
    headers.host = inbox.host;
    headers.date = new Date().toUTCString();
    headers.digest = digest;
    const signature = signCavage(inbox, headers, rsa.keyId, keyOf(rsa.privateKey, rsa.keyId));
    let answer: PostAnswer | null;
    try {
      answer = await options.post(inbox, { ...headers, signature, "user-agent": options.userAgent }, body);
    } catch {
      return false; // the transport backed the server off; Fedify's attempt is answered at once
    }
    if (answer === null || answer.status < 200 || answer.status > 299) return false;
    options.onDelivered?.();
    return true;
  };
}
