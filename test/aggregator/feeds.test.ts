// The aggregator (IPN_ROLE=aggregator) with real nodes over loopback: DE and FR national nodes, EU
// following both. A separate fediverse server follows EU's feed actors by URL and records what it
// receives (signatures verified): the boost of a new challenge, its edit (re-boost plus the hub's own
// signed Update, forwarded) and its withdrawal (Undo plus the hub's Delete). National nodes do not
// depend on the aggregator.
import { Announce, Delete, Undo, Update } from "@fedify/vocab";
import { challengeInput, hubInput } from "../support/documents";
import { isAccept, startFakePeer, type FakePeer, type ReceivedActivity } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api, eventually, type Json } from "../support/remote";

let de: TestNode;
let fr: TestNode;
let eu: TestNode;
let deHub: string;
let frHub: string;
let euStopped = false;
/** Follows @health on EU (set by the first feed test). */
let healthPeer: FakePeer;
const peers: FakePeer[] = [];

async function publish(node: TestNode, hub: string, token: string, name: "de-mobility" | "fr-health-pcp" | "fi-education"): Promise<string> {
  const res = await api(node, "POST", `/api/v1/hubs/${hub}/challenges`, token, challengeInput(name));
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function hub(node: TestNode, handle: string, country: string): Promise<string> {
  const res = await api(node, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput(handle, { country }));
  expect(res.status).toBe(201);
  return res.json.token as string;
}

async function followFeed(path: string): Promise<FakePeer> {
  const peer = await startFakePeer();
  peers.push(peer);
  await peer.follow(`${eu.origin}${path}`);
  await peer.waitFor(isAccept);
  return peer;
}

const keyOf = (id: string) => id.split("/").pop()!;
const objectOf = (a: ReceivedActivity) => (typeof a.raw.object === "string" ? a.raw.object : (a.raw.object as Json)?.id);
const announceOf = (id: string) => (a: ReceivedActivity) => a.activity instanceof Announce && objectOf(a) === id;

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  eu = await startTestNode({ IPN_ROLE: "aggregator", IPN_COUNTRY: "EU", IPN_NODE_NAME: "EU aggregator" });
  deHub = await hub(de, "de_health", "DE");
  frHub = await hub(fr, "fr_health", "FR");
  // An instance actor accepts follows only from peers its node allowlists (issue 8, principle 5):
  // DE and FR allowlist EU, DE allowlists FR, before they are followed.
  for (const [node, other, country, role] of [[de, eu, "EU", "aggregator"], [fr, eu, "EU", "aggregator"], [de, fr, "FR", "national"]] as const) {
    expect((await api(node, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: other.origin, country, role })).status).toBe(201);
  }
  for (const [node, other, country] of [[eu, de, "DE"], [eu, fr, "FR"], [fr, de, "DE"]] as const) {
    expect((await api(node, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: other.origin, country, role: "national" })).status).toBe(201);
  }
  await eventually(async () => (await api(eu, "GET", "/api/v1/peers")).json.items.every((p: Json) => p.sync.followState === "accepted" && p.sync.lastSyncAt), "EU follows DE and FR");
});

afterAll(async () => {
  for (const p of peers) await p.close();
  for (const n of euStopped ? [fr, de] : [eu, fr, de]) await n?.stop();
});

