// The whole story of a procurement officer, in a real browser with the keyboard and forms a person
// uses: the operator's invitation link → choose a password → sign in → a draft in German and English
// → preview (page and fediverse post) → publish (public page; a fediverse server following the hub
// receives the Create) → edit with a reason (it receives the Update) → close (an Update; the dashboard
// lists it under Closed) → record the outcome (an Update; the public page names the winner) → withdraw
// (410; it receives the Delete). The CPV code is found by typing a word (the editor's suggestions).
// axe-core checks every workspace page on the way (WCAG 2.2 A/AA, light and dark); a form posted
// without its CSRF token changes nothing.
import { Create, Delete, Update } from "@fedify/vocab";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import request from "supertest";
import { launchBrowser, pageAudit } from "../support/browser";
import { hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { ipnCli } from "../support/workspace";
import { type FakePeer, isAccept, type ReceivedActivity, startFakePeer } from "../support/fake-peer";

let node: TestNode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let key: string;
/** A fediverse server (GoToSocial-like: signed fetches only) with an account following the hub. */
let follower: FakePeer;
let hubUri: string;
const audit = pageAudit();
/** Runs axe (light and dark) and the reflow check on the page shown now; collects findings under `name`. */
const checkAccessibility = (name: string) => audit.check(page, name);

/** Clicks a button that submits a form and waits for the page it leads to. */
async function submit(name: string) {
  await page.getByRole("button", { name }).click();
  await page.waitForLoadState("load");
}

/** The text of the first element the locator finds, once it is there. */
async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().textContent()) ?? "";
}

/** What the following server received about the challenge, as it arrived (signatures verified). */
const received = (cls: typeof Create | typeof Update | typeof Delete, pred: (raw: Record<string, unknown>) => boolean = () => true) =>
  follower.waitFor((a: ReceivedActivity) => a.activity instanceof cls && a.activity.objectId?.href === `${node.origin}/challenges/${key}` && pred(a.raw));

const activities = async () => (await node.store.activities.forObject(`${node.origin}/challenges/${key}`)).map((a) => a.type);

beforeAll(async () => {
  node = await startTestNode();
  const hub = await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("story_hub", { name: { de: "Mobilitätsreferat" }, defaultLanguage: "de", languages: ["de", "en"] }));
  hubUri = hub.body.hub.id;
  follower = await startFakePeer();
  await follower.follow(hubUri);
  await follower.waitFor(isAccept);
  browser = await launchBrowser();
  context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } }); // for axe's injected script
  page = await context.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await follower?.close();
  await node?.stop();
});

it("an editor accepts the invitation and signs in", async () => {
  const link = ipnCli(node, "user", "invite", "--email", "officer@muenchen.example", "--role", "editor", "--hub", "story_hub").trim().split("\n").pop()!;
  await page.goto(node.listenUrl + new URL(link).pathname);
  await checkAccessibility("invitation");
  await page.getByLabel("Your name").fill("Olga Officer");
  await page.getByLabel("Password").fill("short");
  await submit("Create account");
  expect(await textOf(page.getByRole("alert"))).toContain("use at least 12 characters");
  await checkAccessibility("invitation with errors");
  await page.getByLabel("Password").fill("plum orbit kettle saffron");
  await submit("Create account");
  expect(await textOf(page.getByRole("status"))).toContain("Your password is set");
  await page.getByLabel("Password").fill("plum orbit kettle saffron");
  await submit("Sign in");
  await page.waitForURL(/\/workspace$/);
  expect((await textOf(page.locator("h1"))).trim()).toBe("Workspace");
  await checkAccessibility("dashboard");
});

