// The workspace pages beyond the editor's story, in Chromium: sign-in with the keyboard alone, the
// administrator's pages (people and invitations, a link issued, hubs and peers, a new hub's token, the
// audit log), a hub's profile with a mistake in it, the code finder, and what an editor of another hub
// meets (the 403 page). axe-core finds no WCAG 2.2 A/AA violation on any of them, in light and dark
// mode, and none scrolls sideways at 320 px.
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { launchBrowser, pageAudit } from "../support/browser";
import { hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { ipnCli, TEST_PASSWORD } from "../support/workspace";

let node: TestNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
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

beforeAll(async () => {
  node = await startTestNode();
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("admin_hub", { name: { en: "Admin hub", de: "Admin-Hub" } }));
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

it("shows a hub profile's mistake beside its field, and the code finder, both accessible", async () => {
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

it("has no WCAG 2.2 A/AA violation and no sideways scrolling at 320 px on these pages", () => {
  expect(audit.violations).toEqual({});
  expect(audit.overflowing).toEqual([]);
});
