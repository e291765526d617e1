// The objects of a burst of peer activities are fetched together: one GET of the origin's
// /api/v1/sync/documents for the hints handed over while a fetch from that origin runs, and one
// transaction to store them. Against raw HTTP peers (test/support/hostile/mirror-peer.ts) that count
// every request: a friendly one, an older node without the endpoint, and peers that lie in it.
import { PeerNetwork } from "../../federation/network/peer-network";
import type { Challenge } from "../../node/domain/types";
import { challengeOf, json, startHostileMirrorPeer, type HostileMirrorPeer } from "../support/hostile/mirror-peer";
import { startTestNode, type TestNode } from "../support/node";

let fr: TestNode;
let net: PeerNetwork;
const peers: HostileMirrorPeer[] = [];

beforeAll(async () => {
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  net = new PeerNetwork({ federation: fr.federation.federation, repos: fr.store, mirror: fr.mirror, origin: fr.origin, allowPrivateNetwork: true, userAgent: "ipn-test" });
});

afterAll(async () => {
  await net?.close();
  for (const p of peers) await p.close();
  await fr?.stop();
});

const DOCS = "/api/v1/sync/documents";
const ONE = "/api/v1/challenges/";
const keyOf = (id: string) => id.split("/").pop()!;

/** An allowlisted peer serving `docs` one by one at their canonical address (404 for the rest). */
async function peerServing(docs: Challenge[]): Promise<HostileMirrorPeer> {
  const p = await startHostileMirrorPeer();
  peers.push(p);
  await fr.store.peers.upsert({ origin: p.origin, country: "AT", role: "national", source: "api", addedAt: new Date().toISOString() });
  p.route(ONE, (url) => {
    const doc = docs.find((d) => keyOf(d.id) === url.pathname.split("/").pop());
    return doc ? json(doc) : { status: 404, body: "" };
  });
  return p;
}

/** What a current IPN node answers at /api/v1/sync/documents for `docs`. */
const documentsOf = (docs: Challenge[]) => (url: URL) => {
  const keys = (url.searchParams.get("key") ?? "").split(",");
  return json({
    items: docs.filter((d) => keys.includes(keyOf(d.id))),
    gone: [],
    missing: keys.filter((k) => !docs.some((d) => keyOf(d.id) === k)),
  });
};

const hubOf = (p: HostileMirrorPeer) => new URL(`${p.origin}/hubs/hostile`);
const create = (p: HostileMirrorPeer, d: Challenge) => net.received("Create", hubOf(p), new URL(d.id));
const held = async (d: Challenge) => (await fr.store.challenges.getById(d.id))?.doc ?? null;

it("fetches the objects of a burst of Creates in a few requests and stores every one", async () => {
  const p = await peerServing([]);
  const mine = Array.from({ length: 30 }, (_, i) => challengeOf(p.origin, `burst${i}`));
  p.route(DOCS, documentsOf(mine));
  await Promise.all(mine.map((d) => create(p, d)));
  for (const d of mine) expect(await held(d)).toMatchObject({ id: d.id, revision: d.revision });
  // The first hint goes alone; the rest arrive while it is fetched and go together.
  expect(p.count(DOCS)).toBeLessThanOrEqual(3);
  expect(p.count(ONE)).toBe(0);
  const asked = p.requests.filter((u) => u.pathname === DOCS).flatMap((u) => u.searchParams.get("key")!.split(","));
  expect(new Set(asked)).toEqual(new Set(mine.map((d) => keyOf(d.id))));
});

it("asks an older node without the endpoint one document at a time, and only once tries the endpoint", async () => {
  const p = await peerServing([]);
  const first = Array.from({ length: 5 }, (_, i) => challengeOf(p.origin, `old${i}`));
  const later = Array.from({ length: 5 }, (_, i) => challengeOf(p.origin, `later${i}`));
  p.route(ONE, (url) => json([...first, ...later].find((d) => keyOf(d.id) === url.pathname.split("/").pop())));
  // No route for DOCS: 404, as a node from before it answers.
  await Promise.all(first.map((d) => create(p, d)));
  await Promise.all(later.map((d) => create(p, d)));
  for (const d of [...first, ...later]) expect(await held(d)).not.toBeNull();
  expect(p.count(DOCS)).toBe(1);
  expect(p.count(ONE)).toBe(10);
});

