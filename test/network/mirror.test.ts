// Several real IPN nodes over HTTP on loopback, each with its own store and keys: FR allowlists DE,
// follows DE's instance actor and mirrors every DE challenge — backfill on follow, push of publish,
// edit and withdrawal, convergence after an outage without refollowing, and the trust rules: nobody
// off the allowlist gets anything into the mirror, and no peer speaks for another origin.
import { Announce, Create, Note, Update } from "@fedify/vocab";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { startSignedSender, type SignedSender } from "./signed-sender";
import { api, eventually, type Json } from "../support/remote";

let de: TestNode;
let fr: TestNode;
let deHubToken: string;
const extraNodes: TestNode[] = [];

async function publish(node: TestNode, hub: string, token: string, name: "de-mobility" | "fr-health-pcp" | "fi-education" = "de-mobility"): Promise<string> {
  const res = await api(node, "POST", `/api/v1/hubs/${hub}/challenges`, token, challengeInput(name));
  expect(res.status).toBe(201);
  return res.json.id as string;
}

const keyOf = (id: string) => id.split("/").pop()!;
const mirrored = (node: TestNode, id: string) => node.store.challenges.getById(id);
/** The live (id, revision) set FR mirrors of DE equals DE's own. */
async function converged(): Promise<boolean> {
  const [mine, theirs] = await Promise.all([fr.store.mirror.revisions(de.origin), de.store.mirror.revisions(de.origin)]);
  return JSON.stringify(mine) === JSON.stringify(theirs);
}

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  const hub = await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_mobil"));
  expect(hub.status).toBe(201);
  deHubToken = hub.json.token;
  // DE's instance actor accepts follows only from peers DE allowlists itself (issue 8, principle 5).
  expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: fr.origin, country: "FR", role: "national" })).status).toBe(201);
});

afterAll(async () => {
  for (const n of [fr, de, ...extraNodes]) await n?.stop();
});

