// Runs the store, KV and queue contracts against the MongoDB store, on a real server speaking the
// MongoDB wire protocol: the one at IPN_TEST_MONGODB_URL, or else a FerretDB 1.24 that this file
// builds (first time only, needs Go) and starts itself via .ci/ferretdb.sh. Every store gets a
// fresh, randomly named database, dropped afterwards.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Collection, MongoClient } from "mongodb";
import { createMongoStore, databaseName } from "../../node/storage/mongo";
import { toActivityDoc, toChallengeDoc } from "../../node/storage/mongo/challenge-docs";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { describeKvContract } from "./kv-contract";
import { describeQueueContract } from "./queue-contract";
import { activityFor, sampleChallenge } from "./sample-challenge";
import { describeOutboxOrderContract } from "./outbox-order-contract";
import { describeStoreContract } from "./store-contract";
import { describeAccountsContract } from "./accounts-contract";
import { StoreSequence, type SequenceDoc } from "../../node/storage/mongo/sequence";

const FERRETDB = path.join(__dirname, "..", "..", ".ci", "ferretdb.sh");

let server = "";
let ownServerState: string | null = null;
let admin: MongoClient;

beforeAll(async () => {
  const given = process.env.IPN_TEST_MONGODB_URL?.trim();
  if (given) {
    server = given;
  } else {
    ownServerState = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-ferretdb-"));
    // Builds FerretDB on first use (about 2 min on a fresh machine), then starts it on a free port.
    try {
      server = execFileSync("bash", [FERRETDB, "start", "--state", ownServerState], {
        encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 9 * 60_000,
      }).trim();
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? "").split("\n").slice(-15).join("\n");
      throw new Error(`could not start FerretDB for the MongoDB store tests (or set IPN_TEST_MONGODB_URL to a running server):\n${stderr}`);
    }
  }
  admin = new MongoClient(server, { serverSelectionTimeoutMS: 10_000 });
  await admin.connect();
}, 10 * 60_000);

afterAll(async () => {
  await admin?.close();
  if (ownServerState) {
    execFileSync("bash", [FERRETDB, "stop", "--state", ownServerState], { stdio: "inherit" });
    fs.rmSync(ownServerState, { recursive: true, force: true });
  }
});

/** The server URL with another database in its path (query options kept). */
function withDatabase(url: string, name: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(.*)$/i.exec(url);
  if (!m) throw new Error(`IPN_TEST_MONGODB_URL is not a mongodb:// URL: ${url}`);
  return `${m[1]}/${name}${m[2] ?? ""}`;
}

const freshDatabase = () => `ipn_test_${randomBytes(6).toString("hex")}`;
const dropDatabase = (name: string) => admin.db(name).dropDatabase();

async function fresh(): Promise<{ store: Store; cleanup(): Promise<void> }> {
  const name = freshDatabase();
  const store = await openStore({ url: withDatabase(server, name) });
  return { store, cleanup: async () => { await store.close(); await dropDatabase(name); } };
}

describeStoreContract("MongoDB", fresh, { facetsFollowWrites: false });
describeAccountsContract("MongoDB", fresh);
describeKvContract("MongoDB", async () => {
  const { store, cleanup } = await fresh();
  return { kv: store.kv, cleanup };
});
describeQueueContract("MongoDB", async () => {
  const name = freshDatabase();
  const url = withDatabase(server, name);
  const stores: Store[] = [];
  return {
    url,
    async open(tuning) {
      const store = await openStore({ url, queue: tuning });
      stores.push(store);
      return store.queue;
    },
    async lanes(tuning) {
      const store = await openStore({ url: url, queue: tuning });
      stores.push(store);
      return store.queues;
    },
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      await dropDatabase(name);
    },
  };
});

// Issue 8: outbox order and feed effects, two store instances (processes) on one database.
describeOutboxOrderContract("MongoDB", async () => {
  const name = freshDatabase();
  const url = withDatabase(server, name);
  const stores: Store[] = [];
  return {
    async open() {
      const store = await openStore({ url });
      stores.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      await dropDatabase(name);
    },
  };
});

