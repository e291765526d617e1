// Every field of the challenge schema in the browser editor: each has a labelled control, a document
// written through the API comes back from the form unchanged (nothing lost by editing in the browser),
// lists of buyers, prizes or phases grow and shrink without JavaScript, and CPV and NUTS codes can be
// found by words of their labels.
import request from "supertest";
import challengeSchema from "../../schemas/challenge.schema.json";
import { challengeInput, type ChallengeFixture, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { type Browser, formValues, signedInPerson } from "../support/workspace";

let node: TestNode;
let editor: Browser;
const tokens: Record<string, string> = {};

/** Fields the node writes itself, and those with controls of their own (ids other than f-d-…). */
const NODE_FIELDS = ["id", "url", "hub", "revision", "published", "updated", "changeLog", "schemaVersion"];
/** Chosen when a challenge is created (the new-challenge form has it); shown, not changed, afterwards. */
const CHOSEN_ONCE = ["defaultLanguage"];
const OWN_CONTROLS: Record<string, string> = {
  title: "f-title", summary: "f-summary", description: "f-description", instrument: "f-instrument",
  focusAreas: "f-focusAreas", submissionType: "f-submissionType", submissionPeriod: "f-deadline", submissionUrl: "f-submissionUrl",
  status: "f-status", statusReason: "f-statusReason",
};

beforeAll(async () => {
  node = await startTestNode();
  for (const [handle, country] of [["hub_de", "DE"], ["hub_fr", "FR"], ["hub_fi", "FI"]] as const) {
    const res = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput(handle, { country }));
    tokens[handle] = res.body.token;
  }
  editor = await signedInPerson(node, "editor@fields.example", "admin");
}, 60_000);
afterAll(async () => { await node.stop(); });

async function published(handle: string, fixture: ChallengeFixture): Promise<{ key: string; doc: Record<string, unknown> }> {
  const res = await request(node.listenUrl).post(`/api/v1/hubs/${handle}/challenges`).set("Authorization", `Bearer ${tokens[handle]}`).send(challengeInput(fixture));
  expect(res.status).toBe(201);
  return { key: String(res.body.id).split("/").pop()!, doc: res.body };
}

describe("the editor covers the challenge schema", () => {
  it("has a labelled control for every field an editor writes", async () => {
    const { key } = await published("hub_de", "de-mobility");
    const page = (await editor.get(`/workspace/challenges/${key}/edit`).expect(200)).text;
    const missing: string[] = [];
    for (const field of Object.keys(challengeSchema.properties).filter((k) => !NODE_FIELDS.includes(k) && !CHOSEN_ONCE.includes(k))) {
      const id = OWN_CONTROLS[field] ?? `f-d-${field}`;
      // A control with its <label for>, or a group of controls with its <legend>.
      const labelled = page.includes(`<label for="${id}">`) || new RegExp(`<fieldset id="${id}"[^>]*>\\s*<legend>`).test(page);
      if (!labelled) missing.push(field);
    }
    expect(missing).toEqual([]);
    // No JSON left to write by hand but the extensions other systems define.
    expect(page.match(/class="code"/g)).toHaveLength(1);
    expect((await editor.get("/workspace/hubs/hub_de/challenges/new")).text).toContain('<label for="f-defaultLanguage">Main language</label>');
  });

  it.each([["hub_de", "de-mobility"], ["hub_fr", "fr-health-pcp"], ["hub_fi", "fi-education"]] as const)(
    "takes %s's %s through the form and back without losing or changing anything", async (handle, fixture) => {
      const { key, doc } = await published(handle, fixture);
      const form = await editor.get(`/workspace/challenges/${key}/edit`).expect(200);
      const res = await editor.post(`/workspace/challenges/${key}`).type("form")
        .send({ ...formValues(form.text), changeDescription: "Nothing changed", action: "save" });
      expect(res.status).toBe(303);
      const after = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
      expect(after.revision).toBe(2);
      const strip = (d: Record<string, unknown>) => {
        const { revision: _r, updated: _u, changeLog: _c, ...rest } = d;
        return rest;
      };
      expect(strip(after)).toEqual(strip(doc));
    });
});

