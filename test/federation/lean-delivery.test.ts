// The lean first attempt of a delivery (ADR 0015) on the wire: a real inbox server on loopback checks
// every POST with Fedify's own verifyRequest against the sender's published key, and answers what the
// test tells it to. The message is the one Fedify enqueues (JWK keys, compacted activity); the POST
// goes through the real transport (undici, per-origin rules). What the lean path does not finish is
// handed back (false) for Fedify's own handler.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJwk, generateCryptoKeyPair, MemoryKvStore, verifyRequest } from "@fedify/fedify";
import { CryptographicKey, Organization } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { createLeanDelivery } from "../../federation/transport/lean-delivery";
import { createTransportFetch } from "../../federation/transport/outgoing";

const ACTOR = "https://de.ipn.example/hubs/de_mobil";
const KEY_ID = `${ACTOR}#main-key`;

let server: http.Server;
let inbox: string;
let answer = 202;
const received: { verified: boolean; headers: http.IncomingHttpHeaders; body: string }[] = [];
let rsa: CryptoKeyPair;
let ed: CryptoKeyPair;
const transport = createTransportFetch(fetch, { allowPrivateNetwork: true });

beforeAll(async () => {
  rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  ed = await generateCryptoKeyPair("Ed25519");
  const actor = await new Organization({
    id: new URL(ACTOR),
    inbox: new URL(`${ACTOR}/inbox`),
    publicKey: new CryptographicKey({ id: new URL(KEY_ID), owner: new URL(ACTOR), publicKey: rsa.publicKey }),
  }).toJsonLd({ format: "compact" });
  // The actor from here; contexts from Fedify's preloaded copies (no network).
  const contexts = getDocumentLoader();
  const loader = async (url: string) => (url.startsWith(ACTOR) ? { contextUrl: null, documentUrl: url, document: actor } : contexts(url));
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const key = await verifyRequest(new Request(`${inbox.replace(/\/inbox$/, "")}${req.url}`, { method: "POST", headers, body: new Uint8Array(body) }), { documentLoader: loader, contextLoader: loader });
      received.push({ verified: key !== null, headers: req.headers, body: body.toString("utf8") });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  inbox = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`;
});

afterAll(async () => {
  await transport.close();
  await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
});

beforeEach(() => {
  received.length = 0;
  answer = 202;
});

const activity = { "@context": "https://www.w3.org/ns/activitystreams", id: `${ACTOR}/x#create`, type: "Create", actor: ACTOR, object: "https://de.ipn.example/challenges/x" };

async function message(over: Record<string, unknown> = {}) {
  return {
    type: "outbox", id: "m1", baseUrl: "https://de.ipn.example",
    keys: [{ keyId: KEY_ID, privateKey: await exportJwk(rsa.privateKey) }, { keyId: `${ACTOR}#key-2`, privateKey: await exportJwk(ed.privateKey) }],
    activity, activityId: activity.id, activityType: "https://www.w3.org/ns/activitystreams#Create",
    inbox, sharedInbox: true, headers: {}, attempt: 0, started: new Date().toISOString(), orderingKey: "k",
    ...over,
  };
}

function lean(kv = new MemoryKvStore()) {
  let delivered = 0;
  const send = createLeanDelivery({ kv, post: (url, headers, body) => transport.post(url, headers, body), userAgent: "ipn/test (+https://de.ipn.example)", onDelivered: () => delivered++ });
  return { send, delivered: () => delivered, kv };
}

describe("the lean first attempt", () => {
  it("delivers the activity Fedify enqueued, with a draft-cavage signature Fedify verifies", async () => {
    const l = lean();
    expect(await l.send(await message())).toBe(true);
    expect(l.delivered()).toBe(1);
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.verified).toBe(true);
    expect(JSON.parse(got!.body)).toEqual(activity);
    expect(got!.headers["content-type"]).toBe("application/activity+json");
    expect(got!.headers["user-agent"]).toBe("ipn/test (+https://de.ipn.example)");
    expect(got!.headers.signature).toMatch(/^keyId="https:\/\/de\.ipn\.example\/hubs\/de_mobil#main-key",algorithm="rsa-sha256",headers="\(request-target\) content-type date digest host",signature="/);
  });

  it("signs the extra headers Fedify's message carries, as Fedify does", async () => {
    const l = lean();
    expect(await l.send(await message({ headers: { "Collection-Synchronization": "collectionId=\"x\"" } }))).toBe(true);
    expect(received[0]!.verified).toBe(true);
    expect(received[0]!.headers.signature).toContain('headers="(request-target) collection-synchronization content-type date digest host"');
  });

  it("sends one fan-out's body to every inbox, and a later send of the same activity id with its own body", async () => {
    const l = lean();
    const started = new Date().toISOString();
    expect(await l.send(await message({ started }))).toBe(true);
    expect(await l.send(await message({ started, inbox: `${inbox}-of-another-actor` }))).toBe(true);
    // Sent again later (another sendActivity call), changed: the receiver gets what was sent this time.
    const changed = { ...activity, summary: "sent again, changed" };
    expect(await l.send(await message({ started: new Date(Date.now() + 1000).toISOString(), activity: changed }))).toBe(true);
    expect(received.map((r) => r.verified)).toEqual([true, true, true]);
    expect(received.map((r) => JSON.parse(r.body))).toEqual([activity, activity, changed]);
  });

  it("hands back what it does not finish: an error answer, a gone inbox, an unreachable server", async () => {
    const l = lean();
    answer = 500;
    expect(await l.send(await message())).toBe(false);
    answer = 410;
    expect(await l.send(await message())).toBe(false);
    expect(received).toHaveLength(2); // sent once each; Fedify then sends, retries or prunes
    expect(await l.send(await message({ inbox: "http://127.0.0.1:9/inbox" }))).toBe(false);
    expect(l.delivered()).toBe(0);
  });

  it("leaves to Fedify retries, held messages, servers with circuit-breaker state or another signature scheme", async () => {
    const l = lean();
    expect(await l.send(await message({ attempt: 1 }))).toBe(false);
    expect(await l.send(await message({ circuitHeld: true }))).toBe(false);
    expect(await l.send({ type: "fanout" })).toBe(false);
    const host = new URL(inbox).host;
    await l.kv.set(["_fedify", "circuit", host], { state: "closed", failures: ["2026-12-04T10:00:00Z"] });
    expect(await l.send(await message())).toBe(false);
    await l.kv.delete(["_fedify", "circuit", host]);
    await l.kv.set(["_fedify", "httpMessageSignaturesSpec", new URL(inbox).origin], "rfc9421");
    expect(await l.send(await message())).toBe(false);
    expect(received).toHaveLength(0);
    await l.kv.set(["_fedify", "httpMessageSignaturesSpec", new URL(inbox).origin], "draft-cavage-http-signatures-12");
    expect(await l.send(await message())).toBe(true);
  });
});
