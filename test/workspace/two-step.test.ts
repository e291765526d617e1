// Two-step verification as an administrator sets it up and uses it: a QR code and key from
// /workspace/account, a code from an authenticator app (otpauth, as the apps compute it) to switch it
// on; then signing in needs the password AND a current code — a wrong or replayed code opens nothing,
// and the half-signed-in state opens no workspace page. An admin can switch it off for someone who lost
// their phone.
import { Secret, TOTP } from "otpauth";
import request from "supertest";
import { startTestNode, type TestNode } from "../support/node";
import { type Browser, csrfOf, signedInPerson, TEST_PASSWORD } from "../support/workspace";

let node: TestNode;
let admin: Browser;
let secret: string;

const codeNow = (offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

async function passwordStep(email: string) {
  const agent = request.agent(node.listenUrl);
  const form = await agent.get("/login");
  const res = await agent.post("/login").type("form").send({ _csrf: csrfOf(form.text), email, password: TEST_PASSWORD });
  return { agent, res };
}

beforeAll(async () => {
  node = await startTestNode();
  admin = await signedInPerson(node, "root@node.example", "admin");
}, 60_000);
afterAll(async () => { await node.stop(); });

it("reminds an administrator without it, and sets it up with a QR code, a key and one code", async () => {
  const home = await admin.get("/workspace").expect(200);
  expect(home.text).toContain("protected by a password only");
  const page = await admin.get("/workspace/account").expect(200);
  expect(page.text).toContain("<th scope=\"row\">Two-step verification</th><td>Off</td>");
  const setup = await admin.post("/workspace/account/two-step/start").type("form").send({ _csrf: csrfOf(page.text) }).expect(200);
  expect(setup.text).toMatch(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code that adds this account to an authenticator app"/);
  secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(setup.text)![1]!;
  expect(secret.length).toBeGreaterThanOrEqual(32);
  const wrong = await admin.post("/workspace/account/two-step/confirm").type("form").send({ _csrf: csrfOf(setup.text), code: "000000" });
  expect(wrong.status).toBe(422);
  const ok = await admin.post("/workspace/account/two-step/confirm").type("form").send({ _csrf: csrfOf(setup.text), code: codeNow() });
  expect(ok.status).toBe(200);
  expect(ok.text).toContain("Two-step verification is on.");
  expect((await admin.get("/workspace")).text).not.toContain("protected by a password only");
});

it("asks for a code after the password; the half-signed-in state opens nothing else", async () => {
  const { agent, res } = await passwordStep("root@node.example");
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe("/login/code");
  const blocked = await agent.get("/workspace");
  expect(blocked.status).toBe(303); // the password alone opens nothing: back to the code
  expect(blocked.headers.location).toBe("/login/code");
  const form = await agent.get("/login/code").expect(200);
  expect(form.text).toContain('autocomplete="one-time-code"');
  const wrong = await agent.post("/login/code").type("form").send({ _csrf: csrfOf(form.text), code: "123456" });
  expect(wrong.status).toBe(401);
  expect(wrong.text).toContain("That code is not right");
  const code = codeNow(1); // the next step's code: valid within the ±1-step drift allowance
  const done = await agent.post("/login/code").type("form").send({ _csrf: csrfOf(form.text), code });
  expect(done.status).toBe(303);
  expect(done.headers.location).toBe("/workspace");
  await agent.get("/workspace").expect(200);
  // The same code again (someone who watched it being typed) is refused.
  const other = await passwordStep("root@node.example");
  const otherForm = await other.agent.get("/login/code");
  expect((await other.agent.post("/login/code").type("form").send({ _csrf: csrfOf(otherForm.text), code })).status).toBe(401);
});

it("lets an admin switch it off for someone who lost their phone, and records it", async () => {
  const editor = await signedInPerson(node, "phone@node.example", "admin");
  const page = await editor.get("/workspace/account");
  const setup = await editor.post("/workspace/account/two-step/start").type("form").send({ _csrf: csrfOf(page.text) });
  secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(setup.text)![1]!;
  expect((await editor.post("/workspace/account/two-step/confirm").type("form").send({ _csrf: csrfOf(setup.text), code: codeNow() })).status).toBe(200);
  expect((await passwordStep("phone@node.example")).res.headers.location).toBe("/login/code");
  const people = await admin.get("/workspace/users").expect(200);
  const row = people.text.split("<tr>").find((r) => r.includes("phone@node.example"))!;
  const userId = /\/workspace\/users\/([0-9a-f-]+)\/two-step\/off/.exec(row)![1]!;
  expect((await admin.post(`/workspace/users/${userId}/two-step/off`).type("form").send({ _csrf: csrfOf(people.text) })).status).toBe(303);
  expect((await passwordStep("phone@node.example")).res.headers.location).toBe("/workspace");
  const log = (await admin.get("/workspace/audit")).text;
  expect(log).toContain("<code>user.two-step-on</code>");
  expect(log).toMatch(/<td>user:[0-9a-f-]+ root@node\.example<\/td><td><code>user\.two-step-off<\/code><\/td><td>phone@node\.example<\/td>/);
  expect(log).toContain("<code>session.code-refused</code>");
});
