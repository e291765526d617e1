// The JSON API contract over real HTTP against a real node (SQLite store, Fedify mounted).
import request from "supertest";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { challengeInput, hubInput } from "../support/documents";

let node: TestNode;
let api: ReturnType<typeof request>;
let hubToken: string;
let otherHubToken: string;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const asHub = () => ({ Authorization: `Bearer ${hubToken}` });

beforeAll(async () => {
  node = await startTestNode();
  api = request(node.listenUrl);
  const a = await api.post("/api/v1/hubs").set(admin).send(hubInput("muenchen_mobil"));
  expect(a.status).toBe(201);
  hubToken = a.body.token;
  const b = await api.post("/api/v1/hubs").set(admin).send(hubInput("other_hub"));
  otherHubToken = b.body.token;
});
afterAll(async () => { await node.stop(); });

async function publish(body = challengeInput("de-mobility"), token = hubToken) {
  const res = await api.post("/api/v1/hubs/muenchen_mobil/challenges").set({ Authorization: `Bearer ${token}` }).send(body);
  return res;
}
const keyOf = (doc: { id: string }) => doc.id.split("/").pop()!;

describe("hubs", () => {
  it("creates a hub only with the admin token and shows its token once", async () => {
    expect((await api.post("/api/v1/hubs").send(hubInput("x1"))).status).toBe(401);
    expect((await api.post("/api/v1/hubs").set(asHub()).send(hubInput("x2"))).status).toBe(403);
    expect((await api.post("/api/v1/hubs").set({ Authorization: "Bearer wrong-token" }).send(hubInput("x3"))).status).toBe(401);
    const res = await api.post("/api/v1/hubs").set(admin).send(hubInput("x4"));
    expect(res.status).toBe(201);
    expect(res.headers.location!).toBe("/api/v1/hubs/x4");
    expect(res.body.token).toMatch(/^ipn_x4\./);
    expect(res.body.hub.id).toBe(`${node.origin}/hubs/x4`);
    const got = await api.get("/api/v1/hubs/x4");
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.body)).not.toContain(res.body.token);
  });

  it("answers 401 problems with WWW-Authenticate", async () => {
    const res = await api.post("/api/v1/hubs").send(hubInput("x5"));
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(res.body).toMatchObject({ status: 401, title: expect.any(String), type: expect.stringContaining("unauthorized") });
  });

  it("rejects a duplicate handle with 409 and an invalid hub with 422 pointers", async () => {
    const dup = await api.post("/api/v1/hubs").set(admin).send(hubInput("muenchen_mobil"));
    expect(dup.status).toBe(409);
    expect(dup.body.errors).toEqual([expect.objectContaining({ pointer: "/preferredUsername" })]);
    const bad = await api.post("/api/v1/hubs").set(admin).send(hubInput("bad_hub", { country: "XX", contact: {} }));
    expect(bad.status).toBe(422);
    const pointers = bad.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/country", "/contact/email"]));
    expect((await api.get("/api/v1/hubs/bad_hub")).status).toBe(404);
  });

  it("rejects server-assigned fields, wrong media types, malformed and oversized bodies", async () => {
    const withId = await api.post("/api/v1/hubs").set(admin).send({ ...hubInput("x6"), id: "https://evil.example/hubs/x6" });
    expect(withId.status).toBe(422);
    expect(withId.body.errors[0].pointer).toBe("/id");
    const form = await api.post("/api/v1/hubs").set(admin).type("form").send("a=b");
    expect(form.status).toBe(415);
    const malformed = await api.post("/api/v1/hubs").set(admin).set("Content-Type", "application/json").send('{"preferredUsername": ');
    expect(malformed.status).toBe(400);
    const big = await api.post("/api/v1/hubs").set(admin).set("Content-Type", "application/json").send(JSON.stringify({ ...hubInput("x7"), legalName: "x".repeat(1_100_000) }));
    expect(big.status).toBe(413);
    expect((await api.get("/api/v1/hubs/x6")).status).toBe(404);
    expect((await api.get("/api/v1/hubs/x7")).status).toBe(404);
  });

  it("rotates a hub token: the old one stops working", async () => {
    const created = await api.post("/api/v1/hubs").set(admin).send(hubInput("rot_hub"));
    const old = created.body.token;
    const rotated = await api.post("/api/v1/hubs/rot_hub/token").set(admin);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).not.toBe(old);
    const body = challengeInput("de-mobility");
    expect((await api.post("/api/v1/hubs/rot_hub/challenges").set({ Authorization: `Bearer ${old}` }).send(body)).status).toBe(401);
    expect((await api.post("/api/v1/hubs/rot_hub/challenges").set({ Authorization: `Bearer ${rotated.body.token}` }).send(body)).status).toBe(201);
  });

  it("lists hubs", async () => {
    const res = await api.get("/api/v1/hubs");
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: { preferredUsername: string }) => h.preferredUsername)).toEqual(expect.arrayContaining(["muenchen_mobil", "other_hub"]));
  });
});

