// The KvStore contract (Fedify's semantics, fedify-notes.md §3) every store's kv must meet.
import type { KvKey, KvStore } from "@fedify/fedify";

export type KvFactory = () => Promise<{ kv: KvStore; cleanup(): Promise<void> }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ttl = (milliseconds: number) => Temporal.Duration.from({ milliseconds });

export function describeKvContract(name: string, factory: KvFactory): void {
  describe(`${name}: Fedify KvStore`, () => {
    let kv: KvStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => { ({ kv, cleanup } = await factory()); });
    afterEach(async () => { await cleanup(); });

    const keysUnder = async (prefix?: KvKey) => {
      const out: { key: KvKey; value: unknown }[] = [];
      for await (const e of kv.list(prefix)) out.push({ key: e.key, value: e.value });
      return out;
    };

    it("stores JSON values and returns them equal", async () => {
      const value = { a: [1, "two", { three: true }], n: null, s: "ünïcödé 🙂" };
      await kv.set(["_fedify", "remoteDocument", "https://example.org/a"], value);
      expect(await kv.get(["_fedify", "remoteDocument", "https://example.org/a"])).toEqual(value);
      await kv.set(["n"], 0);
      await kv.set(["f"], false);
      await kv.set(["e"], "");
      expect([await kv.get(["n"]), await kv.get(["f"]), await kv.get(["e"])]).toEqual([0, false, ""]);
      expect(await kv.get(["missing"])).toBeUndefined();
    });

    it("overwrites, ignores undefined values, and deletes", async () => {
      await kv.set(["k"], 1);
      await kv.set(["k"], 2);
      await kv.set(["k"], undefined);
      expect(await kv.get(["k"])).toBe(2);
      await kv.delete(["k"]);
      expect(await kv.get(["k"])).toBeUndefined();
      await kv.delete(["never-there"]);
    });

    it("treats keys as whole segments: [\"a\",\"b\"] is not [\"a,b\"] nor [\"a\"]", async () => {
      await kv.set(["a", "b"], "segments");
      await kv.set(["a,b"], "comma");
      expect(await kv.get(["a", "b"])).toBe("segments");
      expect(await kv.get(["a,b"])).toBe("comma");
      expect(await kv.get(["a"])).toBeUndefined();
    });

    it("forgets a value after its ttl; a later set without ttl keeps it", async () => {
      // A generous ttl: the first read must land before expiry even on a slow, shared machine.
      await kv.set(["t"], "short", { ttl: ttl(1_000) });
      await kv.set(["keep"], "long", { ttl: ttl(60_000) });
      expect(await kv.get(["t"])).toBe("short");
      await sleep(1_300);
      expect(await kv.get(["t"])).toBeUndefined();
      expect(await keysUnder(["t"])).toEqual([]);
      expect(await kv.get(["keep"])).toBe("long");
      await kv.set(["t"], "again");
      await sleep(200);
      expect(await kv.get(["t"])).toBe("again");
    });

    it("compares and swaps deeply, with undefined meaning absent", async () => {
      expect(kv.cas).toBeDefined();
      const cas = kv.cas!.bind(kv);
      expect(await cas(["c"], undefined, { state: "closed", failures: 0 })).toBe(true);
      expect(await cas(["c"], undefined, { state: "other" })).toBe(false);
      expect(await cas(["c"], { failures: 0, state: "closed" }, { state: "open", failures: 3 })).toBe(true); // key order is irrelevant
      expect(await cas(["c"], { state: "closed", failures: 0 }, { state: "x" })).toBe(false);
      expect(await kv.get(["c"])).toEqual({ state: "open", failures: 3 });
      expect(await cas(["c"], { state: "open", failures: 3 }, undefined)).toBe(true);
      expect(await kv.get(["c"])).toBeUndefined();
      // An expired value is absent for cas too.
      await kv.set(["exp"], 1, { ttl: ttl(100) });
      await sleep(250);
      expect(await cas(["exp"], 1, 2)).toBe(false);
      expect(await cas(["exp"], undefined, 3, { ttl: ttl(60_000) })).toBe(true);
      expect(await kv.get(["exp"])).toBe(3);
    });

    it("lets exactly one of many concurrent cas calls win", async () => {
      await kv.set(["race"], 0);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => kv.cas!(["race"], 0, i + 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("lists by whole-segment prefix: [\"a\"] covers [\"a\"] and [\"a\", …] but not [\"ab\"]", async () => {
      await kv.set(["a"], 0);
      await kv.set(["a", "b"], 1);
      await kv.set(["a", "c", "d"], 2);
      await kv.set(["ab"], 3);
      await kv.set(["ab", "x"], 4);
      await kv.set(["A", "b"], 5);
      await kv.set(["a%"], 6);
      await kv.set(["a", "gone"], 7, { ttl: ttl(50) });
      await sleep(150);
      const under = (await keysUnder(["a"])).map((e) => e.key);
      expect(under).toHaveLength(3);
      expect(under).toEqual(expect.arrayContaining([["a"], ["a", "b"], ["a", "c", "d"]]));
      expect(await keysUnder(["a", "c"])).toEqual([{ key: ["a", "c", "d"], value: 2 }]);
      expect((await keysUnder(["ab"])).map((e) => e.key)).toEqual(expect.arrayContaining([["ab"], ["ab", "x"]]));
      expect(await keysUnder(["nothing"])).toEqual([]);
      expect((await keysUnder()).length).toBe(7);
    });
  });
}
