// The workspace in the officer's language: before signing in, the browser's (Accept-Language); the
// invitation remembers it for the new account; afterwards the account's, changeable on "My account".
// Content (challenge texts) stays in the language it was written in.
import request from "supertest";
import { hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { csrfOf, ipnCli, TEST_PASSWORD } from "../support/workspace";
import { workspaceText } from "../../node/http/workspace/ws-i18n";

let node: TestNode;
const de = workspaceText("de");
const fr = workspaceText("fr");

beforeAll(async () => {
  node = await startTestNode();
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("lang_hub"));
}, 60_000);
afterAll(async () => { await node.stop(); });

it("speaks the browser's language before sign-in", async () => {
  const res = await request(node.listenUrl).get("/login").set("Accept-Language", "de-DE,de;q=0.9").expect(200);
  expect(res.text).toContain('<html lang="de">');
  expect(de("Sign in to the workspace")).not.toBe("Sign in to the workspace");
  expect(res.text).toContain(`<h1>${de("Sign in to the workspace")}</h1>`);
  expect(res.headers["content-language"]).toBe("de");
  const english = await request(node.listenUrl).get("/login").expect(200);
  expect(english.text).toContain("<h1>Sign in to the workspace</h1>");
});

it("keeps the invitation's language for the new account, then lets the person change it", async () => {
  const link = new URL(ipnCli(node, "user", "invite", "--email", "agent@lyon.example", "--role", "editor", "--hub", "lang_hub").trim().split("\n").pop()!).pathname;
  const invitation = await request(node.listenUrl).get(link).set("Accept-Language", "fr").expect(200);
  expect(invitation.text).toContain(`<h1>${fr("Create your account")}</h1>`);
  await request(node.listenUrl).post(link).set("Accept-Language", "fr").type("form").send({ displayName: "Agent", password: TEST_PASSWORD }).expect(200);

  const agent = request.agent(node.listenUrl);
  const login = await agent.get("/login");
  await agent.post("/login").type("form").send({ _csrf: csrfOf(login.text), email: "agent@lyon.example", password: TEST_PASSWORD }).expect(303);
  // No Accept-Language any more: the account's language decides.
  const home = await agent.get("/workspace").expect(200);
  expect(home.text).toContain('<html lang="fr">');
  expect(home.text).toContain(`<h1>${fr("Workspace")}</h1>`);
  expect(home.text).toContain(fr("New challenge for @{{handle}}", { handle: "lang_hub" }));
  const editor = await agent.get("/workspace/hubs/lang_hub/challenges/new").expect(200);
  expect(editor.text).toContain(`>${fr("Publish now")}</button>`);
  expect(editor.text).toContain(`<legend>${fr("Buyer and contact")}</legend>`);

  const account = await agent.get("/workspace/account").expect(200);
  const changed = await agent.post("/workspace/account/language").type("form").send({ _csrf: csrfOf(account.text), language: "de" }).expect(200);
  expect(changed.text).toContain(de("The workspace now speaks your language."));
  expect((await agent.get("/workspace")).text).toContain(`<h1>${de("Workspace")}</h1>`);
  const refused = await agent.post("/workspace/account/language").type("form").send({ _csrf: csrfOf(account.text), language: "xx" });
  expect(refused.status).toBe(422);
  expect((await agent.get("/workspace")).text).toContain('<html lang="de">');
});