describe("feed actors", () => {
  it("are Service actors with WebFinger handles, lowercase, one per focus area and per country", async () => {
    const host = new URL(eu.origin).host;
    for (const [handle, path] of [["health", "/topics/health"], ["de", "/countries/de"]]) {
      const wf = await (await fetch(`${eu.listenUrl}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${handle}@${host}`)}`)).json() as Json;
      expect(wf.subject).toBe(`acct:${handle}@${host}`);
      expect(wf.links.find((l: Json) => l.rel === "self").href).toBe(`${eu.origin}${path}`);
      const actor = await (await fetch(`${eu.listenUrl}${path}`, { headers: { accept: "application/activity+json" } })).json() as Json;
      expect(actor).toMatchObject({ id: `${eu.origin}${path}`, type: "Service", preferredUsername: handle, manuallyApprovesFollowers: false });
      expect(actor.publicKey.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
      expect(actor.followers).toBeTruthy();
    }
    // National nodes have no feed actors.
    const none = await fetch(`${de.listenUrl}/.well-known/webfinger?resource=${encodeURIComponent(`acct:health@${new URL(de.origin).host}`)}`);
    expect(none.status).toBe(404);
    // Browsers opening the actor URL get its profile: what it boosts, a remote-follow form, its challenges.
    const browser = await fetch(`${eu.listenUrl}/topics/health`, { redirect: "manual", headers: { accept: "text/html" } });
    expect(browser.status).toBe(200);
    const profile = await browser.text();
    expect(profile).toContain(`<code class="handle">@health@${host}</code>`);
    expect(profile).toContain('<form method="get" action="/topics/health/follow" class="remote-follow">');
    expect(profile).toContain('href="/?focusArea=health"');
    const german = await (await fetch(`${eu.listenUrl}/countries/de`, { headers: { accept: "text/html", "accept-language": "de" } })).text();
    expect(german).toContain("<h1>Challenges aus Deutschland</h1>");
    expect(german).toContain('href="/?country=DE"');
    const asked = await fetch(`${eu.listenUrl}/topics/health/follow?account=${encodeURIComponent("not an address")}`, { headers: { accept: "text/html" } });
    expect(asked.status).toBe(400);
    expect((await fetch(`${eu.listenUrl}/topics/nonsense`, { headers: { accept: "text/html" } })).status).toBe(404);
    const feeds = await (await fetch(`${eu.listenUrl}/feeds`)).text();
    expect(feeds).toContain('<a href="/topics/health">');
    expect(feeds).toContain(`@health@${host}`);
    expect(feeds).toContain(`@de@${host}`);
  });
});

describe("a fediverse user following @health on the aggregator", () => {
  let peer: FakePeer;
  let id: string;
  let firstAnnounce: ReceivedActivity;

  it("receives a boost of a new health challenge published on DE, with a dereferenceable Announce id", async () => {
    peer = await followFeed("/topics/health");
    healthPeer = peer;
    const followers = await (await fetch(`${eu.listenUrl}/hubs/topic.health/followers`, { headers: { accept: "application/activity+json" } })).json() as Json;
    expect(followers.totalItems).toBe(1);
    id = await publish(de, "de_health", deHub, "fr-health-pcp");
    firstAnnounce = await peer.waitFor(announceOf(id), 30_000);
    expect(firstAnnounce.raw.actor).toBe(`${eu.origin}/topics/health`);
    expect(firstAnnounce.raw.to).toContain("https://www.w3.org/ns/activitystreams#Public");
    const served = await fetch(firstAnnounce.id!, { headers: { accept: "application/activity+json" } });
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ id: firstAnnounce.id, type: "Announce", actor: `${eu.origin}/topics/health`, object: id });
  });

  it("sees the edit: the old boost undone, a new boost with a new id, and the hub's own signed Update", async () => {
    expect((await api(de, "PATCH", `/api/v1/challenges/${keyOf(id)}`, deHub, { referenceNumber: "DE-HEALTH-2" })).status).toBe(200);
    const undo = await peer.waitFor((a) => a.activity instanceof Undo && (a.raw.object as Json)?.id === firstAnnounce.id);
    expect(undo.raw.actor).toBe(`${eu.origin}/topics/health`);
    const second = await peer.waitFor((a) => announceOf(id)(a) && a.id !== firstAnnounce.id);
    expect(second.raw.actor).toBe(`${eu.origin}/topics/health`);
    // Forwarded unchanged: its actor is DE's hub, and the peer verified the hub's signature on it.
    const update = await peer.waitFor((a) => a.activity instanceof Update && objectOf(a) === id);
    expect(update.raw.actor).toBe(`${de.origin}/hubs/de_health`);
    expect((update.raw.object as Json).updated).toBeTruthy();
    const note = await (await fetch(id, { headers: { accept: "application/activity+json" } })).json() as Json;
    expect(note.updated).toBe((update.raw.object as Json).updated);
  });

  it("sees the withdrawal: the boost undone and the hub's Delete", async () => {
    const boosts = peer.received.filter(announceOf(id)).map((a) => a.id);
    expect((await api(de, "DELETE", `/api/v1/challenges/${keyOf(id)}`, deHub)).status).toBe(204);
    const undo = await peer.waitFor((a) => a.activity instanceof Undo && (a.raw.object as Json)?.id === boosts.at(-1));
    expect(undo.raw.actor).toBe(`${eu.origin}/topics/health`);
    const del = await peer.waitFor((a) => a.activity instanceof Delete && objectOf(a) === id);
    expect(del.raw.actor).toBe(`${de.origin}/hubs/de_health`);
  });
});

describe("country actors", () => {
  it("announce only challenges of their country", async () => {
    const peer = await followFeed("/countries/fr");
    const deId = await publish(de, "de_health", deHub, "fr-health-pcp");
    // Once @health boosted it, EU has decided which feeds announce it (country.fr is not one of them).
    await healthPeer.waitFor(announceOf(deId));
    const frId = await publish(fr, "fr_health", frHub, "fr-health-pcp");
    const got = await peer.waitFor(announceOf(frId));
    expect(got.raw.actor).toBe(`${eu.origin}/countries/fr`);
    expect(peer.received.filter(announceOf(deId))).toHaveLength(0);
  });
});

describe("the aggregator's listings and sync status", () => {
  it("lists the challenges of DE and FR with their countries, and shows the peers' sync status publicly", async () => {
    const deId = await publish(de, "de_health", deHub, "de-mobility");
    const frId = await publish(fr, "fr_health", frHub, "fi-education");
    await eventually(async () => (await eu.store.challenges.getById(deId)) && (await eu.store.challenges.getById(frId)), "both mirrored on EU");
    const deList = await api(eu, "GET", "/api/v1/challenges?country=DE&limit=100", null);
    const frList = await api(eu, "GET", "/api/v1/challenges?country=FR&limit=100", null);
    expect(deList.json.items.map((d: Json) => d.id)).toContain(deId);
    expect(deList.json.items.map((d: Json) => d.id)).not.toContain(frId);
    expect(frList.json.items.map((d: Json) => d.id)).toContain(frId);
    const page = await (await fetch(`${eu.listenUrl}/`)).text();
    expect(page).toContain('<span class="country">Germany</span>');
    expect(page).toContain('<span class="country">France</span>');

    await eventually(async () => (await api(eu, "GET", "/api/v1/peers")).json.items.every((p: Json) => p.sync.lastSyncAt), "synced");
    const status = await fetch(`${eu.listenUrl}/peers`);
    expect(status.status).toBe(200);
    const html = await status.text();
    for (const n of [de, fr]) expect(html).toContain(`data-origin="${n.origin}"`);
    expect(html).toContain("accepted");
    expect(html).not.toContain(ADMIN_TOKEN);
  });
});

describe("without the aggregator", () => {
  it("national nodes keep mirroring each other while EU is down", async () => {
    await eu.stop();
    euStopped = true;
    const id = await publish(de, "de_health", deHub, "de-mobility");
    await eventually(() => fr.store.challenges.getById(id), "DE challenge reaches FR with EU down");
    expect((await api(fr, "GET", `/api/v1/challenges?country=DE&limit=100`, null)).json.items.map((d: Json) => d.id)).toContain(id);
  });
});
