// Subscriptions as a supplier's feed reader and calendar app meet them: Atom and RSS parsed by a real
// feed parser (rss-parser), JSON Feed 1.1 read as JSON, iCalendar parsed by ical.js; filters give the
// same selection as the listing; entries change when a challenge changes; conditional requests get 304.
import ICAL from "ical.js";
import Parser from "rss-parser";
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;
let api: ReturnType<typeof request>;
let hubToken: string;
const ids: Record<string, string> = {};
const parser = new Parser();

const post = (path: string, token: string, body: unknown) => api.post(path).set({ Authorization: `Bearer ${token}` }).send(body as object);

beforeAll(async () => {
  node = await startTestNode();
  api = request(node.listenUrl);
  hubToken = (await post("/api/v1/hubs", ADMIN_TOKEN, hubInput("feed_hub"))).body.token;
  await post("/api/v1/hubs", ADMIN_TOKEN, hubInput("other_hub"));
  for (const f of ["de-mobility", "fr-health-pcp", "fi-education"] as const) {
    const res = await post("/api/v1/hubs/feed_hub/challenges", hubToken, challengeInput(f, { deadlineInDays: f === "fi-education" ? 5 : 40 }));
    expect(res.status).toBe(201);
    ids[f] = res.body.id;
  }
});
afterAll(async () => { await node.stop(); });

describe("Atom, RSS and JSON Feed", () => {
  it("serves every public challenge as an Atom entry a feed reader understands", async () => {
    const res = await api.get("/feed.atom").expect(200);
    expect(res.headers["content-type"]).toMatch(/^application\/atom\+xml/);
    const feed = await parser.parseString(res.text);
    expect(feed.title).toContain("Innovation challenges on");
    expect(feed.items.map((i) => i.id).sort()).toEqual(Object.values(ids).sort());
    const fr = feed.items.find((i) => i.id === ids["fr-health-pcp"])!;
    expect(fr.title).toBe("Achat public avant commercialisation : télésuivi à domicile des patients atteints d'insuffisance cardiaque");
    expect(fr.link).toBe(`${node.origin}/challenges/${ids["fr-health-pcp"]!.split("/").pop()}`);
    expect(fr.contentSnippet ?? fr.summary ?? fr.content).toMatch(/^Open · deadline \d{4}-\d\d-\d\d \d\d:\d\d UTC · Pre-commercial procurement/);
  });

  it("serves the same selection as RSS 2.0 and JSON Feed 1.1", async () => {
    const rss = await api.get("/feed.rss").expect(200);
    expect(rss.headers["content-type"]).toMatch(/^application\/rss\+xml/);
    const items = (await parser.parseString(rss.text)).items;
    expect(items.map((i) => i.guid).sort()).toEqual(Object.values(ids).sort());
    const json = await api.get("/feed.json").expect(200);
    expect(json.headers["content-type"]).toMatch(/^application\/feed\+json/);
    const body = JSON.parse(json.text);
    expect(body.version).toBe("https://jsonfeed.org/version/1.1");
    expect(body.feed_url).toBe(`${node.origin}/feed.json`);
    expect(body.items.map((i: { id: string }) => i.id).sort()).toEqual(Object.values(ids).sort());
    const de = body.items.find((i: { id: string }) => i.id === ids["de-mobility"]);
    expect(de).toMatchObject({ language: "de", authors: [{ name: "Hub feed_hub", url: `${node.origin}/hubs/feed_hub` }] });
    // CPV codes with their official label in the entry's language, after the focus areas and instrument.
    expect(de.tags.slice(0, 4)).toEqual(["Mobility and transport", "Green transition and environment", "Challenge prize", "63712400 Betrieb von Parkplätzen und Parkhäusern"]);
    expect(de.tags).toHaveLength(6);
  });

  it("gives each CPV code as a category with the CPV scheme, so readers can filter on the code", async () => {
    const atom = (await api.get("/feed.atom").expect(200)).text;
    expect(atom).toContain('<category label="Betrieb von Parkplätzen und Parkhäusern" scheme="http://data.europa.eu/cpv/cpv/" term="63712400"/>');
    expect(atom).toContain('<category label="Mobility and transport" term="Mobility and transport"/>');
    const rss = (await api.get("/feed.rss").expect(200)).text;
    expect(rss).toContain('<category domain="http://data.europa.eu/cpv/cpv/">Betrieb von Parkplätzen und Parkhäusern</category>');
    const item = (await parser.parseString(rss)).items.find((i) => i.guid === ids["de-mobility"])!;
    expect(item.categories).toEqual(expect.arrayContaining(["Mobility and transport", "Challenge prize"]));
  });

  it("applies the listing's filters, and refuses unknown ones instead of ignoring them", async () => {
    const health = await parser.parseString((await api.get("/feed.atom?focusArea=health").expect(200)).text);
    expect(health.items.map((i) => i.id)).toEqual([ids["fr-health-pcp"]]);
    const soon = await parser.parseString((await api.get("/feed.atom?deadlineTo=" + new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)).expect(200)).text);
    expect(soon.items.map((i) => i.id)).toEqual([ids["fi-education"]]);
    const bad = await api.get("/feed.atom?colour=red").expect(400);
    expect(bad.body.errors[0].pointer).toBe("/query/colour");
    // Facet counts are the listing's; a feed asked for them says so rather than ignoring it.
    expect((await api.get("/feed.atom?facets=country").expect(400)).body.errors[0].pointer).toBe("/query/facets");
  });

  it("gives each hub its own feed, and 404 for a hub that does not exist", async () => {
    const own = await parser.parseString((await api.get("/hubs/feed_hub/feed.atom").expect(200)).text);
    expect(own.items).toHaveLength(3);
    expect(own.title).toBe("Hub feed_hub — innovation challenges");
    const other = await parser.parseString((await api.get("/hubs/other_hub/feed.rss").expect(200)).text);
    expect(other.items).toHaveLength(0);
    await api.get("/hubs/nobody/feed.atom").expect(404);
  });

  it("answers 304 to a reader that already has the current feed, and an updated entry once the challenge closes", async () => {
    const first = await api.get("/feed.atom").expect(200);
    const etag = String(first.headers.etag);
    const lastModified = String(first.headers["last-modified"]);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    await api.get("/feed.atom").set("If-None-Match", etag).expect(304);
    await api.get("/feed.atom").set("If-Modified-Since", lastModified).expect(304);

    await new Promise((r) => setTimeout(r, 1100)); // Last-Modified has whole seconds
    const key = ids["de-mobility"]!.split("/").pop();
    await api.patch(`/api/v1/challenges/${key}`).set({ Authorization: `Bearer ${hubToken}` }).set("Content-Type", "application/merge-patch+json")
      .send({ status: "closed" }).expect(200);
    const after = await api.get("/feed.atom").set("If-None-Match", etag).expect(200);
    expect(after.headers.etag).not.toBe(etag);
    await api.get("/feed.atom").set("If-Modified-Since", lastModified).expect(200);
    const de = (await parser.parseString(after.text)).items.find((i) => i.id === ids["de-mobility"])!;
    expect(de.contentSnippet ?? de.summary ?? de.content).toMatch(/^Closed · /);
    expect(Date.parse(String((de as { isoDate?: string }).isoDate ?? de.pubDate))).toBeGreaterThan(Date.parse(lastModified) - 1000);
  });
});

