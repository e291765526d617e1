// OCDS 1.1 exports checked against the official OCDS 1.1.5 release-package and release schemas and
// closed code lists (../shared/data/ocds-1.1.5, draft-04: ajv-draft-04 + ajv-formats), for every example
// challenge through every lifecycle path — published, amended, closed, awarded, unsuccessful,
// forthcoming then opened, cancelled, suspended then withdrawn — on SQLite and on MongoDB (FerretDB)
// when IPN_TEST_MONGODB_URL is set; then the paged bulk export and `ipn export ocds`.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Ajv4 from "ajv-draft-04";
import addFormats from "ajv-formats";
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { dropDatabaseAt, withDatabase } from "../support/ferretdb-server";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

const OCDS = path.resolve(__dirname, "../../../shared/data/ocds-1.1.5");
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(OCDS, f), "utf8"));
const ajv = new Ajv4({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(readJson("release-schema.json"));
const validatePackage = ajv.compile(readJson("release-package-schema.json"));

/** The codes of a closed OCDS code list. */
function codes(list: string): string[] {
  const [header, ...rows] = fs.readFileSync(path.join(OCDS, "codelists", `${list}.csv`), "utf8").trim().split("\n");
  const col = header!.split(",").indexOf("Code");
  return rows.map((r) => r.split(",")[col]!);
}
const CLOSED = {
  tag: codes("releaseTag"), tenderStatus: codes("tenderStatus"), method: codes("method"), category: codes("procurementCategory"),
  role: codes("partyRole"), documentType: codes("documentType"), milestoneType: codes("milestoneType"), milestoneStatus: codes("milestoneStatus"),
  submissionMethod: codes("submissionMethod"), awardStatus: codes("awardStatus"), initiationType: codes("initiationType"),
};

type Json = Record<string, any>;

/** Every problem of a package: the official schema's errors and any value outside a closed code list. */
function problems(pkg: Json): string[] {
  const out: string[] = [];
  if (!validatePackage(pkg)) out.push(...(validatePackage.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const check = (what: string, value: unknown, allowed: string[]) => { if (value !== undefined && !allowed.includes(String(value))) out.push(`${what}: ${String(value)}`); };
  for (const r of pkg.releases as Json[]) {
    for (const t of r.tag) check("tag", t, CLOSED.tag);
    check("initiationType", r.initiationType, CLOSED.initiationType);
    for (const p of r.parties ?? []) for (const role of p.roles ?? []) check("party role", role, CLOSED.role);
    const t = r.tender ?? {};
    check("tender.status", t.status, CLOSED.tenderStatus);
    check("procurementMethod", t.procurementMethod, CLOSED.method);
    check("mainProcurementCategory", t.mainProcurementCategory, CLOSED.category);
    for (const m of t.submissionMethod ?? []) check("submissionMethod", m, CLOSED.submissionMethod);
    for (const d of t.documents ?? []) check("documentType", d.documentType, CLOSED.documentType);
    for (const m of t.milestones ?? []) { check("milestone type", m.type, CLOSED.milestoneType); check("milestone status", m.status, CLOSED.milestoneStatus); }
    for (const a of r.awards ?? []) check("award status", a.status, CLOSED.awardStatus);
  }
  return out;
}

const STORES: [string, Record<string, string>][] = [["SQLite", {}]];
const mongo = process.env.IPN_TEST_MONGODB_URL?.trim();
if (mongo) STORES.push(["MongoDB", { IPN_STORE: withDatabase(mongo, `ipn_ocds_${process.pid}_${Date.now()}`) }]);

const FIXTURES = ["de-mobility", "fr-health-pcp", "fi-education"] as const;
const PATHS = ["awarded", "unsuccessful", "cancelled", "withdrawn"] as const;
const EXPECTED_TAGS: Record<(typeof PATHS)[number], string[][]> = {
  awarded: [["tender"], ["tenderAmendment"], ["tenderUpdate"], ["award"]],
  unsuccessful: [["tender"], ["tenderUpdate"], ["tenderUpdate"]],
  cancelled: [["planning"], ["tender"], ["tenderCancellation"]],
  withdrawn: [["tender"], ["tenderUpdate"], ["tenderCancellation"]],
};

describe.each(STORES)("OCDS 1.1 on %s", (_store, env) => {
  let node: TestNode;
  let api: ReturnType<typeof request>;
  let token: string;
  const keys: string[] = [];
  const patch = (key: string, body: Json) => api.patch(`/api/v1/challenges/${key}`).set({ Authorization: `Bearer ${token}` }).set("Content-Type", "application/merge-patch+json").send(body);

  beforeAll(async () => {
    node = await startTestNode({ IPN_OCDS_PREFIX: "ocds-t3st00", ...env });
    api = request(node.listenUrl);
    token = (await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("ocds_hub", { name: { en: "Procurement hub Nord" } }))).body.token;
  });
  afterAll(async () => {
    await node?.stop();
    // The MongoDB run made a database of its own on the shared server.
    if (env.IPN_STORE) await dropDatabaseAt(env.IPN_STORE);
  });

  it.each(FIXTURES.flatMap((f) => PATHS.map((p) => [f, p] as const)))("exports %s through the %s path as valid OCDS, one release per revision", async (fixture, lifecycle) => {
    const created = await api.post("/api/v1/hubs/ocds_hub/challenges").set({ Authorization: `Bearer ${token}` })
      .send(challengeInput(fixture, { status: lifecycle === "cancelled" ? "forthcoming" : "open" }));
    expect(created.status).toBe(201);
    const key = String(created.body.id).split("/").pop()!;
    keys.push(key);
    const changeLog = (doc: Json, reason: string, description: string) => [...(doc.changeLog ?? []), { reason, description: { [doc.defaultLanguage]: description } }];
    if (lifecycle === "awarded") {
      const amended = await patch(key, { referenceNumber: "OCDS-1", changeLog: changeLog(created.body, "cor-buy", "Reference corrected") });
      expect(amended.status).toBe(200);
      expect((await patch(key, { status: "closed" })).status).toBe(200);
      expect((await patch(key, { status: "awarded", outcome: { decisionDate: "2026-12-01", winners: [{ name: "Acme Health SAS", country: "FR", sme: true }], summary: { [created.body.defaultLanguage]: "One winner" } } })).status).toBe(200);
    } else if (lifecycle === "unsuccessful") {
      expect((await patch(key, { status: "closed" })).status).toBe(200);
      expect((await patch(key, { status: "unsuccessful", outcome: { decisionDate: "2026-12-01", nonAwardReason: "no-rece" } })).status).toBe(200);
    } else if (lifecycle === "cancelled") {
      expect((await patch(key, { status: "open" })).status).toBe(200);
      expect((await patch(key, { status: "cancelled", statusReason: { [created.body.defaultLanguage]: "Budget withdrawn" } })).status).toBe(200);
    } else {
      expect((await patch(key, { status: "suspended", statusReason: { [created.body.defaultLanguage]: "Under review" } })).status).toBe(200);
      await api.delete(`/api/v1/challenges/${key}`).set({ Authorization: `Bearer ${token}` }).expect(204);
    }
    const res = await api.get(`/api/v1/challenges/${key}/ocds`).expect(200);
    const pkg = res.body as Json;
    expect(problems(pkg)).toEqual([]);
    expect(pkg.releases.map((r: Json) => r.tag)).toEqual(EXPECTED_TAGS[lifecycle]);
    const ocid = `ocds-t3st00-${key}`;
    expect(new Set(pkg.releases.map((r: Json) => r.ocid))).toEqual(new Set([ocid]));
    expect(new Set(pkg.releases.map((r: Json) => r.id)).size).toBe(pkg.releases.length);
    const last = pkg.releases[pkg.releases.length - 1];
    const doc = (await api.get(`/api/v1/challenges/${key}`)).body;
    if (lifecycle === "awarded") {
      expect(last.tender.status).toBe("complete");
      expect(last.awards).toEqual([expect.objectContaining({ status: "active", date: "2026-12-01T00:00:00Z", suppliers: [expect.objectContaining({ name: "Acme Health SAS" })] })]);
      expect(last.parties.filter((p: Json) => p.roles.includes("supplier")).map((p: Json) => p.name)).toEqual(["Acme Health SAS"]);
      expect(pkg.releases[1].tender.amendments[0].rationale).toBe("Reference corrected");
      expect(last.date).toBe(doc.updated);
    }
    if (lifecycle === "withdrawn") expect(last.tender.status).toBe("withdrawn");
    if (lifecycle === "cancelled") expect([pkg.releases[0].tender.status, last.tender.status]).toEqual(["planned", "cancelled"]);
    if (lifecycle === "unsuccessful") expect([last.tender.status, last.awards]).toEqual(["unsuccessful", undefined]);
    // What every release carries, from the document.
    expect(last.tender.items[0].classification).toEqual({ scheme: "CPV", id: created.body.cpv.main, description: expect.any(String) });
    expect(last.tender.procuringEntity).toEqual({ id: created.body.hub, name: "Procurement hub Nord" });
    expect(last.tender.tenderPeriod.endDate).toBe(created.body.submissionPeriod.end);
    expect(last.language).toBe(created.body.defaultLanguage);
    const nuts = created.body.placeOfPerformance.flatMap((p: Json) => (p.nuts ? [p.nuts] : []));
    if (nuts.length) expect(last.tender.items[0].deliveryLocation.gazetteer).toEqual({ scheme: "NUTS", identifiers: nuts });
    expect(pkg.extensions).toEqual([expect.stringContaining("ocds_location_extension")]);
    expect(pkg.license).toBe("https://creativecommons.org/licenses/by/4.0/");
  });

  it("answers 404 for a draft or an unknown challenge", async () => {
    const draft = await api.post("/api/v1/hubs/ocds_hub/challenges").set({ Authorization: `Bearer ${token}` }).send(challengeInput("de-mobility", { status: "draft" }));
    await api.get(`/api/v1/challenges/${String(draft.body.id).split("/").pop()}/ocds`).expect(404);
    await api.get("/api/v1/challenges/no-such-key/ocds").expect(404);
  });

  it("exports the current release of every matching challenge, paged with links.next", async () => {
    const seen: string[] = [];
    let url: string | null = "/api/v1/ocds/releases?status=open,closed,evaluation,awarded,unsuccessful,cancelled,suspended,forthcoming&limit=5";
    let pages = 0;
    while (url) {
      const res: request.Response = await api.get(url.replace(node.origin, "")).expect(200);
      expect(problems(res.body)).toEqual([]);
      seen.push(...res.body.releases.map((r: Json) => r.ocid));
      url = res.body.links?.next ?? null;
      pages++;
    }
    // Withdrawn challenges are not listed; the other nine paths' challenges are, once each.
    const listed = keys.filter((_, i) => PATHS[i % PATHS.length] !== "withdrawn").map((k) => `ocds-t3st00-${k}`);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(listed.sort());
    const health = await api.get("/api/v1/ocds/releases?focusArea=health&status=awarded").expect(200);
    expect(health.body.releases.map((r: Json) => r.ocid)).toEqual([`ocds-t3st00-${keys[PATHS.length]}`]);
  });
});

describe("ipn export ocds", () => {
  it("writes the bulk release package of a node's store to a file", async () => {
    const node = await startTestNode({ IPN_ORIGIN: "https://ocds.ipn.test", IPN_ALLOW_PRIVATE_NETWORK: "false" });
    const dir = node.dataDir;
    const api = request(node.listenUrl);
    const hub = await api.post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("cli_ocds")).expect(201);
    for (const f of FIXTURES) await api.post("/api/v1/hubs/cli_ocds/challenges").set({ Authorization: `Bearer ${hub.body.token}` }).send(challengeInput(f)).expect(201);
    await node.stop({ keepData: true });
    try {
      const out = path.join(dir, "ocds.json");
      const run = promisify(execFile);
      const env = { ...process.env, IPN_DATA_DIR: dir, IPN_ORIGIN: "https://ocds.ipn.test", IPN_ALLOW_PRIVATE_NETWORK: "false", IPN_OCDS_PREFIX: "ocds-t3st00" };
      const res = await run(process.execPath, [path.join(__dirname, "..", "..", "node", "bin", "ipn.cjs"), "export", "ocds", "--out", out], { env, timeout: 60_000 });
      expect(res.stdout).toContain(`wrote 3 release(s) to ${out}`);
      const pkg = JSON.parse(fs.readFileSync(out, "utf8"));
      expect(problems(pkg)).toEqual([]);
      expect(pkg.releases).toHaveLength(3);
      expect(pkg.publisher).toEqual({ name: "ocds.ipn.test", uri: "https://ocds.ipn.test" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
