// Single sign-on against a real OpenID Connect provider (oidc-provider in its own process, with its
// development login form): authorization code + PKCE through the browser's redirects, the account
// found by verified email, a pending invitation turned into an account at the first sign-in, and
// everyone else — uninvited, unverified email, forged callback — refused without a session.
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import request from "supertest";
import { startTestNode, type TestNode } from "../support/node";
import { ipnCli, signedInPerson } from "../support/workspace";

const PROVIDER = path.join(__dirname, "oidc", "provider.mjs");
let providerProcess: ChildProcess;
let issuer: string;
let node: TestNode;

const freePort = () => new Promise<number>((resolve) => {
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as net.AddressInfo;
    probe.close(() => resolve(port));
  });
});

/**
 * A browser signing in through the provider as `login`: follows every redirect between the node and the
 * provider, and fills in the provider's login and consent forms. Returns the node's last answer.
 */
async function signInThroughProvider(login: string) {
  const browser = request.agent(node.listenUrl);
  const providerBrowser = request.agent(issuer);
  const start = await browser.get("/login/oidc");
  expect(start.status).toBe(303);
  let location = String(start.headers.location);
  expect(location.startsWith(`${issuer}/auth?`)).toBe(true);
  expect(location).toContain("code_challenge_method=S256");
  for (let hops = 0; hops < 20; hops++) {
    if (location.startsWith(node.listenUrl) || location.startsWith(node.origin)) {
      const u = new URL(location);
      return browser.get(u.pathname + u.search);
    }
    const u = new URL(location, issuer);
    let res = await providerBrowser.get(u.pathname + u.search);
    if (res.status === 200) {
      // The provider's login or consent page: submit its form as a person would.
      const target = new URL(/<form[^>]*action="([^"]+)"/.exec(res.text)![1]!, issuer);
      const fields: Record<string, string> = {};
      for (const [tag] of res.text.matchAll(/<input[^>]*>/g)) {
        const name = /name="([^"]+)"/.exec(tag)?.[1];
        if (name) fields[name] = /value="([^"]*)"/.exec(tag)?.[1] ?? "";
      }
      if ("login" in fields) Object.assign(fields, { login, password: "any" });
      res = await providerBrowser.post(target.pathname + target.search).type("form").send(fields);
    }
    expect([302, 303]).toContain(res.status);
    location = String(res.headers.location);
  }
  throw new Error("too many redirects");
}

beforeAll(async () => {
  const nodePort = await freePort();
  providerProcess = spawn(process.execPath, [PROVIDER, `http://127.0.0.1:${nodePort}/login/oidc/callback`, "client-secret-for-tests-0123456789"], { stdio: ["ignore", "pipe", "ignore"] });
  issuer = await new Promise<string>((resolve, reject) => {
    providerProcess.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
    providerProcess.once("exit", (code) => reject(new Error(`oidc-provider exited with ${code}`)));
  });
  node = await startTestNode({
    PORT: String(nodePort), IPN_OIDC_ISSUER: issuer, IPN_OIDC_CLIENT_ID: "ipn-node", IPN_OIDC_CLIENT_SECRET: "client-secret-for-tests-0123456789", IPN_OIDC_NAME: "Test ID",
  });
  // officer@ has an account (with a password too); newcomer@ only an invitation.
  await signedInPerson(node, "officer@authority.example", "admin");
  ipnCli(node, "user", "invite", "--email", "newcomer@authority.example", "--role", "admin");
}, 90_000);
afterAll(async () => {
  await node?.stop();
  providerProcess?.kill();
});

it("offers the provider on the sign-in page", async () => {
  const page = await request(node.listenUrl).get("/login").expect(200);
  expect(page.text).toContain('<a class="button-link" href="/login/oidc">Sign in with Test ID</a>');
});

it("signs an existing account in by its verified email, with PKCE, state and nonce", async () => {
  const res = await signInThroughProvider("officer");
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe("/workspace");
  const cookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []).find((c) => c.startsWith("ipn-session="))!;
  const home = await request(node.listenUrl).get("/workspace").set("Cookie", cookie.split(";")[0]!).expect(200);
  expect(home.text).toContain("officer@authority.example");
});

it("turns a pending invitation into an account at the first sign-in through the provider", async () => {
  const res = await signInThroughProvider("newcomer");
  expect(res.status).toBe(303);
  expect(ipnCli(node, "user", "list")).toContain("newcomer@authority.example\tadmin\tNina Newcomer");
});

it("refuses people without an account or invitation, and emails the provider has not verified", async () => {
  const stranger = await signInThroughProvider("stranger");
  expect(stranger.status).toBe(403);
  expect(stranger.text).toContain("There is no account and no invitation for stranger@elsewhere.example");
  expect(([] as string[]).concat(stranger.headers["set-cookie"] ?? []).some((c) => /^ipn-session=[^;]/.test(c))).toBe(false);
  const unverified = await signInThroughProvider("unverified");
  expect(unverified.status).toBe(403);
  expect(unverified.text).toContain("did not give a verified email address");
});

it("refuses a callback that did not start here, or is replayed", async () => {
  const forged = await request(node.listenUrl).get("/login/oidc/callback?code=abc&state=xyz");
  expect(forged.status).toBe(403);
  const browser = request.agent(node.listenUrl);
  await browser.get("/login/oidc");
  const wrongState = await browser.get("/login/oidc/callback?code=abc&state=not-the-state");
  expect(wrongState.status).toBe(403);
  // The attempt is spent: the same cookie cannot try again.
  expect((await browser.get("/login/oidc/callback?code=abc&state=not-the-state")).text).toContain("expired or did not start here");
});

it("records sign-ins through the provider in the audit log", async () => {
  const admin = await signedInPerson(node, "auditor@authority.example", "admin");
  const log = (await admin.get("/workspace/audit")).text;
  expect(log).toMatch(/officer@authority\.example<\/td><td><code>session\.sign-in<\/code><\/td><td>officer@authority\.example<\/td><td><\/td><td>through Test ID<\/td>/);
  expect(log).toContain("admin, through Test ID");
});
