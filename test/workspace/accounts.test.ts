// The workspace's people, as an operator and hub editors meet them over real HTTP: the CLI bootstraps
// the first admin with a one-time link, links set passwords (checked for length and commonness), sign-in
// is CSRF-protected and throttled, sessions live in the store behind an HttpOnly cookie and end on
// sign-out, on sign-out-everywhere and on a password reset, editors see only their hubs, and every
// account change lands in the audit log.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { spawnNode } from "../support/processes";

const CLI = path.resolve(__dirname, "../../node/bin/ipn.cjs");
const GOOD_PASSWORD = "plum orbit kettle saffron";

let node: TestNode;
const hubTokens: Record<string, string> = {};
const drafts: Record<string, string> = {};

/** Runs `ipn …` on the test node's store, as an operator would on the server. */
function ipn(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, IPN_DATA_DIR: node.dataDir, IPN_ADMIN_TOKEN: ADMIN_TOKEN, IPN_COUNTRY: "DE", IPN_ALLOW_PRIVATE_NETWORK: "true", IPN_LOG_LEVEL: "error" },
  });
}
const lastLine = (out: string) => out.trim().split("\n").pop()!;
const linkPath = (url: string) => new URL(url).pathname;
const csrfOf = (htmlText: string) => /name="_csrf" value="([^"]+)"/.exec(htmlText)?.[1] ?? "";
const cookieHeader = (res: request.Response): string[] => ([] as string[]).concat(res.headers["set-cookie"] ?? []);

/** A browser: supertest's agent keeps cookies like one. */
const browser = () => request.agent(node.listenUrl);

async function signIn(agent: ReturnType<typeof browser>, email: string, password = GOOD_PASSWORD) {
  const form = await agent.get("/login").expect(200);
  return agent.post("/login").type("form").send({ _csrf: csrfOf(form.text), email, password });
}

async function acceptInvitation(url: string, displayName: string, password = GOOD_PASSWORD) {
  return request(node.listenUrl).post(linkPath(url)).type("form").send({ displayName, password });
}

beforeAll(async () => {
  node = await startTestNode();
  for (const handle of ["hub_a", "hub_b"]) {
    const res = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput(handle));
    expect(res.status).toBe(201);
    hubTokens[handle] = res.body.token;
    const draft = await request(node.listenUrl).post(`/api/v1/hubs/${handle}/challenges`).set("Authorization", `Bearer ${res.body.token}`)
      .send(challengeInput("de-mobility", { status: "draft" }));
    expect(draft.status).toBe(201);
    drafts[handle] = draft.body.id.split("/").pop();
  }
}, 60_000);
afterAll(async () => { await node.stop(); });

