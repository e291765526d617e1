// A real node reconciling with hostile peers (test/support/hostile/mirror-peer.ts): raw HTTP servers
// that lie about paging, redirect documents to another origin, serve HTML, ask to be left alone with
// 429 Retry-After, or serve documents the node refuses. Every walk ends within its bounds and leaves
// an error in the peer's sync status; nothing enters the mirror that its origin did not serve as JSON;
// a resting peer is not asked again; refused revisions are not fetched again. Its hub list brings only
// valid hubs of its own origin, at most maxHubs of them, and never costs the node a 500.
import { PeerNetwork } from "../../federation/network/peer-network";
import { challengeOf, hubOf, json, startHostileMirrorPeer, type HostileMirrorPeer } from "../support/hostile/mirror-peer";
import { startTestNode, type TestNode } from "../support/node";

let fr: TestNode;
let net: PeerNetwork;
const peers: HostileMirrorPeer[] = [];

beforeAll(async () => {
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  // A network of FR's own store with tight bounds, so lies show within a test's time.
  net = new PeerNetwork({
    federation: fr.federation.federation, repos: fr.store, mirror: fr.mirror, origin: fr.origin,
    allowPrivateNetwork: true, userAgent: "ipn-test", bounds: { walkMs: 1500, baseBytes: 1024 * 1024, hubListBytes: 1024 * 1024 },
  });
});

afterAll(async () => {
  await net?.close();
  for (const p of peers) await p.close();
  await fr?.stop();
});

/** A hostile peer allowlisted on FR straight in the store (no hooks: only `net` talks to it), already followed. */
async function hostile(opts: { backfilled?: boolean } = {}): Promise<HostileMirrorPeer> {
  const p = await startHostileMirrorPeer();
  peers.push(p);
  await fr.store.peers.upsert({ origin: p.origin, country: "AT", role: "national", source: "api", addedAt: new Date().toISOString() });
  await fr.store.peers.patchSync(p.origin, {
    followState: "accepted", actorId: `${p.origin}/actor`, followActivityId: `${fr.origin}/actor#follows/x`,
    ...(opts.backfilled ? { backfill: { cursor: null, fetched: 0, done: true, startedAt: null, finishedAt: null } } : {}),
  });
  return p;
}

const digest = (count: number, d = "0".repeat(64)) => () => json({ count, digest: d, followedBy: true });
const sync = async (p: HostileMirrorPeer) => (await fr.store.peers.get(p.origin))!.sync;
const mirroredOf = async (p: HostileMirrorPeer) => (await fr.store.mirror.revisions(p.origin)).map((e) => e.id);

describe("paging from a lying peer ends within bounds and is recorded", () => {
  it("stops at a repeated cursor", async () => {
    const p = await hostile();
    p.route("/api/v1/sync/digest", digest(5));
    p.route("/api/v1/sync/challenges", () => json({ items: [], nextCursor: "again" }));
    await net.reconcile(p.origin);
    expect(p.count("/api/v1/sync/challenges")).toBe(2);
    const s = await sync(p);
    expect(s.lastError).toMatch(/cursor repeated/);
    expect(s.backfill).toMatchObject({ cursor: null, done: false });
  });

  it("stops an endless chain of fresh cursors at the pages its announced total needs", async () => {
    const p = await hostile();
    let n = 0;
    p.route("/api/v1/sync/digest", digest(5));
    p.route("/api/v1/sync/challenges", () => json({ items: [], nextCursor: `c${++n}` }));
    await net.reconcile(p.origin);
    // ceil(5 / 200) = 1 page, plus 3 pages of slack.
    expect(p.count("/api/v1/sync/challenges")).toBe(4);
    expect((await sync(p)).lastError).toMatch(/does not end within 4 pages/);
  });

  it("does not believe an absurd total, and stops a total that never ends by time", async () => {
    const absurd = await hostile();
    absurd.route("/api/v1/sync/digest", digest(10 ** 12));
    await net.reconcile(absurd.origin);
    expect(absurd.count("/api/v1/sync/challenges")).toBe(0);
    expect((await sync(absurd)).lastError).toMatch(/more than the 1000000 believed/);

    const endless = await hostile();
    let n = 0;
    endless.route("/api/v1/sync/digest", digest(999_999));
    endless.route("/api/v1/sync/challenges", async () => {
      await new Promise((r) => setTimeout(r, 5));
      return json({ items: [], nextCursor: `c${++n}` });
    });
    await net.reconcile(endless.origin);
    expect((await sync(endless)).lastError).toMatch(/not done within the time allowed/);
    expect(endless.count("/api/v1/sync/challenges")).toBeLessThan(5003);
  });

  it("refuses pages larger than asked for or than the announced total allows", async () => {
    const crowded = await hostile();
    crowded.route("/api/v1/sync/digest", digest(1));
    crowded.route("/api/v1/sync/challenges", () => json({ items: Array.from({ length: 300 }, () => ({})), nextCursor: null }));
    await net.reconcile(crowded.origin);
    expect((await sync(crowded)).lastError).toMatch(/a page of 300 entries, more than the 200 asked for/);
    expect(await mirroredOf(crowded)).toEqual([]);

    const huge = await hostile();
    let n = 0;
    huge.route("/api/v1/sync/digest", digest(1));
    huge.route("/api/v1/sync/challenges", () => json({ items: [{ padding: "x".repeat(700 * 1024) }], nextCursor: `c${++n}` }));
    await net.reconcile(huge.origin);
    expect((await sync(huge)).lastError).toMatch(/bytes, more than its announced total allows/);
    expect(huge.count("/api/v1/sync/challenges")).toBe(2);
  });

  it("bounds the revision list the same way", async () => {
    const p = await hostile({ backfilled: true });
    p.route("/api/v1/sync/digest", digest(3));
    p.route("/api/v1/sync/revisions", () => json({ items: [], nextCursor: "same" }));
    await net.reconcile(p.origin);
    expect(p.count("/api/v1/sync/revisions")).toBe(2);
    expect((await sync(p)).lastError).toMatch(/revision list of .* cursor repeated/);
  });
});

