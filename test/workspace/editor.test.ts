// The challenge editor as a procurement officer uses it, over real HTTP with a signed-in browser's
// cookies: new → errors shown beside the fields and nothing stored → draft (not public) → publish (the
// Create is in the outbox) → edit with a change reason (revision 2, the Update) → a concurrent edit is
// detected without losing the officer's text → withdraw (410, the Delete); closed → awarded with its
// outcome. Editors of another hub are refused, every change is in the audit log with the person who
// made it, and the dashboard groups a hub's challenges by state.
import request from "supertest";
import { workspaceText } from "../../node/http/workspace/ws-i18n";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { type Browser, csrfOf, type FormValues, formValues, signedInPerson } from "../support/workspace";


let node: TestNode;
let hubToken: string;
let editor: Browser;
let key: string;

const versionOf = (text: string) => /name="version" value="(\d+)"/.exec(text)?.[1] ?? "";
const fieldValue = (text: string, name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(text)?.[1];

/** The form as a browser would post it, from the values shown plus the changes. */
const validForm = (csrf: string, changes: Record<string, string | string[]> = {}) => ({
  _csrf: csrf, defaultLanguage: "de", title: "Sensoren für Radwege", summary: "Wir suchen Sensoren, die den Zustand von Radwegen melden.",
  description: "## Ausgangslage\nSchlaglöcher werden spät gemeldet.", instrument: "open-market-consultation", focusAreas: ["mobility", "digital"],
  "d.placeOfPerformance.0._": "", "d.placeOfPerformance.0.country": "DE", "d.placeOfPerformance.0.nuts": "DE212", "d.placeOfPerformance.0.locality": "München",
  "d.cpv.main": "38000000", submissionType: "response", timeZone: "Europe/Berlin",
  opens: "", deadline: "2099-01-29T12:00", submissionUrl: "https://vergabe.muenchen.example/radwege",
  "d.contact.email": "radwege@muenchen.example", title__en: "Sensors for cycle lanes", summary__en: "", description__en: "", action: "draft", ...changes,
});

beforeAll(async () => {
  node = await startTestNode();
  for (const handle of ["hub_a", "hub_b"]) {
    const res = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput(handle));
    if (handle === "hub_a") hubToken = res.body.token;
  }
  editor = await signedInPerson(node, "officer@muenchen.example", "editor", "hub_a");
}, 60_000);
afterAll(async () => { await node.stop(); });