describe("publishing challenges", () => {
  it("publishes with server-assigned fields and a Location", async () => {
    const before = Date.now();
    const res = await publish();
    expect(res.status).toBe(201);
    const doc = res.body;
    expect(doc.id).toMatch(new RegExp(`^${node.origin}/challenges/[0-9a-f-]{36}$`));
    expect(res.headers.location!).toBe(`/api/v1/challenges/${keyOf(doc)}`);
    expect(doc).toMatchObject({ revision: 1, hub: `${node.origin}/hubs/muenchen_mobil`, url: doc.id, status: "open", schemaVersion: "1.0" });
    expect(Date.parse(doc.published)).toBeGreaterThanOrEqual(before - 1000);
    expect(doc.updated).toBe(doc.published);
    const got = await api.get(res.headers.location!);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(doc);
  });

  it("refuses server-assigned fields, invalid documents and other hubs' tokens, changing nothing", async () => {
    const before = (await api.get("/api/v1/challenges?hub=muenchen_mobil&limit=100")).body.items.length;
    const withRevision = await publish({ ...challengeInput("de-mobility"), revision: 7, id: "https://x.example/c/1" });
    expect(withRevision.status).toBe(422);
    expect(withRevision.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["/id", "/revision"]);

    const bad = challengeInput("de-mobility");
    (bad.title as Record<string, string>) = { en: "Only English" }; // defaultLanguage is de
    bad.focusAreas = ["space"];
    const invalid = await publish(bad);
    expect(invalid.status).toBe(422);
    const pointers = invalid.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(["/title", "/focusAreas/0"]));

    const pastDeadline = challengeInput("de-mobility");
    pastDeadline.submissionPeriod = { start: "2020-01-01T00:00:00Z", end: "2020-02-01T00:00:00Z" };
    delete pastDeadline.enquiryPeriod;
    const past = await publish(pastDeadline);
    expect(past.status).toBe(422);
    expect(past.body.errors.map((e: { pointer: string }) => e.pointer)).toContain("/submissionPeriod/end");

    expect((await publish(challengeInput("de-mobility"), otherHubToken)).status).toBe(403);
    expect((await api.post("/api/v1/hubs/nope/challenges").set(admin).send(challengeInput("de-mobility"))).status).toBe(404);
    expect((await api.post("/api/v1/hubs/muenchen_mobil/challenges").send(challengeInput("de-mobility"))).status).toBe(401);
    const closed = await publish({ ...challengeInput("de-mobility"), status: "closed" });
    expect(closed.status).toBe(422);
    expect(closed.body.errors[0].pointer).toBe("/status");

    const after = (await api.get("/api/v1/challenges?hub=muenchen_mobil&limit=100")).body.items.length;
    expect(after).toBe(before);
  });

  it("keeps drafts private until published", async () => {
    const res = await publish(challengeInput("fr-health-pcp", { status: "draft" }));
    expect(res.status).toBe(201);
    expect(res.body.published).toBeUndefined();
    const loc = res.headers.location!;
    expect((await api.get(loc)).status).toBe(404);
    expect((await api.get(loc).set({ Authorization: `Bearer ${otherHubToken}` })).status).toBe(404);
    const own = await api.get(loc).set(asHub());
    expect(own.status).toBe(200);
    expect(own.headers["cache-control"]).toContain("no-store");
    const listed = await api.get("/api/v1/challenges?status=open,forthcoming,closed&limit=100");
    expect(listed.body.items.map((c: { id: string }) => c.id)).not.toContain(res.body.id);

    const pub = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "open" });
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ status: "open", revision: 1 });
    expect(pub.body.published).toBe(pub.body.updated);
    expect((await api.get(loc)).status).toBe(200);
  });
});