describe("MongoDB store: sequences from the store, not from clocks (issue 8)", () => {
  let name: string;
  let clients: MongoClient[] = [];
  beforeEach(() => { name = freshDatabase(); });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    await dropDatabase(name);
  });
  /** A sequence on its own connection, as another process would have. */
  const sequenceOf = async () => {
    const client = new MongoClient(server, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    clients.push(client);
    return new StoreSequence(client.db(name).collection<SequenceDoc>("sequences"), "outbox");
  };

  it("hands out unique values to concurrent allocators; each allocator's values strictly increase", async () => {
    const [a, b] = [await sequenceOf(), await sequenceOf()];
    const run = async (s: StoreSequence) => {
      const got: string[] = [];
      for (let i = 0; i < 25; i++) got.push(await s.next());
      return got;
    };
    // Two sequential allocators per instance, all four at once.
    const results = await Promise.all([run(a), run(b), run(a), run(b)]);
    const all = results.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const r of results) expect([...r].sort()).toEqual(r);
    // Dense: every allocation took the next free value, none was skipped or taken twice.
    expect([...all].sort()).toEqual(Array.from({ length: all.length }, (_, i) => `s${String(i + 1).padStart(15, "0")}`));
  });

  it("hands out runs of values (a batch's feed effects) among single allocators: unique, dense, each run in order", async () => {
    const [a, b] = [await sequenceOf(), await sequenceOf()];
    const runs = async (s: StoreSequence) => {
      const got: string[][] = [];
      for (let i = 0; i < 8; i++) got.push(await s.nextMany(5));
      return got;
    };
    const singles = async (s: StoreSequence) => {
      const got: string[] = [];
      for (let i = 0; i < 20; i++) got.push(await s.next());
      return got;
    };
    const [r1, r2, s1, s2] = await Promise.all([runs(a), runs(b), singles(a), singles(b)]);
    expect(await a.nextMany(0)).toEqual([]);
    for (const run of [...r1, ...r2]) {
      expect(run).toHaveLength(5);
      expect([...run].sort()).toEqual(run);
    }
    // Each allocator's values keep increasing from one call to the next.
    for (const seq of [r1.flat(), r2.flat(), s1, s2]) expect([...seq].sort()).toEqual(seq);
    const all = [...r1.flat(), ...r2.flat(), ...s1, ...s2];
    expect([...all].sort()).toEqual(Array.from({ length: all.length }, (_, i) => `s${String(i + 1).padStart(15, "0")}`));
  });

  it("keeps the values a run inserted before one another allocator took, and takes the rest above it", async () => {
    const s = await sequenceOf();
    const real = (s as unknown as { c: Collection<SequenceDoc> }).c;
    // Another allocator takes the third value of the run between its read and its insert.
    let raced = false;
    const racing = new Proxy(real, {
      get(target, prop) {
        if (prop === "insertMany" && !raced) {
          return async (docs: SequenceDoc[], options: object) => {
            raced = true;
            await target.insertOne({ _id: docs[2]!._id, at: new Date() });
            return target.insertMany(docs, options);
          };
        }
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const got = await new StoreSequence(racing, "outbox").nextMany(5);
    const v = (n: number) => `s${String(n).padStart(15, "0")}`;
    expect(got).toEqual([v(1), v(2), v(4), v(5), v(6)]);
    // Every value handed out is held in the store, once.
    const held = (await real.find({}).toArray()).map((d) => d._id).sort();
    expect(held).toEqual([1, 2, 3, 4, 5, 6].map((n) => `outbox:${String(n).padStart(15, "0")}`));
  });

  it("orders after the clock values an earlier version wrote, and ignores the clock", async () => {
    const s = await sequenceOf();
    const spy = jest.spyOn(Date, "now").mockReturnValue(0);
    try {
      const first = await s.next();
      const second = await s.next();
      expect(second > first).toBe(true);
      expect(first > "999999999999999999999-ffffffff").toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("MongoDB store: URLs, durability and races", () => {
  let name: string;
  let url: string;
  const stores: Store[] = [];
  const open = async () => {
    const s = await openStore({ url });
    stores.push(s);
    return s;
  };
  beforeEach(() => { name = freshDatabase(); url = withDatabase(server, name); });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await dropDatabase(name);
  });

  it("takes the database from the URL path, \"ipn\" when there is none", () => {
    expect(databaseName("mongodb://db.example:27017/ipn_prod?replicaSet=rs0")).toBe("ipn_prod");
    expect(databaseName("mongodb://user:p%40ss@h1:27017,h2:27017/?replicaSet=rs0")).toBe("ipn");
    expect(databaseName("mongodb+srv://cluster.example")).toBe("ipn");
    expect(() => databaseName("mongodb://h/a.b")).toThrow(/invalid MongoDB database name/);
  });

  it("keeps everything written after the store is closed and reopened", async () => {
    const c = sampleChallenge();
    const create = activityFor(c);
    let store = await open();
    await store.challenges.insert(c, create);
    await store.followers.add("muenchen", { actorId: "https://social.example/u/1", inbox: "https://social.example/u/1/inbox", sharedInbox: null, followId: null });
    await store.kv.set(["_fedify", "publicKey", "k"], { n: 1 });
    await store.queue.enqueue({ type: "outbox", id: 1 }, { orderingKey: "k" });
    await store.close();

    store = await open();
    expect(await store.challenges.getById(c.id)).toEqual(c);
    expect(await store.activities.pending(10)).toEqual([create]);
    expect(await store.followers.count("muenchen")).toBe(1);
    expect(await store.kv.get(["_fedify", "publicKey", "k"])).toEqual({ n: 1 });
    expect(await store.queue.getDepth()).toEqual({ queued: 1, ready: 1, delayed: 0 });
    expect((await store.challenges.list({ limit: 10 })).items.map((x) => x.id)).toEqual([c.id]);
  });

  it("gives challenges stored before the listing facets of issue 11 their facets when the store opens", async () => {
    const c = sampleChallenge();
    let store = await open();
    await store.challenges.insert(c, null);
    await store.close();
    await admin.db(name).collection("challenges").updateOne({ _id: c.id as never }, { $unset: { facets: "" } });
    store = await open();
    const cpv = c.doc.cpv!.main;
    expect((await store.challenges.list({ cpv: [`${cpv.slice(0, 2)}000000`], status: [c.doc.status], limit: 10 })).items.map((x) => x.id)).toEqual([c.id]);
    expect(await store.challenges.count({ language: [c.doc.defaultLanguage], status: [c.doc.status], limit: 10 })).toBe(1);
  });

  it("lets exactly one of many concurrent edits of the same version win, from two store instances", async () => {
    const [a, b] = [await open(), await open()];
    const c = sampleChallenge({ title: { en: "Original" } });
    await a.challenges.insert(c, null);
    const edits = Array.from({ length: 10 }, (_, i) => {
      const next = { ...c, version: 2, doc: { ...c.doc, revision: 2, title: { en: `Edit ${i}` } } };
      return (i % 2 ? a : b).challenges.update(next, 1, activityFor(next, "Update"));
    });
    const won = (await Promise.all(edits)).flatMap((ok, i) => (ok ? [i] : []));
    expect(won).toHaveLength(1);
    const stored = await a.challenges.getById(c.id);
    expect(stored?.version).toBe(2);
    expect(stored?.doc.title).toEqual({ en: `Edit ${won[0]}` });
    expect((await a.activities.pending(100)).filter((x) => x.type === "Update")).toHaveLength(1);
  });

  it("stores one of many concurrent inserts of the same key and refuses the others", async () => {
    const [a, b] = [await open(), await open()];
    const key = `race-${randomBytes(3).toString("hex")}`;
    const inserts = Array.from({ length: 8 }, (_, i) => {
      const c = sampleChallenge({ key });
      const other = { ...c, id: `${c.id}-${i}`, doc: { ...c.doc, id: `${c.id}-${i}` } };
      return (i % 2 ? a : b).challenges.insert(other, activityFor(other));
    });
    const results = await Promise.allSettled(inserts);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as Error).name).toBe("DuplicateError");
    expect((await a.challenges.getByKey(key))?.key).toBe(key);
    expect(await a.activities.pending(100)).toHaveLength(1);
  });

  it("finishes a write whose process died after committing it, when the store opens again", async () => {
    const store = await open();
    const c = sampleChallenge({ title: { en: "Interrupted write" } });
    const create = activityFor(c);
    // What a writer leaves behind when it dies between its commit record and applying it.
    await admin.db(name).collection("challenge_writes").insertOne({
      _id: `${c.id}@0` as never, challengeId: c.id, from: 0, key: c.key, activityId: create.id,
      at: new Date(Date.now() - 60_000), pending: true, challenge: toChallengeDoc(c), activity: toActivityDoc(create, "000000000000001000000-00000000"),
    });
    expect(await store.challenges.getById(c.id)).toBeNull();
    const reopened = await open();
    expect(await reopened.challenges.getById(c.id)).toEqual(c);
    expect(await reopened.activities.pending(10)).toEqual([create]);
    expect((await reopened.challenges.list({ limit: 10, q: "interrupted" })).items.map((x) => x.id)).toEqual([c.id]);
  });

  it("moves the change stamp on a write by a process whose clock is minutes behind (cached listings are not kept past it)", async () => {
    const [a, b] = [await open(), await open()];
    await a.challenges.insert(sampleChallenge(), null);
    const before = await a.mirror.changeStamp();
    // Only Date is faked: b's writes carry a clock ten minutes behind a's.
    jest.useFakeTimers({ now: Date.now() - 10 * 60_000, doNotFake: ["hrtime", "nextTick", "performance", "queueMicrotask", "requestAnimationFrame", "cancelAnimationFrame", "requestIdleCallback", "cancelIdleCallback", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    try {
      await b.challenges.insert(sampleChallenge(), null);
    } finally {
      jest.useRealTimers();
    }
    const after = await a.mirror.changeStamp();
    expect(after).not.toBe(before);
    await b.mirror.removeOrigin("https://nobody.example");
    expect(await a.mirror.changeStamp()).toBe(after); // nothing removed, nothing changed
  });

  it("lets exactly one of many concurrent kv cas calls win across two store instances", async () => {
    const [a, b] = [await open(), await open()];
    await a.kv.set(["circuit"], { state: "closed" });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).kv.cas!(["circuit"], { state: "closed" }, { state: "open", by: i })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.kv.get(["circuit"])).toEqual({ state: "open", by: results.indexOf(true) });
  });

  it("lets a cas through after a writer died between claiming a change and making it, never while one is under way", async () => {
    const store = await open();
    await store.kv.set(["lease"], { owner: "dead", until: 1 });
    const kvDocs = admin.db(name).collection<{ _id: string; rev: string }>("fedify_kv");
    const markers = admin.db(name).collection<{ _id: string; at: Date }>("fedify_kv_cas");
    const markerOf = async () => `${JSON.stringify(["lease"])}\u0000${(await kvDocs.findOne({ _id: JSON.stringify(["lease"]) }))!.rev}`;
    // A cas that claimed the change a moment ago is still under way: others lose, as before.
    await markers.insertOne({ _id: await markerOf(), at: new Date() });
    expect(await store.kv.cas!(["lease"], { owner: "dead", until: 1 }, { owner: "standby", until: 2 })).toBe(false);
    expect(await store.kv.get(["lease"])).toEqual({ owner: "dead", until: 1 });
    // The same claim a minute old, the document untouched: its writer died (SIGKILL mid-renewal).
    await markers.updateOne({ _id: await markerOf() }, { $set: { at: new Date(Date.now() - 60_000) } });
    const racers = await Promise.all([open(), open()]);
    const results = await Promise.all([store, ...racers].map((s, i) => s.kv.cas!(["lease"], { owner: "dead", until: 1 }, { owner: `standby-${i}`, until: 2 })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.kv.get(["lease"])).toEqual({ owner: `standby-${results.indexOf(true)}`, until: 2 });
  });

  it("fails to open with a clear message when no server answers", async () => {
    await expect(createMongoStore("mongodb://127.0.0.1:9/ipn", { serverSelectionTimeoutMs: 300 })).rejects.toThrow(/cannot reach MongoDB at mongodb:\/\/127\.0\.0\.1:9\/ipn/);
  });

  it("pings while open and refuses after close", async () => {
    const store = await open();
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});