describe("the first admin, from the command line to the workspace", () => {
  let adminUrl: string;

  it("`ipn start` says how to create the first administrator", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-banner-"));
    const started = await spawnNode({ name: "banner", role: "all", store: `sqlite:${path.join(dir, "ipn.db")}` });
    try {
      expect(started.output()).toContain("Create the first administrator of the workspace");
      expect(started.output()).toContain("npx ipn user invite --email you@example.org --role admin");
    } finally {
      await started.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("`ipn user invite` prints the one-time link as its last line", () => {
    const out = ipn("user", "invite", "--email", "Admin@Authority.example", "--role", "admin");
    adminUrl = lastLine(out);
    expect(adminUrl).toMatch(/^https?:\/\/[^/]+\/invitations\/[A-Za-z0-9_-]{43}$/);
    expect(out).toContain("admin@authority.example as administrator");
  });

  it("the link asks for a name and a password, and refuses short and common passwords without being spent", async () => {
    const page = await request(node.listenUrl).get(linkPath(adminUrl)).expect(200);
    expect(page.text).toContain("<h1>Create your account</h1>");
    expect(page.text).toContain("admin@authority.example");
    expect(page.headers["cache-control"]).toBe("no-store");
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    const short = await acceptInvitation(adminUrl, "Ada Admin", "short pw");
    expect(short.status).toBe(422);
    expect(short.text).toContain("There is a problem");
    expect(short.text).toMatch(/use at least 12 characters \(this one has 8\)/);
    expect(short.text).toContain('aria-invalid="true"');
    const common = await acceptInvitation(adminUrl, "Ada Admin", "password1234");
    expect(common.status).toBe(422);
    expect(common.text).toContain("among the most common");
    const noName = await acceptInvitation(adminUrl, "", GOOD_PASSWORD);
    expect(noName.status).toBe(422);
    expect(noName.text).toContain("enter your name");
  });

  it("sets the password once; the same link then says it is no longer valid", async () => {
    const ok = await acceptInvitation(adminUrl, "Ada Admin");
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("Your password is set");
    const again = await acceptInvitation(adminUrl, "Eve", "another long passphrase");
    expect(again.status).toBe(410);
    expect((await request(node.listenUrl).get(linkPath(adminUrl))).status).toBe(410);
    expect(ipn("user", "list")).toContain("admin@authority.example\tadmin\tAda Admin");
  });

  it("sends a signed-out browser from the workspace to the sign-in page", async () => {
    const res = await request(node.listenUrl).get("/workspace/users").expect(303);
    expect(res.headers.location).toBe("/login?expired=1&next=%2Fworkspace%2Fusers");
  });

  it("refuses a sign-in form that did not come from the sign-in page (CSRF) and a wrong password, alike for unknown emails", async () => {
    const noToken = await request(node.listenUrl).post("/login").type("form").send({ email: "admin@authority.example", password: GOOD_PASSWORD });
    expect(noToken.status).toBe(403);
    expect(cookieHeader(noToken).some((c) => c.startsWith("ipn-session="))).toBe(false);
    const wrong = await signIn(browser(), "admin@authority.example", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("The email address or the password is not right");
    const unknown = await signIn(browser(), "nobody@authority.example", "not the password at all");
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain("The email address or the password is not right");
  });

  it("signs in with an HttpOnly, SameSite session cookie and shows every hub to an admin, drafts first", async () => {
    const agent = browser();
    const res = await signIn(agent, "ADMIN@authority.example");
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/workspace");
    const cookie = cookieHeader(res).find((c) => c.startsWith("ipn-session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain-http test mode; https origins get __Host- and Secure
    const home = await agent.get("/workspace").expect(200);
    expect(home.headers["cache-control"]).toBe("no-store");
    expect(home.text).toContain("Signed in as <strong>Ada Admin</strong>");
    expect(home.text).toContain("@hub_a");
    expect(home.text).toContain("@hub_b");
    expect(home.text).toContain("<caption>Drafts (1)</caption>");
    expect(home.text).toContain(`href="/workspace/challenges/${drafts.hub_a}"`);
    const preview = await agent.get(`/workspace/challenges/${drafts.hub_b}`).expect(200);
    expect(preview.text).toContain("Preview of a draft.");
    expect(preview.text).toContain("Lieferzonen-Management");
  });
});

describe("editors, invited in the workspace", () => {
  let admin: ReturnType<typeof browser>;
  let editorUrl: string;

  beforeAll(async () => {
    admin = browser();
    expect((await signIn(admin, "admin@authority.example")).status).toBe(303);
  });

  it("a form post without the session's CSRF token changes nothing", async () => {
    const before = (await admin.get("/workspace/users").expect(200)).text;
    const forged = await admin.post("/workspace/users/invitations").type("form").send({ email: "mallory@evil.example", role: "admin" });
    expect(forged.status).toBe(403);
    const wrong = await admin.post("/workspace/users/invitations").type("form").send({ _csrf: "x".repeat(43), email: "mallory@evil.example", role: "admin" });
    expect(wrong.status).toBe(403);
    const after = (await admin.get("/workspace/users").expect(200)).text;
    expect(after).not.toContain("mallory@evil.example");
    expect(after.match(/Links not used yet \((\d+)\)/)?.[1]).toBe(before.match(/Links not used yet \((\d+)\)/)?.[1]);
  });

  it("explains each mistake in the invitation form next to its field", async () => {
    const page = await admin.get("/workspace/users").expect(200);
    const res = await admin.post("/workspace/users/invitations").type("form").send({ _csrf: csrfOf(page.text), email: "not-an-email", role: "editor" });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<a href="#f-email">enter an email address');
    expect(res.text).toContain('<a href="#f-hubs">an editor needs at least one hub');
    expect(res.text).toContain('value="not-an-email"');
  });

  it("creates an editor invitation for one hub and shows its link once", async () => {
    const page = await admin.get("/workspace/users").expect(200);
    const res = await admin.post("/workspace/users/invitations").type("form").send({ _csrf: csrfOf(page.text), email: "editor@hub-a.example", role: "editor", hubs: "hub_a" });
    expect(res.status).toBe(200);
    editorUrl = /value="(http[^"]+\/invitations\/[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!;
    expect(res.text).toContain("It is shown only now");
    const list = await admin.get("/workspace/users").expect(200);
    expect(list.text).toContain("editor@hub-a.example");
    expect(list.text).not.toContain(linkPath(editorUrl)); // only its hash is kept
    expect((await acceptInvitation(editorUrl, "Erik Editor")).status).toBe(200);
  });

  it("an editor sees and previews only their own hub's challenges and cannot administer", async () => {
    const editor = browser();
    expect((await signIn(editor, "editor@hub-a.example")).status).toBe(303);
    const home = await editor.get("/workspace").expect(200);
    expect(home.text).toContain("@hub_a");
    expect(home.text).not.toContain("@hub_b");
    expect(home.text).not.toContain("People and invitations");
    await editor.get(`/workspace/challenges/${drafts.hub_a}`).expect(200);
    const other = await editor.get(`/workspace/challenges/${drafts.hub_b}`);
    expect(other.status).toBe(403);
    expect(other.text).not.toContain("Lieferzonen-Management");
    expect((await editor.get("/workspace/users")).status).toBe(403);
    const page = await editor.get("/workspace").expect(200);
    const forged = await editor.post("/workspace/users/invitations").type("form").send({ _csrf: csrfOf(page.text), email: "friend@x.example", role: "admin" });
    expect(forged.status).toBe(403);
    expect((await admin.get("/workspace/users")).text).not.toContain("friend@x.example");
  });

  it("refuses a forged session cookie and ends the session at sign-out", async () => {
    const forged = await request(node.listenUrl).get("/workspace").set("Cookie", `ipn-session=${"A".repeat(43)}`);
    expect(forged.status).toBe(303);
    expect(forged.headers.location).toMatch(/^\/login\?expired=1/);
    const editor = browser();
    const signed = await signIn(editor, "editor@hub-a.example");
    const stolen = cookieHeader(signed).find((c) => c.startsWith("ipn-session="))!.split(";")[0]!;
    const page = await editor.get("/workspace").expect(200);
    const out = await editor.post("/logout").type("form").send({ _csrf: csrfOf(page.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe("/login?signedOut=1");
    // The old cookie, replayed by someone who copied it, no longer opens anything.
    expect((await request(node.listenUrl).get("/workspace").set("Cookie", stolen)).status).toBe(303);
  });

  it("a password reset issued by an admin ends every session of the account", async () => {
    const editor = browser();
    expect((await signIn(editor, "editor@hub-a.example")).status).toBe(303);
    await editor.get("/workspace").expect(200);
    const reset = lastLine(ipn("user", "reset", "--email", "editor@hub-a.example"));
    const form = await request(node.listenUrl).get(linkPath(reset)).expect(200);
    expect(form.text).toContain("<h1>Choose a new password</h1>");
    expect((await request(node.listenUrl).post(linkPath(reset)).type("form").send({ password: "new quiet harbour lantern" })).status).toBe(200);
    expect((await editor.get("/workspace")).status).toBe(303);
    expect((await signIn(browser(), "editor@hub-a.example")).status).toBe(401);
    expect((await signIn(browser(), "editor@hub-a.example", "new quiet harbour lantern")).status).toBe(303);
  });

  it("throttles sign-in per account: after 10 attempts in 15 minutes even the right password waits (429, Retry-After)", async () => {
    ipn("user", "invite", "--email", "target@hub-b.example", "--role", "editor", "--hub", "hub_b");
    let last: request.Response | undefined;
    for (let i = 0; i < 10; i++) last = await signIn(browser(), "target@hub-b.example", `guess number ${i} of many`);
    expect(last!.status).toBe(401);
    const blocked = await signIn(browser(), "target@hub-b.example", GOOD_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.text).toContain("Too many sign-in attempts");
  });

  it("records every account change in the audit log, visible to admins only", async () => {
    const log = await admin.get("/workspace/audit").expect(200);
    for (const action of ["user.invite", "user.create", "session.sign-in", "session.sign-out", "user.reset-link", "user.password-reset"]) {
      expect(log.text).toContain(`<code>${action}</code>`);
    }
    expect(log.text).toMatch(/<td>cli<\/td><td><code>user\.invite<\/code><\/td><td>admin@authority\.example<\/td>/);
    expect(log.text).toContain("editor of hub_a");
    expect((await admin.get("/workspace/audit?cursor=garbage")).status).toBe(400);
  });

  it("sign-out everywhere ends the admin's other browsers too", async () => {
    const other = browser();
    expect((await signIn(other, "admin@authority.example")).status).toBe(303);
    const page = await admin.get("/workspace").expect(200);
    const res = await admin.post("/workspace/sign-out-everywhere").type("form").send({ _csrf: csrfOf(page.text) });
    expect(res.status).toBe(303);
    expect((await other.get("/workspace")).status).toBe(303);
    expect((await admin.get("/workspace")).status).toBe(303);
  });
});
