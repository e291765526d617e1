// The public pages in a real browser (Debian's Chromium via playwright-core), as suppliers and screen
// reader users meet them: axe-core finds no WCAG 2.2 A/AA violation in light or dark mode; each page
// has one h1 and a title; the skip link is the first stop of the keyboard and moves focus to the
// content; the pages reflow at 320 CSS pixels; the filter form works without JavaScript; the CSP
// blocks nothing the pages need.
import type { Browser, BrowserContext } from "playwright-core";
import request from "supertest";
import { axeViolations, launchBrowser } from "../support/browser";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;
let browser: Browser;
let context: BrowserContext;
let challengeKey: string;

// Each page with the status it answers: the filter error page and the 404 page are pages too.
const PAGE_STATUS = (): Record<string, number> => ({
  "/": 200, "/?country=DE&focusArea=mobility": 200, "/?closingWithin=abc": 400, [`/challenges/${challengeKey}`]: 200,
  "/hubs/browser_hub": 200, "/hubs/browser_hub/follow?account=nonsense": 400, "/hubs": 200, "/map": 200, "/feeds": 200, "/peers": 200, "/accessibility": 200, "/login": 200, "/no-such-page": 404,
});
const PAGES = () => Object.keys(PAGE_STATUS());

beforeAll(async () => {
  node = await startTestNode();
  const api = request(node.listenUrl);
  const hub = await api.post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("browser_hub"));
  for (const f of ["de-mobility", "fr-health-pcp", "fi-education"] as const) {
    const res = await api.post("/api/v1/hubs/browser_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput(f));
    if (f === "de-mobility") challengeKey = res.body.id.split("/").pop();
  }
  browser = await launchBrowser();
  // axe is injected as a script: the pages' CSP (script-src 'none') would refuse it, so this context bypasses it.
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await node?.stop();
});

describe.each(["light", "dark"] as const)("in %s mode", (scheme) => {
  it("has no WCAG 2.2 A/AA violation on any public page", async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    const found: Record<string, string[]> = {};
    for (const path of PAGES()) {
      await page.goto(node.listenUrl + path);
      const v = await axeViolations(page);
      if (v.length) found[path] = v;
    }
    await page.close();
    expect(found).toEqual({});
  });
});

// Four more of the 26 interface languages: the two reviewed ones, and Polish, Finnish and Greek (long
// words, another script), at 1366 and at 320 CSS pixels.
it.each(["de-DE", "fr-FR", "pl-PL", "fi-FI", "el-GR"])("has no violation and reflows at 320 px in %s too, and marks the page's language", async (locale) => {
  const localized = await browser.newContext({ bypassCSP: true, locale, viewport: { width: 1366, height: 900 } });
  const page = await localized.newPage();
  const wide: string[] = [];
  for (const path of ["/", "/?closingWithin=abc", "/no-such-page", `/challenges/${challengeKey}`, "/hubs", "/hubs/browser_hub", "/map", "/feeds", "/accessibility", "/peers"]) {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(node.listenUrl + path);
    expect(`${path} ${await page.getAttribute("html", "lang")}`).toBe(`${path} ${locale.slice(0, 2)}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 320, height: 640 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 321) wide.push(`${path}: ${width}px`);
  }
  expect(wide).toEqual([]);
  await localized.close();
});

it("gives every page one h1 and a title, and a skip link that is the keyboard's first stop", async () => {
  const page = await context.newPage();
  for (const [path, status] of Object.entries(PAGE_STATUS())) {
    const res = await page.goto(node.listenUrl + path);
    expect(`${path} ${res?.status()}`).toBe(`${path} ${status}`);
    expect(await page.locator("h1").count()).toBe(1);
    expect((await page.title()).length).toBeGreaterThan(3);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  }
  await page.close();
});

it("reflows at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)", async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  const wide: string[] = [];
  for (const path of PAGES()) {
    await page.goto(node.listenUrl + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 321) wide.push(`${path}: ${width}px`);
  }
  await page.close();
  expect(wide).toEqual([]);
});

it("filters without JavaScript, and the CSP blocks nothing the pages use", async () => {
  const strict = await browser.newContext({ javaScriptEnabled: false });
  const page = await strict.newPage();
  const blocked: string[] = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  await page.goto(node.listenUrl + "/");
  await page.selectOption("select[name=country]", "FR");
  await page.locator("form.filters button[type=submit]").first().click();
  await page.waitForURL(/country=FR/);
  const titles = await page.locator(".card-title").allTextContents();
  expect(titles).toHaveLength(1);
  expect(titles[0]).toContain("Achat public avant commercialisation");
  for (const path of PAGES()) await page.goto(node.listenUrl + path);
  expect(blocked).toEqual([]);
  await strict.close();
});

it("sends a CSP that blocks nothing the pages use, with JavaScript on as most readers have it", async () => {
  // A context that enforces the CSP (no bypass) with scripts enabled: an inline script or style the
  // policy refuses shows up as a console error only here, not with JavaScript off.
  const enforcing = await browser.newContext();
  const page = await enforcing.newPage();
  const blocked: string[] = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(`${page.url()}: ${m.text()}`); });
  for (const path of PAGES()) {
    const res = await page.goto(node.listenUrl + path);
    expect(`${path}: ${res?.headers()["content-security-policy"] ?? "no CSP"}`).toContain("script-src 'none'");
  }
  expect(blocked).toEqual([]);
  await enforcing.close();
});
