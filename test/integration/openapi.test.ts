// Keeps /api/openapi.json in sync with the API: every documented operation exists and answers with a
// documented status, documented 2xx bodies validate against the documented schemas, and what is not
// documented does not exist.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import request from "supertest";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { challengeInput, hubInput } from "../support/documents";

let node: TestNode;
let api: ReturnType<typeof request>;
let doc: any;
let key: string;
let hubToken: string;

beforeAll(async () => {
  // Production-like: an https public origin (behind a TLS proxy), so documents carry https ids as the schemas demand.
  node = await startTestNode({ IPN_ORIGIN: "https://oa.ipn.test", IPN_ALLOW_PRIVATE_NETWORK: "false" });
  api = request(node.listenUrl);
  doc = (await api.get("/api/openapi.json")).body;
  const hub = await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("oa_hub"));
  hubToken = hub.body.token;
  const c = await api.post("/api/v1/hubs/oa_hub/challenges").set({ Authorization: `Bearer ${hubToken}` }).send(challengeInput("de-mobility"));
  key = c.body.id.split("/").pop();
});
afterAll(async () => { await node.stop(); });

type Call = { method: string; path: string; body?: unknown; contentType?: string };
/** One successful call per documented operation, in an order that leaves everything callable. */
function calls(): Call[] {
  return [
    { method: "get", path: "/api/openapi.json" },
    { method: "get", path: "/api/v1/hubs" },
    { method: "post", path: "/api/v1/hubs", body: hubInput("oa_hub2") },
    { method: "get", path: "/api/v1/hubs/oa_hub" },
    { method: "post", path: "/api/v1/hubs/oa_hub2/token" },
    { method: "post", path: "/api/v1/hubs/oa_hub/challenges", body: challengeInput("fr-health-pcp") },
    { method: "get", path: "/api/v1/challenges" },
    { method: "get", path: `/api/v1/challenges/${key}` },
    { method: "patch", path: `/api/v1/challenges/${key}`, body: { referenceNumber: "OA-1" }, contentType: "application/merge-patch+json" },
    { method: "get", path: `/api/v1/challenges/${key}/ocds` },
    { method: "get", path: "/api/v1/ocds/releases?limit=5" },
    { method: "delete", path: `/api/v1/challenges/${key}` },
    { method: "get", path: "/api/v1/sync/digest?follower=https%3A%2F%2Ffr.ipn.test%2Factor" },
    { method: "get", path: "/api/v1/sync/revisions?limit=10" },
    { method: "get", path: "/api/v1/sync/challenges?limit=10" },
    { method: "get", path: `/api/v1/sync/documents?key=${key},unknown-key` },
    { method: "post", path: "/api/v1/peers", body: { origin: "https://fr.ipn.test", country: "FR", role: "national" } },
    { method: "get", path: "/api/v1/peers" },
    { method: "delete", path: "/api/v1/peers?origin=https%3A%2F%2Ffr.ipn.test" },
  ];
}

const templateOf = (path: string, templates: string[]) =>
  templates.find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path.split("?")[0]!));

it("documents exactly the operations the API serves, each answering as documented", async () => {
  const templates = Object.keys(doc.paths);
  const documented = new Set(templates.flatMap((t) => Object.keys(doc.paths[t]).map((m) => `${m} ${t}`)));
  const exercised = new Set<string>();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  for (const c of calls()) {
    const t = templateOf(c.path, templates);
    expect([c.path, t !== undefined]).toEqual([c.path, true]);
    const op = doc.paths[t!][c.method];
    expect([c.method, c.path, op !== undefined]).toEqual([c.method, c.path, true]);
    exercised.add(`${c.method} ${t}`);
    let req = (api as any)[c.method](c.path).set({ Authorization: `Bearer ${ADMIN_TOKEN}` });
    if (c.body !== undefined) req = req.set("Content-Type", c.contentType ?? "application/json").send(JSON.stringify(c.body));
    const res = await req;
    expect([c.method, c.path, Object.keys(op.responses)]).toEqual([c.method, c.path, expect.arrayContaining([String(res.status)])]);
    expect(res.status).toBeLessThan(300);
    const schema = op.responses[String(res.status)]?.content?.["application/json"]?.schema;
    if (schema && res.status !== 204) {
      // The document is self-contained: its $refs point into its own components.
      const validate = ajv.compile({ ...schema, components: doc.components });
      const valid = validate(res.body);
      expect([c.method, c.path, valid ? [] : validate.errors]).toEqual([c.method, c.path, []]);
    }
  }
  expect([...documented].sort()).toEqual([...exercised].sort());
});

it("serves nothing undocumented under /api: 405 + Allow for other methods, 404 for other paths", async () => {
  for (const [method, path, allow] of [["put", `/api/v1/challenges/${key}`, "GET, HEAD, PATCH, DELETE"], ["delete", "/api/v1/hubs/oa_hub", "GET, HEAD"], ["put", "/api/v1/peers", "GET, HEAD, POST, DELETE"], ["post", "/api/v1/challenges", "GET, HEAD"]] as const) {
    const res = await (api as any)[method](path).set({ Authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([method, path, res.status, res.headers.allow, res.body.status]).toEqual([method, path, 405, allow, 405]);
  }
  for (const [method, path] of [["get", "/api/v2/challenges"], ["get", "/api/v1/sync"], ["get", "/api/v1/challenges/x/y"]] as const) {
    const res = await (api as any)[method](path).set({ Authorization: `Bearer ${ADMIN_TOKEN}` });
    expect([method, path, res.status]).toEqual([method, path, 404]);
  }
});

it("is self-contained: every $ref points into the document itself and resolves", () => {
  const refs: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === "object") for (const [k, v] of Object.entries(n)) (k === "$ref" ? refs.push(v as string) : walk(v));
  };
  walk(doc);
  expect(refs.length).toBeGreaterThan(50);
  for (const ref of new Set(refs)) {
    expect([ref, ref.startsWith("#/")]).toEqual([ref, true]);
    const target = ref.slice(2).split("/").reduce((o: any, k) => o?.[k], doc);
    expect([ref, target !== undefined]).toEqual([ref, true]);
  }
});

it("describes the mode the node runs in: https ids in production, plain http only in test mode", async () => {
  expect(doc.components.schemas.HttpsUri.pattern).toBe("^https://");
  const testNode = await startTestNode();
  try {
    const testDoc = (await request(testNode.listenUrl).get("/api/openapi.json")).body;
    expect(testDoc.components.schemas.HttpsUri.pattern).toBe("^https?://");
    expect(testDoc.info.description).toContain("test mode");
  } finally {
    await testNode.stop();
  }
});

it("declares every error response as a problem document", () => {
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      for (const [status, r] of Object.entries<any>(op.responses)) {
        const expected = status === "429" ? "#/components/responses/TooManyRequests" : status === "431" ? "#/components/responses/HeadersTooLarge" : "#/components/responses/Problem";
        if (Number(status) >= 400) expect([method, path, status, r.$ref]).toEqual([method, path, status, expected]);
      }
    }
  }
});
