// Linked data (schemas/README.md, "JSON-LD contexts"): the contexts of schemas/context/ are served,
// the canonical challenge and hub documents name theirs in a Link header (JSON-LD 1.1 §6.1) and expand
// to ePO, schema.org and DCMI terms with `jsonld`, no document field goes unmapped, and the AS2 extension
// context ipn-v1 redefines nothing in the Note and the hub actor. Every context comes from the running
// node or Fedify's preloaded set: the document loader refuses anything else (no network).
import fs from "node:fs";
import path from "node:path";
import { preloadedContexts } from "@fedify/vocab-runtime";
import jsonld from "jsonld";
import request from "supertest";
import { challengeInput, fixture, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

type Json = Record<string, any>;
type Node = Record<string, any[]>;

const SCHEMAS = path.resolve(__dirname, "../../schemas");
const CONTEXT_FILES = fs.readdirSync(path.join(SCHEMAS, "context")).filter((f) => f.endsWith(".jsonld")).sort();
const readJson = (file: string): Json => JSON.parse(fs.readFileSync(path.join(SCHEMAS, file), "utf8"));

const EPO = "http://data.europa.eu/a4g/ontology#";
const SCHEMA = "http://schema.org/";
const DCT = "http://purl.org/dc/terms/";
const IPN = "https://w3id.org/ipn/ns#";
const XSD = "http://www.w3.org/2001/XMLSchema#";
const AUTHORITY = "http://publications.europa.eu/resource/authority/";
const LINK_REL = 'rel="http://www.w3.org/ns/json-ld#context"';

/**
 * Document fields carried as opaque JSON literals (`"@type": "@json"`, rdf:JSON) on purpose: nested
 * structures with no settled ePO mapping yet (domain-model §4.3 "canonical JSON only (v1)") and the
 * free-form extensions. Everything else must map to an RDF term of its own.
 */
const JSON_LITERALS: Record<"challenge" | "hub", string[]> = {
  challenge: ["changeLog", "extensions", "followUp", "milestones", "outcome", "phases"],
  hub: ["extensions", "identifiers"],
};

/** Term definitions of a context file, with the array form's imported contexts (same folder) merged first. */
function termsOf(file: string): Json {
  const ctx = readJson(path.join("context", file))["@context"];
  return (Array.isArray(ctx) ? ctx : [ctx]).reduce<Json>((terms, c) => Object.assign(terms, typeof c === "string" ? termsOf(c) : c), {});
}

const values = (node: Node | undefined, iri: string): any[] => node?.[iri] ?? [];
const one = (node: Node | undefined, iri: string): any => {
  const v = values(node, iri);
  expect(v).toHaveLength(1);
  return v[0];
};
const ids = (node: Node | undefined, iri: string): string[] => values(node, iri).map((v) => v["@id"]);

function contextUrlOf(res: request.Response): string {
  const link = String(res.headers.link ?? "");
  expect(link).toContain(LINK_REL);
  expect(link).toContain('type="application/ld+json"');
  return /^<([^>]+)>/.exec(link)![1]!;
}

describe("linked data", () => {
  let node: TestNode;
  let api: ReturnType<typeof request>;
  let contextUrls: string[];
  let fetched: string[];
  let challenge: request.Response;
  let hub: request.Response;

  /** Serves the node's own contexts (fetched from it) and Fedify's preloaded ones; throws for anything else. */
  const documentLoader = async (url: string) => {
    if (contextUrls.includes(url)) {
      fetched.push(url);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      return { contextUrl: undefined, documentUrl: url, document: await res.json() };
    }
    if (url in preloadedContexts) return { contextUrl: undefined, documentUrl: url, document: preloadedContexts[url] };
    throw new Error(`the test loader refuses ${url}`);
  };
  /**
   * Options to read plain JSON with a context given by URL, as a Link header does (expandContext takes
   * a URL, whatever @types/jsonld says), in safe mode: any key the context does not map throws.
   */
  const readWith = (contextUrl: string) => ({ expandContext: contextUrl, documentLoader, safe: true }) as unknown as jsonld.Options.Expand;
  const expandWithLink = async (res: request.Response): Promise<Node> => {
    const expanded = await jsonld.expand(res.body, readWith(contextUrlOf(res)));
    expect(expanded).toHaveLength(1);
    return expanded[0] as Node;
  };
  const toNQuads = async (res: request.Response): Promise<string> =>
    String(await jsonld.toRDF(res.body, { ...readWith(contextUrlOf(res)), format: "application/n-quads" }));

  beforeAll(async () => {
    node = await startTestNode();
    api = request(node.listenUrl);
    contextUrls = CONTEXT_FILES.map((f) => `${node.origin}/schemas/context/${f}`);
    const created = await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send(hubInput("ld_hub", { legalName: "Landeshauptstadt München", nuts: ["DE212"], buyerLegalType: "la", mainActivity: "gen-pub" }));
    expect(created.status).toBe(201);
    const posted = await api.post("/api/v1/hubs/ld_hub/challenges").set({ Authorization: `Bearer ${created.body.token}` })
      .send(challengeInput("de-mobility"));
    expect(posted.status).toBe(201);
    challenge = await api.get(String(posted.headers.location)).expect(200);
    hub = await api.get("/api/v1/hubs/ld_hub").expect(200);
  });
  afterAll(async () => { await node?.stop(); });
  beforeEach(() => { fetched = []; });

  it.each(CONTEXT_FILES)("serves schemas/context/%s as application/ld+json to any origin", async (file) => {
    const res = await api.get(`/schemas/context/${file}`).expect(200);
    expect(res.headers["content-type"]).toMatch(/^application\/ld\+json/);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
    expect(JSON.parse(res.text)).toEqual(readJson(path.join("context", file)));
  });

  it.each(["/schemas/context/ipn-v9.jsonld", "/schemas/context/ipn-v1.json", "/schemas/context/..%2Fchallenge.schema.json"])("answers %s with a 404 problem", async (url) => {
    const res = await api.get(url).expect(404);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it("names the context of the canonical documents in a Link header and keeps their JSON shape", () => {
    expect(contextUrlOf(challenge)).toBe(`${node.origin}/schemas/context/challenge-v1.jsonld`);
    expect(contextUrlOf(hub)).toBe(`${node.origin}/schemas/context/hub-v1.jsonld`);
    expect(challenge.headers["content-type"]).toMatch(/^application\/json/);
    expect(challenge.body["@context"]).toBeUndefined();
    expect(hub.body["@context"]).toBeUndefined();
  });

  it("expands a published challenge to ePO and schema.org terms", async () => {
    const doc = challenge.body as Json;
    const c = await expandWithLink(challenge);
    expect(fetched).toEqual(expect.arrayContaining([`${node.origin}/schemas/context/challenge-v1.jsonld`, `${node.origin}/schemas/context/common-v1.jsonld`]));
    expect(c["@id"]).toBe(doc.id);
    expect(values(c, `${SCHEMA}name`)).toEqual(expect.arrayContaining([
      { "@value": doc.title.de, "@language": "de" }, { "@value": doc.title.en, "@language": "en" },
    ]));
    expect(values(c, `${SCHEMA}description`)).toContainEqual({ "@value": doc.description.de, "@language": "de" });
    const value = one(c, `${EPO}hasEstimatedValue`);
    expect(one(value, `${EPO}hasAmountValue`)).toEqual({ "@value": "120000.00", "@type": `${XSD}decimal` });
    expect(ids(value, `${EPO}hasCurrency`)).toEqual([`${AUTHORITY}currency/EUR`]);
    expect(ids(one(c, `${IPN}placeOfPerformance`), `${EPO}hasNutsCode`)).toEqual(["http://data.europa.eu/nuts/code/DE212"]);
    const purpose = one(c, `${EPO}hasPurpose`);
    expect(ids(purpose, `${EPO}hasMainClassification`)).toEqual(["http://data.europa.eu/cpv/cpv/63712400"]);
    expect(ids(purpose, `${EPO}hasAdditionalClassification`).sort()).toEqual(["http://data.europa.eu/cpv/cpv/48000000", "http://data.europa.eu/cpv/cpv/72000000"]);
    const buyer = one(c, `${IPN}buyer`);
    expect(ids(buyer, `${EPO}hasBuyerLegalType`)).toEqual([`${AUTHORITY}buyer-legal-type/la`]);
    expect(ids(buyer, `${EPO}hasNutsCode`)).toEqual(["http://data.europa.eu/nuts/code/DE212"]);
    expect(ids(c, `${IPN}contractNature`)).toEqual([`${AUTHORITY}contract-nature/services`]);
    const prize = values(c, `${IPN}prize`).find((p) => one(p, `${EPO}hasPrizeRank`)["@value"] === 1);
    expect(one(one(prize, `${EPO}hasPrizeValue`), `${EPO}hasAmountValue`)).toEqual({ "@value": "25000.00", "@type": `${XSD}decimal` });
    // The hub is the publisher: the same IRI the hub document expands to.
    expect(ids(c, `${DCT}publisher`)).toEqual([doc.hub]);
    expect(one(c, `${DCT}issued`)).toEqual({ "@value": doc.published, "@type": `${XSD}dateTime` });
    expect(one(c, `${DCT}modified`)).toEqual({ "@value": doc.updated, "@type": `${XSD}dateTime` });
    expect(one(one(c, `${IPN}submissionPeriod`), `${SCHEMA}endDate`)).toEqual({ "@value": doc.submissionPeriod.end, "@type": `${XSD}dateTime` });
    expect(one(c, `${IPN}revision`)).toEqual({ "@value": 1, "@type": `${XSD}integer` });
    expect(ids(c, `${SCHEMA}url`)).toEqual([doc.url]);
    expect(one(c, `${EPO}isSMESuitable`)).toEqual({ "@value": true });
    expect(one(c, `${IPN}followUp`)).toEqual({ "@value": doc.followUp, "@type": "@json" });
  });

  it("expands the hub document as the publishing organisation", async () => {
    const h = await expandWithLink(hub);
    expect(h["@id"]).toBe(challenge.body.hub);
    expect(one(h, `${EPO}hasLegalName`)).toEqual({ "@value": "Landeshauptstadt München" });
    expect(ids(h, `${EPO}hasBuyerLegalType`)).toEqual([`${AUTHORITY}buyer-legal-type/la`]);
    expect(ids(h, `${EPO}hasMainActivity`)).toEqual([`${AUTHORITY}main-activity/gen-pub`]);
    expect(ids(h, `${EPO}hasNutsCode`)).toEqual(["http://data.europa.eu/nuts/code/DE212"]);
    expect(values(h, `${SCHEMA}name`)).toContainEqual({ "@value": "Hub ld_hub", "@language": "en" });
    expect(ids(h, `${SCHEMA}url`)).toEqual(["https://ld_hub.example"]);
    expect(one(one(h, `${SCHEMA}contactPoint`), `${SCHEMA}email`)).toEqual({ "@value": "ld_hub@hubs.example" });
    expect(one(h, `${DCT}issued`)).toEqual({ "@value": hub.body.published, "@type": `${XSD}dateTime` });
  });

  it.each([["challenge", () => challenge], ["hub", () => hub]])("turns the %s into N-Quads with absolute IRIs only", async (_kind, res) => {
    const nquads = await toNQuads(res());
    expect(nquads.length).toBeGreaterThan(0);
    for (const [, iri] of nquads.matchAll(/<([^>]*)>/g)) expect(iri).toMatch(/^(https?|urn):/);
    expect(nquads).toContain("<http://data.europa.eu/nuts/code/DE212>");
  });

  it.each(["challenge", "hub"] as const)("maps every top-level field of the %s schema in its context", (kind) => {
    const terms = termsOf(`${kind}-v1.jsonld`);
    const fields = Object.keys(readJson(`${kind}.schema.json`).properties).sort();
    const unmapped = fields.filter((f) => terms[f] === undefined);
    expect(unmapped).toEqual([]);
    const literals = fields.filter((f) => terms[f]?.["@type"] === "@json");
    expect(literals).toEqual(JSON_LITERALS[kind]);
  });

  it.each([
    ["challenge", "challenges/challenge-de-mobility"], ["challenge", "challenges/challenge-fr-health-pcp"],
    ["challenge", "challenges/challenge-fi-education-consultation"], ["hub", "hubs/hub-de-muenchen-mobil"],
  ] as const)("expands the example %s %s without dropping a nested field", async (kind, name) => {
    const [dir, file] = name.split("/") as ["challenges" | "hubs", string];
    const doc = fixture(dir, file);
    const expanded = await jsonld.expand(doc, readWith(`${node.origin}/schemas/context/${kind}-v1.jsonld`));
    expect(expanded).toHaveLength(1);
    expect(expanded[0]!["@id"]).toBe(doc.id);
  });

  it("expands codes, notices and contract dates of the French PCP example", async () => {
    const doc = fixture("challenges", "challenge-fr-health-pcp");
    const [c] = (await jsonld.expand(doc, readWith(`${node.origin}/schemas/context/challenge-v1.jsonld`))) as Node[];
    expect(ids(c, `${EPO}hasProcedureType`)).toEqual([`${AUTHORITY}procurement-procedure-type/oth-mult`]);
    const notice = one(c, `${IPN}relatedNotice`);
    expect(notice["@id"]).toBeUndefined(); // a notice's own id is a number in its scheme, not an IRI
    expect(one(notice, `${IPN}noticeId`)).toEqual({ "@value": "26-123456" });
    expect(ids(notice, `${SCHEMA}url`)).toEqual(["https://annonces.example.fr/avis/26-123456"]);
    expect(one(one(c, `${IPN}contractPeriod`), `${SCHEMA}startDate`)).toEqual({ "@value": "2027-05-03", "@type": `${XSD}date` });
  });

  it.each([["Note", () => new URL(challenge.body.id).pathname], ["hub actor", () => "/hubs/ld_hub"]])("the AS2 extension context ipn-v1 redefines nothing in the %s", async (_kind, pathOf) => {
    const res = await api.get(pathOf()).set("Accept", "application/activity+json").expect(200);
    const object = JSON.parse(res.text) as Json;
    const ipnV1 = `${node.origin}/schemas/context/ipn-v1.jsonld`;
    const contexts = Array.isArray(object["@context"]) ? object["@context"] : [object["@context"]];
    const plain = await jsonld.expand(object, { documentLoader });
    const extended = await jsonld.expand({ ...object, "@context": [...contexts, ipnV1] }, { documentLoader });
    expect(fetched).toContain(ipnV1);
    expect(extended).toEqual(plain);
    expect(plain).toHaveLength(1);
  });
});
