// An activity to deliver, serialised and signed once, then one outbox message per inbox (issue 13,
// ADR 0019). Fedify's sendActivity compacts the activity twice — once for its integrity proof, once to
// send it — and checks each compact form's two interoperability rewrites (the public audience written
// out in full, a lone attachment as an array) by canonicalising the document before and after them
// (URDNA2015, four times), then canonicalises it once more for the Linked Data signature: ≈ 20 ms of CPU
// per activity, paid again by every activity the relay or the aggregator's feeds send.
//
// Here the activity is compacted once, by Fedify's vocabulary. The two rewrites are Fedify's; whether
// they keep the document's meaning depends only on the context and on where the rewritten values sit
// (JSON-LD scopes terms by context, by property and by type), so that answer is found by Fedify's own
// check — the canonical forms before and after compared — once per context and place, and remembered.
// The integrity proof (eddsa-jcs-2022, FEP-8b32) and the Linked Data signature are made over that rewritten
// form exactly as Fedify makes them (activity-signatures.ts). The messages are Fedify's OutboxMessage, so
// the lean first attempt (ADR 0015) and Fedify's own handler after it send them as they did.
//
// Anything this does not expect — no RSA key, a nested @context, a rewrite that would change the
// meaning — returns null, and the caller sends through Fedify's sendActivity as before.
import { randomUUID } from "node:crypto";
import { type ActorKeyPair, type Context, exportJwk, type Federation } from "@fedify/fedify";
import { type Activity, getTypeId } from "@fedify/vocab";
import { canonicalNQuads, withLinkedDataSignature, withProof } from "./activity-signatures";
import { type Audience, recipientsIn, targetsOf } from "./delivery-targets";

type Json = Record<string, unknown>;
type DocumentLoader = Context<void>["contextLoader"];

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const ADDRESSING = new Set(["to", "cc", "bto", "bcc", "audience"]);
const ATTACHMENT = new Set(["attachment", "https://www.w3.org/ns/activitystreams#attachment"]);
/** Fedify's traversal bound for the same rewrites. */
const MAX_DEPTH = 64;
const MAX_VERDICTS = 256;

/**
 * Fedify's outgoing rewrites (@fedify/fedify compat/outgoing-jsonld.ts, public-audience.ts): `as:Public`
 * or `Public` in an addressing field → the full IRI; a lone `attachment` value → an array of it. Returns
 * the rewritten copy (the input is not changed) and where each rewrite happened, as type paths
 * ("Create.object>Note.to"), or null when the document holds a nested @context (then Fedify decides).
 */
export function rewriteOutgoing(doc: Json): { doc: Json; places: string[] } | null {
  const places = new Set<string>();
  let nested = false;
  const walk = (value: unknown, key: string | null, path: string, depth: number): unknown => {
    if (typeof value === "string") {
      if (key !== null && ADDRESSING.has(key) && (value === "as:Public" || value === "Public")) {
        places.add(`${path}.${key}`);
        return PUBLIC;
      }
      return value;
    }
    if (depth >= MAX_DEPTH) {
      nested = true; // as deep as Fedify stops looking: leave the decision to Fedify
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, key, path, depth + 1));
    if (typeof value !== "object" || value === null) return value;
    const record = value as Json;
    if (depth > 0 && "@context" in record) nested = true;
    const type = typeof record.type === "string" ? record.type : JSON.stringify(record.type ?? null);
    const here = key === null ? type : `${path}.${key}>${type}`;
    const out: Json = {};
    for (const [k, v] of Object.entries(record)) {
      if (k === "@context" || (k === "@value" && depth > 0)) {
        out[k] = v;
        continue;
      }
      let next = walk(v, k, here, depth + 1);
      if (ATTACHMENT.has(k) && next != null && !Array.isArray(next) && !(typeof next === "object" && "@list" in next)) {
        places.add(`${here}.${k}[]`);
        next = [next];
      }
      out[k] = next;
    }
    return out;
  };
  const rewritten = walk(doc, null, "", 0) as Json;
  return nested ? null : { doc: rewritten, places: [...places].sort() };
}

/** Hands an activity to the delivery queue for its audience; resolves once every delivery is durable. */
export interface ActivitySender {
  send(identifier: string, audience: Audience, activity: Activity, orderingKey: string): Promise<void>;
}

/**
 * Fedify's own way: sendActivity, enqueued directly rather than through the fan-out lane (the relay
 * and the feeds already run in the background; the fan-out lane would serialise the activity, parse
 * it back and sign it again).
 */
export function fedifySender(federation: Federation<void>, origin: string): ActivitySender {
  return {
    async send(identifier, audience, activity, orderingKey) {
      const ctx = federation.createContext(new URL(origin), undefined);
      await ctx.sendActivity({ identifier }, recipientsIn(audience), activity, { preferSharedInbox: true, fanout: "skip", orderingKey });
    },
  };
}