it("takes only what was asked, of the hub that sent it, and asks alone for what the answer leaves out", async () => {
  const p = await peerServing([]);
  const [asked, other, stranger, leftOut] = ["asked", "other", "stranger", "left-out"].map((k) => challengeOf(p.origin, k)) as [Challenge, Challenge, Challenge, Challenge];
  const foreignHub = { ...stranger, hub: `${p.origin}/hubs/someone-else` };
  p.route(ONE, (url) => (url.pathname.endsWith("/left-out") ? json(leftOut) : { status: 404, body: "" }));
  // Lies in the answer: a document nobody asked for, the stranger under another hub, left-out absent.
  p.route(DOCS, () => json({ items: [asked, other, foreignHub], gone: [], missing: [] }));
  await Promise.all([create(p, asked), create(p, stranger), create(p, leftOut)]);
  expect(await held(asked)).not.toBeNull();
  expect(await held(other)).toBeNull();
  expect(await held(stranger)).toBeNull();
  expect(await held(leftOut)).not.toBeNull();
  expect(p.requests.filter((u) => u.pathname.startsWith(ONE)).map((u) => u.pathname)).toEqual([`${ONE}left-out`]);
});

it("withdraws what the answer says is gone, and stores an announced document whatever hub announced it", async () => {
  const p = await peerServing([]);
  const kept = challengeOf(p.origin, "kept");
  const withdrawn = challengeOf(p.origin, "withdrawn");
  p.route(DOCS, documentsOf([kept, withdrawn]));
  await Promise.all([create(p, kept), create(p, withdrawn)]);
  expect((await fr.store.challenges.getById(withdrawn.id))?.withdrawnAt).toBeNull();

  const updated = challengeOf(p.origin, "kept", 1);
  p.route(DOCS, () => json({ items: [updated], gone: [keyOf(withdrawn.id)], missing: [] }));
  await Promise.all([
    net.received("Announce", new URL(`${p.origin}/actor`), new URL(kept.id)),
    net.received("Update", hubOf(p), new URL(withdrawn.id)),
  ]);
  expect(await held(kept)).toMatchObject({ revision: updated.revision });
  expect((await fr.store.challenges.getById(withdrawn.id))?.withdrawnAt).not.toBeNull();
});

it("asks one by one when the endpoint fails or lies about its shape, and waits when told to", async () => {
  const p = await peerServing([]);
  const docs = ["a", "b"].map((k) => challengeOf(p.origin, k));
  p.route(ONE, (url) => json(docs.find((d) => keyOf(d.id) === url.pathname.split("/").pop())));
  p.route(DOCS, () => ({ status: 200, headers: { "content-type": "text/html" }, body: "<html>busy</html>" }));
  await Promise.all(docs.map((d) => create(p, d)));
  for (const d of docs) expect(await held(d)).not.toBeNull();
  expect(p.count(ONE)).toBe(2);

  const resting = await peerServing([]);
  const waiting = challengeOf(resting.origin, "w");
  resting.route(DOCS, () => ({ status: 429, headers: { "retry-after": "600" }, body: "" }));
  await create(resting, waiting);
  expect(await held(waiting)).toBeNull();
  expect(resting.count(ONE)).toBe(0);
  expect(Date.parse((await fr.store.peers.get(resting.origin))!.sync.retryAfter!)).toBeGreaterThan(Date.now() + 500_000);
});

it("does not fetch the hints queued behind a request the peer answered with 429", async () => {
  const p = await peerServing([]);
  const [first, ...behind] = ["f", "b1", "b2"].map((k) => challengeOf(p.origin, k)) as [Challenge, ...Challenge[]];
  p.route(DOCS, () => new Promise((resolve) => setTimeout(() => resolve({ status: 429, headers: { "retry-after": "600" }, body: "" }), 300)));
  const running = create(p, first);
  while (p.count(DOCS) === 0) await new Promise((r) => setTimeout(r, 5));
  // Handed over while the first request runs: they wait for it, then find the peer resting.
  const queued = behind.map((d) => create(p, d));
  await Promise.all([running, ...queued]);
  expect(p.count(DOCS)).toBe(1);
  expect(p.count(ONE)).toBe(0);
  for (const d of [first, ...behind]) expect(await held(d)).toBeNull();
});
