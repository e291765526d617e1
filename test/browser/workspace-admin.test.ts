// The workspace pages beyond the editor's story, in Chromium: sign-in with the keyboard alone, the
// administrator's pages (people and invitations, a link issued, hubs and peers, a new hub's token, the
// audit log), a hub's profile with a mistake in it, the code finders, a password reset link, the
// conflict page (409), what an editor of another hub meets (the 403 page; forged posts change nothing),
// a forged session cookie, the two-step code page, the workspace in French, and the throttling page
// (429). axe-core finds no WCAG 2.2 A/AA violation on any of them, in light and dark mode, and none
// scrolls sideways at 320 px.
import { Secret, TOTP } from "otpauth";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { launchBrowser, pageAudit } from "../support/browser";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { csrfOf, ipnCli, signedInPerson, TEST_PASSWORD } from "../support/workspace";

let node: TestNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** A published challenge of @admin_hub. */
let key: string;
const audit = pageAudit();
const check = (name: string) => audit.check(page, name);

async function submit(name: string) {
  await page.getByRole("button", { name, exact: true }).click();
  await page.waitForLoadState("load");
}

/** Accepts an invitation link in this browser and signs in with the keyboard only. */
async function acceptAndSignIn(email: string, role: "admin" | "editor", hub?: string) {
  const link = ipnCli(node, "user", "invite", "--email", email, "--role", role, ...(hub ? ["--hub", hub] : [])).trim().split("\n").pop()!;
  await page.goto(node.listenUrl + new URL(link).pathname);
  await page.getByLabel("Your name").fill(email.split("@")[0]!);
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await submit("Create account");
}

/** A second browser (its own cookies), for what a person meets on another device or in another language. */
async function otherBrowser(locale = "en-GB"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ bypassCSP: true, locale, viewport: { width: 1366, height: 900 } });
  return { context, page: await context.newPage() };
}

/** What the API shows of the challenge now (title in German, status, revision). */
const current = async () => {
  const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
  return { title: doc.title.de as string, status: doc.status as string, revision: doc.revision as number };
};

beforeAll(async () => {
  node = await startTestNode();
  const hub = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("admin_hub", { name: { en: "Admin hub", de: "Admin-Hub" } }));
  const challenge = await request(node.listenUrl).post("/api/v1/hubs/admin_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput("de-mobility"));
  key = challenge.body.id.split("/").pop();
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("other_hub"));
  browser = await launchBrowser();
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } }); // for axe's injected script
  page = await context.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

it("signs an administrator in with the keyboard alone", async () => {
  await acceptAndSignIn("admin@ministry.example", "admin");
  await page.goto(`${node.listenUrl}/login`);
  await check("sign-in");
  await page.locator("#f-email").focus();
  await page.keyboard.type("admin@ministry.example");
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-password");
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/workspace$/);
  expect((await page.locator("h1").textContent())?.trim()).toBe("Workspace");
});

