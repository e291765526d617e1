// Remembered listing answers (node/http/api/listing-cache.ts): reused only while the store's change
// stamp is the one they were computed under and for at most a minute; bounded by bytes.
import { ListingCache, listingKey } from "../../node/http/api/listing-cache";
import { parseListingQuery } from "../../node/http/listing-query";

function setup(maxBytes?: number, maxEntries?: number) {
  let stamp = "s1";
  let clock = 0;
  let computed = 0;
  const cache = new ListingCache({ stamp: async () => stamp, now: () => clock, maxBytes, maxEntries });
  const answer = (body: string) => async () => { computed++; return body; };
  return { cache, get: async (key: string, a: () => Promise<string>) => (await cache.get(key, a)).toString(), answer, computed: () => computed, write: (s: string) => { stamp = s; }, tick: (ms: number) => { clock += ms; } };
}

describe("the listing cache", () => {
  it("answers again from memory while the store is unchanged", async () => {
    const t = setup();
    expect(await t.get("q", t.answer("a1"))).toBe("a1");
    expect(await t.get("q", t.answer("a2"))).toBe("a1");
    expect(t.computed()).toBe(1);
  });

  it("computes again after any write to the challenges, and after a minute", async () => {
    const t = setup();
    await t.get("q", t.answer("a1"));
    t.write("s2");
    expect(await t.get("q", t.answer("a2"))).toBe("a2");
    t.tick(59_000);
    expect(await t.get("q", t.answer("a3"))).toBe("a2");
    t.tick(2_000);
    expect(await t.get("q", t.answer("a4"))).toBe("a4");
    expect(t.computed()).toBe(3);
  });

  it("keeps apart what different listings answer", async () => {
    const t = setup();
    await t.get("country=FR", t.answer("fr"));
    await t.get("country=DE", t.answer("de"));
    expect(await t.get("country=FR", t.answer("x"))).toBe("fr");
    expect(await t.get("country=DE", t.answer("x"))).toBe("de");
  });

  it("forgets the least recently used answers beyond its size, and never keeps an answer bigger than a quarter of it", async () => {
    // Each entry counts its key, its body and 256 for its bookkeeping: four of these fit in 1,400, not five.
    const t = setup(1400);
    await t.get("a", t.answer("x".repeat(90)));
    await t.get("b", t.answer("y".repeat(90)));
    await t.get("a", t.answer("-")); // a is used again: b is now the oldest
    await t.get("c", t.answer("z".repeat(90)));
    await t.get("d", t.answer("w".repeat(90)));
    await t.get("e", t.answer("v".repeat(90)));
    expect(t.computed()).toBe(5);
    expect(await t.get("a", t.answer("A"))).toBe("x".repeat(90));
    expect(await t.get("b", t.answer("B"))).toBe("B");
    await t.get("huge", t.answer("h".repeat(101)));
    expect(await t.get("huge", t.answer("H"))).toBe("H");
  });

  it("counts entries too: many small answers (empty listings of invented filters) do not grow it without end", async () => {
    const t = setup(undefined, 3);
    for (const k of ["a", "b", "c", "d"]) await t.get(k, t.answer(`[${k}]`));
    expect(await t.get("a", t.answer("again"))).toBe("again");
    expect(await t.get("d", t.answer("again"))).toBe("[d]");
  });

  it("keys a 'closing within N days' listing by the minute, so requests in one minute share an answer", () => {
    const key = (raw: Record<string, string>, iso: string) => {
      const p = parseListingQuery(raw, { origin: "https://n.example", now: () => Date.parse(iso) });
      if (!p.ok) throw new Error("refused");
      return listingKey(p.query, p.facets);
    };
    const within = { closingWithin: "30", country: "FR" };
    expect(key(within, "2026-12-04T10:00:01.123Z")).toBe(key(within, "2026-12-04T10:00:59.999Z"));
    expect(key(within, "2026-12-04T10:01:00.000Z")).not.toBe(key(within, "2026-12-04T10:00:59.999Z"));
    // Deadlines the user gave stay exact, with or without "closing within".
    expect(key({ deadlineFrom: "2026-12-04T10:00:01Z" }, "2026-12-04T10:00:00Z")).not.toBe(key({ deadlineFrom: "2026-12-04T10:00:02Z" }, "2026-12-04T10:00:00Z"));
    expect(key({ ...within, deadlineTo: "2026-12-05T12:00:10Z" }, "2026-12-04T10:00:00Z")).not.toBe(key({ ...within, deadlineTo: "2026-12-05T12:00:50Z" }, "2026-12-04T10:00:00Z"));
  });

  it("keeps each remembered answer in memory of its own (a small one does not hold a shared 8 KiB slab)", async () => {
    const t = setup();
    const small = await t.cache.get("tiny", t.answer('{"items":[]}'));
    expect(small.buffer.byteLength).toBe(small.length);
  });
});