describe("canonical documents come only from their origin, as JSON", () => {
  /** A peer announcing one challenge whose canonical document is answered by `canonical`. */
  async function announcing(canonical: (p: HostileMirrorPeer) => ReturnType<typeof json>): Promise<{ p: HostileMirrorPeer; id: string }> {
    const p = await hostile({ backfilled: true });
    const doc = challengeOf(p.origin, "k1");
    p.route("/api/v1/sync/digest", digest(1));
    p.route("/api/v1/sync/revisions", () => json({ items: [{ id: doc.id, revision: doc.revision }], nextCursor: null }));
    p.route("/api/v1/challenges/", () => canonical(p));
    return { p, id: doc.id };
  }

  it("refuses a document reached through a redirect to another origin", async () => {
    const elsewhere = await startHostileMirrorPeer();
    peers.push(elsewhere);
    const { p, id } = await announcing(() => ({ status: 302, headers: { location: `${elsewhere.origin}/doc` }, body: "" }));
    elsewhere.route("/doc", () => json(challengeOf(p.origin, "k1")));
    await net.reconcile(p.origin);
    expect(elsewhere.count("/doc")).toBeLessThanOrEqual(1);
    expect((await sync(p)).lastError).toMatch(/redirected to another origin/);
    expect(await fr.store.challenges.getById(id)).toBeNull();
  });

  it("refuses a document served as text/html", async () => {
    const { p, id } = await announcing((self) => ({ status: 200, headers: { "content-type": "text/html" }, body: JSON.stringify(challengeOf(self.origin, "k1")) }));
    await net.reconcile(p.origin);
    expect((await sync(p)).lastError).toMatch(/answer is text\/html, not JSON/);
    expect(await fr.store.challenges.getById(id)).toBeNull();
  });

  it("accepts the same document as application/activity+json from its origin", async () => {
    const { p, id } = await announcing((self) => json(challengeOf(self.origin, "k1"), 200, { "content-type": "application/activity+json; charset=utf-8" }));
    await net.reconcile(p.origin);
    expect(await fr.store.challenges.getById(id)).toMatchObject({ origin: p.origin, withdrawnAt: null });
  });
});

describe("a peer that asks to be left alone", () => {
  it("is not asked again before its Retry-After, and the wait is shown in its sync status", async () => {
    const p = await hostile();
    p.route("/api/v1/sync/digest", () => ({ status: 429, headers: { "retry-after": "120" }, body: "" }));
    const before = Date.now();
    await net.reconcile(p.origin);
    const s = await sync(p);
    expect(s.lastError).toMatch(/answered 429/);
    const until = Date.parse(s.retryAfter!);
    expect(until).toBeGreaterThanOrEqual(before + 119_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 121_000);
    await net.reconcileAll();
    await net.reconcile(p.origin);
    expect(p.count("/")).toBe(1);
  });

  it("reads an HTTP-date Retry-After on 503 and caps an absurd one at a day", async () => {
    const dated = await hostile();
    const at = new Date(Date.now() + 3600_000);
    dated.route("/api/v1/sync/digest", () => ({ status: 503, headers: { "retry-after": at.toUTCString() }, body: "" }));
    await net.reconcile(dated.origin);
    expect(Math.abs(Date.parse((await sync(dated)).retryAfter!) - at.getTime())).toBeLessThan(2000);

    const greedy = await hostile();
    greedy.route("/api/v1/sync/digest", () => ({ status: 429, headers: { "retry-after": "99999999" }, body: "" }));
    await net.reconcile(greedy.origin);
    expect(Date.parse((await sync(greedy)).retryAfter!)).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });
});