it("writes a draft, sees it previewed as page and as fediverse post, then publishes it", async () => {
  await page.getByRole("link", { name: "New challenge for @story_hub" }).click();
  await page.waitForLoadState("load");
  await checkAccessibility("new challenge form");
  await page.getByLabel("Title (German)", { exact: true }).fill("Sensoren für Radwege");
  await page.getByLabel("Summary (German)", { exact: true }).fill("Wir suchen Sensoren, die den Zustand von Radwegen melden.");
  await page.getByLabel("Description (German)", { exact: true }).fill("## Ausgangslage\nSchlaglöcher werden spät gemeldet.");
  await page.getByLabel("Instrument", { exact: true }).selectOption("open-market-consultation");
  await page.getByLabel("Mobility and transport").check();
  // The officer types a word; the browser offers the matching CPV codes with their labels.
  await page.getByLabel("Main CPV code").pressSequentially("laboratory");
  await page.waitForFunction(() => document.querySelectorAll("#codes-cpv option").length > 0);
  const offered = await page.locator("#codes-cpv option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(offered).toContain("38000000");
  await page.getByLabel("Main CPV code").fill("38000000");
  await page.getByLabel("Submission deadline").fill("2099-01-29T12:00");
  await page.getByLabel("Town or city").fill("München");
  // A second language: its own section, added without saving anything.
  await page.getByLabel("Add a language").selectOption("en");
  await submit("Add language");
  expect(await page.getByLabel("Title (German)").inputValue()).toBe("Sensoren für Radwege");
  await page.getByLabel("Title (English)").fill("Sensors for cycle lanes");
  await page.getByLabel("Summary (English)").fill("We are looking for sensors that report the state of cycle lanes.");
  await page.getByLabel("Description (English)").fill("## Background\nPotholes are reported late.");
  await checkAccessibility("form with a second language");
  await submit("Save draft");
  expect(await textOf(page.getByRole("status").first())).toContain("Draft saved");
  key = new URL(page.url()).pathname.split("/").pop()!;
  expect(await textOf(page.locator(".fediverse-preview .post"))).toContain("Sensoren für Radwege");
  await checkAccessibility("draft preview");
  expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(404);
  const draft = (await node.store.challenges.getByKey(key))!.doc;
  expect(draft.title).toEqual({ de: "Sensoren für Radwege", en: "Sensors for cycle lanes" });

  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await page.waitForLoadState("load");
  await checkAccessibility("edit draft form");
  await submit("Publish now");
  expect(await textOf(page.getByRole("status").first())).toContain("Published");
  expect(await activities()).toEqual(["Create"]);
  const create = await received(Create);
  expect(String((create.raw.object as { content: string }).content)).toContain("Sensoren für Radwege");
  await page.goto(`${node.listenUrl}/challenges/${key}`);
  expect((await textOf(page.locator("h1"))).trim()).toBe("Sensoren für Radwege");
});

it("publishes an edit with its reason", async () => {
  await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  await checkAccessibility("edit public form");
  await page.getByLabel("Submission deadline").fill("2099-02-12T12:00");
  await page.getByLabel("What changed (German)").fill("Frist um zwei Wochen verlängert");
  await submit("Publish this revision");
  expect(await textOf(page.getByRole("status").first())).toContain("New revision published");
  expect(await activities()).toEqual(["Create", "Update"]);
  await received(Update);
  const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
  expect(doc.submissionPeriod.end).toBe("2099-02-12T12:00:00+01:00");
  expect(doc.changeLog.at(-1).description).toEqual({ de: "Frist um zwei Wochen verlängert" });
});

it("closes submissions early: followers receive the Update, the dashboard lists it under Closed", async () => {
  await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  await page.getByLabel("Status", { exact: true }).selectOption("closed");
  await page.getByLabel("What changed (German)").fill("Genug Einreichungen erhalten");
  await submit("Publish this revision");
  expect(await textOf(page.getByRole("status").first())).toContain("New revision published");
  await checkAccessibility("closed challenge preview");
  expect(await activities()).toEqual(["Create", "Update", "Update"]);
  await received(Update, (raw) => String((raw.object as { content: string }).content).includes("<strong>CLOSED</strong>"));
  await page.goto(`${node.listenUrl}/workspace`);
  const closed = page.locator("table", { has: page.locator("caption", { hasText: "Closed (no longer taking submissions) (1)" }) });
  expect(await textOf(closed.locator("tbody th"))).toContain("Sensoren für Radwege");
  await checkAccessibility("dashboard with a closed challenge");
});

it("records the outcome: the decision date and the winner, on the public page and for followers", async () => {
  await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  await page.getByLabel("Status", { exact: true }).selectOption("awarded");
  await page.getByLabel("Decision date", { exact: true }).fill("2099-03-18");
  await submit("Add a winner");
  expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("awarded"); // nothing lost on the way
  await page.getByLabel("Winner name").fill("Sensorik GmbH");
  await page.getByLabel("What changed (German)").fill("Zuschlag erteilt");
  await checkAccessibility("edit form with an outcome");
  await submit("Publish this revision");
  expect(await textOf(page.getByRole("status").first())).toContain("New revision published");
  expect(await activities()).toEqual(["Create", "Update", "Update", "Update"]);
  await received(Update, (raw) => String((raw.object as { content: string }).content).includes("<strong>AWARDED</strong> — decision of 2099-03-18"));
  const doc = (await request(node.listenUrl).get(`/api/v1/challenges/${key}`)).body;
  expect(doc.status).toBe("awarded");
  expect(doc.outcome).toEqual({ decisionDate: "2099-03-18", winners: [{ name: "Sensorik GmbH" }] });
  // This browser showed an earlier revision of the page: pages are revalidated, so it shows the outcome at once.
  await page.goto(`${node.listenUrl}/challenges/${key}`);
  expect(await page.locator("main").textContent()).toContain("Sensorik GmbH");
  await checkAccessibility("public page of an awarded challenge");
  await page.goto(`${node.listenUrl}/workspace`);
  await page.locator("caption", { hasText: "Awarded (1)" }).first().waitFor();
});

it("withdraws the challenge: 410, and followers receive the Delete", async () => {
  await page.goto(`${node.listenUrl}/workspace/challenges/${key}/withdraw`);
  await checkAccessibility("withdraw confirmation");
  await submit("Withdraw the challenge");
  await page.waitForURL(/\/workspace\?withdrawn=1$/);
  await page.locator("caption", { hasText: "Withdrawn (1)" }).first().waitFor();
  expect(await activities()).toEqual(["Create", "Update", "Update", "Update", "Delete"]);
  expect((await received(Delete)).raw.object).toMatchObject({ type: "Tombstone" });
  expect((await request(node.listenUrl).get(`/challenges/${key}`)).status).toBe(410);
  // What an editor meets who opens it again (an old tab, a bookmark): the 410 refusal, accessible too.
  const gone = await page.goto(`${node.listenUrl}/workspace/challenges/${key}/edit`);
  expect(gone?.status()).toBe(410);
  await checkAccessibility("withdrawn challenge refused");
});

it("my account and two-step setup pass axe too, and a form without its CSRF token changes nothing", async () => {
  await page.goto(`${node.listenUrl}/workspace/account`);
  await checkAccessibility("my account");
  await submit("Set up two-step verification");
  await page.locator("img.qr").first().waitFor();
  await checkAccessibility("two-step setup");
  // A forged form: the same browser (its cookies), no token.
  const forged = await page.request.post(`${node.listenUrl}/workspace/sign-out-everywhere`, { form: { x: "1" }, maxRedirects: 0 });
  expect(forged.status()).toBe(403);
  await page.goto(`${node.listenUrl}/workspace`);
  expect((await textOf(page.locator("h1"))).trim()).toBe("Workspace");
});

it("switches the workspace to German for this person, and the German editor passes axe too", async () => {
  await page.goto(`${node.listenUrl}/workspace/account`);
  await page.getByLabel("Language", { exact: true }).selectOption("de");
  await submit("Save the language");
  expect(await page.locator("html").getAttribute("lang")).toBe("de");
  await page.goto(`${node.listenUrl}/workspace/hubs/story_hub/challenges/new`);
  expect(await page.locator("html").getAttribute("lang")).toBe("de");
  expect(await page.getByRole("button", { name: "Publish now" }).count()).toBe(0);
  await checkAccessibility("new challenge form (German)");
});

it("has no WCAG 2.2 A/AA violation on any workspace page, and none scrolls sideways at 320 px", () => {
  expect(audit.violations).toEqual({});
  expect(audit.overflowing).toEqual([]);
});