describe("lists of groups without JavaScript", () => {
  it("adds a prize, saves it, and removes it again", async () => {
    const { key } = await published("hub_fi", "fi-education");
    const form = await editor.get(`/workspace/challenges/${key}/edit`);
    const values = formValues(form.text);
    expect(Object.keys(values).some((k) => k.startsWith("d.prizes."))).toBe(false);
    const added = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...values, action: "add:d.prizes" });
    expect(added.status).toBe(200);
    expect(added.text).toMatch(/<fieldset id="f-d-prizes-0" class="group">\s*<legend>Prize 1<\/legend>/);
    expect(added.text).toContain('<label for="f-d-prizes-0-amount-amount">Amount</label>');
    // Nothing is saved by adding a row.
    expect((await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body.revision).toBe(1);

    const saved = await editor.post(`/workspace/challenges/${key}`).type("form").send({
      ...formValues(added.text), "d.prizes.0.rank": "1", "d.prizes.0.amount.amount": "25000", "d.prizes.0.amount.currency": "EUR",
      changeDescription: "Prize added", action: "save",
    });
    expect(saved.status).toBe(303);
    const withPrize = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
    expect(withPrize.prizes).toEqual([{ rank: 1, amount: { amount: "25000", currency: "EUR" } }]);

    const edit = await editor.get(`/workspace/challenges/${key}/edit`);
    expect(edit.text).toContain('name="action" value="remove:d.prizes.0"');
    const removed = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(edit.text), action: "remove:d.prizes.0" });
    expect(removed.text).not.toContain('id="f-d-prizes-0"');
    const resaved = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(removed.text), changeDescription: "Prize withdrawn", action: "save" });
    expect(resaved.status).toBe(303);
    expect((await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body.prizes).toBeUndefined();
  });
});

describe("finding CPV and NUTS codes", () => {
  it("finds codes by words in any order, accents ignored, broader codes first", async () => {
    const cpv = (await editor.get("/workspace/codes/cpv.json?q=software").expect(200)).body.codes as { code: string; label: string }[];
    expect(cpv[0]).toEqual({ code: "48000000", label: "Software package and information systems" });
    expect(cpv).toHaveLength(20);
    for (const c of cpv) expect(c.label.toLowerCase()).toContain("software");
    const nuts = (await editor.get("/workspace/codes/nuts.json?q=munchen").expect(200)).body.codes;
    expect(nuts.map((c: { code: string }) => c.code)).toEqual(["DE212", "DE21H"]);
    const byCode = (await editor.get("/workspace/codes/cpv.json?q=7226").expect(200)).body.codes;
    expect(byCode[0]).toEqual({ code: "72260000", label: "Software-related services" });
  });

  it("offers the same search as a page that works without JavaScript, for signed-in editors only", async () => {
    const page = await editor.get("/workspace/codes/nuts?q=FR1").expect(200);
    expect(page.text).toMatch(/<td><code>FR101<\/code><\/td><td>Paris<\/td>/);
    expect(page.text).toContain('<label for="f-q">Words or code</label>');
    expect((await editor.get("/workspace/codes/cpv?q=zzzzzz")).text).toContain("Nothing found.");
    expect((await editor.get("/workspace/codes/unknown")).status).toBe(404);
    const anonymous = await request(node.listenUrl).get("/workspace/codes/cpv.json?q=software");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });

  it("names the codes entered beside their inputs and links to the finder", async () => {
    const { key } = await published("hub_fr", "fr-health-pcp");
    const page = (await editor.get(`/workspace/challenges/${key}/edit`)).text;
    expect(page).toMatch(/<span class="hint" id="f-d-placeOfPerformance-0-nuts-hint">FR101: Paris\. <a href="\/workspace\/codes\/nuts" target="_blank">/);
    expect(page).toMatch(/<input id="f-d-cpv-main" name="d.cpv.main" type="text" value="\d{8}" list="codes-cpv" data-codes="cpv"/);
    expect(page).toContain('<script src="/workspace/code-picker.js" defer></script>');
  });
});

