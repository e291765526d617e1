// The objects of a burst of peer activities are fetched together: one GET of the origin's
// /api/v1/sync/documents for the hints handed over while a fetch from that origin runs, and one
// transaction to store them. Against raw HTTP peers (test/support/hostile/mirror-peer.ts) that count
// every request: a friendly one, an older node without the endpoint, and peers that lie in it.
import { configure, type LogRecord, reset } from "@logtape/logtape";
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
  // Handed over in one turn: one batch, one request.
  expect(p.count(DOCS)).toBe(1);
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

it("fails the hints of a batch whose documents request never answers, without then asking for each document in turn", async () => {
  // A client that gives up after 300 ms instead of 30 s; everything else as the node's.
  const quick = new PeerNetwork({ federation: fr.federation.federation, repos: fr.store, mirror: fr.mirror, origin: fr.origin, allowPrivateNetwork: true, userAgent: "ipn-test", fetchTimeoutMs: 300 });
  try {
    const p = await peerServing([]);
    const served = ["t1", "t2", "t3"].map((k) => challengeOf(p.origin, k));
    p.route(ONE, (url) => json(served.find((d) => keyOf(d.id) === url.pathname.split("/").pop())));
    p.route(DOCS, () => new Promise<never>(() => { /* a tarpit: accepts and never answers */ }));
    const outcomes = await Promise.allSettled(served.map((d) => quick.received("Create", hubOf(p), new URL(d.id))));
    // Failed, so the queue retries them later (or reconciliation catches up); nothing half-stored.
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/within 300 ms/);
    expect(p.count(DOCS)).toBe(1);
    expect(p.count(ONE)).toBe(0);
    for (const d of served) expect(await held(d)).toBeNull();
  } finally {
    await quick.close();
  }
});

it("does not fetch the hints queued behind a request the peer answered with 429", async () => {
  const p = await peerServing([]);
  const [first, ...behind] = ["f", "b1", "b2"].map((k) => challengeOf(p.origin, k)) as [Challenge, ...Challenge[]];
  p.route(DOCS, () => new Promise((resolve) => setTimeout(() => resolve({ status: 429, headers: { "retry-after": "600" }, body: "" }), 300)));
  const patched = jest.spyOn(fr.store.peers, "patchSync");
  const running = create(p, first);
  while (p.count(DOCS) === 0) await new Promise((r) => setTimeout(r, 5));
  // Handed over while the first request runs: they wait for it, then find the peer resting.
  const queued = behind.map((d) => create(p, d));
  await Promise.all([running, ...queued]);
  expect(p.count(DOCS)).toBe(1);
  expect(p.count(ONE)).toBe(0);
  for (const d of [first, ...behind]) expect(await held(d)).toBeNull();
  // The Retry-After is written once for the batch, not once more per hint.
  expect(patched.mock.calls.filter(([origin, patch]) => origin === p.origin && "retryAfter" in patch)).toHaveLength(1);
  patched.mockRestore();
});

it("takes the hints handed over while a fetch runs into the next request, and only those", async () => {
  const p = await peerServing([]);
  const early = ["e1", "e2", "e3"].map((k) => challengeOf(p.origin, k));
  const late = ["l1", "l2", "l3", "l4", "l5"].map((k) => challengeOf(p.origin, k));
  const serve = documentsOf([...early, ...late]);
  p.route(DOCS, (url) => new Promise((resolve) => setTimeout(() => resolve(serve(url)), 200)));
  const first = early.map((d) => create(p, d));
  while (p.count(DOCS) === 0) await new Promise((r) => setTimeout(r, 5));
  const second = late.map((d) => create(p, d));
  await Promise.all([...first, ...second]);
  for (const d of [...early, ...late]) expect(await held(d)).not.toBeNull();
  const asked = p.requests.filter((u) => u.pathname === DOCS).map((u) => u.searchParams.get("key")!.split(",").sort());
  expect(asked).toEqual([["e1", "e2", "e3"], ["l1", "l2", "l3", "l4", "l5"]]);
});

it("reads a documents answer for what was asked only: other ids and origins ignored, a Tombstone is gone, the first of duplicates counts", async () => {
  const p = await peerServing([]);
  const [a, b, c, d] = ["a", "b", "c", "d"].map((k) => challengeOf(p.origin, k)) as [Challenge, Challenge, Challenge, Challenge];
  const elsewhere = { ...a, id: "http://127.0.0.1:9/challenges/a" };
  p.route(DOCS, () => json({
    items: [elsewhere, challengeOf(p.origin, "not-asked"), { id: b.id, type: "Tombstone" }, a, { ...a, revision: 99 }, "junk", null],
    gone: ["not-asked", keyOf(c.id)],
    missing: [keyOf(c.id), 42],
  }));
  const warned: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { test: (r) => { warned.push(r); } },
    loggers: [
      { category: ["ipn", "federation", "peer-client"], sinks: ["test"], lowestLevel: "warning" },
      { category: ["logtape", "meta"], sinks: [], lowestLevel: "error" },
    ],
  });
  const answers = await net.client.documents(p.origin, [a.id, b.id, c.id, d.id]).finally(() => reset());
  // One line for the answer, not one per item: the other origin's, the unasked, the duplicate, the junk.
  expect(warned.map((r) => r.properties)).toEqual([{ origin: p.origin, unasked: 5, asked: 4 }]);
  expect(answers && Object.fromEntries(answers)).toEqual({
    [a.id]: { kind: "doc", doc: a },
    [b.id]: { kind: "gone" },
    [c.id]: { kind: "gone" },
  });
  await expect(net.client.documents(p.origin, ["http://127.0.0.1:9/challenges/x"])).rejects.toThrow(/cannot be asked/);
});

it("asks an older node at most four documents at a time", async () => {
  const p = await peerServing([]);
  const docs = Array.from({ length: 12 }, (_, i) => challengeOf(p.origin, `slow${i}`));
  let inFlight = 0;
  let most = 0;
  p.route(ONE, async (url) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 30));
    inFlight--;
    return json(docs.find((d) => keyOf(d.id) === url.pathname.split("/").pop()));
  });
  await Promise.all(docs.slice(0, 2).map((d) => create(p, d))); // learns that the endpoint is missing
  await Promise.all(docs.slice(2).map((d) => create(p, d)));
  for (const d of docs) expect(await held(d)).not.toBeNull();
  expect(p.count(DOCS)).toBe(1);
  expect(most).toBeLessThanOrEqual(4);
});

it("stores each document alone when storing them together fails, so that one cannot keep the others out", async () => {
  const p = await peerServing([]);
  const docs = ["s1", "s2", "s3"].map((k) => challengeOf(p.origin, k));
  p.route(DOCS, documentsOf(docs));
  let together = 0;
  const flakyMirror = Object.create(fr.mirror) as typeof fr.mirror;
  flakyMirror.store = (peer, batch, onRefused) => {
    if (batch.length > 1) {
      together++;
      return Promise.reject(new Error("database is locked"));
    }
    return fr.mirror.store(peer, batch, onRefused);
  };
  const flaky = new PeerNetwork({ federation: fr.federation.federation, repos: fr.store, mirror: flakyMirror, origin: fr.origin, allowPrivateNetwork: true, userAgent: "ipn-test" });
  try {
    await Promise.all(docs.map((d) => flaky.received("Create", hubOf(p), new URL(d.id))));
    expect(together).toBe(1);
    for (const d of docs) expect(await held(d)).not.toBeNull();
  } finally {
    await flaky.close();
  }
});