describe("editing challenges", () => {
  let loc: string;
  let doc: Record<string, any>;
  beforeAll(async () => {
    const res = await publish();
    loc = res.headers.location!;
    doc = res.body;
  });

  it("applies a merge patch as a new revision with a strictly newer updated and a changeLog entry", async () => {
    const res = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json")
      .send({ summary: { de: "Neue Zusammenfassung.", en: "New summary." }, eligibility: null });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(2);
    expect(res.body.summary.en).toBe("New summary.");
    expect(res.body.eligibility).toBeUndefined();
    expect(Date.parse(res.body.updated)).toBeGreaterThan(Date.parse(doc.updated));
    expect(res.body.published).toBe(doc.published);
    expect(res.body.changeLog).toEqual([{ revision: 2, date: res.body.updated, reason: "update-add" }]);
    doc = res.body;
  });

  it("takes the editor's own changeLog entry", async () => {
    const res = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({
      referenceNumber: "MOR-IC-2026-07b",
      changeLog: [...doc.changeLog, { reason: "cor-buy", description: { de: "Aktenzeichen korrigiert.", en: "Reference corrected." } }],
    });
    expect(res.status).toBe(200);
    expect(res.body.changeLog[1]).toEqual({ revision: 3, date: res.body.updated, reason: "cor-buy", description: { de: "Aktenzeichen korrigiert.", en: "Reference corrected." } });
    doc = res.body;
  });

  it("treats a patch that changes nothing as no change", async () => {
    const res = await api.patch(loc).set(asHub()).set("Content-Type", "application/json").send({ title: doc.title });
    expect(res.status).toBe(200);
    expect(res.body.revision).toBe(doc.revision);
    expect(res.body.updated).toBe(doc.updated);
  });

  it("refuses illegal transitions (409), server fields and invalid results (422), stale If-Match (412), changing nothing", async () => {
    const illegal = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "awarded" });
    expect(illegal.status).toBe(409);
    expect(illegal.body.errors[0].pointer).toBe("/status");
    const backToDraft = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "draft" });
    expect(backToDraft.status).toBe(409);
    const server = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ revision: 99 });
    expect(server.status).toBe(422);
    expect(server.body.errors[0].pointer).toBe("/revision");
    const invalid = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ submissionPeriod: { end: "tomorrow" } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((e: { pointer: string }) => e.pointer)).toContain("/submissionPeriod/end");
    const cancelledWithoutReason = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "cancelled" });
    expect(cancelledWithoutReason.status).toBe(422);
    expect(cancelledWithoutReason.body.errors.map((e: { pointer: string }) => e.pointer)).toContain("/statusReason");
    const stale = await api.patch(loc).set(asHub()).set("If-Match", '"1"').set("Content-Type", "application/merge-patch+json").send({ referenceNumber: "zzz" });
    expect(stale.status).toBe(412);
    const notObject = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send("[1,2]");
    expect(notObject.status).toBe(422);
    expect((await api.patch(loc).set({ Authorization: `Bearer ${otherHubToken}` }).set("Content-Type", "application/json").send({ referenceNumber: "x" })).status).toBe(403);
    const now = await api.get(loc);
    expect(now.body).toEqual(doc);
  });

  it("follows legal transitions with reasons: suspended → open → cancelled", async () => {
    const s = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json")
      .send({ status: "suspended", statusReason: { de: "Nachprüfungsverfahren.", en: "Review procedure." } });
    expect(s.status).toBe(200);
    expect(s.body.changeLog.at(-1).reason).toBe("susp-review");
    const o = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "open", statusReason: null });
    expect(o.status).toBe(200);
    const c = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json")
      .send({ status: "cancelled", statusReason: { de: "Bedarf entfallen.", en: "Need no longer exists." } });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: "cancelled", revision: doc.revision + 3 });
    expect(c.body.changeLog.at(-1).reason).toBe("cancel");
    const reopen = await api.patch(loc).set(asHub()).set("Content-Type", "application/merge-patch+json").send({ status: "open" });
    expect(reopen.status).toBe(409);
  });
});