describe("the instance actor", () => {
  it("is an Application at /actor with its own keys, discoverable through NodeInfo and WebFinger", async () => {
    const links = await (await fetch(`${de.listenUrl}/.well-known/nodeinfo`)).json() as Json;
    const app = links.links.find((l: Json) => l.rel === "https://www.w3.org/ns/activitystreams#Application");
    expect(app.href).toBe(`${de.origin}/actor`);
    const actor = await (await fetch(app.href, { headers: { accept: "application/activity+json" } })).json() as Json;
    expect(actor).toMatchObject({ id: `${de.origin}/actor`, type: "Application", preferredUsername: "127_0_0_1", inbox: `${de.origin}/inbox` });
    expect(actor.publicKey.id).toBe(`${de.origin}/actor#main-key`);
    expect(actor.publicKey.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    const frActor = await (await fetch(`${fr.listenUrl}/actor`, { headers: { accept: "application/activity+json" } })).json() as Json;
    expect(frActor.publicKey.publicKeyPem).not.toBe(actor.publicKey.publicKeyPem);
    // A valid fediverse username (no port, no dots); the host form from before still resolves.
    const host = new URL(de.origin).host;
    for (const username of ["127_0_0_1", host]) {
      const wf = await (await fetch(`${de.listenUrl}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${username}@${host}`)}`)).json() as Json;
      expect(wf.links.find((l: Json) => l.rel === "self").href).toBe(`${de.origin}/actor`);
    }
    const byOrigin = await (await fetch(`${de.listenUrl}/.well-known/webfinger?resource=${encodeURIComponent(`${de.origin}/`)}`)).json() as Json;
    expect(byOrigin.links.find((l: Json) => l.rel === "self").href).toBe(`${de.origin}/actor`);
  });
});

describe("peers and the mirror", () => {
  let early: string[];

  it("refuses malformed peer entries precisely and needs the admin token", async () => {
    expect((await api(fr, "GET", "/api/v1/peers", null)).status).toBe(401);
    const bad = await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: "ftp://x/y", country: "XX", role: "boss", extra: 1 });
    expect(bad.status).toBe(422);
    expect(bad.json.errors.map((e: Json) => e.pointer).sort()).toEqual(["/country", "/extra", "/origin", "/role"]);
    expect((await api(fr, "DELETE", "/api/v1/peers?origin=https%3A%2F%2Fnone.example")).status).toBe(404);
    expect((await api(fr, "DELETE", "/api/v1/peers")).status).toBe(400);
  });

  it("backfills every challenge a peer already has when it is added", async () => {
    early = [await publish(de, "de_mobil", deHubToken), await publish(de, "de_mobil", deHubToken, "fi-education")];
    const added = await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE", role: "national" });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ origin: de.origin, country: "DE", role: "national" });
    await eventually(async () => (await Promise.all(early.map((id) => mirrored(fr, id)))).every(Boolean), "backfilled on FR");
    const listing = await api(fr, "GET", "/api/v1/challenges?country=DE&limit=100", null);
    expect(listing.json.items.map((d: Json) => d.id)).toEqual(expect.arrayContaining(early));
    const stored = await mirrored(fr, early[0]!);
    expect(stored).toMatchObject({ key: null, origin: de.origin, country: "DE" });
    const status = await eventually(async () => {
      const p = (await api(fr, "GET", "/api/v1/peers")).json.items[0];
      return p.sync.followState === "accepted" && p.sync.backfill.done && p.sync.lastSyncAt ? p : null;
    }, "follow accepted and sync recorded");
    expect(status.sync).toMatchObject({ held: 2, announced: 2, missing: 0, lastError: null, actorId: `${de.origin}/actor` });
  });

  it("mirrors a new challenge, its edit and its withdrawal as they happen", async () => {
    const id = await publish(de, "de_mobil", deHubToken);
    await eventually(() => mirrored(fr, id), "publish reaches FR");
    const patched = await api(de, "PATCH", `/api/v1/challenges/${keyOf(id)}`, deHubToken, { referenceNumber: "DE-2" });
    expect(patched.status).toBe(200);
    await eventually(async () => (await mirrored(fr, id))?.doc.revision === 2, "edit reaches FR");
    expect((await mirrored(fr, id))!.doc.referenceNumber).toBe("DE-2");
    const fromListing = (await api(fr, "GET", "/api/v1/challenges?country=DE&limit=100", null)).json.items.find((d: Json) => d.id === id);
    expect(fromListing.revision).toBe(2);
    expect((await api(de, "DELETE", `/api/v1/challenges/${keyOf(id)}`, deHubToken)).status).toBe(204);
    await eventually(async () => (await mirrored(fr, id))?.withdrawnAt != null, "withdrawal reaches FR");
    const listing = await api(fr, "GET", "/api/v1/challenges?country=DE&limit=100", null);
    expect(listing.json.items.map((d: Json) => d.id)).not.toContain(id);
    expect(await converged()).toBe(true);
  });

  it("converges after an outage without anyone refollowing", async () => {
    const followBefore = (await fr.store.peers.get(de.origin))!.sync.followActivityId;
    const port = new URL(fr.listenUrl).port;
    const dataDir = fr.dataDir;
    await fr.stop({ keepData: true });
    const during: string[] = [];
    for (let i = 0; i < 20; i++) during.push(await publish(de, "de_mobil", deHubToken, i % 2 ? "fi-education" : "de-mobility"));
    for (const id of during.slice(0, 2)) expect((await api(de, "DELETE", `/api/v1/challenges/${keyOf(id)}`, deHubToken)).status).toBe(204);
    fr = await startTestNode({ IPN_COUNTRY: "FR", PORT: port }, dataDir);
    await eventually(converged, "FR's mirror equals DE's live set", 60_000);
    for (const id of during.slice(2)) expect(await mirrored(fr, id)).not.toBeNull();
    for (const id of during.slice(0, 2)) expect(await mirrored(fr, id)).toBeNull(); // never seen, never listed
    const after = (await fr.store.peers.get(de.origin))!.sync;
    expect(after.followActivityId).toBe(followBefore);
    expect(after.lastError).toBeNull();
  });

  describe("trust", () => {
    let stranger: SignedSender;
    beforeAll(async () => { stranger = await startSignedSender(); });
    afterAll(async () => { await stranger.close(); });

    const note = (id: string, attributedTo: string) => new Note({ id: new URL(id), attribution: new URL(attributedTo), content: "<p>forged</p>" });

    it("stores nothing that a node off the allowlist sends", async () => {
      const id = `${stranger.origin}/challenges/intruder`;
      await stranger.send(`${fr.origin}/inbox`, `${fr.origin}/actor`,
        new Create({ id: new URL(`${id}#create`), actor: new URL(stranger.actorUri), object: note(id, stranger.actorUri) }));
      // Whatever FR queued of it has been handled once its inbox lane is empty (a message leaves the
      // lane only when acknowledged). Not a later delivery from DE as a marker: DE's transport may
      // still be backing FR off after the outage above (30 s after a refused connection).
      await eventually(async () => (await fr.store.queues.inbox.getDepth()).queued === 0, "FR's inbox lane handled it");
      expect(await mirrored(fr, id)).toBeNull();
    });

    it("does not let an allowlisted peer speak for another peer's challenges", async () => {
      const added = await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: stranger.origin, country: "AT" });
      expect(added.status).toBe(201);
      const victim = early[0]!;
      const before = await mirrored(fr, victim);
      const invented = `${de.origin}/challenges/invented`;
      for (const activity of [
        new Update({ id: new URL(`${stranger.origin}/u1`), actor: new URL(stranger.actorUri), object: note(victim, stranger.actorUri) }),
        new Create({ id: new URL(`${stranger.origin}/c1`), actor: new URL(stranger.actorUri), object: note(invented, `${de.origin}/hubs/de_mobil`) }),
        new Announce({ id: new URL(`${stranger.origin}/a1`), actor: new URL(stranger.actorUri), object: note(invented, `${de.origin}/hubs/de_mobil`) }),
      ]) await stranger.send(`${fr.origin}/inbox`, `${fr.origin}/actor`, activity);
      await eventually(async () => (await fr.store.queues.inbox.getDepth()).queued === 0, "FR's inbox lane handled them");
      expect(await mirrored(fr, invented)).toBeNull();
      expect(await mirrored(fr, victim)).toEqual(before);
    });

    it("removing a peer unfollows it and takes its challenges out of the listings", async () => {
      expect((await api(fr, "DELETE", `/api/v1/peers?origin=${encodeURIComponent(de.origin)}`)).status).toBe(204);
      const listing = await api(fr, "GET", "/api/v1/challenges?country=DE&limit=100", null);
      expect(listing.json.items.filter((d: Json) => d.id.startsWith(de.origin))).toEqual([]);
      await eventually(async () => (await de.store.followers.all("ipn.instance")).every((f) => !f.actorId.startsWith(fr.origin)), "DE no longer lists FR as a follower");
      const later = await publish(de, "de_mobil", deHubToken);
      const other = await startTestNode({ IPN_COUNTRY: "IT" });
      extraNodes.push(other);
      // Another follower of DE gets it, FR (no longer following) does not.
      expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: other.origin, country: "IT" })).status).toBe(201);
      expect((await api(other, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE" })).status).toBe(201);
      await eventually(() => mirrored(other, later), "the new peer backfills");
      expect(await mirrored(fr, later)).toBeNull();
    });
  });
});
