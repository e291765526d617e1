// Running the node in the browser as its admin: creating hubs (the API token shown once), rotating and
// revoking tokens (the old one stops working at once), adding and removing peers, reading the settings
// without any secret in them — and none of it open to a hub editor.
import request from "supertest";
import { challengeInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { type Browser, csrfOf, signedInPerson } from "../support/workspace";

let node: TestNode;
let admin: Browser;

const tokenOf = (text: string) => /id="issued-token" type="text" readonly value="([^"]+)"/.exec(text)?.[1] ?? "";
const publishWith = (token: string) => request(node.listenUrl).post("/api/v1/hubs/stadt_werke/challenges").set("Authorization", `Bearer ${token}`).send(challengeInput("de-mobility", { status: "draft" }));

beforeAll(async () => {
  node = await startTestNode();
  admin = await signedInPerson(node, "admin@node.example", "admin");
}, 60_000);
afterAll(async () => { await node.stop(); });

describe("hubs", () => {
  let firstToken: string;

  it("creates a hub from a form and shows its API token once", async () => {
    const page = await admin.get("/workspace/node").expect(200);
    expect(page.text).toContain("<h2 id=\"hubs\">Hubs (0)</h2>");
    const res = await admin.post("/workspace/node/hubs").type("form").send({
      _csrf: csrfOf(page.text), handle: "stadt_werke", name: "Stadtwerke Innovation", hubType: "innovation-procurement-hub", country: "DE", language: "de", email: "innovation@stadtwerke.example",
    });
    expect(res.status).toBe(201);
    firstToken = tokenOf(res.text);
    expect(firstToken).toMatch(/^ipn_stadt_werke\./);
    expect(res.text).toContain("it is shown only once");
    expect((await publishWith(firstToken)).status).toBe(201);
    const hub = (await request(node.listenUrl).get("/api/v1/hubs/stadt_werke").expect(200)).body;
    expect(hub).toMatchObject({ preferredUsername: "stadt_werke", name: { de: "Stadtwerke Innovation" }, country: "DE", contact: { email: "innovation@stadtwerke.example" } });
    expect((await admin.get("/workspace/node")).text).not.toContain(firstToken);
  });

  it("says what is wrong with a hub that cannot be created, beside the field", async () => {
    const page = await admin.get("/workspace/node");
    const res = await admin.post("/workspace/node/hubs").type("form").send({
      _csrf: csrfOf(page.text), handle: "stadt_werke", name: "Again", hubType: "innovation-procurement-hub", country: "DE", language: "de", email: "again@stadtwerke.example",
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<a href="#f-handle">/preferredUsername: is taken on this node</a>');
    const bad = await admin.post("/workspace/node/hubs").type("form").send({
      _csrf: csrfOf(page.text), handle: "Bad Handle!", name: "X", hubType: "innovation-procurement-hub", country: "DE", language: "de", email: "not-an-email",
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/<a href="#f-handle">\/preferredUsername: /);
    expect(bad.text).toMatch(/<a href="#f-email">\/contact\/email: /);
    expect(bad.text).toContain('value="Bad Handle!"');
  });

  it("rotates a hub's API token (the old one stops at once) and revokes it", async () => {
    const page = await admin.get("/workspace/node");
    const rotated = await admin.post("/workspace/node/hubs/stadt_werke/token").type("form").send({ _csrf: csrfOf(page.text) });
    expect(rotated.status).toBe(200);
    const second = tokenOf(rotated.text);
    expect(second).not.toBe(firstToken);
    expect((await publishWith(firstToken)).status).toBe(401);
    expect((await publishWith(second)).status).toBe(201);
    const revoked = await admin.post("/workspace/node/hubs/stadt_werke/token/revoke").type("form").send({ _csrf: csrfOf(page.text) });
    expect(revoked.status).toBe(303);
    expect((await publishWith(second)).status).toBe(401);
  });
});

describe("peers and settings", () => {
  it("adds and removes a peer, listing it with its sync status", async () => {
    const page = await admin.get("/workspace/node");
    const bad = await admin.post("/workspace/node/peers").type("form").send({ _csrf: csrfOf(page.text), origin: "ftp://x", country: "FR", role: "national" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('href="#f-origin"');
    const res = await admin.post("/workspace/node/peers").type("form").send({ _csrf: csrfOf(page.text), origin: "https://fr.ipn.example", country: "fr", role: "national" });
    expect(res.status).toBe(303);
    const listed = await admin.get("/workspace/node").expect(200);
    expect(listed.text).toContain('<tr class="peer" data-origin="https://fr.ipn.example">');
    const row = listed.text.split('<tr class="peer" data-origin="https://fr.ipn.example">')[1]!.split("</tr>")[0]!;
    expect(/<td class="sync-state">([^<]*)<\/td>/.exec(row)?.[1]).toBe("not yet synced");
    // In the administrator's language, like the rest of the page.
    const account = await admin.get("/workspace/account").expect(200);
    expect((await admin.post("/workspace/account/language").type("form").send({ _csrf: csrfOf(account.text), language: "de" })).status).toBe(200);
    const german = (await admin.get("/workspace/node").expect(200)).text.split('<tr class="peer" data-origin="https://fr.ipn.example">')[1]!.split("</tr>")[0]!;
    expect(/<td class="sync-state">([^<]*)<\/td>/.exec(german)?.[1]).toBe("noch nicht abgeglichen");
    const again = await admin.get("/workspace/account").expect(200);
    await admin.post("/workspace/account/language").type("form").send({ _csrf: csrfOf(again.text), language: "en" });
    expect((await request(node.listenUrl).get("/api/v1/peers").set("Authorization", `Bearer ${ADMIN_TOKEN}`)).body.items.map((p: { origin: string }) => p.origin)).toContain("https://fr.ipn.example");
    const removed = await admin.post(`/workspace/node/peers/remove?origin=${encodeURIComponent("https://fr.ipn.example")}`).type("form").send({ _csrf: csrfOf(listed.text) });
    expect(removed.status).toBe(303);
    expect((await admin.get("/workspace/node")).text).not.toContain('data-origin="https://fr.ipn.example"');
  });

  it("shows the settings without any secret", async () => {
    const page = (await admin.get("/workspace/node").expect(200)).text;
    expect(page).toContain("IPN_COUNTRY");
    expect(page).toContain("<code>DE</code>");
    expect(page).toContain("from IPN_ADMIN_TOKEN (not shown)");
    expect(page).not.toContain(ADMIN_TOKEN);
  });

  it("is closed to hub editors, in the browser and by forged posts", async () => {
    const editor = await signedInPerson(node, "editor@node.example", "editor", "stadt_werke");
    expect((await editor.get("/workspace/node")).status).toBe(403);
    const own = await editor.get("/workspace");
    expect(own.text).not.toContain("Hubs, peers and settings");
    const forged = await editor.post("/workspace/node/hubs/stadt_werke/token").type("form").send({ _csrf: csrfOf(own.text) });
    expect(forged.status).toBe(403);
    expect(forged.text).not.toContain("ipn_stadt_werke.");
  });

  it("records who created hubs, changed tokens and peers", async () => {
    const log = (await admin.get("/workspace/audit").expect(200)).text;
    expect(log).toMatch(/<td>user:[0-9a-f-]+ admin@node\.example<\/td><td><code>hub\.create<\/code><\/td><td>[^<]+\/hubs\/stadt_werke<\/td>/);
    for (const action of ["hub.token-rotate", "hub.token-revoke", "peer.add", "peer.remove"]) expect(log).toContain(`<code>${action}</code>`);
  });
});