describe("writing a challenge in the browser", () => {
  it("offers a labelled form from the dashboard, in the hub's language and time zone", async () => {
    const home = await editor.get("/workspace").expect(200);
    expect(home.text).toContain('href="/workspace/hubs/hub_a/challenges/new"');
    const form = await editor.get("/workspace/hubs/hub_a/challenges/new").expect(200);
    for (const id of ["title", "summary", "description", "instrument", "d-cpv-main", "deadline", "d-placeOfPerformance-0-country", "d-placeOfPerformance-0-nuts", "d-contact-email", "timeZone"]) {
      expect(form.text).toContain(`<label for="f-${id}">`);
    }
    expect(form.text).toContain('<option value="Europe/Berlin" selected>');
    expect(form.text).toContain('name="action" value="draft"');
    expect((await editor.get("/workspace/hubs/hub_b/challenges/new")).status).toBe(403);
  });

  it("gives the schema's messages in the officer's language", async () => {
    const agent = await signedInPerson(node, "agente@hub-a.example", "editor", "hub_a");
    const account = await agent.get("/workspace/account").expect(200);
    await agent.post("/workspace/account/language").type("form").send({ _csrf: csrfOf(account.text), language: "fr" }).expect(200);
    const form = await agent.get("/workspace/hubs/hub_a/challenges/new");
    const res = await agent.post("/workspace/hubs/hub_a/challenges").type("form")
      .send(validForm(csrfOf(form.text), { "d.placeOfPerformance.0.nuts": "FR101", "d.contact.email": "pas-une-adresse" }));
    expect(res.status).toBe(422);
    const fr = workspaceText("fr");
    expect(res.text).toContain(fr("must be a NUTS region of {{country}}: start with {{prefix}}", { country: "DE", prefix: "DE" }));
    expect(res.text).toContain(fr("must be a valid e-mail address"));
    expect(res.text).not.toContain("must be a valid e-mail address");
    expect(res.text).not.toContain("must be a NUTS region");
  });

  it("shows each mistake beside its field, keeps what was typed, and stores nothing", async () => {
    const form = await editor.get("/workspace/hubs/hub_a/challenges/new");
    const res = await editor.post("/workspace/hubs/hub_a/challenges").type("form")
      .send(validForm(csrfOf(form.text), { title: "", "d.extensions": "{ not json", deadline: "2099-02-30T12:00", "d.enquiryPeriod.end": "tomorrow" }));
    expect(res.status).toBe(422);
    expect(res.text).toContain("There is a problem");
    expect(res.text).toContain('<a href="#f-d-extensions">Extensions (JSON): not valid JSON');
    expect(res.text).toContain('<a href="#f-deadline">Submission deadline: enter a date and time');
    expect(res.text).toContain('<a href="#f-d-enquiryPeriod-end">Questions from suppliers › Until: enter a date and time');
    expect(res.text).toContain("Schlaglöcher werden spät gemeldet."); // the description typed is still there
    const schemaErrors = await editor.post("/workspace/hubs/hub_a/challenges").type("form")
      .send(validForm(csrfOf(form.text), { title: "", "d.placeOfPerformance.0.nuts": "FR101", "d.estimatedValue.amount": "12,5", "d.estimatedValue.currency": "EUR", "d.contact.email": "" , "d.contact.name": "Radwegeteam" }));
    expect(schemaErrors.status).toBe(422);
    expect(schemaErrors.text).toMatch(/<a href="#f-title">/);
    // Each mistake is linked from the summary to its own control, named by its place in the form.
    expect(schemaErrors.text).toMatch(/<a href="#f-d-placeOfPerformance-0-nuts">Places of performance › Place 1 › Region \(NUTS code\): [^<]+/);
    expect(schemaErrors.text).toMatch(/<a href="#f-d-estimatedValue-amount">Estimated value \(excluding VAT\) › Amount: [^<]+/);
    expect(schemaErrors.text).toMatch(/<a href="#f-d-contact">Contact: [^<]+/);
    expect(schemaErrors.text).toMatch(/id="f-title"[^>]*aria-invalid="true"/);
    expect(schemaErrors.text).toMatch(/id="f-d-estimatedValue-amount"[^>]*aria-invalid="true"/);
    expect(schemaErrors.text).toContain('value="12,5"'); // what was typed stays, to be corrected
    const home = await editor.get("/workspace").expect(200);
    expect(home.text).toContain("none yet");
  });

  it("saves a draft that only its editors can see", async () => {
    const form = await editor.get("/workspace/hubs/hub_a/challenges/new");
    const res = await editor.post("/workspace/hubs/hub_a/challenges").type("form").send(validForm(csrfOf(form.text)));
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/workspace\/challenges\/[^/?]+\?saved=draft$/);
    const location = String(res.headers.location);
    key = location.split("/").pop()!.split("?")[0]!;
    const preview = await editor.get(location).expect(200);
    expect(preview.text).toContain("Draft saved. It is not public yet.");
    expect(preview.text).toContain("Sensoren für Radwege");
    // The fediverse post as followers will read it, before anything is sent.
    expect(preview.text).toContain("As the fediverse post will read");
    expect(preview.text).toMatch(/<div class="post" lang="de"><p><strong>Sensoren für Radwege<\/strong><\/p>/);
    expect(preview.text).toContain("Instrument: Open market consultation");
    expect(preview.text).toContain(`href="${node.origin}/tags/mobility"`);
    expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(404);
    const stored = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`).set("Authorization", `Bearer ${hubToken}`)).body;
    expect(stored.status).toBe("draft");
    expect(stored.submissionPeriod.end).toBe("2099-01-29T12:00:00+01:00"); // Berlin winter time, as the officer meant
    expect(stored.title).toEqual({ de: "Sensoren für Radwege", en: "Sensors for cycle lanes" });
    expect(stored.placeOfPerformance).toEqual([{ country: "DE", nuts: "DE212", locality: "München" }]);
    expect(stored.contact).toEqual({ email: "radwege@muenchen.example" });
    expect((await editor.get("/workspace")).text).toContain("<caption>Drafts (1)</caption>");
  });

  it("publishes the draft: public page, listing, and a Create for the hub's followers", async () => {
    const form = await editor.get(`/workspace/challenges/${key}/edit`).expect(200);
    expect(fieldValue(form.text, "title")).toBe("Sensoren für Radwege");
    expect(fieldValue(form.text, "deadline")).toBe("2099-01-29T12:00");
    expect(fieldValue(form.text, "title__en")).toBe("Sensors for cycle lanes");
    expect(fieldValue(form.text, "d.contact.email")).toBe("radwege@muenchen.example");
    const res = await editor.post(`/workspace/challenges/${key}`).type("form").send({ ...formValues(form.text), action: "publish" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/workspace/challenges/${key}?saved=published`);
    const page = await request(node.listenUrl).get(`/challenges/${key}`).expect(200);
    expect(page.text).toContain("Sensoren für Radwege");
    const listing = await request(node.listenUrl).get("/api/v1/challenges?hub=" + encodeURIComponent(`${node.origin}/hubs/hub_a`)).expect(200);
    expect(listing.body.items.map((c: { title: { de: string } }) => c.title.de)).toContain("Sensoren für Radwege");
    const activities = await node.store.activities.forObject(`${node.origin}/challenges/${key}`);
    expect(activities.map((a) => a.type)).toEqual(["Create"]);
  });

  it("publishes an edit as revision 2 with the officer's change reason, and an Update", async () => {
    const form = await editor.get(`/workspace/challenges/${key}/edit`).expect(200);
    expect(form.text).toContain("This challenge is public.");
    const res = await editor.post(`/workspace/challenges/${key}`).type("form").send({
      ...formValues(form.text), deadline: "2099-02-12T12:00", changeReason: "update-add", changeDescription: "Frist um zwei Wochen verlängert", action: "save",
    });
    expect(res.status).toBe(303);
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
    expect(doc.revision).toBe(2);
    expect(doc.submissionPeriod.end).toBe("2099-02-12T12:00:00+01:00");
    expect(doc.changeLog.at(-1)).toMatchObject({ revision: 2, reason: "update-add", description: { de: "Frist um zwei Wochen verlängert" } });
    expect((await node.store.activities.forObject(doc.id)).map((a) => a.type)).toEqual(["Create", "Update"]);
  });

  it("detects that someone else saved in between, and keeps the officer's text on screen", async () => {
    const form = await editor.get(`/workspace/challenges/${key}/edit`).expect(200);
    const patch = await request(node.listenUrl).patch(`/api/v1/challenges/${key}`).set("Authorization", `Bearer ${hubToken}`)
      .set("Content-Type", "application/merge-patch+json").send({ submissionUrl: "https://vergabe.muenchen.example/radwege-neu" });
    expect(patch.status).toBe(200);
    const res = await editor.post(`/workspace/challenges/${key}`).type("form")
      .send({ ...formValues(form.text), summary: "Mein neuer Text, der nicht verloren gehen darf.", action: "save" });
    expect(res.status).toBe(409);
    expect(res.text).toContain("Someone else saved this challenge while you were editing it");
    expect(res.text).toContain("Mein neuer Text, der nicht verloren gehen darf.");
    expect(Number(versionOf(res.text))).toBeGreaterThan(Number(versionOf(form.text)));
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
    expect(doc.summary.de).not.toContain("Mein neuer Text");
    expect(doc.submissionUrl).toBe("https://vergabe.muenchen.example/radwege-neu");
  });

  it("refuses editors of another hub, even with a valid CSRF token of their own", async () => {
    const other = await signedInPerson(node, "other@hub-b.example", "editor", "hub_b");
    expect((await other.get(`/workspace/challenges/${key}/edit`)).status).toBe(403);
    const own = await other.get("/workspace");
    const res = await other.post(`/workspace/challenges/${key}`).type("form").send(validForm(csrfOf(own.text), { title: "Hijacked", action: "save" }));
    expect(res.status).toBe(403);
    expect((await other.post(`/workspace/challenges/${key}/withdraw`).type("form").send({ _csrf: csrfOf(own.text) })).status).toBe(403);
    expect((await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body.title.de).toBe("Sensoren für Radwege");
  });

  it("withdraws after a confirmation: 410 for the public, a Delete for followers", async () => {
    const confirm = await editor.get(`/workspace/challenges/${key}/withdraw`).expect(200);
    expect(confirm.text).toContain("every follower on the fediverse receives a Delete");
    const res = await editor.post(`/workspace/challenges/${key}/withdraw`).type("form").send({ _csrf: csrfOf(confirm.text) });
    expect(res.status).toBe(303);
    expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(410);
    expect((await node.store.activities.forObject(`${node.origin}/challenges/${key}`)).map((a) => a.type)).toEqual(["Create", "Update", "Update", "Delete"]);
    expect((await editor.get("/workspace")).text).toContain("<caption>Withdrawn (1)</caption>");
  });

  it("names the person behind each change in the audit log, and the token behind API changes", async () => {
    const admin = await signedInPerson(node, "admin@muenchen.example", "admin");
    const log = (await admin.get("/workspace/audit").expect(200)).text;
    expect(log).toMatch(/<td>user:[0-9a-f-]+ officer@muenchen\.example<\/td><td><code>challenge\.create<\/code><\/td>/);
    expect(log).toMatch(/<td><code>challenge\.publish<\/code><\/td><td>[^<]+<\/td><td>1<\/td>/);
    expect(log).toMatch(/<td><code>challenge\.update<\/code><\/td><td>[^<]+<\/td><td>2<\/td><td>update-add: Frist um zwei Wochen verlängert<\/td>/);
    expect(log).toMatch(/<td>hub-token:hub_a<\/td><td><code>challenge\.update<\/code><\/td>/);
    expect(log).toContain("<code>challenge.withdraw</code>");
  });
});

