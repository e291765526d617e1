// What every site is expected to have: robots.txt, a sitemap of the node's own pages, a favicon, a
// skip link to the content on every page, og:site_name, and a stylesheet with dark mode and print rules.
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

describe("site basics", () => {
  let node: TestNode;
  let api: ReturnType<typeof request>;
  let key: string;
  let draftKey: string;

  beforeAll(async () => {
    node = await startTestNode();
    api = request(node.listenUrl);
    const hub = await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("site_hub")).expect(201);
    const auth = { Authorization: `Bearer ${hub.body.token}` };
    key = String((await api.post("/api/v1/hubs/site_hub/challenges").set(auth).send(challengeInput("de-mobility")).expect(201)).body.id).split("/").pop()!;
    draftKey = String((await api.post("/api/v1/hubs/site_hub/challenges").set(auth).send(challengeInput("fi-education", { status: "draft" })).expect(201)).body.id).split("/").pop()!;
  });
  afterAll(async () => { await node?.stop(); });

  it("robots.txt keeps crawlers out of the API and names the sitemap", async () => {
    const res = await api.get("/robots.txt").expect(200).expect("Content-Type", /text\/plain/);
    expect(res.text).toContain("Disallow: /api/");
    expect(res.text).toContain("Disallow: /workspace");
    expect(res.text).toContain("Disallow: /invitations/");
    expect(res.text).toContain(`Sitemap: ${node.origin}/sitemap.xml`);
  });

  it("the sitemap lists the listing, each hub and each public challenge, never a draft", async () => {
    const res = await api.get("/sitemap.xml").expect(200).expect("Content-Type", /application\/xml/);
    const locs = [...res.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toEqual([`${node.origin}/`, `${node.origin}/hubs/site_hub`, `${node.origin}/challenges/${key}`]);
    expect(res.text).not.toContain(draftKey);
    expect(res.text).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}T/);
  });

  it("serves a favicon, and /favicon.ico leads to it", async () => {
    const svg = await api.get("/favicon.svg").expect(200).expect("Content-Type", /image\/svg\+xml/);
    expect(String(svg.body)).toContain("<svg");
    const ico = await api.get("/favicon.ico").expect(301);
    expect(ico.headers.location).toBe("/favicon.svg");
  });

  it.each(["/", "/hubs/site_hub", "/challenges/KEY", "/no-such-page"])("%s starts with a skip link to the content and names the site", async (p) => {
    const res = await api.get(p.replace("KEY", key)).set("Accept", "text/html");
    expect(res.type).toBe("text/html");
    const body = res.text.slice(res.text.indexOf("<body>"));
    expect(body).toMatch(/^<body>\s*<a class="skip-link" href="#main">Skip to content<\/a>/);
    expect(res.text).toContain('<main id="main" tabindex="-1">');
    expect(res.text).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
    expect(res.text).toMatch(/<meta property="og:site_name" content="[^"]+">/);
  });

  it("pages answer a revalidation with 304 Not Modified", async () => {
    for (const p of ["/", `/challenges/${key}`, "/hubs/site_hub", "/accessibility"]) {
      const first = await api.get(p).expect(200);
      expect(first.headers["cache-control"]).toBe("public, max-age=0");
      const etag = first.headers.etag!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      await api.get(p).set("If-None-Match", etag).expect(304);
    }
  });

  it("/hubs lists the node's hubs with their public challenges, filterable by country and type", async () => {
    const all = await api.get("/hubs").set("Accept", "text/html").expect(200);
    expect(all.text).toContain('<a href="/hubs/site_hub"');
    expect(all.text).toContain("1 public challenge");
    expect(all.text).toContain('<p role="status">1 hub</p>');
    const de = await api.get("/hubs?country=DE").expect(200);
    expect(de.text).toContain('<a href="/hubs/site_hub"');
    const fr = await api.get("/hubs?country=FR").expect(200);
    expect(fr.text).toContain("No hub matches these filters.");
    const bad = await api.get("/hubs?country=XX&colour=blue").set("Accept", "text/html").expect(400);
    expect(bad.text).toContain("colour");
    expect(bad.text).toMatch(/must be one of AT, BE/);
  });

  it("publishes an accessibility statement, linked from every page", async () => {
    const res = await api.get("/accessibility").expect(200).expect("Content-Type", /text\/html/);
    expect(res.text).toContain("<h1>Accessibility statement</h1>");
    expect(res.text).toContain("Directive (EU) 2016/2102");
    expect(res.text).toContain("<h2>Enforcement procedure</h2>");
    const home = await api.get("/").expect(200);
    expect(home.text).toContain('<a href="/accessibility">Accessibility</a>');
  });

  it("the stylesheet has a dark mode, print rules and a visible focus ring", async () => {
    const page = await api.get("/").expect(200);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)![1]!;
    const css = (await api.get(href).expect(200)).text;
    expect(css).toContain("@media (prefers-color-scheme: dark)");
    expect(css).toContain("@media print");
    expect(css).toMatch(/:focus-visible[^{]*\{[^}]*outline: 3px solid var\(--focus\)/);
  });
});
