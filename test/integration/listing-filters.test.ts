// The listing filters a buyer-side expert expects, checked against hand-computed sets on three known
// challenges, on SQLite and on MongoDB (FerretDB) when IPN_TEST_MONGODB_URL is set:
//   DE mobility  — CPV 63712400, 72000000, 48000000; NUTS DE212; de, en; SME
//   FR health    — CPV 73120000, 73110000, 85100000; NUTS FR101; fr; oth-mult; SME; EU-funded
//   FI education — CPV 48190000, 72212190, 80420000; NUTS FI1B1; en, fi; SME; deadline in 5 days
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { dropDatabaseAt, withDatabase } from "../support/ferretdb-server";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

const STORES: [string, Record<string, string>][] = [["SQLite", {}]];
const mongo = process.env.IPN_TEST_MONGODB_URL?.trim();
if (mongo) STORES.push(["MongoDB", { IPN_STORE: withDatabase(mongo, `ipn_filters_${process.pid}_${Date.now()}`) }]);

describe.each(STORES)("listing filters on %s", (_name, env) => {
  let node: TestNode;
  let api: ReturnType<typeof request>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    node = await startTestNode(env);
    api = request(node.listenUrl);
    const hub = await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("filters_hub"));
    for (const f of ["de-mobility", "fr-health-pcp", "fi-education"] as const) {
      const res = await api.post("/api/v1/hubs/filters_hub/challenges").set({ Authorization: `Bearer ${hub.body.token}` })
        .send(challengeInput(f, { deadlineInDays: f === "fi-education" ? 5 : 40 }));
      expect(res.status).toBe(201);
      ids[f] = res.body.id;
    }
  });
  afterAll(async () => {
    await node?.stop();
    // The MongoDB run made a database of its own on the shared server.
    if (env.IPN_STORE) await dropDatabaseAt(env.IPN_STORE);
  });

  const matching = async (query: string): Promise<string[]> => {
    const res = await api.get(`/api/v1/challenges?${query}`);
    expect([query, res.status]).toEqual([query, 200]);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items.map((c: { id: string }) => Object.keys(ids).find((k) => ids[k] === c.id)).sort();
  };

  it("answers a listing asked again (from memory) exactly as the first time, as UTF-8 JSON", async () => {
    const first = await api.get("/api/v1/challenges?language=de,en");
    const again = await api.get("/api/v1/challenges?language=en,de");
    for (const res of [first, again]) expect([res.status, res.headers["content-type"]]).toEqual([200, "application/json; charset=utf-8"]);
    expect(again.text).toBe(first.text);
    expect(first.body.items.length).toBe(2);
  });

  it("keeps no 'closing within' window past its minute, however the parameter is spelled", async () => {
    expect(await matching("closing%57ithin=6")).toEqual(["fi-education"]);
    // Ten days later (only the clock is faked), the same URL: the 5-day deadline has passed.
    jest.useFakeTimers({ now: Date.now() + 10 * 86_400_000, doNotFake: ["hrtime", "nextTick", "performance", "queueMicrotask", "setImmediate", "clearImmediate", "setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    try {
      expect(await matching("closing%57ithin=6")).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("matches CPV codes hierarchically", async () => {
    expect(await matching("cpv=72000000")).toEqual(["de-mobility", "fi-education"]);
    expect(await matching("cpv=72212000")).toEqual(["fi-education"]);
    expect(await matching("cpv=73000000-2")).toEqual(["fr-health-pcp"]);
    expect(await matching("cpv=48000000,85100000")).toEqual(["de-mobility", "fi-education", "fr-health-pcp"]);
    expect(await matching("cpv=45000000")).toEqual([]);
  });

  it("matches NUTS regions by prefix, case-insensitively", async () => {
    expect(await matching("nuts=FR1")).toEqual(["fr-health-pcp"]);
    expect(await matching("nuts=de2")).toEqual(["de-mobility"]);
    expect(await matching("nuts=FI1B1,DE212")).toEqual(["de-mobility", "fi-education"]);
    expect(await matching("nuts=FR2")).toEqual([]);
  });

  it("filters by language, procedure, SME-suitable, EU-funded and closing date", async () => {
    expect(await matching("language=en")).toEqual(["de-mobility", "fi-education"]);
    expect(await matching("language=fr")).toEqual(["fr-health-pcp"]);
    expect(await matching("procedureType=oth-mult")).toEqual(["fr-health-pcp"]);
    expect(await matching("sme=true")).toEqual(["de-mobility", "fi-education", "fr-health-pcp"]);
    expect(await matching("euFunded=true")).toEqual(["fr-health-pcp"]);
    expect(await matching("euFunded=false")).toEqual(["de-mobility", "fi-education", "fr-health-pcp"]);
    expect(await matching("closingWithin=30")).toEqual(["fi-education"]);
    expect(await matching("closingWithin=60")).toEqual(["de-mobility", "fi-education", "fr-health-pcp"]);
    // The issue's own example: CPV 72, NUTS FR1, closing within 30 days → none of these three.
    expect(await matching("cpv=72000000&nuts=FR1&closingWithin=30")).toEqual([]);
    expect(await matching("cpv=72000000&closingWithin=30&language=fi")).toEqual(["fi-education"]);
  });

  it("counts every match, not just the page", async () => {
    const res = await api.get("/api/v1/challenges?limit=1&sme=true").expect(200);
    expect([res.body.items.length, res.body.total, typeof res.body.nextCursor, res.body.prevCursor]).toEqual([1, 3, "string", null]);
    // Paging goes both ways: the second page's previous page is the first.
    const second = await api.get(`/api/v1/challenges?limit=1&sme=true&cursor=${res.body.nextCursor}`).expect(200);
    expect(second.body.items[0].id).not.toBe(res.body.items[0].id);
    const back = await api.get(`/api/v1/challenges?limit=1&sme=true&cursor=${second.body.prevCursor}`).expect(200);
    expect([back.body.items.map((c: { id: string }) => c.id), back.body.prevCursor]).toEqual([[res.body.items[0].id], null]);
  });

  it("answers a repeated listing from memory, yet shows every change at once", async () => {
    const before = await api.get("/api/v1/challenges?country=DE");
    expect((await api.get("/api/v1/challenges?country=DE")).text).toBe(before.text);
    // A mirrored challenge stored straight into the store (as the mirror does) shows on the next request.
    const doc = (await node.store.challenges.getById(ids["de-mobility"]!))!.doc;
    const mirrored = { ...doc, id: "https://de.ipn.example/challenges/m1", hub: "https://de.ipn.example/hubs/h", revision: 1 };
    await node.store.mirror.upsertMany([{ doc: mirrored, origin: "https://de.ipn.example", country: "DE" }]);
    const after = (await api.get("/api/v1/challenges?country=DE")).body;
    expect(after.total).toBe(before.body.total + 1);
    expect(after.items.map((c: { id: string }) => c.id)).toContain("https://de.ipn.example/challenges/m1");
    await node.store.mirror.withdraw("https://de.ipn.example", ["https://de.ipn.example/challenges/m1"], new Date().toISOString());
    expect((await api.get("/api/v1/challenges?country=DE")).body.total).toBe(before.body.total);
  });

  it("refuses malformed codes with the failing parameter", async () => {
    for (const [query, pointer] of [["cpv=7200", "/query/cpv"], ["nuts=France", "/query/nuts"], ["language=de-AT", "/query/language"], ["procedureType=auction", "/query/procedureType"], ["closingWithin=0", "/query/closingWithin"], ["sme=maybe", "/query/sme"]]) {
      const res = await api.get(`/api/v1/challenges?${query}`);
      expect([query, res.status, res.body.errors?.[0]?.pointer]).toEqual([query, 400, pointer]);
    }
  });

  it("searches word forms and ranks by relevance unless another order is asked for", async () => {
    expect(await matching("q=managing")).toEqual(["de-mobility"]); // English "management"
    expect(await matching("q=t%C3%A9l%C3%A9suivis")).toEqual(["fr-health-pcp"]); // French "télésuivi"
    expect(await matching("q=solutions&sort=relevance")).toEqual(["de-mobility", "fi-education", "fr-health-pcp"]);
    const ranked = await api.get("/api/v1/challenges?q=solutions&limit=1").expect(200);
    const deadline = await api.get("/api/v1/challenges?q=solutions&limit=1&sort=deadline").expect(200);
    // A ranked cursor is not a deadline cursor: mixing them is a 400, never a wrong page.
    const mixed = await api.get(`/api/v1/challenges?q=solutions&limit=1&sort=deadline&cursor=${ranked.body.nextCursor}`);
    expect([mixed.status, mixed.body.errors?.[0]?.pointer]).toEqual([400, "/query/cursor"]);
    expect(deadline.body.items[0].id).toBe(ids["fi-education"]); // closes in 5 days
    const bad = await api.get("/api/v1/challenges?sort=best");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("relevance");
    // The page's order control: ranked by default when searching, the nearest deadline otherwise.
    const searching = await api.get("/?q=solutions").set("Accept", "text/html").expect(200);
    expect(searching.text).toContain('<option value="" selected>Best match first</option>');
    expect(searching.text).toContain('<option value="deadline">Nearest deadline first</option>');
    const browsing = await api.get("/").set("Accept", "text/html").expect(200);
    expect(browsing.text).toContain('<option value="" selected>Nearest deadline first</option>');
    expect(browsing.text).not.toContain("Best match first");
  });

  it("shows the count and keeps the filters on the page, its feeds and its next page", async () => {
    const page = await api.get("/?cpv=72000000&closingWithin=30").set("Accept", "text/html").expect(200);
    expect(page.text).toContain("1 challenge matches these filters");
    expect(page.text).toContain('href="/feed.atom?cpv=72000000&amp;closingWithin=30"');
    expect(page.text).toContain('<option value="30" selected>30 days</option>');
    // A page reached by "Next page" links back to the one before it.
    const first = await api.get("/?sme=true&limit=2").set("Accept", "text/html").expect(200);
    expect(first.text).not.toContain('rel="prev"');
    const nextHref = /<a rel="next" href="([^"]+)">Next page<\/a>/.exec(first.text)![1]!.replaceAll("&amp;", "&");
    const second = await api.get(nextHref).set("Accept", "text/html").expect(200);
    const prevHref = /<a rel="prev" href="([^"]+)">Previous page<\/a>/.exec(second.text)![1]!.replaceAll("&amp;", "&");
    const again = await api.get(prevHref).set("Accept", "text/html").expect(200);
    const titles = (html: string) => [...html.matchAll(/<h2 class="card-title"><a href="([^"]+)"/g)].map((m) => m[1]);
    expect(titles(again.text)).toEqual(titles(first.text));
    expect(titles(second.text)).toHaveLength(1);
  });

  it("counts each facet's values on request, over the other filters given", async () => {
    const res = await api.get("/api/v1/challenges?facets=country,language,procedureType,sme,euFunded,status&cpv=72000000").expect(200);
    // Two challenges have CPV 72; the hub is German, so every challenge is in DE too.
    expect(res.body.total).toBe(2);
    expect(res.body.facets).toEqual({
      country: { DE: 2, FI: 1 }, language: { de: 1, en: 2, fi: 1 }, procedureType: {}, sme: { true: 2 }, euFunded: {}, status: { open: 2 },
    });
    // A facet's own filter is left out of its counts: with French chosen, German and English still count.
    const chosen = await api.get("/api/v1/challenges?facets=language&language=fr").expect(200);
    expect([chosen.body.total, chosen.body.facets]).toEqual([1, { language: { de: 1, en: 2, fi: 1, fr: 1 } }]);
    // Without facets asked for, none are sent; an unknown facet is refused with the allowed ones.
    expect((await api.get("/api/v1/challenges").expect(200)).body.facets).toBeUndefined();
    const bad = await api.get("/api/v1/challenges?facets=colour").expect(400);
    expect(bad.body.errors[0].pointer).toMatch(/^\/query\/facets/);
    expect(bad.body.errors[0].message).toMatch(/status.*country.*euFunded/);
  });

  it("shows beside each choice of the page's filters how many challenges it gives", async () => {
    const page = await api.get("/?language=fr").set("Accept", "text/html").expect(200);
    expect(page.text).toContain("1 challenge matches these filters");
    expect(page.text).toContain('<option value="fr" selected>French (1)</option>');
    expect(page.text).toContain('<option value="en">English (2)</option>');
    expect(page.text).toContain('<option value="it">Italian (0)</option>');
    expect(page.text).toContain('<option value="FR">France (1)</option>');
    expect(page.text).toMatch(/name="euFunded" value="true"> EU-funded \(1\)<\/label>/);
    expect(page.text).toMatch(/name="status" value="open" checked> Open \(1\)<\/label>/);
  });
});
