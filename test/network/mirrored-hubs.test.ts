// Issue 11, "Directories": two real nodes over HTTP. FR mirrors DE, and with DE's challenges it keeps
// DE's hub profiles: /hubs on FR lists FR's own hubs and DE's (filters apply to both), each of DE's
// with a page on FR that names its origin as canonical and shows its mirrored challenges — still
// there while DE is down — and mirrored challenges name their hub from that profile. Removing the
// peer takes its hubs out of the directory.
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let de: TestNode;
let fr: TestNode;
let deHost: string;
let challengeId: string;

const page = async (node: TestNode, path: string) => {
  const res = await fetch(`${node.listenUrl}${path}`, { headers: { accept: "text/html", "accept-language": "en" } });
  return { status: res.status, text: await res.text() };
};
const mirrorPath = (handle: string) => `/mirror/${encodeURIComponent(deHost)}/hubs/${handle}`;

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  deHost = new URL(de.origin).host;
  const mobil = await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_mobil", { name: { en: "Munich Mobility Office", de: "Mobilitätsstelle München" } }));
  expect(mobil.status).toBe(201);
  expect((await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_lab", { hubType: "living-lab", name: { en: "Berlin Living Lab", de: "Reallabor Berlin" } }))).status).toBe(201);
  expect((await api(fr, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("fr_sante", { country: "FR", name: { en: "Paris Health Hub", de: "Gesundheitszentrum Paris" } }))).status).toBe(201);
  const published = await api(de, "POST", "/api/v1/hubs/de_mobil/challenges", mobil.json.token, challengeInput("de-mobility"));
  expect(published.status).toBe(201);
  challengeId = published.json.id;
  expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: fr.origin, country: "FR", role: "national" })).status).toBe(201);
  expect((await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE", role: "national" })).status).toBe(201);
  await eventually(async () => (await fr.store.mirroredHubs.list()).length === 2 && (await fr.store.challenges.getById(challengeId)), "DE's hubs and challenge mirrored on FR");
});

afterAll(async () => {
  for (const n of [fr, de]) await n?.stop();
});

describe("the directory", () => {
  it("lists FR's own hubs and DE's, by name, each of DE's marked with its node and linking to its copy here", async () => {
    const res = await page(fr, "/hubs");
    expect(res.status).toBe(200);
    const names = [...res.text.matchAll(/<h2><a href="([^"]+)"[^>]*>([^<]+)<\/a><\/h2>/g)].map((m) => [m[1], m[2]]);
    expect(names).toEqual([
      [mirrorPath("de_lab"), "Berlin Living Lab"],
      [mirrorPath("de_mobil"), "Munich Mobility Office"],
      ["/hubs/fr_sante", "Paris Health Hub"],
    ]);
    expect(res.text).toContain(`Published on ${deHost}`);
    expect(res.text).toContain("3 hubs");
    // de_mobil's mirrored challenge is counted.
    expect(res.text).toMatch(/Munich Mobility Office<\/a><\/h2>\s*<p class="card-meta">.*1 public challenge</);
  });

  it("applies the country and type filters to mirrored hubs too", async () => {
    const byCountry = await page(fr, "/hubs?country=DE");
    expect(byCountry.text).toContain(mirrorPath("de_mobil"));
    expect(byCountry.text).toContain(mirrorPath("de_lab"));
    expect(byCountry.text).not.toContain("/hubs/fr_sante");
    const byType = await page(fr, "/hubs?type=living-lab");
    expect(byType.text).toContain(mirrorPath("de_lab"));
    expect(byType.text).not.toContain(mirrorPath("de_mobil"));
    expect(byType.text).not.toContain("/hubs/fr_sante");
    const own = await page(fr, "/hubs?country=FR&type=public-buyer");
    expect(own.text).not.toContain("/mirror/");
  });
});

describe("a mirrored hub's page", () => {
  it("shows the profile, the way to the original, the canonical origin address and its mirrored challenges", async () => {
    const res = await page(fr, mirrorPath("de_mobil"));
    expect(res.status).toBe(200);
    expect(res.text).toContain("<h1>Munich Mobility Office</h1>");
    expect(res.text).toContain(`<link rel="canonical" href="${de.origin}/hubs/de_mobil">`);
    expect(res.text).toContain(`A copy kept on this node of a hub profile published on ${deHost}. <a href="${de.origin}/hubs/de_mobil">See the original page</a>`);
    expect(res.text).toContain(`@de_mobil@${deHost}`);
    expect(res.text).toContain('href="https://de_mobil.example/"');
    expect(res.text).toContain('href="mailto:de_mobil@hubs.example"');
    // The challenge, linking to its copy here; no follow form or feeds of a hub this node does not host.
    expect(res.text).toContain(`/mirror/${encodeURIComponent(deHost)}/${challengeId.split("/").pop()}`);
    expect(res.text).not.toContain("/follow");
    expect(res.text).not.toMatch(/\/feed\.(atom|rss|json)|calendar\.ics/);
    // The site's sections mark Hubs as where this page belongs.
    expect(res.text).toContain('<a href="/hubs" aria-current="page">Hubs</a>');
  });

  it("names the hub of a mirrored challenge from its profile, linking to that page", async () => {
    const res = await page(fr, `/mirror/${encodeURIComponent(deHost)}/${challengeId.split("/").pop()}`);
    expect(res.status).toBe(200);
    // Its name in the hub's own language (en), no longer @de_mobil@host derived from the IRI.
    expect(res.text).toContain(`<a href="${fr.origin}${mirrorPath("de_mobil")}">Munich Mobility Office</a>`);
  });

  it("is 404 for a malformed host or handle, an unknown hub, and this node's own hubs", async () => {
    for (const path of [
      `/mirror/bad_host!/hubs/de_mobil`, `/mirror/${encodeURIComponent(deHost)}/hubs/De-Mobil`, `/mirror/${encodeURIComponent(deHost)}/hubs/${"a".repeat(31)}`,
      `/mirror/${encodeURIComponent(deHost)}/hubs/nobody`, `/mirror/${encodeURIComponent(new URL(fr.origin).host)}/hubs/fr_sante`,
    ]) expect([path, (await page(fr, path)).status]).toEqual([path, 404]);
  });

  it("stays readable while its node is down", async () => {
    const port = new URL(de.listenUrl).port;
    const dataDir = de.dataDir;
    await de.stop({ keepData: true });
    try {
      expect((await page(fr, mirrorPath("de_mobil"))).status).toBe(200);
      expect((await page(fr, "/hubs")).text).toContain(mirrorPath("de_lab"));
    } finally {
      de = await startTestNode({ IPN_COUNTRY: "DE", PORT: port }, dataDir);
    }
  });
});

describe("removing the peer", () => {
  it("takes its hubs out of the directory", async () => {
    expect((await api(fr, "DELETE", `/api/v1/peers?origin=${encodeURIComponent(de.origin)}`)).status).toBe(204);
    expect(await fr.store.mirroredHubs.list()).toEqual([]);
    const res = await page(fr, "/hubs");
    expect(res.text).not.toContain("/mirror/");
    expect((await page(fr, mirrorPath("de_mobil"))).status).toBe(404);
  });
});
