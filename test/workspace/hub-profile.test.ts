// A hub's profile edited in the workspace by its editors: every field of the hub schema has a labelled
// control, an unchanged form changes nothing, a change is validated like the API's documents, shown on
// the public hub page, recorded in the audit log, and sent to the hub's followers as an Update of the
// actor (a GoToSocial-like server following the hub receives it, signed). Other hubs' editors are refused.
import { Update } from "@fedify/vocab";
import request from "supertest";
import hubSchema from "../../schemas/hub.schema.json";
import { fixture } from "../support/documents";
import { type FakePeer, isAccept, startFakePeer } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { type Browser, formValues, signedInPerson } from "../support/workspace";

let node: TestNode;
let editor: Browser;
let follower: FakePeer;
let hubUri: string;
const HANDLE = "muenchen_mobil";

beforeAll(async () => {
  node = await startTestNode();
  const hub = fixture("hubs", "hub-de-muenchen-mobil");
  for (const f of ["id", "node", "published", "updated"]) delete hub[f];
  hub.preferredUsername = HANDLE;
  const created = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hub);
  expect(created.status).toBe(201);
  hubUri = created.body.hub.id;
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`)
    .send({ preferredUsername: "other_hub", hubType: "living-lab", name: { en: "Other" }, defaultLanguage: "en", languages: ["en"], country: "AT", contact: { email: "o@other.example" } });
  editor = await signedInPerson(node, "profile@muenchen.example", "editor", HANDLE);
  follower = await startFakePeer();
  await follower.follow(hubUri);
  await follower.waitFor(isAccept);
}, 60_000);
afterAll(async () => {
  await follower?.close();
  await node?.stop();
});

const stored = async () => (await node.store.hubs.get(HANDLE))!.doc as unknown as Record<string, unknown>;

it("shows a labelled control for every field of the hub schema but its handle and the node's own", async () => {
  const home = await editor.get("/workspace").expect(200);
  expect(home.text).toContain(`href="/workspace/hubs/${HANDLE}/profile"`);
  const page = (await editor.get(`/workspace/hubs/${HANDLE}/profile`).expect(200)).text;
  const fixed = ["schemaVersion", "id", "preferredUsername", "node", "published", "updated"];
  const missing = Object.keys(hubSchema.properties).filter((k) => !fixed.includes(k))
    .filter((k) => !page.includes(`<label for="f-d-${k}">`) && !new RegExp(`<fieldset id="f-d-${k}"[^>]*>\\s*<legend>`).test(page));
  expect(missing).toEqual([]);
  expect(page).toContain('<label for="f-d-name-de">Name (German)</label>');
});

it("changes nothing when the form is saved as shown", async () => {
  const before = await stored();
  const page = await editor.get(`/workspace/hubs/${HANDLE}/profile`);
  const res = await editor.post(`/workspace/hubs/${HANDLE}/profile`).type("form").send({ ...formValues(page.text), action: "save" });
  expect(res.status).toBe(303);
  expect(await stored()).toEqual(before); // not even a new `updated`: nothing is sent to followers either
});

it("refuses an invalid profile with the field named, and stores nothing", async () => {
  const before = await stored();
  const page = await editor.get(`/workspace/hubs/${HANDLE}/profile`);
  const res = await editor.post(`/workspace/hubs/${HANDLE}/profile`).type("form")
    .send({ ...formValues(page.text), "d.website": "not a web address", "d.name.de": "", "d.name.en": "", action: "save" });
  expect(res.status).toBe(422);
  expect(res.text).toMatch(/<a href="#f-d-website">Website: [^<]+<\/a>/);
  expect(res.text).toContain('<a href="#f-d-name">Name: is required</a>');
  expect(res.text).toContain('value="not a web address"');
  expect(await stored()).toEqual(before);
});

it("saves a new name and website: the public page shows them, the audit log names the editor, followers get an Update", async () => {
  const page = await editor.get(`/workspace/hubs/${HANDLE}/profile`);
  const res = await editor.post(`/workspace/hubs/${HANDLE}/profile`).type("form")
    .send({ ...formValues(page.text), "d.name.de": "Mobilitätsreferat München", "d.website": "https://mobil.muenchen.example", action: "save" });
  expect(res.status).toBe(303);
  expect((await editor.get(String(res.headers.location))).text).toContain("Profile saved.");
  const doc = await stored();
  expect((doc.name as Record<string, string>).de).toBe("Mobilitätsreferat München");
  expect(doc.website).toBe("https://mobil.muenchen.example");
  expect(doc.preferredUsername).toBe(HANDLE);
  expect(Date.parse(String(doc.updated))).toBeGreaterThan(Date.parse(String(doc.published)));
  // A German reader sees the German name (the page shows a hub's texts in the reader's language where it has them).
  expect((await request(node.listenUrl).get(`/hubs/${HANDLE}`).set("Accept", "text/html").set("Accept-Language", "de")).text).toContain("Mobilitätsreferat München");

  const got = await follower.waitFor((a) => a.activity instanceof Update && a.activity.objectId?.href === hubUri);
  const actor = got.raw.object as Record<string, unknown>;
  expect(actor).toMatchObject({ id: hubUri, type: "Organization", preferredUsername: HANDLE });
  expect(JSON.stringify(actor.nameMap ?? actor.name)).toContain("Mobilitätsreferat München");
  expect(got.raw.actor).toBe(hubUri);

  const admin = await signedInPerson(node, "admin@muenchen.example", "admin");
  const log = (await admin.get("/workspace/audit").expect(200)).text;
  expect(log).toMatch(/<td>user:[0-9a-f-]+ profile@muenchen\.example<\/td><td><code>hub\.update<\/code><\/td>/);
});

it("adds a profile link without JavaScript", async () => {
  const page = await editor.get(`/workspace/hubs/${HANDLE}/profile`);
  const added = await editor.post(`/workspace/hubs/${HANDLE}/profile`).type("form").send({ ...formValues(page.text), action: "add:d.profileLinks" });
  expect(added.status).toBe(200);
  const index = (added.text.match(/<legend>Link \d+<\/legend>/g) ?? []).length - 1;
  const saved = await editor.post(`/workspace/hubs/${HANDLE}/profile`).type("form").send({
    ...formValues(added.text), [`d.profileLinks.${index}.label.de`]: "Open Data", [`d.profileLinks.${index}.url`]: "https://opendata.muenchen.example", action: "save",
  });
  expect(saved.status).toBe(303);
  const links = (await stored()).profileLinks as { url: string }[];
  expect(links.at(-1)).toMatchObject({ url: "https://opendata.muenchen.example" });
});

it("refuses editors of another hub, by page and by forged form", async () => {
  const outsider = await signedInPerson(node, "outsider@other.example", "editor", "other_hub");
  expect((await outsider.get(`/workspace/hubs/${HANDLE}/profile`)).status).toBe(403);
  const own = await outsider.get("/workspace/hubs/other_hub/profile").expect(200);
  const res = await outsider.post(`/workspace/hubs/${HANDLE}/profile`).type("form").send({ _csrf: formValues(own.text)._csrf, "d.name.de": "Hijacked", action: "save" });
  expect(res.status).toBe(403);
  expect(JSON.stringify((await stored()).name)).not.toContain("Hijacked");
});
