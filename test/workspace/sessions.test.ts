// How long a workspace session lasts and what guards sign-in, over real HTTP: a session unused for 2
// hours, or 12 hours old however busy, no longer opens the workspace (the browser is sent to sign in
// again); one address that tries many accounts is slowed down (429, Retry-After); and on an https
// origin the session cookie is `__Host-` prefixed and Secure.
import request from "supertest";
import { AccountService } from "../../node/domain/accounts/accounts.service";
import { argon2Passwords } from "../../node/runtime/argon2";
import { startTestNode, type TestNode } from "../support/node";
import { csrfOf, ipnCli, TEST_PASSWORD } from "../support/workspace";

const HOUR = 3_600_000;
let node: TestNode;

/** Invites `email` with the CLI and sets the password through the link, as the person would. */
async function createAccount(on: TestNode, email: string): Promise<void> {
  const link = new URL(ipnCli(on, "user", "invite", "--email", email, "--role", "admin").trim().split("\n").pop()!).pathname;
  expect((await request(on.listenUrl).post(link).type("form").send({ displayName: "Sam", password: TEST_PASSWORD })).status).toBe(200);
}

beforeAll(async () => {
  node = await startTestNode();
  await createAccount(node, "sam@authority.example");
}, 60_000);
afterAll(async () => { await node.stop(); });

describe("session timeouts", () => {
  /** The node's own accounts, on its store, with a clock the test sets: sessions begun or used in the past. */
  let clock = new Date();
  const accounts = () => new AccountService({
    users: node.store.users, invitations: node.store.invitations, sessions: node.store.sessions, audit: node.store.audit, hubs: node.store.hubs,
    passwords: argon2Passwords, clock: () => clock,
  });
  const sessionAt = async (at: number) => {
    clock = new Date(at);
    const user = (await node.store.users.getByEmail("sam@authority.example"))!;
    return (await accounts().startSession(user)).sessionId;
  };
  const workspaceWith = (sessionId: string) => request(node.listenUrl).get("/workspace").set("Cookie", `ipn-session=${sessionId}`);

  it("keeps a session that was used within the last 2 hours", async () => {
    const id = await sessionAt(Date.now() - 110 * 60_000);
    const res = await workspaceWith(id);
    expect(res.status).toBe(200);
    expect(res.text).toContain("sam@authority.example");
  });

  it("ends a session nobody used for more than 2 hours (idle timeout)", async () => {
    const id = await sessionAt(Date.now() - 2 * HOUR - 60_000);
    const res = await workspaceWith(id);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe("/login?expired=1&next=%2Fworkspace");
    expect((await workspaceWith(id)).status).toBe(303); // it is gone, not just refused once
  });

  it("ends a session 12 hours after sign-in even when it was used all along (absolute timeout)", async () => {
    const start = Date.now() - 12 * HOUR - 60_000;
    const id = await sessionAt(start);
    // Used every hour since, the last time 10 minutes ago: never idle.
    for (let at = start + HOUR; at < Date.now(); at += HOUR) {
      clock = new Date(Math.min(at, Date.now() - 10 * 60_000));
      expect(await accounts().resume(id)).not.toBeNull();
    }
    const res = await workspaceWith(id);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login\?expired=1/);
  });
});

describe("sign-in throttling per address", () => {
  it("after 30 attempts from one address in 15 minutes, whatever the accounts, it answers 429 with Retry-After", async () => {
    const agent = request.agent(node.listenUrl);
    const form = await agent.get("/login").expect(200);
    const attempt = (i: number) => agent.post("/login").type("form").send({ _csrf: csrfOf(form.text), email: `nobody${i}@elsewhere.example`, password: "not the password" });
    for (let i = 0; i < 30; i++) expect((await attempt(i)).status).toBe(401);
    const blocked = await attempt(30);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(blocked.text).toContain("Too many sign-in attempts");
    // The right password of a real account from the same address waits too.
    const real = await agent.post("/login").type("form").send({ _csrf: csrfOf(form.text), email: "sam@authority.example", password: TEST_PASSWORD });
    expect(real.status).toBe(429);
  });
});

describe("cookies on an https origin", () => {
  let secureNode: TestNode;
  beforeAll(async () => {
    // Behind a TLS proxy: the node listens on plain http on loopback but its public origin is https.
    secureNode = await startTestNode({ IPN_ORIGIN: "https://ipn.authority.example", IPN_ALLOW_PRIVATE_NETWORK: "false" });
    await createAccount(secureNode, "sam@authority.example");
  }, 60_000);
  afterAll(async () => { await secureNode?.stop(); });

  const cookies = (res: request.Response): string[] => ([] as string[]).concat(res.headers["set-cookie"] ?? []);

  it("names the session cookie __Host-ipn-session, Secure, HttpOnly, Path=/ and without Domain", async () => {
    const form = await request(secureNode.listenUrl).get("/login").expect(200);
    const login = cookies(form).find((c) => c.startsWith("__Host-ipn-login="))!;
    expect(login).toMatch(/; Secure/);
    const signed = await request(secureNode.listenUrl).post("/login").set("Cookie", login.split(";")[0]!).type("form")
      .send({ _csrf: csrfOf(form.text), email: "sam@authority.example", password: TEST_PASSWORD });
    expect(signed.status).toBe(303);
    const session = cookies(signed).find((c) => c.startsWith("__Host-ipn-session="))!;
    expect(session).toBeDefined();
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Path=\//);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies(signed).some((c) => c.startsWith("ipn-session="))).toBe(false);
    const value = session.split(";")[0]!.split("=")[1]!;
    expect((await request(secureNode.listenUrl).get("/workspace").set("Cookie", `__Host-ipn-session=${value}`)).status).toBe(200);
    // The same value under the unprefixed name (which a sibling subdomain could set) opens nothing.
    expect((await request(secureNode.listenUrl).get("/workspace").set("Cookie", `ipn-session=${value}`)).status).toBe(303);
  });
});