export interface ActivitySenderOptions {
  federation: Federation<void>;
  origin: string;
  /** The outbox lane Fedify was given: its messages are Fedify's own from here on. */
  outbox: { enqueue(message: unknown, options?: { orderingKey?: string }): Promise<void> };
  /** Fedify starts its queues on a first sendActivity unless they are started by hand; so does this. */
  startQueue?: () => void;
}

/** Serialises and signs each activity once (above); Fedify's sendActivity for what this does not expect. */
export function createActivitySender(o: ActivitySenderOptions): ActivitySender {
  const fallback = fedifySender(o.federation, o.origin);
  // Context and places → whether the rewrites keep the document's canonical form (Fedify's check, once).
  const verdicts = new Map<string, Promise<boolean>>();
  const jwks = new WeakMap<CryptoKey, Promise<JsonWebKey>>();

  const keepsMeaning = (before: Json, after: Json, places: string[], loader: DocumentLoader): Promise<boolean> => {
    if (places.length === 0) return Promise.resolve(true);
    const key = `${JSON.stringify(before["@context"])}\n${places.join(" ")}`;
    let verdict = verdicts.get(key);
    if (!verdict) {
      const canonical = (doc: Json) => canonicalNQuads(doc, loader);
      // A failure (a context that could not be loaded) is not remembered: Fedify's path decides this time.
      verdict = Promise.all([canonical(before), canonical(after)]).then(([a, b]) => a === b, () => {
        verdicts.delete(key);
        return false;
      });
      if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
      verdicts.set(key, verdict);
    }
    return verdict;
  };

  const jwkOf = (key: CryptoKey) => {
    let jwk = jwks.get(key);
    if (!jwk) {
      jwk = exportJwk(key);
      jwks.set(key, jwk);
      jwk.catch(() => jwks.delete(key)); // not remembered: the send fails, and the next one asks again
    }
    return jwk;
  };

  /** The compact JSON-LD every inbox gets: rewritten, with its integrity proof and Linked Data signature. */
  const serialize = async (activity: Activity, keyPairs: readonly ActorKeyPair[], loader: DocumentLoader): Promise<Json | null> => {
    const rsa = keyPairs.find((k) => k.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5");
    const ed = keyPairs.filter((k) => k.privateKey.algorithm.name === "Ed25519" && k.multikey.id != null);
    if (!rsa || ed.length > 1) return null;
    const compact = (await activity.toJsonLd({ format: "compact", contextLoader: loader })) as Json;
    // Fedify rewrites a Follow's object too, and keeps the proofs an activity already carries.
    if (compact.type === "Follow" || "proof" in compact || "signature" in compact) return null;
    const rewritten = rewriteOutgoing(compact);
    if (!rewritten || !(await keepsMeaning(compact, rewritten.doc, rewritten.places, loader))) return null;
    const proved = ed[0] ? withProof(rewritten.doc, ed[0].privateKey, ed[0].multikey.id!) : rewritten.doc;
    return withLinkedDataSignature(proved, rsa.privateKey, rsa.keyId, loader);
  };

  return {
    async send(identifier, audience, activity, orderingKey) {
      const inboxes = targetsOf(audience);
      // Nobody to send to: nothing to sign (Fedify would make the proof before finding that out).
      if (inboxes.size === 0) return;
      if (activity.id == null || activity.actorId == null) return fallback.send(identifier, inboxes, activity, orderingKey);
      const ctx = o.federation.createContext(new URL(o.origin), undefined);
      const keyPairs = await ctx.getActorKeyPairs(identifier);
      const json = await serialize(activity, keyPairs, ctx.contextLoader);
      if (!json) return fallback.send(identifier, inboxes, activity, orderingKey);
      const keys = await Promise.all(keyPairs.map(async (kp) => ({ keyId: kp.keyId.href, privateKey: await jwkOf(kp.privateKey) })));
      // One instant for every message of the activity: with activityId it names one body (lean-delivery.ts).
      const started = new Date().toISOString();
      const common = { type: "outbox", baseUrl: new URL(o.origin).origin, keys, activity: json, activityId: activity.id.href, activityType: getTypeId(activity).href };
      // Fedify's OutboxMessage (@fedify/fedify federation/queue.ts), one per inbox, as its sendActivity enqueues them.
      await Promise.all([...inboxes].map(([inbox, { actorIds, sharedInbox }]) => {
        const key = `${orderingKey}\n${new URL(inbox).origin}`;
        const message = {
          ...common, id: randomUUID(), inbox, sharedInbox, actorIds: [...actorIds], started, attempt: 0, headers: {},
          orderingKey: key, traceContext: {},
        };
        return o.outbox.enqueue(message, { orderingKey: key });
      }));
      o.startQueue?.();
    },
  };
}