describe("texts in further languages", () => {
  it("adds a section per language, saves its texts, and removes them with the section", async () => {
    const start = await editor.get("/workspace/hubs/hub_a/challenges/new");
    const { title__en: _t, summary__en: _s, description__en: _d, ...typed } = validForm(csrfOf(start.text));
    const added = await editor.post("/workspace/hubs/hub_a/challenges").type("form").send({ ...typed, action: "add-language", addLanguage: "fr" });
    expect(added.status).toBe(200);
    expect(added.text).toContain('<label for="f-title__fr">Title (French)</label>');
    expect(added.text).toContain("Sensoren für Radwege"); // what was typed is still there; nothing saved
    expect((await editor.get("/workspace")).text).not.toContain("<caption>Drafts (2)</caption>");
    const saved = await editor.post("/workspace/hubs/hub_a/challenges").type("form").send({
      ...typed, title__fr: "Capteurs pour pistes cyclables", summary__fr: "", description__fr: "", action: "draft",
    });
    expect(saved.status).toBe(303);
    const newKey = String(saved.headers.location).split("/").pop()!.split("?")[0]!;
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${newKey}`).set("Authorization", `Bearer ${hubToken}`)).body;
    expect(doc.title).toEqual({ de: "Sensoren für Radwege", fr: "Capteurs pour pistes cyclables" });
    const edit = await editor.get(`/workspace/challenges/${newKey}/edit`);
    expect(fieldValue(edit.text, "title__fr")).toBe("Capteurs pour pistes cyclables");
    const removed = await editor.post(`/workspace/challenges/${newKey}`).type("form")
      .send({ ...formFields(edit.text), _csrf: csrfOf(edit.text), version: versionOf(edit.text), action: "remove-language:fr" });
    expect(removed.text).not.toContain('name="title__fr"');
    const fields = { ...formFields(removed.text), _csrf: csrfOf(removed.text), version: versionOf(removed.text), action: "draft" };
    expect((await editor.post(`/workspace/challenges/${newKey}`).type("form").send(fields)).status).toBe(303);
    const after = (await request(node.listenUrl).get(`/api/v1/challenges/${newKey}`).set("Authorization", `Bearer ${hubToken}`)).body;
    expect(after.title).toEqual({ de: "Sensoren für Radwege" });
  });
});

describe("moving a published challenge through its lifecycle", () => {
  let other: string;
  let writtenPeriod: { start: string; end: string };

  beforeAll(async () => {
    const res = await request(node.listenUrl).post("/api/v1/hubs/hub_a/challenges").set("Authorization", `Bearer ${hubToken}`).send(challengeInput("fi-education"));
    expect(res.status).toBe(201);
    other = res.body.id.split("/").pop();
    writtenPeriod = res.body.submissionPeriod;
  });

  it("offers only the statuses the lifecycle allows next", async () => {
    const form = await editor.get(`/workspace/challenges/${other}/edit`).expect(200);
    const options = [...form.text.matchAll(/<option value="([a-z]+)"[^>]*>(?:→ )?[^<]*<\/option>/g)].map((m) => m[1]);
    expect(options).toEqual(expect.arrayContaining(["open", "closed", "cancelled", "suspended"]));
    expect(form.text).toContain('<option value="open" selected>Open (now)</option>');
    expect(form.text).not.toContain('<option value="awarded"');
  });

  it("closes submissions early, as a new revision followers receive", async () => {
    const form = await editor.get(`/workspace/challenges/${other}/edit`);
    const fields = { _csrf: csrfOf(form.text), version: versionOf(form.text), ...formFields(form.text), status: "closed", changeDescription: "Enough responses received", action: "save" };
    const res = await editor.post(`/workspace/challenges/${other}`).type("form").send(fields);
    expect(res.status).toBe(303);
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${other}`)).body;
    expect(doc.status).toBe("closed");
    expect(doc.revision).toBe(2);
    // Dates shown in the hub's time zone and posted back unchanged keep the text they were written with.
    expect(doc.submissionPeriod).toEqual(writtenPeriod);
    expect(doc.changeLog.at(-1)).toMatchObject({ revision: 2, reason: "update-add", description: { fi: "Enough responses received" } });
    expect((await node.store.activities.forObject(doc.id)).map((a) => a.type)).toEqual(["Create", "Update"]);
  });

  it("records the outcome: closed → awarded with the decision date, as a new revision followers receive", async () => {
    const created = await request(node.listenUrl).post("/api/v1/hubs/hub_a/challenges").set("Authorization", `Bearer ${hubToken}`).send(challengeInput("fi-education"));
    const awarded = created.body.id.split("/").pop() as string;
    const open = await editor.get(`/workspace/challenges/${awarded}/edit`);
    const closed = await editor.post(`/workspace/challenges/${awarded}`).type("form")
      .send({ ...formValues(open.text), status: "closed", changeDescription: "Submissions closed", action: "save" });
    expect(closed.status).toBe(303);
    const form = await editor.get(`/workspace/challenges/${awarded}/edit`);
    expect(form.text).toContain('<option value="awarded"');
    const outcome = { "d.outcome.winners.0.name": "Oppimisalusta Oy", "d.outcome.winners.0.country": "FI" };
    const base = { ...formValues(form.text), ...outcome, status: "awarded", changeDescription: "Winner chosen", action: "save" };
    // Without the decision date: the form again, the mistake beside its field, nothing changed.
    const missing = await editor.post(`/workspace/challenges/${awarded}`).type("form").send(base);
    expect(missing.status).toBe(422);
    expect(missing.text).toContain("There is a problem");
    expect(missing.text).toContain('<a href="#f-d-outcome-decisionDate">');
    expect(missing.text).toMatch(/id="f-d-outcome-decisionDate"[^>]*aria-invalid="true"/);
    expect(missing.text).toContain('value="Oppimisalusta Oy"');
    const before = (await request(node.listenUrl).get(`/api/v1/challenges/${awarded}`)).body;
    expect(before).toMatchObject({ status: "closed", revision: 2 });
    expect(before.outcome).toBeUndefined();

    const res = await editor.post(`/workspace/challenges/${awarded}`).type("form").send({ ...base, "d.outcome.decisionDate": "2026-11-20" });
    expect(res.status).toBe(303);
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${awarded}`)).body;
    expect(doc.status).toBe("awarded");
    expect(doc.revision).toBe(3);
    expect(doc.outcome).toMatchObject({ decisionDate: "2026-11-20", winners: [{ name: "Oppimisalusta Oy", country: "FI" }] });
    expect((await node.store.activities.forObject(doc.id)).map((a) => a.type)).toEqual(["Create", "Update", "Update"]);
    const page = await request(node.listenUrl).get(`/challenges/${awarded}`).expect(200);
    expect(page.text).toContain("Oppimisalusta Oy");
    const admin = await signedInPerson(node, "auditor@muenchen.example", "admin");
    const log = (await admin.get("/workspace/audit").expect(200)).text;
    expect(log).toMatch(new RegExp(`<td><code>challenge\\.update</code></td><td>[^<]*${awarded}[^<]*</td><td>3</td>`));
  });

  it("asks why before cancelling, and records the cancellation with the eForms reason", async () => {
    const form = await editor.get(`/workspace/challenges/${other}/edit`);
    const base = { _csrf: csrfOf(form.text), version: versionOf(form.text), ...formFields(form.text), status: "cancelled", action: "save" };
    const missing = await editor.post(`/workspace/challenges/${other}`).type("form").send(base);
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('<a href="#f-statusReason">Reason for the status:');
    const res = await editor.post(`/workspace/challenges/${other}`).type("form").send({ ...base, statusReason: "Budget withdrawn by the council" });
    expect(res.status).toBe(303);
    const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${other}`)).body;
    expect(doc.status).toBe("cancelled");
    expect(doc.statusReason).toEqual({ fi: "Budget withdrawn by the council" });
    expect(doc.changeLog.at(-1).reason).toBe("cancel");
  });
});

