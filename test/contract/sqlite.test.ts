// Runs the store, KV and queue contracts against the embedded SQLite store, on temporary files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { Hub } from "../../node/domain/types";
import { openStore } from "../../node/storage/open-store";
import { createSqliteStore } from "../../node/storage/sqlite";
import { RANK_AT_MOST } from "../../node/domain/listing-sort";
import { FEW_TEXT_MATCHES } from "../../node/storage/sqlite/listing-sql";
import type { Store } from "../../node/storage/store";
import { describeKvContract } from "./kv-contract";
import { describeQueueContract } from "./queue-contract";
import { startQueueWorker } from "./queue-worker-process";
import { activityFor, hubId, sampleChallenge } from "./sample-challenge";
import { BackgroundReader } from "../../node/storage/sqlite/background-reader";
import { describeOutboxOrderContract } from "./outbox-order-contract";
import { describeStoreContract } from "./store-contract";
import { describeAccountsContract } from "./accounts-contract";

const dirs: string[] = [];
const tempFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-store-"));
  dirs.push(dir);
  return path.join(dir, "ipn.db");
};
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** A store on a fresh file; cleanup closes it and deletes the file (and its -wal/-shm). */
async function fresh(): Promise<{ store: Store; cleanup(): Promise<void> }> {
  const file = tempFile();
  const store = createSqliteStore(file);
  return { store, cleanup: async () => { await store.close(); fs.rmSync(path.dirname(file), { recursive: true, force: true }); } };
}