describe("withdrawal", () => {
  it("answers 204, then 410 for the id, and never lists it again", async () => {
    const res = await publish(challengeInput("fi-education"));
    const loc = res.headers.location!;
    expect((await api.delete(loc)).status).toBe(401);
    expect((await api.delete(loc).set({ Authorization: `Bearer ${otherHubToken}` })).status).toBe(403);
    expect((await api.delete(loc).set(asHub())).status).toBe(204);
    expect((await api.get(loc)).status).toBe(410);
    expect((await api.patch(loc).set(asHub()).set("Content-Type", "application/json").send({ referenceNumber: "x" })).status).toBe(410);
    expect((await api.delete(loc).set(asHub())).status).toBe(410);
    const listed = await api.get("/api/v1/challenges?status=open,forthcoming,closed,cancelled&limit=100");
    expect(listed.body.items.map((c: { id: string }) => c.id)).not.toContain(res.body.id);
  });

  it("answers 404 for unknown keys", async () => {
    expect((await api.get("/api/v1/challenges/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await api.delete("/api/v1/challenges/nope").set(admin)).status).toBe(404);
  });
});

describe("listing", () => {
  const ids: string[] = [];
  let listingHubToken: string;
  beforeAll(async () => {
    const created = await api.post("/api/v1/hubs").set(admin).send(hubInput("listing_hub", { country: "FR" }));
    listingHubToken = created.body.token;
    for (let i = 0; i < 7; i++) {
      const body = challengeInput(i % 2 ? "fr-health-pcp" : "fi-education", { deadlineInDays: 40 + i, status: i === 6 ? "forthcoming" : "open" });
      const res = await api.post("/api/v1/hubs/listing_hub/challenges").set({ Authorization: `Bearer ${listingHubToken}` }).send(body);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
  });

  it("defaults to open + forthcoming, nearest deadline first, and pages with a cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await api.get("/api/v1/challenges").query({ hub: "listing_hub", limit: 3, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it("filters by status, focus area, instrument, country, text and deadline window", async () => {
    const q = async (query: Record<string, string>) => (await api.get("/api/v1/challenges").query({ hub: "listing_hub", limit: 100, ...query })).body.items as { id: string; focusAreas: string[]; instrument: string; status: string }[];
    expect((await q({ status: "forthcoming" })).map((c) => c.id)).toEqual([ids[6]]);
    expect((await q({ focusArea: "health" })).every((c) => c.focusAreas.includes("health"))).toBe(true);
    expect((await q({ focusArea: "health" })).length).toBe(3);
    expect((await q({ instrument: "open-market-consultation" })).length).toBe(4);
    expect((await q({ country: "FR" })).length).toBe(7);
    expect((await q({ country: "NO" })).length).toBe(0);
    expect((await q({ q: "télésuivi" })).length).toBe(3);
    expect((await q({ q: "oppimisen" })).length).toBe(4);
    const from = new Date(Date.now() + 41.5 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 43.5 * 86_400_000).toISOString();
    expect((await q({ deadlineFrom: from, deadlineTo: to })).map((c) => c.id)).toEqual([ids[2], ids[3]]);
    expect((await q({ sort: "newest" })).map((c) => c.id)).toEqual([...ids].reverse());
  });

  it("answers 400 with the failing parameter for bad filters", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ status: "draft" }, "/query/status"], [{ status: "bogus" }, "/query/status"], [{ focusArea: "space" }, "/query/focusArea"],
      [{ limit: "0" }, "/query/limit"], [{ limit: "1000" }, "/query/limit"], [{ deadlineFrom: "soon" }, "/query/deadlineFrom"],
      [{ sort: "price" }, "/query/sort"], [{ cursor: "!!" }, "/query/cursor"], [{ cursor: "AAAAAAAA" }, "/query/cursor"], [{ country: "Germany" }, "/query/country"],
      [{ colour: "red" }, "/query/colour"], [{ "q[x]": "1" }, "/query/q"],
    ];
    for (const [query, pointer] of cases) {
      const res = await api.get("/api/v1/challenges").query(query);
      expect([res.status, res.body.errors?.[0]?.pointer]).toEqual([400, pointer]);
    }
    // The message names the value and what is allowed; an unknown parameter lists the known ones.
    const bogus = await api.get("/api/v1/challenges?status=open,bogus");
    expect(bogus.body.errors[0].message).toBe('unknown value "bogus"; allowed: forthcoming, open, closed, evaluation, awarded, unsuccessful, cancelled, suspended');
    const unknown = await api.get("/api/v1/challenges?colour=red");
    expect(unknown.body.errors[0].message).toMatch(/^is not a parameter of this request; allowed: status, country, .*limit$/);
    const twice = await api.get("/api/v1/challenges?sort=newest&sort=deadline");
    expect([twice.status, twice.body.errors[0]]).toEqual([400, { pointer: "/query/sort", message: "must be given once" }]);
  });

  it("takes an empty list or search as no filter, refuses other empty values, and matches nothing in an inverted deadline range", async () => {
    const all = await api.get("/api/v1/challenges?limit=100");
    const empty = await api.get("/api/v1/challenges?q=&status=&limit=100&country=");
    expect([empty.status, empty.body.items.length]).toEqual([200, all.body.items.length]);
    const emptyCursor = await api.get("/api/v1/challenges?cursor=");
    expect([emptyCursor.status, emptyCursor.body.errors[0].pointer]).toEqual([400, "/query/cursor"]);
    const inverted = await api.get("/api/v1/challenges?deadlineFrom=2031-01-02&deadlineTo=2031-01-01");
    expect([inverted.status, inverted.body.items]).toEqual([200, []]);
  });
});

