// Secure mode (IPN_AUTHORIZED_FETCH=true), as Mastodon's AUTHORIZED_FETCH: the node's hubs, challenges,
// activities and collections answer only GETs signed by a server whose key verifies; the instance
// actor, WebFinger, NodeInfo and the HTML pages stay open. A GoToSocial-like server (which signs its
// fetches) still follows a hub and receives its challenges.
import { signRequest } from "@fedify/fedify";
import { Create } from "@fedify/vocab";
import { challengeInput, fixture } from "../support/documents";
import { loadConfig } from "../../node/config";
import { isAccept, startFakePeer, type FakePeer } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api as nodeApi, eventually } from "../support/remote";

const AS2 = { accept: "application/activity+json" };

let node: TestNode;
let peer: FakePeer;
let hubUri: string;
let hubToken: string;
let hubHandle: string;
let noteId: string;

async function api(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${node.listenUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

beforeAll(async () => {
  node = await startTestNode({ IPN_AUTHORIZED_FETCH: "true" });
  peer = await startFakePeer();
  const hub = fixture("hubs", "hub-de-muenchen-mobil");
  for (const f of ["id", "node", "published", "updated"]) delete hub[f];
  const created = await api("POST", "/api/v1/hubs", ADMIN_TOKEN, hub);
  expect(created.status).toBe(201);
  const h = created.json.hub as { id: string; preferredUsername: string };
  hubUri = h.id;
  hubHandle = h.preferredUsername;
  hubToken = created.json.token as string;
  const published = await api("POST", `/api/v1/hubs/${hubHandle}/challenges`, hubToken, challengeInput("de-mobility"));
  expect(published.status).toBe(201);
  noteId = published.json.id as string;
});

afterAll(async () => {
  await peer?.close();
  await node?.stop();
});

describe("IPN_AUTHORIZED_FETCH", () => {
  const base = { IPN_ORIGIN: "https://de.ipn.example", IPN_DATA_DIR: "/tmp/unused" };
  it("is off unless set, and names itself when malformed", () => {
    expect(loadConfig(base).authorizedFetch).toBe(false);
    expect(loadConfig({ ...base, IPN_AUTHORIZED_FETCH: "true" }).authorizedFetch).toBe(true);
    expect(() => loadConfig({ ...base, IPN_AUTHORIZED_FETCH: "maybe" })).toThrow(/IPN_AUTHORIZED_FETCH must be true or false/);
  });
});

describe("secure mode", () => {
  const protectedUrls = () => [hubUri, `${hubUri}/followers`, `${hubUri}/following`, `${hubUri}/outbox`, noteId, `${noteId}/activities/create`];

  it("answers unsigned GETs of hubs, challenges, activities and collections with 401", async () => {
    for (const url of protectedUrls()) {
      const res = await fetch(url, { headers: AS2 });
      expect({ url, status: res.status }).toEqual({ url, status: 401 });
    }
  });

  it("answers them to a server that signs its GET", async () => {
    for (const url of protectedUrls()) {
      const { status } = await peer.signedGet(url);
      expect({ url, status }).toEqual({ url, status: 200 });
    }
    const note = await peer.signedGet(noteId);
    expect(note.json).toMatchObject({ id: noteId, type: "Note" });
  });

  // The hub's document is made once and kept (federation/actors.ts): keeping it must not skip the check.
  it("still refuses an unsigned GET of the hub after serving its document to a signed one", async () => {
    expect((await peer.signedGet(hubUri)).status).toBe(200);
    expect((await fetch(hubUri, { headers: AS2 })).status).toBe(401);
    expect((await peer.signedGet(hubUri)).json).toMatchObject({ id: hubUri, type: "Organization" });
  });

  it("refuses a signature that does not verify (another key under the signer's keyId)", async () => {
    const stranger = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"],
    )) as CryptoKeyPair;
    const forged = await signRequest(new Request(hubUri, { headers: AS2 }), stranger.privateKey, new URL(peer.keyId), { spec: "draft-cavage-http-signatures-12" });
    expect((await fetch(forged)).status).toBe(401);
  });

  it("keeps the instance actor, WebFinger and NodeInfo open", async () => {
    const actor = await fetch(`${node.origin}/actor`, { headers: AS2 });
    expect(actor.status).toBe(200);
    expect((await actor.json() as { type: string }).type).toBe("Application");
    const host = new URL(node.origin).host;
    const wf = await fetch(`${node.origin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${hubHandle}@${host}`)}`);
    expect(wf.status).toBe(200);
    const links = await fetch(`${node.origin}/.well-known/nodeinfo`);
    expect(links.status).toBe(200);
    const href = ((await links.json()) as { links: { href: string }[] }).links[0]!.href;
    expect((await fetch(href)).status).toBe(200);
  });

  it("still serves the HTML pages to browsers", async () => {
    const page = await fetch(hubUri, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect((await fetch(noteId, { headers: { accept: "text/html" } })).status).toBe(200);
  });

  it("lets a GoToSocial-like server follow a hub and receive its challenges", async () => {
    await peer.follow(hubUri);
    await peer.waitFor(isAccept);
    const published = await api("POST", `/api/v1/hubs/${hubHandle}/challenges`, hubToken, challengeInput("de-mobility"));
    expect(published.status).toBe(201);
    const got = await peer.waitFor((a) => a.activity instanceof Create && a.activity.objectId?.href === published.json.id);
    expect(got.inbox).toBe("shared");
  });
});

describe("two nodes in secure mode", () => {
  let fr: TestNode;
  afterAll(async () => { await fr?.stop(); });

  it("let one mirror the other: fetches between them are signed, the instance actors stay reachable", async () => {
    fr = await startTestNode({ IPN_COUNTRY: "FR", IPN_AUTHORIZED_FETCH: "true" });
    expect((await nodeApi(node, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: fr.origin, country: "FR" })).status).toBe(201);
    expect((await nodeApi(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: node.origin, country: "DE" })).status).toBe(201);
    await eventually(async () => (await fr.store.peers.get(node.origin))?.sync.followState === "accepted", "DE accepted FR's follow");
    const published = await api("POST", `/api/v1/hubs/${hubHandle}/challenges`, hubToken, challengeInput("de-mobility"));
    expect(published.status).toBe(201);
    await eventually(() => fr.store.challenges.getById(published.json.id as string), "the new challenge reaches FR");
  });
});
