// A separate fediverse server for federation tests that behaves like GoToSocial (and Mastodon in secure
// mode) where it matters to us: its own Fedify instance, keys, KV and HTTP server on 127.0.0.1; it
// answers unsigned GETs of its actor and keys with 401 (Fedify's verifyRequest decides); it signs its
// own fetches; it delivers to the shared inbox; and when it resolves one of our actors it refuses a
// username that GoToSocial would refuse and checks that WebFinger resolves that username back to the
// actor. It follows actors by URL (acct: lookups are https-only) and records every activity its inbox
// accepts — Fedify verifies the sender's signatures first, so a recorded activity is an authenticated
// one — together with the raw JSON and the User-Agent that arrived on the wire.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createFederation, generateCryptoKeyPair, type HttpMessageSignaturesSpec, MemoryKvStore, signRequest, type Federation } from "@fedify/fedify";
import { Accept, Activity, Endpoints, Follow, isActor, Person, Undo, type Actor } from "@fedify/vocab";
import { type FetchLog, refuseUnsigned, schemeOf } from "./signed-fetch-gate";

export interface ReceivedActivity {
  type: string;
  id: string | null;
  activity: Activity;
  /** The JSON body exactly as it was POSTed. */
  raw: Record<string, unknown>;
  /** Which inbox received it: "shared" or the personal one. */
  inbox: "shared" | "personal";
  /** The User-Agent header of the delivery. */
  userAgent: string | null;
}

export interface FakePeerOptions {
  /** GoToSocial's behaviour (default true): unsigned GETs of the actor and its keys get 401. */
  requireSignedFetch?: boolean;
  /** Hostile: publish these inbox URLs instead of our own (e.g. on another origin). */
  inboxes?: { inbox: string; sharedInbox: string };
  /** The HTTP signature schemes it verifies on GETs (default both); e.g. only RFC 9421. */
  acceptSchemes?: readonly HttpMessageSignaturesSpec[];
}

export interface FakePeer {
  origin: string;
  actorUri: string;
  keyId: string;
  received: ReceivedActivity[];
  /** Every request that reached this server, in order. */
  requests: FetchLog[];
  /** Sends a Follow to the actor at this URL; returns the Follow id. */
  follow(actorUrl: string): Promise<string>;
  /** Sends Undo(Follow) for an earlier follow. */
  unfollow(actorUrl: string, followId: string): Promise<void>;
  /** Sends an activity built by `build` (given the resolved target) to the target's shared inbox. */
  send(actorUrl: string, build: (target: Actor) => Activity): Promise<void>;
  /** A GET signed by this server's account (draft-cavage), as another server would fetch. */
  signedGet(url: string): Promise<{ status: number; json: Record<string, unknown> | null }>;
  /** Resolves the actor as GoToSocial would (signed fetch, username rules, WebFinger round trip). */
  lookupActor(url: string): Promise<Actor>;
  /** Down (true): every request has its connection reset, as while the server restarts. */
  setDown(down: boolean): void;
  /** Resolves with the first received activity matching `pred` (polls; rejects after timeoutMs). */
  waitFor(pred: (a: ReceivedActivity) => boolean, timeoutMs?: number): Promise<ReceivedActivity>;
  close(): Promise<void>;
}

