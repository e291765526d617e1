// The public sync API in O(page): keyset pages of /api/v1/sync/revisions and /challenges return every
// row exactly once while rows are added between pages, cursors are validated strictly (400, never a
// 500 or a silent restart), and the digest follows every change of the live set. /documents answers
// several keys as the canonical route answers each of them.
import { createHash } from "node:crypto";
import { sampleChallenge } from "../contract/sample-challenge";
import { startTestNode, type TestNode } from "../support/node";
import { api, type Json } from "../support/remote";

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ IPN_COUNTRY: "DE" });
});

afterAll(async () => {
  await node?.stop();
});

const addLocal = async (n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = sampleChallenge({ origin: node.origin });
    await node.store.challenges.insert(c, null);
    ids.push(c.id);
  }
  return ids;
};

const digestOf = (entries: { id: string; revision: number }[]) => {
  const h = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.id < b.id ? -1 : 1))) h.update(`${e.id} ${e.revision}\n`);
  return h.digest("hex");
};

it("walks revisions and documents in keyset pages: every row once while rows are added", async () => {
  const initial = await addLocal(9);
  for (const path of ["/api/v1/sync/revisions", "/api/v1/sync/challenges"]) {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page = await api(node, "GET", `${path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, null);
      expect(page.status).toBe(200);
      expect(page.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.json.items.map((e: Json) => e.id));
      cursor = page.json.nextCursor;
      if (!cursor) break;
      await addLocal(1); // published while a peer walks the pages
    }
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(initial));
  }
});

it("refuses cursors it did not hand out with 400", async () => {
  const first = await api(node, "GET", "/api/v1/sync/revisions?limit=1", null);
  const good = first.json.nextCursor as string;
  expect((await api(node, "GET", `/api/v1/sync/revisions?limit=1&cursor=${good}`, null)).status).toBe(200);
  const garbage = [
    "%%%",
    "abc",
    `${good}=`,
    Buffer.from("http://elsewhere.example/not-a-challenge").toString("base64url"),
    Buffer.from("robert'); DROP TABLE challenges;--").toString("base64url"),
    "A".repeat(3000),
  ];
  for (const cursor of garbage) {
    for (const path of ["/api/v1/sync/revisions", "/api/v1/sync/challenges"]) {
      const res = await api(node, "GET", `${path}?cursor=${encodeURIComponent(cursor)}`, null);
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ pointer: "/query/cursor" })]);
    }
  }
  expect((await api(node, "GET", "/api/v1/sync/revisions?cursor=a&cursor=b", null)).status).toBe(400);
});

it("serves a digest that follows every change of the live set", async () => {
  const read = async () => (await api(node, "GET", "/api/v1/sync/digest", null)).json;
  const check = async () => {
    const d = await read();
    const live = await node.store.mirror.revisions(node.origin);
    expect(d).toMatchObject({ count: live.length, digest: digestOf(live) });
    return d.digest as string;
  };
  const a = await check();
  expect(await check()).toBe(a);
  const [id] = await addLocal(1);
  const b = await check();
  expect(b).not.toBe(a);
  const held = (await node.store.challenges.getById(id!))!;
  await node.store.challenges.update({ ...held, version: held.version + 1, withdrawnAt: new Date().toISOString() }, held.version, null);
  const c = await check();
  expect(c).toBe(a);
});

it("answers several keys at once as the canonical route answers each: live, withdrawn, draft, unknown", async () => {
  const [live, withdrawn] = await addLocal(2);
  const draft = sampleChallenge({ origin: node.origin, status: "draft" });
  await node.store.challenges.insert(draft, null);
  const held = (await node.store.challenges.getById(withdrawn!))!;
  await node.store.challenges.update({ ...held, version: held.version + 1, withdrawnAt: new Date().toISOString() }, held.version, null);
  const key = (id: string) => id.split("/").pop()!;
  const keys = [key(live!), key(withdrawn!), key(draft.doc.id), "no-such-key", key(live!)];
  const res = await api(node, "GET", `/api/v1/sync/documents?key=${keys.join(",")}`, null);
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ items: [(await node.store.challenges.getById(live!))!.doc], gone: [key(withdrawn!)], missing: [key(draft.doc.id), "no-such-key"] });
  // The same verdicts, one key at a time, from the canonical route.
  const one = async (k: string) => (await api(node, "GET", `/api/v1/challenges/${k}`, null)).status;
  expect([await one(keys[0]!), await one(keys[1]!), await one(keys[2]!), await one(keys[3]!)]).toEqual([200, 410, 404, 404]);
  // Repeated parameters are the same list.
  const repeated = await api(node, "GET", `/api/v1/sync/documents?key=${key(live!)}&key=${key(withdrawn!)}`, null);
  expect(repeated.json).toMatchObject({ items: [expect.objectContaining({ id: live })], gone: [key(withdrawn!)], missing: [] });
});

it("refuses no key, more than 50 keys, odd keys and unknown parameters with 400 and a pointer", async () => {
  const bad: [string, string][] = [
    ["", "/query/key"],
    ["?key=", "/query/key"],
    [`?key=${Array.from({ length: 51 }, (_, i) => `k${i}`).join(",")}`, "/query/key"],
    ["?key=a%2Fb", "/query/key"],
    [`?key=${"x".repeat(101)}`, "/query/key"],
    ["?key=a&limit=3", "/query/limit"],
  ];
  for (const [query, pointer] of bad) {
    const res = await api(node, "GET", `/api/v1/sync/documents${query}`, null);
    expect([query, res.status]).toEqual([query, 400]);
    expect(res.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer })]));
  }
});