/** Every field the edit form shows, with the values it shows (what a browser would post back), without its token. */
function formFields(text: string): FormValues {
  const { _csrf, version, ...rest } = formValues(text);
  return rest;
}

describe("the dashboard", () => {
  it("groups a hub's challenges by state, each group captioned with its count, in the order an editor works through them", async () => {
    const hub = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("hub_c"));
    const api = (method: "post" | "patch" | "delete", path: string) => request(node.listenUrl)[method](path).set("Authorization", `Bearer ${hub.body.token}`);
    const add = async (opts: Parameters<typeof challengeInput>[1]) => {
      const res = await api("post", "/api/v1/hubs/hub_c/challenges").send(challengeInput("fi-education", opts));
      expect(res.status).toBe(201);
      return res.body.id.split("/").pop() as string;
    };
    const patch = async (k: string, body: object) => expect((await api("patch", `/api/v1/challenges/${k}`).set("Content-Type", "application/merge-patch+json").send(body)).status).toBe(200);
    await add({ status: "draft" });
    await add({ status: "forthcoming" });
    await add({ deadlineInDays: 30 });
    await add({ deadlineInDays: 5 });
    const closed = await add({});
    await patch(closed, { status: "closed" });
    const awarded = await add({});
    await patch(awarded, { status: "closed" });
    await patch(awarded, { status: "awarded", outcome: { decisionDate: "2026-11-20" } });
    const withdrawn = await add({});
    expect((await api("delete", `/api/v1/challenges/${withdrawn}`)).status).toBe(204);

    const editorC = await signedInPerson(node, "officer@hub-c.example", "editor", "hub_c");
    const home = (await editorC.get("/workspace").expect(200)).text;
    expect(home).toContain("Challenges: 7 — Drafts: 1, Closing within 14 days: 1, Open: 1, Forthcoming: 1, Closed (no longer taking submissions): 1, Awarded: 1, Withdrawn: 1.");
    const captions = [...home.matchAll(/<caption>([^<]+)<\/caption>/g)].map((m) => m[1]);
    expect(captions).toEqual(["Drafts (1)", "Closing within 14 days (1)", "Open (1)", "Forthcoming (1)", "Closed (no longer taking submissions) (1)", "Awarded (1)", "Withdrawn (1)"]);
  });
});