const USERNAME = "tester";
/** Mastodon's Account::USERNAME_RE; GoToSocial is stricter still for its own accounts ([a-z0-9_]). */
const USERNAME_RE = /^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$/i;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakePeer(options: FakePeerOptions = {}): Promise<FakePeer> {
  const requireSigned = options.requireSignedFetch ?? true;
  const received: ReceivedActivity[] = [];
  const requests: FetchLog[] = [];
  const wireById = new Map<string, { raw: Record<string, unknown>; inbox: "shared" | "personal"; userAgent: string | null }>();
  const rsa = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed = await generateCryptoKeyPair("Ed25519");

  let federation: Federation<void> | null = null;
  let origin = "";
  const ctx = () => federation!.createContext(new URL(origin), undefined);
  /** This server's fetches are signed by its account, as GoToSocial signs with the requesting account. */
  const signedLoader = () => ctx().getDocumentLoader({ identifier: USERNAME });

  let down = false;
  const server = http.createServer(async (req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      const body = req.method === "POST" ? await readBody(req) : undefined;
      const userAgent = typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      requests.push({ method: req.method ?? "GET", path: url.pathname, userAgent, scheme: schemeOf(headers) });
      if (body?.length) {
        try {
          const json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
          if (typeof json.id === "string") wireById.set(json.id, { raw: json, inbox: url.pathname === "/inbox" ? "shared" : "personal", userAgent });
        } catch { /* Fedify answers malformed bodies itself */ }
      }
      const request = new Request(url, { method: req.method, headers, body: body ? new Uint8Array(body) : undefined });
      const refused = requireSigned ? await refuseUnsigned(request.clone(), async () => ({ documentLoader: await signedLoader(), contextLoader: ctx().contextLoader }), options.acceptSchemes) : null;
      const response = refused ?? await federation!.fetch(request, {
        contextData: undefined, onNotFound: () => new Response(null, { status: 404 }), onNotAcceptable: () => new Response(null, { status: 406 }),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== USERNAME) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: options.inboxes ? new URL(options.inboxes.inbox) : ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: options.inboxes ? new URL(options.inboxes.sharedInbox) : ctx.getInboxUri() }),
        publicKey: keys[0]!.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USERNAME ? [rsa, ed] : []));
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    // Key fetches while verifying deliveries to the shared inbox are signed too.
    .setSharedKeyDispatcher(() => ({ identifier: USERNAME }))
    .on(Activity, async (ctx, activity) => {
      const id = activity.id?.href ?? null;
      const wire = id ? wireById.get(id) : undefined;
      received.push({
        type: activity.constructor.name,
        id,
        activity,
        raw: wire?.raw ?? ((await activity.toJsonLd()) as Record<string, unknown>),
        inbox: wire?.inbox ?? (ctx.recipient ? "personal" : "shared"),
        userAgent: wire?.userAgent ?? null,
      });
    });

  const actorUri = `${origin}/users/${USERNAME}`;
  const lookupActor = async (url: string): Promise<Actor> => {
    const found = await ctx().lookupObject(url, { documentLoader: await signedLoader() });
    if (!isActor(found) || found.id == null) throw new Error(`not an actor: ${url}`);
    // GoToSocial cannot resolve a username with a colon (a port) and answers 500: fail the lookup.
    const username = found.preferredUsername?.toString() ?? "";
    if (!USERNAME_RE.test(username)) throw new Error(`refused username ${JSON.stringify(username)} of ${url}`);
    // …and it confirms the account through WebFinger on the actor's host (plain http on loopback).
    const host = found.id.host;
    const wf = await fetch(`${found.id.origin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${host}`)}`, { headers: { accept: "application/jrd+json" } });
    const jrd = wf.ok ? ((await wf.json()) as { links?: { rel?: string; href?: string }[] }) : null;
    if (!jrd?.links?.some((l) => l.rel === "self" && l.href === found.id!.href)) throw new Error(`WebFinger does not resolve acct:${username}@${host} to ${found.id.href}`);
    return found;
  };
  const deliver = (target: Actor, activity: Activity) =>
    // GoToSocial and Mastodon deliver to the shared inbox whenever the recipient has one.
    ctx().sendActivity({ identifier: USERNAME }, target, activity, { preferSharedInbox: true });

  return {
    origin,
    actorUri,
    keyId: `${actorUri}#main-key`,
    received,
    requests,
    lookupActor,
    async follow(actorUrl) {
      const target = await lookupActor(actorUrl);
      const id = new URL(`/follows/${crypto.randomUUID()}`, origin);
      await deliver(target, new Follow({ id, actor: new URL(actorUri), object: target.id }));
      return id.href;
    },
    async unfollow(actorUrl, followId) {
      const target = await lookupActor(actorUrl);
      const follow = new Follow({ id: new URL(followId), actor: new URL(actorUri), object: target.id });
      await deliver(target, new Undo({ id: new URL(`${followId}/undo`), actor: new URL(actorUri), object: follow }));
    },
    async signedGet(url) {
      const request = await signRequest(new Request(url, { headers: { accept: "application/activity+json" } }), rsa.privateKey, new URL(`${actorUri}#main-key`),
        { spec: "draft-cavage-http-signatures-12" });
      const res = await fetch(request);
      const text = await res.text();
      let json: Record<string, unknown> | null = null;
      try { json = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
      return { status: res.status, json };
    },
    async send(actorUrl, build) {
      const target = await lookupActor(actorUrl);
      await deliver(target, build(target));
    },
    setDown(value) {
      down = value;
      if (value) server.closeAllConnections();
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