describe("iCalendar", () => {
  const events = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));

  it("puts every deadline, enquiry deadline and milestone of the selection into a calendar app's format", async () => {
    const res = await api.get("/calendar.ics?focusArea=health").expect(200);
    expect(res.headers["content-type"]).toMatch(/^text\/calendar/);
    const evs = events(res.text);
    const fr = (await api.get(`/api/v1/challenges/${ids["fr-health-pcp"]!.split("/").pop()}`)).body;
    const deadline = evs.find((e) => e.summary.startsWith("Deadline: "))!;
    expect(deadline.summary).toBe(`Deadline: ${fr.title.fr}`);
    expect(deadline.startDate.toJSDate().toISOString()).toBe(new Date(fr.submissionPeriod.end).toISOString());
    expect(deadline.uid).toBe(`deadline.${fr.id}`);
    expect(evs.some((e) => e.summary.startsWith("Questions deadline: "))).toBe(true);
    expect(evs.filter((e) => !/^(Deadline|Questions deadline): /.test(e.summary))).toHaveLength(fr.milestones.length);
  });

  it("has a calendar per challenge, linked from its page, and 410 once it is withdrawn", async () => {
    const key = ids["fi-education"]!.split("/").pop();
    const page = await api.get(`/challenges/${key}`).set("Accept", "text/html").expect(200);
    expect(page.text).toContain(`href="/challenges/${key}/calendar.ics"`);
    const evs = events((await api.get(`/challenges/${key}/calendar.ics`).expect(200)).text);
    expect(evs.map((e) => e.uid)).toContain(`deadline.${ids["fi-education"]}`);
    await api.delete(`/api/v1/challenges/${key}`).set({ Authorization: `Bearer ${hubToken}` }).expect(204);
    await api.get(`/challenges/${key}/calendar.ics`).expect(410);
    await api.get("/challenges/unknown-key/calendar.ics").expect(404);
  });
});

describe("discovery from the pages", () => {
  it("links the listing's feeds with its filters, visibly and for feed readers", async () => {
    const page = await api.get("/?focusArea=health&sort=newest").set("Accept", "text/html").expect(200);
    expect(page.text).toContain('<link rel="alternate" type="application/atom+xml" title="Innovation challenges (Atom)" href="/feed.atom?focusArea=health&amp;sort=newest">');
    expect(page.text).toContain('<link rel="alternate" type="text/calendar"');
    expect(page.text).toMatch(/<nav class="subscribe" aria-label="Subscribe to these challenges">[\s\S]*href="\/feed\.rss\?focusArea=health&amp;sort=newest"/);
    const hub = await api.get("/hubs/feed_hub").set("Accept", "text/html").expect(200);
    expect(hub.text).toContain('href="/hubs/feed_hub/feed.atom"');
    expect(hub.text).toContain('href="/hubs/feed_hub/calendar.ics"');
  });
});
