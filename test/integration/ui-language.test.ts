// The interface in the reader's language (26 of them): the listing, its filters, cards and
// error pages follow the browser's Accept-Language, or the reader's own choice from the footer (a
// cookie, which wins); content keeps its own language; caches are told the page varies by both.
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { translator as translatorFor } from "../../node/http/i18n";

let node: TestNode;
const get = (p: string, headers: Record<string, string> = {}) => request(node.listenUrl).get(p).set(headers);

beforeAll(async () => {
  node = await startTestNode();
  const api = request(node.listenUrl);
  const hub = await api.post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("ui_hub"));
  for (const f of ["de-mobility", "fr-health-pcp", "fi-education"] as const) {
    expect((await api.post("/api/v1/hubs/ui_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput(f))).status).toBe(201);
  }
});
afterAll(async () => { await node.stop(); });

it("speaks English to a browser that asks for nothing else", async () => {
  const res = await get("/").expect(200);
  expect(res.text).toContain('<html lang="en">');
  expect(res.text).toContain("<h1>Innovation challenges</h1>");
  expect(res.text).toContain("3 challenges match these filters");
  expect(res.headers.vary).toMatch(/Accept-Language/);
  expect((await get("/", { "Accept-Language": "zh-CN,zh;q=0.9" })).text).toContain('<html lang="en">');
});

it("translates the listing, its filters and cards for a German browser; content stays as written", async () => {
  const res = await get("/", { "Accept-Language": "de-DE,de;q=0.9,en;q=0.5" }).expect(200);
  expect(res.text).toContain('<html lang="de">');
  expect(res.text).toContain("<h1>Innovations-Challenges</h1>");
  expect(res.text).toContain("3 Challenges entsprechen diesen Filtern");
  expect(res.text).toContain("<legend>Status</legend>");
  expect(res.text).toMatch(/<label>Land <select name="country">/);
  expect(res.text).toContain('<option value="FR">Frankreich (1)</option>');
  expect(res.text).toContain('<span class="status status-open">Offen</span>');
  expect(res.text).toContain('<span class="tag">Mobilität und Verkehr</span>');
  expect(res.text).toContain('<a class="skip-link" href="#main">Zum Inhalt springen</a>');
  // The French challenge's title stays French, marked as such.
  expect(res.text).toMatch(/<article lang="fr">[\s\S]*Achat public avant commercialisation/);
});

it("translates into French, including the page for unknown filters and unknown addresses", async () => {
  const fr = { "Accept-Language": "fr" };
  expect((await get("/", fr)).text).toContain("<h1>Défis d&#39;innovation</h1>");
  const bad = await get("/?closingWithin=abc", fr).expect(400);
  expect(bad.text).toContain("<h1>Filtres non valides</h1>");
  const missing = await get("/no-such-page", { ...fr, Accept: "text/html" }).expect(404);
  expect(missing.text).toContain("Il n&#39;y a pas de page à cette adresse.");
});

it("keeps the reader's own choice from the footer over the browser's language, and only sends them back home", async () => {
  const page = await get("/", { "Accept-Language": "de" });
  expect(page.text).toContain('<a href="/ui?lang=fr&amp;back=%2F" hreflang="fr" lang="fr">Français</a>');
  const choose = await get(`/ui?lang=fr&back=${encodeURIComponent("/?country=DE")}`).expect(303);
  expect(choose.headers.location).toBe("/?country=DE");
  const cookie = ([] as string[]).concat(choose.headers["set-cookie"] ?? []).find((c) => c.startsWith("ipn-ui=fr"))!;
  expect(cookie).toMatch(/Max-Age=31536000/);
  const res = await get("/?country=DE", { "Accept-Language": "de", Cookie: cookie.split(";")[0]! });
  expect(res.text).toContain('<html lang="fr">');
  expect(res.text).toContain('aria-current="true">Français</a>');
  for (const evil of ["//evil.example/", "/\\evil.example", "https://evil.example/"]) {
    expect((await get(`/ui?lang=de&back=${encodeURIComponent(evil)}`)).headers.location).toBe("/");
  }
});

it("translates a challenge page's labels and keeps its content in the language the reader picked", async () => {
  const listing = await get("/?country=FR");
  const href = /<h2 class="card-title"><a href="([^"]+)"/.exec(listing.text)![1]!;
  const path = new URL(href).pathname;
  const de = await get(path, { "Accept-Language": "de" }).expect(200);
  expect(de.text).toContain('<html lang="de">');
  expect(de.text).toContain("<caption>Eckdaten</caption>");
  expect(de.text).toContain('<th scope="row">Ort der Leistung</th>');
  expect(de.text).toContain('<article class="challenge" lang="fr">'); // the content is French
  expect(de.text).toContain('<h2 lang="de">Beschreibung</h2>');
  const fr = await get(path, { "Accept-Language": "fr" });
  expect(fr.text).toContain("<caption>L&#39;essentiel</caption>");
  expect(fr.text).toContain('<span class="status status-open">Ouvert</span>');
});

it("translates the hub directory and hub pages, hub types included", async () => {
  const dir = await get("/hubs", { "Accept-Language": "de" }).expect(200);
  expect(dir.text).toContain("<h1>Hubs</h1>");
  expect(dir.text).toContain("3 öffentliche Challenges");
  const hub = await get("/hubs/ui_hub", { "Accept-Language": "fr" }).expect(200);
  expect(hub.text).toContain('<html lang="fr">');
  expect(hub.text).toContain("<dt>Fédivers</dt>");
  expect(hub.text).toContain("recherchez @ui_hub@");
  expect(hub.text).toContain("<h2>Défis</h2>");
});

