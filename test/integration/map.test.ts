// "/map": the EEA drawn on the server (world-atlas shapes, d3-geo), every EEA country a link to its
// listing and shaded by its open challenges, with the same numbers in a table; in the reader's language.
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode();
  for (const [handle, country] of [["map_de", "DE"], ["map_fr", "FR"]] as const) {
    const hub = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput(handle, { country }));
    const n = country === "DE" ? 2 : 1;
    for (let i = 0; i < n; i++) {
      const res = await request(node.listenUrl).post(`/api/v1/hubs/${handle}/challenges`).set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput(country === "DE" ? "de-mobility" : "fr-health-pcp"));
      expect(res.status).toBe(201);
    }
  }
  // A forthcoming one is not counted as open.
  const hub = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("map_fi", { country: "FI" }));
  await request(node.listenUrl).post("/api/v1/hubs/map_fi/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput("fi-education", { status: "forthcoming" }));
}, 60_000);
afterAll(async () => { await node.stop(); });

it("draws every EEA country as a link to its listing, shaded by its open challenges", async () => {
  const res = await request(node.listenUrl).get("/map").expect(200);
  const links = [...res.text.matchAll(/<a href="\/\?country=([A-Z]{2})" tabindex="-1"><path class="map-country shade-(\d)" d="M[^"]+"><title>([^<]+)<\/title>/g)];
  expect(links).toHaveLength(30);
  const shade = Object.fromEntries(links.map((m) => [m[1], Number(m[2])]));
  expect(shade.DE).toBe(4); // the busiest
  expect(shade.FR).toBeGreaterThan(0);
  expect(shade.FR).toBeLessThan(shade.DE!);
  expect(shade.FI).toBe(0); // forthcoming only
  expect(shade.MT).toBe(0);
  expect(links.find((m) => m[1] === "DE")![3]).toBe("Germany: 2");
  expect(res.text).toContain('<svg viewBox="0 0 800 760" aria-hidden="true" focusable="false" class="eea-map">');
});

it("has the same numbers in a table, busiest first, and speaks the reader's language", async () => {
  const res = await request(node.listenUrl).get("/map").set("Accept-Language", "fr").expect(200);
  expect(res.text).toContain('<html lang="fr">');
  expect(res.text).toContain("<h1>Carte des défis ouverts</h1>");
  const rows = [...res.text.matchAll(/<tr><th scope="row"><a href="\/\?country=([A-Z]{2})">[^<]+<\/a><\/th><td>(\d+)<\/td><\/tr>/g)].map((m) => [m[1], Number(m[2])]);
  expect(rows).toHaveLength(30);
  expect(rows.slice(0, 2)).toEqual([["DE", 2], ["FR", 1]]);
  expect(rows.find(([c]) => c === "FI")).toEqual(["FI", 0]);
  expect(res.text).toContain("3 défis ouverts au total");
});

it("is linked from every page's footer", async () => {
  expect((await request(node.listenUrl).get("/").expect(200)).text).toContain('<a href="/map">Map</a>');
});
