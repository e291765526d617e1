// Remembered listing answers (node/http/api/listing-cache.ts): reused only while the store's change
// stamp is the one they were computed under and for at most a minute; bounded by bytes.
import { ListingCache } from "../../node/http/api/listing-cache";

function setup(maxBytes?: number) {
  let stamp = "s1";
  let clock = 0;
  let computed = 0;
  const cache = new ListingCache({ stamp: async () => stamp, now: () => clock, maxBytes });
  const answer = (body: string) => async () => { computed++; return body; };
  return { cache, answer, computed: () => computed, write: (s: string) => { stamp = s; }, tick: (ms: number) => { clock += ms; } };
}

describe("the listing cache", () => {
  it("answers again from memory while the store is unchanged", async () => {
    const t = setup();
    expect(await t.cache.get("q", t.answer("a1"))).toBe("a1");
    expect(await t.cache.get("q", t.answer("a2"))).toBe("a1");
    expect(t.computed()).toBe(1);
  });

  it("computes again after any write to the challenges, and after a minute", async () => {
    const t = setup();
    await t.cache.get("q", t.answer("a1"));
    t.write("s2");
    expect(await t.cache.get("q", t.answer("a2"))).toBe("a2");
    t.tick(59_000);
    expect(await t.cache.get("q", t.answer("a3"))).toBe("a2");
    t.tick(2_000);
    expect(await t.cache.get("q", t.answer("a4"))).toBe("a4");
    expect(t.computed()).toBe(3);
  });

  it("keeps apart what different listings answer", async () => {
    const t = setup();
    await t.cache.get("country=FR", t.answer("fr"));
    await t.cache.get("country=DE", t.answer("de"));
    expect(await t.cache.get("country=FR", t.answer("x"))).toBe("fr");
    expect(await t.cache.get("country=DE", t.answer("x"))).toBe("de");
  });

  it("forgets the least recently used answers beyond its size, and never keeps an answer bigger than a quarter of it", async () => {
    const t = setup(400);
    await t.cache.get("a", t.answer("x".repeat(90)));
    await t.cache.get("b", t.answer("y".repeat(90)));
    await t.cache.get("a", t.answer("-")); // a is used again: b is now the oldest
    await t.cache.get("c", t.answer("z".repeat(90)));
    await t.cache.get("d", t.answer("w".repeat(90)));
    await t.cache.get("e", t.answer("v".repeat(90)));
    expect(t.computed()).toBe(5);
    expect(await t.cache.get("a", t.answer("A"))).toBe("x".repeat(90));
    expect(await t.cache.get("b", t.answer("B"))).toBe("B");
    await t.cache.get("huge", t.answer("h".repeat(101)));
    expect(await t.cache.get("huge", t.answer("H"))).toBe("H");
  });
});