describe("duplicating a challenge", () => {
  it("starts a new draft with everything the authority wrote, but not the original's life", async () => {
    const { key, doc } = await published("hub_fr", "fr-health-pcp");
    const preview = await editor.get(`/workspace/challenges/${key}`).expect(200);
    expect(preview.text).toContain(`action="/workspace/challenges/${key}/duplicate"`);
    const res = await editor.post(`/workspace/challenges/${key}/duplicate`).type("form").send({ _csrf: formValues(preview.text)._csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/workspace\/challenges\/[^/]+\/edit\?duplicated=1$/);
    const copyKey = String(res.headers.location).split("/")[3]!;
    expect(copyKey).not.toBe(key);
    const edit = await editor.get(String(res.headers.location)).expect(200);
    expect(edit.text).toContain("This is a copy, saved as a new draft.");
    const copy = (await request(node.listenUrl).get(`/api/v1/challenges/${copyKey}`).set("Authorization", `Bearer ${tokens.hub_fr}`)).body;
    expect(copy.status).toBe("draft");
    expect(copy.revision).toBe(1);
    expect(copy.title).toEqual(doc.title);
    expect(copy.buyers).toEqual(doc.buyers);
    expect(copy).not.toHaveProperty("procedureId");
    // The original is untouched, and nothing about the copy reached the public.
    expect((await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body.revision).toBe(1);
    expect((await request(node.listenUrl).get(`/challenges/${copyKey}`)).status).toBe(404);
  });

  it("refuses a duplicate without the form's token", async () => {
    const { key } = await published("hub_fi", "fi-education");
    const res = await editor.post(`/workspace/challenges/${key}/duplicate`).type("form").send({});
    expect(res.status).toBe(403);
  });
});

describe("publishing later", () => {
  async function draftOf(handle: string, fixture: ChallengeFixture): Promise<string> {
    const res = await request(node.listenUrl).post(`/api/v1/hubs/${handle}/challenges`).set("Authorization", `Bearer ${tokens[handle]}`).send(challengeInput(fixture, { status: "draft", deadlineInDays: 60 }));
    expect(res.status).toBe(201);
    return String(res.body.id).split("/").pop()!;
  }
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 11) + "09:00";

  it("schedules a draft, shows when it goes public, and cancels the schedule", async () => {
    const key = await draftOf("hub_de", "de-mobility");
    const form = await editor.get(`/workspace/challenges/${key}/edit`).expect(200);
    expect(form.text).toContain('<label for="f-publishAt">Publish at</label>');
    const res = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), publishAt: inDays(3), action: "schedule" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/workspace/challenges/${key}?saved=scheduled`);
    const preview = await editor.get(String(res.headers.location));
    expect(preview.text).toContain("Draft saved and scheduled.");
    expect(preview.text).toMatch(/It is scheduled to be published at <time datetime="\d{4}-\d\d-\d\dT\d\d:00:00\.000Z">/);
    expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(404);
    const again = await editor.get(`/workspace/challenges/${key}/edit`);
    expect(again.text).toContain(`name="publishAt" type="datetime-local" value="${inDays(3)}"`);
    expect(again.text).toContain("Scheduled: this draft will be published on");
    const cancelled = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(again.text), action: "unschedule" });
    expect(cancelled.headers.location).toBe(`/workspace/challenges/${key}?saved=unscheduled`);
    expect((await editor.get(String(cancelled.headers.location))).text).not.toContain("It is scheduled to be published");
  });

  it("explains a time it cannot schedule, beside the field, and keeps the draft", async () => {
    const key = await draftOf("hub_fi", "fi-education");
    const form = await editor.get(`/workspace/challenges/${key}/edit`);
    const past = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), publishAt: "2020-01-01T09:00", action: "schedule" });
    expect(past.status).toBe(422);
    expect(past.text).toContain('<a href="#f-publishAt">Publish at: must be a time in the future</a>');
    expect(past.text).toContain("The draft is saved, but not scheduled.");
    const empty = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), publishAt: "", action: "schedule" });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('<a href="#f-publishAt">Publish at: enter the date and time to publish');
    const late = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), publishAt: inDays(90), action: "schedule" });
    expect(late.text).toContain("Publish at: must be before the submission deadline");
  });
});

describe("changing the main language", () => {
  async function draftWith(extra: Record<string, unknown>): Promise<{ key: string; doc: Record<string, { de: string; en: string }> }> {
    const res = await request(node.listenUrl).post("/api/v1/hubs/hub_de/challenges").set("Authorization", `Bearer ${tokens.hub_de}`)
      .send({ ...challengeInput("de-mobility", { status: "draft" }), ...extra });
    expect(res.status).toBe(201);
    return { key: String(res.body.id).split("/").pop()!, doc: res.body };
  }
  const stored = async (key: string) => (await request(node.listenUrl).get(`/api/v1/challenges/${key}`).set("Authorization", `Bearer ${tokens.hub_de}`)).body;

  it("makes another language's texts the main ones", async () => {
    const { key, doc } = await draftWith({});
    const form = await editor.get(`/workspace/challenges/${key}/edit`);
    expect(form.text).toContain('name="action" value="main-language:en"');
    const swapped = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), action: "main-language:en" });
    expect(swapped.status).toBe(200);
    const values = formValues(swapped.text);
    expect(values).toMatchObject({ defaultLanguage: "en", title: doc.title!.en, title__de: doc.title!.de });
    expect((await stored(key)).defaultLanguage).toBe("de"); // nothing saved by the swap itself
    expect((await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...values, action: "draft" })).status).toBe(303);
    const after = await stored(key);
    expect(after.defaultLanguage).toBe("en");
    expect(after.title).toEqual(doc.title);
  });

  it("refuses it while a text exists in the old main language only, naming that text", async () => {
    const { key } = await draftWith({ eligibility: { de: "Nur Unternehmen mit Sitz im EWR." } });
    const form = await editor.get(`/workspace/challenges/${key}/edit`);
    const swapped = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), action: "main-language:en" });
    const saved = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(swapped.text), action: "draft" });
    expect(saved.status).toBe(422);
    expect(saved.text).toMatch(/<a href="#f-d-eligibility[^"]*">Who is eligible[^<]*<\/a>/);
    expect((await stored(key)).defaultLanguage).toBe("de");
  });
});