it("passes axe on the administrator's pages", async () => {
  await page.goto(`${node.listenUrl}/workspace/users`);
  await check("people and invitations");
  await page.getByLabel("Email address").fill("new.editor@ministry.example");
  await page.getByLabel("Admin hub (@admin_hub)").check();
  await submit("Create invitation link");
  expect(await page.locator("#issued-link").inputValue()).toMatch(/\/invitations\//);
  await check("invitation link issued");
  await page.goto(`${node.listenUrl}/workspace/node`);
  await check("hubs, peers and settings");
  await submit("New API token for @admin_hub");
  expect(await page.locator("#issued-token").inputValue()).toMatch(/^ipn_/);
  await check("API token issued");
  await page.goto(`${node.listenUrl}/workspace/audit`);
  expect(await page.locator("tbody tr").count()).toBeGreaterThan(0);
  await check("audit log");
});

it("shows a hub profile's mistake beside its field, and the code finders, all accessible", async () => {
  await page.goto(`${node.listenUrl}/workspace/hubs/admin_hub/profile`);
  await check("hub profile");
  await page.getByLabel("Website", { exact: true }).fill("not a web address");
  await submit("Save the profile");
  expect(await page.locator(".error-summary a[href='#f-d-website']").count()).toBeGreaterThan(0);
  expect(await page.locator("#f-d-website").getAttribute("aria-invalid")).toBe("true");
  await check("hub profile with an error");
  await page.goto(`${node.listenUrl}/workspace/codes/cpv?q=software`);
  expect(await page.locator("tbody tr").count()).toBeGreaterThan(5);
  await check("CPV finder");
  await page.goto(`${node.listenUrl}/workspace/codes/nuts?q=Bayern`);
  expect(await page.locator("tbody").textContent()).toContain("DE2");
  await check("NUTS finder");
});

it("shows the password reset page of a one-time link, accessible", async () => {
  await signedInPerson(node, "forgetful@ministry.example", "editor", "admin_hub");
  const link = ipnCli(node, "user", "reset", "--email", "forgetful@ministry.example").trim().split("\n").pop()!;
  const other = await otherBrowser();
  await other.page.goto(node.listenUrl + new URL(link).pathname);
  expect((await other.page.locator("h1").textContent())?.trim()).toBe("Choose a new password");
  await audit.check(other.page, "password reset");
  await other.context.close();
});

it("keeps the administrator's text when someone else saved in between (409), on an accessible page", async () => {
  await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  const patch = await request(node.listenUrl).patch(`/api/v1/challenges/${key}`).set("Authorization", `Bearer ${ADMIN_TOKEN}`)
    .set("Content-Type", "application/merge-patch+json").send({ submissionUrl: "https://vergabe.muenchen.example/neu" });
  expect(patch.status).toBe(200);
  await page.getByLabel("Summary (German)", { exact: true }).fill("Mein Text, der nicht verloren gehen darf.");
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST"), page.getByRole("button", { name: "Publish this revision" }).click()]);
  await page.waitForLoadState("load");
  expect(response.status()).toBe(409);
  expect(await page.locator("main").textContent()).toContain("Someone else saved this challenge while you were editing it");
  expect(await page.getByLabel("Summary (German)", { exact: true }).inputValue()).toBe("Mein Text, der nicht verloren gehen darf.");
  await check("conflict (409)");
  expect((await current()).revision).toBe(2);
});

it("shows an editor of another hub the 403 page, which is accessible too", async () => {
  await page.goto(`${node.listenUrl}/workspace`);
  await submit("Sign out");
  await acceptAndSignIn("editor@other.example", "editor", "other_hub");
  await page.goto(`${node.listenUrl}/login`);
  await page.getByLabel("Email address").fill("editor@other.example");
  await page.getByLabel("Password").fill(TEST_PASSWORD);
  await submit("Sign in");
  const res = await page.goto(`${node.listenUrl}/workspace/hubs/admin_hub/profile`);
  expect(res?.status()).toBe(403);
  await check("not allowed");
  const missing = await page.goto(`${node.listenUrl}/workspace/no-such-page`);
  expect(missing?.status()).toBe(404);
  await check("not found");
});

it("refuses an editor of another hub that hub's challenge: the edit page, and forged posts with their own valid token", async () => {
  const before = await current();
  const edit = await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  expect(edit?.status()).toBe(403);
  expect(await page.locator("main").textContent()).not.toContain("Lieferzonen");
  await page.goto(`${node.listenUrl}/workspace`);
  const own = await page.locator("input[name=_csrf]").first().inputValue();
  expect(own).not.toBe("");
  const save = await page.request.post(`${node.listenUrl}/workspace/challenges/${key}`, { form: { _csrf: own, title: "Gekapert", status: "closed", action: "save" }, maxRedirects: 0 });
  expect(save.status()).toBe(403);
  const withdraw = await page.request.post(`${node.listenUrl}/workspace/challenges/${key}/withdraw`, { form: { _csrf: own }, maxRedirects: 0 });
  expect(withdraw.status()).toBe(403);
  expect(await current()).toEqual(before);
  expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(200);
});

it("sends a browser with a forged session cookie to sign in, showing nothing of the workspace", async () => {
  const other = await otherBrowser();
  await other.context.addCookies([{ name: "ipn-session", value: "A".repeat(43), url: node.listenUrl }]);
  await other.page.goto(`${node.listenUrl}/workspace`);
  expect(new URL(other.page.url()).pathname + new URL(other.page.url()).search).toBe("/login?expired=1&next=%2Fworkspace");
  expect((await other.page.locator("h1").textContent())?.trim()).toBe("Sign in to the workspace");
  expect(await other.page.getByRole("status").textContent()).toContain("Please sign in to continue.");
  expect(await other.page.locator("main").textContent()).not.toContain("Signed in as");
  await other.context.close();
});

it("asks for the two-step code on an accessible page, and signs in with it", async () => {
  // Two-step verification switched on (as in the account page), then a sign-in in another browser.
  const agent = await signedInPerson(node, "careful@ministry.example", "admin");
  const account = await agent.get("/workspace/account");
  const setup = await agent.post("/workspace/account/two-step/start").type("form").send({ _csrf: csrfOf(account.text) });
  const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(setup.text)![1]!;
  const code = (steps: number) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" }).generate({ timestamp: Date.now() + steps * 30_000 });
  expect((await agent.post("/workspace/account/two-step/confirm").type("form").send({ _csrf: csrfOf(setup.text), code: code(0) })).status).toBe(200);
  const other = await otherBrowser();
  await other.page.goto(`${node.listenUrl}/login`);
  await other.page.getByLabel("Email address").fill("careful@ministry.example");
  await other.page.getByLabel("Password").fill(TEST_PASSWORD);
  await other.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await other.page.waitForURL(/\/login\/code$/);
  await audit.check(other.page, "two-step code");
  await other.page.getByLabel("Code").fill(code(1));
  await other.page.getByRole("button", { name: "Verify" }).click();
  await other.page.waitForURL(/\/workspace$/);
  expect((await other.page.locator("h1").textContent())?.trim()).toBe("Workspace");
  await other.context.close();
});

it("speaks French to a person whose browser does, and the French workspace passes axe too", async () => {
  const link = ipnCli(node, "user", "invite", "--email", "agent@prefecture.example", "--role", "editor", "--hub", "admin_hub").trim().split("\n").pop()!;
  const other = await otherBrowser("fr-FR");
  await other.page.goto(node.listenUrl + new URL(link).pathname);
  expect(await other.page.locator("html").getAttribute("lang")).toBe("fr");
  await other.page.locator("#f-displayName").fill("Agent");
  await other.page.locator("#f-password").fill(TEST_PASSWORD);
  await other.page.locator("main form button[type=submit]").click();
  await other.page.waitForLoadState("load");
  await other.page.locator("#f-password").fill(TEST_PASSWORD);
  await other.page.locator("main form button[type=submit]").click();
  await other.page.waitForURL(/\/workspace$/);
  expect(await other.page.locator("html").getAttribute("lang")).toBe("fr");
  await audit.check(other.page, "dashboard (French)");
  await other.context.close();
});

it("shows the throttling page after repeated wrong passwords for one account, accessible too", async () => {
  const link = ipnCli(node, "user", "invite", "--email", "target@ministry.example", "--role", "editor", "--hub", "admin_hub").trim().split("\n").pop()!;
  await request(node.listenUrl).post(new URL(link).pathname).type("form").send({ displayName: "Target", password: TEST_PASSWORD }).expect(200);
  const other = await otherBrowser();
  const attempt = async (password: string) => {
    await other.page.goto(`${node.listenUrl}/login`);
    await other.page.getByLabel("Email address").fill("target@ministry.example");
    await other.page.getByLabel("Password").fill(password);
    const [response] = await Promise.all([other.page.waitForResponse((r) => r.request().method() === "POST"), other.page.getByRole("button", { name: "Sign in", exact: true }).click()]);
    await other.page.waitForLoadState("load");
    return response.status();
  };
  for (let i = 0; i < 10; i++) expect(await attempt(`wrong guess ${i}`)).toBe(401);
  expect(await attempt(TEST_PASSWORD)).toBe(429);
  expect(await other.page.locator("main").textContent()).toContain("Too many sign-in attempts");
  await audit.check(other.page, "too many sign-in attempts (429)");
  await other.context.close();
});

it("has no WCAG 2.2 A/AA violation and no sideways scrolling at 320 px on these pages", () => {
  expect(audit.violations).toEqual({});
  expect(audit.overflowing).toEqual([]);
});
