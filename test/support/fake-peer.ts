// A separate fediverse server for federation tests: its own Fedify instance, keys, KV and HTTP server
// on 127.0.0.1. It follows actors by URL (acct: lookups are https-only) and records every activity
// its inbox accepts — Fedify verifies the sender's signatures first, so a recorded activity is an
// authenticated one — together with the raw JSON that arrived on the wire.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, signRequest, type Federation } from "@fedify/fedify";
import { Accept, Activity, Endpoints, Follow, isActor, Person, Undo, type Actor } from "@fedify/vocab";

export interface ReceivedActivity {
  type: string;
  id: string | null;
  activity: Activity;
  /** The JSON body exactly as it was POSTed. */
  raw: Record<string, unknown>;
  /** Which inbox received it: "shared" or the personal one. */
  inbox: "shared" | "personal";
}

export interface FakePeer {
  origin: string;
  actorUri: string;
  keyId: string;
  received: ReceivedActivity[];
  /** Sends a Follow to the actor at this URL; returns the Follow id. */
  follow(actorUrl: string): Promise<string>;
  /** Sends Undo(Follow) for an earlier follow. */
  unfollow(actorUrl: string, followId: string): Promise<void>;
  /** Resolves with the first received activity matching `pred` (polls; rejects after timeoutMs). */
  waitFor(pred: (a: ReceivedActivity) => boolean, timeoutMs?: number): Promise<ReceivedActivity>;
  close(): Promise<void>;
}

const USERNAME = "tester";

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakePeer(): Promise<FakePeer> {
  const received: ReceivedActivity[] = [];
  const rawById = new Map<string, { raw: Record<string, unknown>; inbox: "shared" | "personal" }>();
  const rsa = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed = await generateCryptoKeyPair("Ed25519");

  let federation: Federation<void> | null = null;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const body = req.method === "POST" ? await readBody(req) : undefined;
      if (body?.length) {
        try {
          const json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
          if (typeof json.id === "string") rawById.set(json.id, { raw: json, inbox: url.pathname === "/inbox" ? "shared" : "personal" });
        } catch { /* Fedify answers malformed bodies itself */ }
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await federation!.fetch(
        new Request(url, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined }),
        { contextData: undefined, onNotFound: () => new Response(null, { status: 404 }), onNotAcceptable: () => new Response(null, { status: 406 }) },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== USERNAME) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]!.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USERNAME ? [rsa, ed] : []));
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Activity, async (ctx, activity) => {
      const id = activity.id?.href ?? null;
      const wire = id ? rawById.get(id) : undefined;
      received.push({
        type: activity.constructor.name,
        id,
        activity,
        raw: wire?.raw ?? ((await activity.toJsonLd()) as Record<string, unknown>),
        inbox: wire?.inbox ?? (ctx.recipient ? "personal" : "shared"),
      });
    });

  const ctx = () => federation!.createContext(new URL(origin), undefined);
  const actorUri = `${origin}/users/${USERNAME}`;
  const lookupActor = async (url: string): Promise<Actor> => {
    const found = await ctx().lookupObject(url);
    if (!isActor(found)) throw new Error(`not an actor: ${url}`);
    return found;
  };

  return {
    origin,
    actorUri,
    keyId: `${actorUri}#main-key`,
    received,
    async follow(actorUrl) {
      const target = await lookupActor(actorUrl);
      const id = new URL(`/follows/${crypto.randomUUID()}`, origin);
      await ctx().sendActivity({ identifier: USERNAME }, target, new Follow({ id, actor: new URL(actorUri), object: target.id }));
      return id.href;
    },
    async unfollow(actorUrl, followId) {
      const target = await lookupActor(actorUrl);
      const follow = new Follow({ id: new URL(followId), actor: new URL(actorUri), object: target.id });
      await ctx().sendActivity({ identifier: USERNAME }, target,
        new Undo({ id: new URL(`${followId}/undo`), actor: new URL(actorUri), object: follow }));
    },
    async waitFor(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`fake peer: no matching activity within ${timeoutMs} ms; received ${received.map((a) => a.type).join(", ") || "nothing"}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export function isAccept(a: ReceivedActivity): boolean {
  return a.activity instanceof Accept;
}

// ---- raw requests for hostile-input tests ----

export interface RawResponse { status: number; body: string }

/** POSTs a body as-is (no signature) with node:http, tolerating a server that answers before reading it all. */
export function postRaw(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    const req = http.request(url, {
      method: "POST",
      headers: { "content-type": "application/activity+json", "content-length": String(payload.length), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    // The server may close the connection while we are still writing (413): the response counts.
    req.on("error", (error) => reject(error));
    req.end(payload);
  });
}

/**
 * POSTs an activity signed (draft-cavage) with a fresh key while claiming `keyId`: the signature is
 * well-formed but does not verify against the key the keyId's owner publishes.
 */
export async function postForged(url: string, activity: Record<string, unknown>, keyId: string): Promise<RawResponse> {
  const stranger = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const request = await signRequest(
    new Request(url, { method: "POST", headers: { "content-type": "application/activity+json", accept: "application/activity+json" }, body: JSON.stringify(activity) }),
    stranger.privateKey,
    new URL(keyId),
    { spec: "draft-cavage-http-signatures-12" },
  );
  const response = await fetch(request);
  return { status: response.status, body: await response.text() };
}