it("publishes the accessibility statement in the reader's language, as the Web Accessibility Directive asks", async () => {
  const de = await get("/accessibility", { "Accept-Language": "de" }).expect(200);
  expect(de.text).toContain('<html lang="de">');
  expect(de.text).toContain("<h1>Erklärung zur Barrierefreiheit</h1>");
  expect(de.text).toContain("<h2>Durchsetzungsverfahren</h2>");
  const fr = await get("/accessibility", { "Accept-Language": "fr" }).expect(200);
  expect(fr.text).toContain("<h1>Déclaration d&#39;accessibilité</h1>");
});

it("translates the peers page and the page of a withdrawn challenge", async () => {
  const peers = await get("/peers", { "Accept-Language": "de" }).expect(200);
  expect(peers.text).toContain("<h1>Partnerknoten und Synchronisierung</h1>");
  expect(peers.text).toContain("Keine Partner eingerichtet.");
  const api = request(node.listenUrl);
  const hub = await api.post("/api/v1/hubs/ui_hub/token").set("Authorization", `Bearer ${ADMIN_TOKEN}`);
  const created = await api.post("/api/v1/hubs/ui_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput("de-mobility"));
  const key = created.body.id.split("/").pop();
  expect((await api.delete(`/api/v1/challenges/${key}`).set("Authorization", `Bearer ${hub.body.token}`)).status).toBeLessThan(300);
  const gone = await get(`/challenges/${key}`, { "Accept-Language": "fr", Accept: "text/html" }).expect(410);
  expect(gone.text).toContain("<h1>Défi retiré</h1>");
});

it("serves the workspace's sign-in page in the browser's language too, frame included", async () => {
  const res = await get("/login", { "Accept-Language": "de" }).expect(200);
  expect(res.text).toContain('<html lang="de">');
  expect(res.text).not.toContain("Skip to content");
});

it("speaks Polish, Greek, Irish and Norwegian too, with each language's plural forms", async () => {
  const pl = await get("/", { "Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5" }).expect(200);
  expect(pl.text).toContain('<html lang="pl">');
  expect(pl.text).toMatch(/<p class="count" role="status">3 [^<]+<\/p>/);
  const count = (text: string) => /<p class="count" role="status">([^<]+)<\/p>/.exec(text)![1]!;
  // Polish says "3 wyzwania" but "5 wyzwań" and "1 wyzwanie": three forms, one catalogue entry each.
  expect(count(pl.text)).toBe(translatorFor("pl")("listing.count", { count: 3, n: "3" }));
  expect(translatorFor("pl")("listing.count", { count: 5, n: "5" })).not.toBe(count(pl.text));
  expect((await get("/", { "Accept-Language": "el" })).text).toContain('<html lang="el">');
  expect((await get("/", { "Accept-Language": "ga-IE" })).text).toContain('<html lang="ga">');
  // Norwegian browsers send "no" or "nn" as often as "nb".
  for (const asked of ["no", "nn-NO", "nb"]) expect((await get("/", { "Accept-Language": asked })).text).toContain('<html lang="nb">');
});

it("gives every language version of a page its own address, named in hreflang alternates and as canonical", async () => {
  const res = await get("/?country=FR&hl=it").expect(200);
  expect(res.text).toContain('<html lang="it">');
  expect(res.text).toContain(`<link rel="canonical" href="${node.origin}/?country=FR&amp;hl=it">`);
  const alternates = [...res.text.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">/g)].map((m) => [m[1], m[2]]);
  expect(alternates).toHaveLength(27);
  expect(alternates).toContainEqual(["sv", `${node.origin}/?country=FR&amp;hl=sv`]);
  expect(alternates).toContainEqual(["x-default", `${node.origin}/?country=FR`]);
  // The address wins over the cookie and the browser; the footer's choices forget it.
  const named = await get("/hubs?hl=fi", { "Accept-Language": "de", Cookie: "ipn-ui=fr" }).expect(200);
  expect(named.text).toContain('<html lang="fi">');
  expect(named.text).toContain('<a href="/ui?lang=da&amp;back=%2Fhubs" hreflang="da" lang="da">Dansk</a>');
  // A challenge's content languages have addresses too, no longer canonicalised away.
  const listing = await get("/?focusArea=mobility");
  const href = new URL(/<h2 class="card-title"><a href="([^"]+)"/.exec(listing.text)![1]!).pathname;
  const page = await get(`${href}?lang=en&hl=pt`).expect(200);
  expect(page.text).toContain(`<link rel="canonical" href="${node.origin}${href}?lang=en&amp;hl=pt">`);
  // Error pages name no versions; unknown interface languages are not filters but are not honoured either.
  expect((await get("/no-such-page?hl=de", { Accept: "text/html" }).expect(404)).text).not.toContain('rel="canonical"');
  expect((await get("/?hl=xx").expect(200)).text).toContain('<html lang="en">');
});

it("lists every language version of every page in the sitemap", async () => {
  const res = await get("/sitemap.xml").expect(200);
  expect(res.text).toContain('xmlns:xhtml="http://www.w3.org/1999/xhtml"');
  const first = /<url>(.*?)<\/url>/.exec(res.text)![1]!;
  expect(first).toContain(`<loc>${node.origin}/</loc>`);
  expect(first.match(/<xhtml:link /g)).toHaveLength(27);
  expect(first).toContain(`<xhtml:link rel="alternate" hreflang="lv" href="${node.origin}/?hl=lv"/>`);
});

it("keeps the workspace in English, German or French for readers of other languages", async () => {
  const res = await get("/login", { "Accept-Language": "pl,de;q=0.5" }).expect(200);
  expect(res.text).toContain('<html lang="de">');
  expect((await get("/login", { "Accept-Language": "pl" })).text).toContain('<html lang="en">');
});
