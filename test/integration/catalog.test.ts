// The DCAT-AP 3 catalogue as a harvester (a national portal, data.europa.eu) reads it: Turtle parsed by
// n3 and JSON-LD turned into RDF by jsonld give the same triples; the catalogue, its datasets,
// distributions and data service carry DCAT-AP's mandatory properties with EU authority IRIs; every
// distribution's address answers on the running node; content negotiation and 406 work.
import jsonld from "jsonld";
import { Parser } from "n3";
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

const DCAT = "http://www.w3.org/ns/dcat#";
const DCT = "http://purl.org/dc/terms/";
const FOAF = "http://xmlns.com/foaf/0.1/";
const TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const AUTH = "http://publications.europa.eu/resource/authority/";

let node: TestNode;
type T = { s: string; p: string; o: string };
let triples: T[];

const key = (t: T) => `${t.s} ${t.p} ${t.o}`;
function parseNQuads(text: string, format: "text/turtle" | "application/n-quads"): T[] {
  return new Parser({ format }).parse(text).map((q) => ({
    s: q.subject.value, p: q.predicate.value,
    o: q.object.termType === "Literal" ? `"${q.object.value}"@${q.object.language}^^${q.object.datatype.value}` : q.object.value,
  }));
}
const objects = (s: string, p: string) => triples.filter((t) => t.s === s && t.p === p).map((t) => t.o);
const ofType = (type: string) => triples.filter((t) => t.p === TYPE && t.o === type).map((t) => t.s);

beforeAll(async () => {
  node = await startTestNode({ IPN_NODE_NAME: "IPN Deutschland" });
  const api = request(node.listenUrl);
  const hub = await api.post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("cat_hub", { languages: ["de", "en"], defaultLanguage: "de", name: { de: "Katalog-Hub" } }));
  expect(hub.status).toBe(201);
  expect((await api.post("/api/v1/hubs/cat_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput("de-mobility"))).status).toBe(201);
  const ttl = await api.get("/catalog").set("Accept", "text/turtle").expect(200);
  triples = parseNQuads(ttl.text, "text/turtle");
}, 60_000);
afterAll(async () => { await node.stop(); });

it("says the same in Turtle and in JSON-LD", async () => {
  const res = await request(node.listenUrl).get("/catalog").expect(200);
  expect(res.headers["content-type"]).toMatch(/^application\/ld\+json/);
  const nquads = await jsonld.toRDF(JSON.parse(res.text), { format: "application/n-quads", safe: true } as jsonld.Options.ToRdf) as unknown as string;
  const fromJsonLd = parseNQuads(nquads, "application/n-quads");
  expect(fromJsonLd.length).toBeGreaterThan(100);
  expect(new Set(fromJsonLd.map(key))).toEqual(new Set(triples.map(key)));
});

it("describes a DCAT-AP catalogue with its publisher, licence, languages and country", () => {
  const catalog = `${node.origin}/catalog`;
  expect(ofType(`${DCAT}Catalog`)).toEqual([catalog]);
  expect(objects(catalog, `${DCT}title`)[0]).toContain("IPN Deutschland");
  expect(objects(catalog, `${DCT}description`)).toHaveLength(1);
  expect(objects(catalog, `${DCT}license`)).toEqual(["https://creativecommons.org/licenses/by/4.0/"]);
  expect(objects(catalog, `${DCT}spatial`)).toEqual([`${AUTH}country/DEU`]);
  expect(objects(catalog, `${DCT}language`).sort()).toEqual([`${AUTH}language/DEU`, `${AUTH}language/ENG`]);
  expect(objects(catalog, `${DCT}modified`)[0]).toMatch(/^"\d{4}-\d\d-\d\dT.*\^\^http:\/\/www\.w3\.org\/2001\/XMLSchema#dateTime$/);
  const [publisher] = objects(catalog, `${DCT}publisher`);
  expect(objects(publisher!, TYPE)).toEqual([`${FOAF}Agent`]);
  expect(objects(publisher!, `${FOAF}name`)[0]).toContain("IPN Deutschland");
});

it("lists the OCDS releases, the feeds and the challenge documents as datasets with mandatory properties", () => {
  const datasets = objects(`${node.origin}/catalog`, `${DCAT}dataset`);
  expect(datasets.sort()).toEqual(ofType(`${DCAT}Dataset`).sort());
  expect(datasets).toHaveLength(3);
  for (const d of datasets) {
    expect(objects(d, `${DCT}title`)).toHaveLength(1);
    expect(objects(d, `${DCT}description`)).toHaveLength(1);
    expect(objects(d, `${DCT}accrualPeriodicity`)).toEqual([`${AUTH}frequency/UPDATE_CONT`]);
    expect(objects(d, `${DCAT}theme`)).toContain(`${AUTH}data-theme/GOVE`);
    expect(objects(d, `${DCAT}distribution`).length).toBeGreaterThan(0);
  }
  const ocds = `${node.origin}/catalog#ocds`;
  expect(objects(ocds, `${DCT}conformsTo`)).toEqual(["https://standard.open-contracting.org/1.1/en/"]);
  const service = ofType(`${DCAT}DataService`)[0]!;
  expect(objects(service, `${DCAT}endpointURL`)).toEqual([`${node.origin}/api/v1`]);
  expect(objects(service, `${DCAT}endpointDescription`)).toEqual([`${node.origin}/api/openapi.json`]);
});

it("points every distribution at an address that answers, with its media type and licence", async () => {
  const distributions = ofType(`${DCAT}Distribution`);
  expect(distributions.length).toBe(6);
  for (const d of distributions) {
    const [url] = objects(d, `${DCAT}accessURL`);
    const [mediaType] = objects(d, `${DCAT}mediaType`);
    expect(objects(d, `${DCT}license`)).toEqual(["https://creativecommons.org/licenses/by/4.0/"]);
    expect(objects(d, `${DCT}format`)[0]).toMatch(new RegExp(`^${AUTH}file-type/[A-Z]+$`));
    const res = await request(node.listenUrl).get(new URL(url!).pathname).expect(200);
    expect(res.headers["content-type"]!.split(";")[0]).toBe(mediaType!.replace("https://www.iana.org/assignments/media-types/", ""));
  }
});

it("negotiates the format, and refuses one it cannot give", async () => {
  const api = request(node.listenUrl);
  const ttl = await api.get("/catalog.ttl").expect(200);
  expect(ttl.headers["content-type"]).toMatch(/^text\/turtle/);
  expect(ttl.text).toContain("@prefix dcat: <http://www.w3.org/ns/dcat#>.");
  expect((await api.get("/catalog.jsonld").expect(200)).headers["content-type"]).toMatch(/^application\/ld\+json/);
  const json = await api.get("/catalog").set("Accept", "application/json").expect(200);
  expect(json.headers.vary).toMatch(/Accept/);
  expect(json.headers["access-control-allow-origin"]).toBe("*");
  const refused = await api.get("/catalog").set("Accept", "image/png").expect(406);
  expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(refused.body.detail).toContain("text/turtle");
});