describe("documents", () => {
  it("serves every schema and the OpenAPI document", async () => {
    for (const name of ["challenge", "hub", "common"]) {
      const res = await api.get(`/schemas/${name}.json`);
      expect(res.status).toBe(200);
      expect(res.body.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    }
    expect((await api.get("/schemas/nope.json")).status).toBe(404);
    const oa = await api.get("/api/openapi.json");
    expect(oa.status).toBe(200);
    expect(oa.body.openapi).toBe("3.1.0");
  });

  it("answers unknown API paths with a problem", async () => {
    const res = await api.get("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
  });
});

describe("conditional edits (If-Match)", () => {
  it("applies an edit based on the current ETag, and refuses a second edit based on the same, now stale, ETag", async () => {
    const created = await publish();
    const loc = created.headers.location!;
    const etag = created.headers.etag!;
    const first = await api.patch(loc).set(asHub()).set("If-Match", etag).set("Content-Type", "application/merge-patch+json").send({ referenceNumber: "IF-1" });
    expect(first.status).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    const second = await api.patch(loc).set(asHub()).set("If-Match", etag).set("Content-Type", "application/merge-patch+json").send({ referenceNumber: "IF-2" });
    expect(second.status).toBe(412);
    expect((await api.get(loc)).body.referenceNumber).toBe("IF-1");
    const garbage = await api.patch(loc).set(asHub()).set("If-Match", "yesterday").set("Content-Type", "application/merge-patch+json").send({ referenceNumber: "IF-3" });
    // Not an ETag at all: a malformed header (400, pointing at it), not a failed precondition.
    expect([garbage.status, garbage.body.errors?.[0]?.pointer]).toEqual([400, "/headers/if-match"]);
  });
});