describeStoreContract("SQLite", fresh, { facetsFollowWrites: true });
describeAccountsContract("SQLite", fresh);
describeKvContract("SQLite", async () => {
  const { store, cleanup } = await fresh();
  return { kv: store.kv, cleanup };
});
describeQueueContract("SQLite", async () => {
  const file = tempFile();
  const stores: Store[] = [];
  return {
    url: `sqlite:${file}`,
    async open(tuning) {
      const store = await openStore({ url: `sqlite:${file}`, queue: tuning });
      stores.push(store);
      return store.queue;
    },
    async lanes(tuning) {
      const store = await openStore({ url: `sqlite:${file}`, queue: tuning });
      stores.push(store);
      return store.queues;
    },
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
});

// Issue 8: outbox order and feed effects, two store instances (processes) on one file.
describeOutboxOrderContract("SQLite", async () => {
  const file = tempFile();
  const stores: Store[] = [];
  return {
    async open() {
      const store = await openStore({ url: `sqlite:${file}` });
      stores.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(stores.map((s) => s.close()));
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
});

describe("SQLite store: searches too broad to rank", () => {
  it("lists more than RANK_AT_MOST matches nearest deadline first, and ranks them once filters narrow them", async () => {
    const store = createSqliteStore(":memory:");
    try {
      // The best match by words closes last; every other challenge also holds the word, in its text.
      const best = sampleChallenge({ title: { en: "Drone inspection" }, summary: { en: "x" }, description: { en: "drone" }, country: "LU", places: ["LU"], deadline: "2029-01-01T12:00:00Z" });
      await store.challenges.insert(best, null);
      for (let i = 0; i < RANK_AT_MOST; i++) {
        await store.challenges.insert(sampleChallenge({ title: { en: `Bridge survey ${i}` }, summary: { en: "x" }, description: { en: "a drone flight" }, country: "AT", places: ["AT"], deadline: "2027-06-01T12:00:00Z" }), null);
      }
      const page = await store.challenges.list({ q: "drone", limit: 5 });
      expect(page.items.map((c) => c.id)).not.toContain(best.id); // by deadline: it closes last
      const narrowed = await store.challenges.list({ q: "drone", country: ["LU", "AT"], limit: 5 });
      expect(narrowed.items.map((c) => c.id)).not.toContain(best.id); // still 1,001 matches
      const few = await store.challenges.list({ q: "drone", country: ["LU"], limit: 5 });
      expect(few.items.map((c) => c.id)).toEqual([best.id]);
      // Walking the broad search by its cursors still reaches every match once.
      let cursor: string | undefined;
      const seen = new Set<string>();
      for (;;) {
        const p = await store.challenges.list({ q: "drone", limit: 100, cursor });
        for (const c of p.items) seen.add(c.id);
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      expect(seen.size).toBe(RANK_AT_MOST + 1);
    } finally {
      await store.close();
    }
  });
});

describe("SQLite store: common search words", () => {
  it("counts and lists only the matches of a word found in more rows than it reads as a set", async () => {
    const store = createSqliteStore(":memory:");
    try {
      const n = FEW_TEXT_MATCHES + 1;
      for (let i = 0; i < n + 300; i++) {
        const text = i < n ? "a drone flight" : "a kite flight";
        await store.challenges.insert(sampleChallenge({ title: { en: `Survey ${i}` }, summary: { en: "x" }, description: { en: text }, deadline: `2027-0${1 + (i % 9)}-01T12:00:00Z` }), null);
      }
      expect(await store.challenges.count({ q: "drone", limit: 20 })).toBe(n);
      expect(await store.challenges.count({ q: "kite", limit: 20 })).toBe(300);
      expect(await store.challenges.count({ q: "drones", limit: 20 })).toBe(n); // its forms too
      const page = await store.challenges.list({ q: "drone", limit: 100 });
      expect(page.items.every((c) => c.doc.description?.en === "a drone flight")).toBe(true);
      expect(page.items).toHaveLength(100);
      // How common a word is, is remembered until the next write: a page asks up to four times.
      await store.challenges.insert(sampleChallenge({ title: { en: "Survey" }, summary: { en: "x" }, description: { en: "a drone and a kite" } }), null);
      expect(await store.challenges.count({ q: "drone", limit: 20 })).toBe(n + 1);
      expect(await store.challenges.count({ q: "kite", limit: 20 })).toBe(301);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe("SQLite store: listing totals shared between processes", () => {
  it("counts again after a write by this process or by another one sharing the file", async () => {
    const file = tempFile();
    const web = createSqliteStore(file);
    const worker = createSqliteStore(file); // another connection, as a worker process has
    try {
      const query = { status: ["open" as const], country: ["DE"], limit: 20 };
      await web.challenges.insert(sampleChallenge({ status: "open", country: "DE" }), null);
      expect(await web.challenges.count(query)).toBe(1);
      expect(await web.challenges.count(query)).toBe(1); // unchanged database: the remembered total
      await worker.challenges.insert(sampleChallenge({ status: "open", country: "DE" }), null);
      expect(await web.challenges.count(query)).toBe(2);
      await web.challenges.insert(sampleChallenge({ status: "open", country: "DE" }), null);
      expect(await web.challenges.count(query)).toBe(3);
      expect(await worker.challenges.count(query)).toBe(3);
      expect(await web.challenges.count({ ...query, country: ["FR"] })).toBe(0);
      // Two filters: counted in the reader thread, as exact.
      const two = { ...query, focusArea: ["digital" as const] };
      expect(await web.challenges.count(two)).toBe(0);
      await worker.challenges.insert(sampleChallenge({ status: "open", country: "DE", focusAreas: ["digital"] }), null);
      expect(await web.challenges.count(two)).toBe(1);
      await web.challenges.insert(sampleChallenge({ status: "open", country: "DE", focusAreas: ["digital"] }), null);
      const [a, b] = await Promise.all([web.challenges.count(two), web.challenges.count(two)]);
      expect([a, b]).toEqual([2, 2]);
    } finally {
      await web.close();
      await worker.close();
    }
  });
});

describe("SQLite store: counts that read every match, in the reader thread", () => {
  const facets = ["status", "country", "focusArea", "instrument", "language", "procedureType", "sme", "euFunded"] as const;
  const queries = [
    { limit: 20, country: ["FR"] }, { limit: 20, focusArea: ["digital"], status: ["open" as const, "closed" as const] },
    { limit: 20, country: ["DE"], instrument: ["challenge-prize" as const] }, { limit: 20, q: "hospital" }, { limit: 20, hub: [hubId("paris")] },
  ];
  const world = () => [
    sampleChallenge({ status: "open", focusAreas: ["digital"], places: ["FR"], title: { en: "Hospital logistics" } }),
    sampleChallenge({ status: "open", focusAreas: ["health", "digital"], hub: "paris", instrument: "challenge-prize" }),
    sampleChallenge({ status: "closed", focusAreas: ["digital"], places: ["FR", "SE"] }),
    sampleChallenge({ status: "forthcoming", focusAreas: ["green"], country: "FR", title: { en: "Hospitals that heat less" } }),
    sampleChallenge({ key: null, origin: "https://fr.ipn.test", country: "FR", focusAreas: ["mobility"] }),
  ];
  afterEach(() => jest.restoreAllMocks());

  it("counts a filtered selection's facets in a thread of its own, exactly as the node's own connection does", async () => {
    const onFile = createSqliteStore(tempFile());
    const inMemory = createSqliteStore(":memory:"); // no file to share: counted in-thread
    const reads = jest.spyOn(BackgroundReader.prototype, "all");
    try {
      for (const c of world()) {
        await onFile.challenges.insert(c, null);
        await inMemory.challenges.insert(c, null);
      }
      for (const q of queries) {
        const threaded = await onFile.challenges.facetCounts(q, facets);
        expect({ q, counts: threaded }).toEqual({ q, counts: await inMemory.challenges.facetCounts(q, facets) });
        expect(Object.values(threaded).some((values) => Object.keys(values).length > 0)).toBe(true);
      }
      expect(reads).toHaveBeenCalled();
      // Pages of a search ranked by relevance (every match scored) are read in the thread; a few
      // matches in another order are read here. The same pages either way.
      for (const [q, threaded] of [[{ limit: 1, q: "hospital" }, true], [{ limit: 20, q: "hospitals heat" }, true], [{ limit: 20, q: "hospital", sort: "newest" as const }, false]] as const) {
        reads.mockClear();
        const page = await onFile.challenges.list(q);
        expect(page.items.length).toBeGreaterThan(0);
        expect({ q, page }).toEqual({ q, page: await inMemory.challenges.list(q) });
        expect({ q, threaded: reads.mock.calls.length > 0 }).toEqual({ q, threaded });
      }
      // An unfiltered listing is answered from the kept counts, in-thread, without asking the thread.
      reads.mockClear();
      await onFile.challenges.facetCounts({ limit: 20 }, facets);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      await onFile.close();
      await inMemory.close();
    }
  });

  it("counts in-thread when the reader thread is gone, and shares one count between requests that ask at once", async () => {
    const store = createSqliteStore(tempFile());
    try {
      for (const c of world()) await store.challenges.insert(c, null);
      const reads = jest.spyOn(BackgroundReader.prototype, "all");
      const together = await Promise.all([1, 2, 3].map(() => store.challenges.facetCounts(queries[0]!, ["focusArea"])));
      expect(together[1]).toEqual(together[0]);
      expect(together[2]).toEqual(together[0]);
      expect(reads).toHaveBeenCalledTimes(1);
      // The thread dies (as if it crashed): what it would have counted is counted here.
      const reader = (store.challenges as unknown as { reader: { worker: { terminate(): Promise<number> } | null } }).reader;
      await reader.worker!.terminate();
      reads.mockClear();
      await store.challenges.insert(sampleChallenge({ status: "open", focusAreas: ["digital"] }), null);
      expect(await store.challenges.facetCounts({ limit: 20, focusArea: ["digital"] }, ["country", "language"]))
        .toEqual({ country: { DE: 3, FR: 1 }, language: { de: 2, en: 3 } });
      expect(reads.mock.results.map((r) => r.type)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("counts in-thread what the thread held when it died, and counts nothing more once the store is closing", async () => {
    const store = createSqliteStore(tempFile());
    try {
      for (const c of world()) await store.challenges.insert(c, null);
      const reader = (store.challenges as unknown as { reader: { usable: boolean; worker: { terminate(): Promise<number> } | null } }).reader;
      const pending = store.challenges.facetCounts({ limit: 20, focusArea: ["digital"] }, ["country", "language"]);
      await reader.worker!.terminate(); // dies with the read in it
      expect(await pending).toEqual({ country: { DE: 2, FR: 1 }, language: { de: 1, en: 2 } });
      expect(reader.usable).toBe(false);
    } finally {
      await store.close();
    }
    const closing = createSqliteStore(tempFile());
    for (const c of world()) await closing.challenges.insert(c, null);
    const held = closing.challenges.count({ limit: 20, q: "hospital", country: ["FR"] });
    const closed = closing.close();
    await expect(held).rejects.toThrow(/store is closed/);
    await closed;
  });
});

describe("SQLite store: files and URLs", () => {
  it("keeps everything written after the store is closed and reopened", async () => {
    const file = tempFile();
    const c = sampleChallenge();
    const create = activityFor(c);
    let store = await openStore({ url: `sqlite:${file}` });
    await store.challenges.insert(c, create);
    const hub = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "hubs", "hub-de-muenchen-mobil.json"), "utf8")) as Hub;
    await store.hubs.insert({ handle: "muenchen", tokenHash: "f".repeat(64), doc: hub });
    await store.followers.add("muenchen", { actorId: "https://social.example/u/1", inbox: "https://social.example/u/1/inbox", sharedInbox: null, followId: null });
    await store.kv.set(["_fedify", "publicKey", "k"], { n: 1 });
    await store.queue.enqueue({ type: "outbox", id: 1 }, { orderingKey: "k" });
    await store.close();

    store = await openStore({ url: file }); // a bare path opens the same store
    try {
      expect(await store.challenges.getById(c.id)).toEqual(c);
      expect(await store.activities.pending(10)).toEqual([create]);
      expect(await store.hubs.get("muenchen")).toEqual({ handle: "muenchen", tokenHash: "f".repeat(64), doc: hub });
      expect(await store.followers.count("muenchen")).toBe(1);
      expect(await store.kv.get(["_fedify", "publicKey", "k"])).toEqual({ n: 1 });
      expect(await store.queue.getDepth()).toEqual({ queued: 1, ready: 1, delayed: 0 });
      expect((await store.challenges.list({ limit: 10 })).items.map((x) => x.id)).toEqual([c.id]);
    } finally {
      await store.close();
    }
  });

  it("opens an in-memory store and pings it", async () => {
    const store = await openStore({ url: "sqlite::memory:" });
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });

  it("refuses unknown URL schemes and empty paths with a clear message", async () => {
    await expect(openStore({ url: "redis://localhost/0" })).rejects.toThrow(/unsupported store url scheme "redis:"/);
    await expect(openStore({ url: "sqlite:" })).rejects.toThrow(/no file path/);
    await expect(openStore({ url: "  " })).rejects.toThrow(/empty/);
  });

  it("gives challenges stored before the listing facets of issue 11 their CPV, NUTS and language facets on upgrade", async () => {
    const file = tempFile();
    const store = createSqliteStore(file);
    const c = sampleChallenge();
    await store.challenges.insert(c, null);
    await store.close();
    // What a database of schema version 4 held: country and focus-area facets only.
    const raw = new Database(file);
    raw.exec("DELETE FROM challenge_facets WHERE facet NOT IN ('country', 'focusArea')");
    raw.pragma("user_version = 4");
    raw.close();
    const upgraded = createSqliteStore(file);
    try {
      const cpv = c.doc.cpv!.main;
      const page = await upgraded.challenges.list({ cpv: [`${cpv.slice(0, 2)}000000`], status: [c.doc.status], limit: 10 });
      expect(page.items.map((x) => x.id)).toEqual([c.id]);
      expect(await upgraded.challenges.count({ language: [c.doc.defaultLanguage], status: [c.doc.status], limit: 10 })).toBe(1);
    } finally {
      await upgraded.close();
    }
  });

  it("indexes the word forms of challenges stored before them (schema 8) on upgrade", async () => {
    const file = tempFile();
    const store = createSqliteStore(file);
    const c = sampleChallenge({ title: { en: "Hospital logistics" }, summary: { en: "Robots that carry meals" }, description: { en: "x" } });
    await store.challenges.insert(c, null);
    await store.close();
    // What a database of schema version 8 held: words only, no forms.
    const raw = new Database(file);
    raw.exec(`DROP TABLE challenges_fts;
      CREATE VIRTUAL TABLE challenges_fts USING fts5(title, summary, description, hashtags, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
      INSERT INTO challenges_fts (rowid, title, summary, description, hashtags) SELECT rid, 'Hospital logistics', 'Robots that carry meals', 'x', '' FROM challenges;`);
    raw.pragma("user_version = 8");
    raw.close();
    const upgraded = createSqliteStore(file);
    try {
      const found = async (q: string) => (await upgraded.challenges.list({ q, status: [c.doc.status], limit: 10 })).items.map((x) => x.id);
      expect(await found("hospitals")).toEqual([c.id]);
      expect(await found("carrying robot")).toEqual([c.id]);
      expect(await found("logistics")).toEqual([c.id]);
    } finally {
      await upgraded.close();
    }
  });

  it("counts the challenges stored before the kept listing counts (schema 10) on upgrade, and keeps counting", async () => {
    const file = tempFile();
    const store = createSqliteStore(file);
    const open = sampleChallenge({ status: "open", focusAreas: ["digital"], places: ["FR"] });
    const closed = sampleChallenge({ status: "closed", focusAreas: ["digital"] });
    await store.challenges.insert(open, null);
    await store.challenges.insert(closed, null);
    await store.close();
    // What a database of schema version 10 held: no kept counts, no triggers keeping them.
    const raw = new Database(file);
    raw.exec(`DROP TRIGGER listing_counts_insert; DROP TRIGGER listing_counts_update; DROP TRIGGER listing_counts_delete;
      DROP TRIGGER listing_counts_facet_delete; DROP TRIGGER listing_counts_facet_insert; DROP TABLE listing_counts;`);
    raw.pragma("user_version = 10");
    raw.close();
    const upgraded = createSqliteStore(file);
    try {
      const all = { limit: 10, status: ["open" as const, "closed" as const] };
      expect(await upgraded.challenges.count(all)).toBe(2);
      expect(await upgraded.challenges.facetCounts(all, ["country", "focusArea", "status"])).toEqual({
        country: { DE: 2, FR: 1 }, focusArea: { digital: 2 }, status: { open: 1, closed: 1 },
      });
      await upgraded.challenges.insert(sampleChallenge({ status: "open", focusAreas: ["health"] }), null);
      expect(await upgraded.challenges.count({ ...all, focusArea: ["health"] })).toBe(1);
      expect((await upgraded.challenges.facetCounts(all, ["country"])).country).toEqual({ DE: 3, FR: 1 });
    } finally {
      await upgraded.close();
    }
  });

  it("keeps the listing counts exact when a process of the previous version edits facet rows during a rolling update, and repairs what one lost before", async () => {
    const file = tempFile();
    const store = createSqliteStore(file);
    const c = sampleChallenge({ status: "open", focusAreas: ["digital"] });
    await store.challenges.insert(c, null);
    await store.close();
    // An edit by a process of schema 11, which counted the facet rows it wrote itself: its statement is
    // missing here (as in a process older than schema 11), so the edit lost the count of 'digital'.
    const raw = new Database(file);
    raw.exec("DROP TRIGGER listing_counts_facet_insert");
    raw.pragma("user_version = 11");
    const reinsert = () => raw.exec(`CREATE TEMP TABLE f AS SELECT * FROM challenge_facets;
      DELETE FROM challenge_facets; INSERT INTO challenge_facets SELECT * FROM f; DROP TABLE f;`);
    reinsert();
    expect(raw.prepare("SELECT n FROM listing_counts WHERE facet = 'focusArea' AND value = 'digital'").pluck().get()).toBe(0);
    raw.close();
    const upgraded = createSqliteStore(file);
    const all = { limit: 10, status: ["open" as const] };
    try {
      expect((await upgraded.challenges.facetCounts(all, ["focusArea"])).focusArea).toEqual({ digital: 1 });
      expect(await upgraded.challenges.count({ ...all, focusArea: ["digital"] })).toBe(1);
      // The same old process, still running beside the upgraded one: its facet rows now count themselves.
      const old = new Database(file);
      old.exec("DELETE FROM challenge_facets WHERE facet = 'focusArea'");
      old.prepare("INSERT INTO challenge_facets (facet, value, rid) SELECT 'focusArea', 'energy', rid FROM challenges WHERE id = ?").run(c.id);
      old.close();
      expect((await upgraded.challenges.facetCounts(all, ["focusArea"])).focusArea).toEqual({ energy: 1 });
      expect(await upgraded.challenges.count({ ...all, focusArea: ["energy"] })).toBe(1);
      expect(await upgraded.challenges.count({ ...all, focusArea: ["digital"] })).toBe(0);
    } finally {
      await upgraded.close();
    }
  });

  it("refuses a database written by a newer schema instead of corrupting it", async () => {
    const file = tempFile();
    const store = createSqliteStore(file);
    await store.close();
    const raw = new Database(file);
    raw.pragma("user_version = 999");
    raw.close();
    expect(() => createSqliteStore(file)).toThrow(/newer than this software knows/);
  });
});

describe("SQLite queue across processes", () => {
  it("wakes a listener in another process as soon as a message is enqueued here, not at its next poll", async () => {
    const file = tempFile();
    const store = await openStore({ url: `sqlite:${file}` });
    // The other process polls once a minute: only the watch on the queue's counter can wake it in time.
    const child = startQueueWorker(`sqlite:${file}`, 60_000, 60_000);
    try {
      await child.waitFor("listening", 30_000);
      await new Promise((r) => setTimeout(r, 500)); // its first claim found nothing: it now waits for its poll
      await store.queue.enqueue({ type: "inbox", id: "wake-up" });
      await child.waitFor("claimed", 20_000);
      expect(child.output()).toContain('"wake-up"');
    } finally {
      await child.kill();
      await store.close();
    }
  }, 60_000);
});