describe("refused revisions", () => {
  it("are remembered: the next round neither re-fetches them nor backfills again, until the peer announces a new revision", async () => {
    const p = await hostile({ backfilled: true });
    // 60 announced challenges (more than one reconciliation fetches one by one: it re-pulls pages),
    // every one invalid, and one valid one.
    const bad = Array.from({ length: 60 }, (_, i) => ({ ...challengeOf(p.origin, `bad${String(i).padStart(2, "0")}`), title: {} }));
    const good = challengeOf(p.origin, "good");
    let all = [...bad, good].sort((a, b) => (a.id < b.id ? -1 : 1));
    p.route("/api/v1/sync/digest", () => json({ count: all.length, digest: "f".repeat(64), followedBy: true }));
    p.route("/api/v1/sync/revisions", () => json({ items: all.map((d) => ({ id: d.id, revision: d.revision })), nextCursor: null }));
    p.route("/api/v1/sync/challenges", () => json({ items: all, nextCursor: null }));
    p.route("/api/v1/challenges/", (url) => json(all.find((d) => d.id.endsWith(`/${url.pathname.split("/").pop()}`))));

    await net.reconcile(p.origin);
    expect(await mirroredOf(p)).toEqual([good.id]);
    expect(p.count("/api/v1/sync/challenges")).toBe(1);
    const first = await sync(p);
    expect(first.refused).toHaveLength(60);
    expect(first.lastError).toBeNull();

    const before = p.requests.length;
    await net.reconcile(p.origin);
    const second = p.requests.slice(before).map((u) => u.pathname).filter((path) => path !== "/api/v1/hubs");
    expect(second).toEqual(["/api/v1/sync/digest", "/api/v1/sync/revisions"]);

    // A new revision of one refused document is fetched again — once.
    const fixed = challengeOf(p.origin, "bad07", 1);
    all = all.map((d) => (d.id === fixed.id ? fixed : d));
    const mark = p.requests.length;
    await net.reconcile(p.origin);
    expect(p.requests.slice(mark).filter((u) => u.pathname.startsWith("/api/v1/challenges/")).map((u) => u.pathname)).toEqual(["/api/v1/challenges/bad07"]);
    expect(await mirroredOf(p)).toContain(fixed.id);
    expect((await sync(p)).refused).toHaveLength(59);
  });
});

describe("a peer's hub list", () => {
  /** An empty digest: the challenges are in sync at once, only the hub list is fetched. */
  const EMPTY = digest(0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  async function listing(hubs: () => unknown[]): Promise<HostileMirrorPeer> {
    const p = await hostile({ backfilled: true });
    p.route("/api/v1/sync/digest", EMPTY);
    p.route("/api/v1/hubs", () => json({ items: hubs() }));
    return p;
  }
  const heldOf = async (p: HostileMirrorPeer) => (await fr.store.mirroredHubs.list()).filter((h) => h.origin === p.origin).map((h) => h.doc.preferredUsername);
  const directory = async () => {
    const res = await fetch(`${fr.listenUrl}/hubs`, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it("brings only valid hubs on the peer's own origin", async () => {
    const other = await startHostileMirrorPeer();
    peers.push(other);
    const p = await listing(() => [
      hubOf(p.origin, "good"),
      hubOf(other.origin, "foreign"), // another origin's hub: the peer does not speak for it
      { ...hubOf(p.origin, "elsewhere"), id: `${p.origin}/actors/elsewhere` }, // not the address its node mints
      { ...hubOf(p.origin, "invalid"), contact: { email: "not an address" } },
      { ...hubOf(p.origin, "extra"), script: "<script>" },
      "not an object",
      hubOf(p.origin, "good"),
    ]);
    await net.reconcile(p.origin);
    expect(await heldOf(p)).toEqual(["good"]);
    expect(await fr.store.mirroredHubs.getById(`${other.origin}/hubs/foreign`)).toBeNull();
    expect((await sync(p)).lastError).toBeNull();
    const page = await directory();
    expect(page).toContain(`/mirror/${encodeURIComponent(new URL(p.origin).host)}/hubs/good`);
    expect(page).not.toContain("foreign");
  });

  it("caps a list longer than maxHubs and refuses one larger than its byte bound, keeping what it held", async () => {
    const p = await listing(() => Array.from({ length: 1200 }, (_, i) => hubOf(p.origin, `h${String(i).padStart(4, "0")}`)));
    await net.reconcile(p.origin);
    const held = await heldOf(p);
    expect(held).toHaveLength(1000);
    expect(held).not.toContain("h1000");
    p.route("/api/v1/hubs", () => json({ items: [{ ...hubOf(p.origin, "huge"), padding: "x".repeat(2 * 1024 * 1024) }] }));
    await net.reconcile(p.origin);
    expect(await heldOf(p)).toHaveLength(1000);
    expect((await sync(p)).lastError).toBeNull();
    await directory();
    // A removed peer's hubs leave with it.
    await fr.peers.remove(p.origin);
    expect(await heldOf(p)).toEqual([]);
  });

  it("forgets a hub the peer no longer lists at the next sync", async () => {
    let handles = ["stays", "goes"];
    const p = await listing(() => handles.map((h) => hubOf(p.origin, h)));
    await net.reconcile(p.origin);
    expect((await heldOf(p)).sort()).toEqual(["goes", "stays"]);
    handles = ["stays"];
    await net.reconcile(p.origin);
    expect(await heldOf(p)).toEqual(["stays"]);
    const gone = await fetch(`${fr.listenUrl}/mirror/${new URL(p.origin).host}/hubs/goes`, { headers: { accept: "text/html" } });
    expect(gone.status).toBe(404);
  });
});
