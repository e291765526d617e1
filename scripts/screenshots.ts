// `npm run screenshots`: the README's pictures of the public listing, a challenge page and the workspace, taken in
// Debian's Chromium (playwright-core; `bash .ci/chromium.sh` installs it) from a throwaway node on
// loopback with the sample challenges of the domain model. Writes docs/screenshots/*.png.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { loadConfig } from "../node/config";
import { startNode } from "../node/main";

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, "docs", "screenshots");
const FIXTURES = path.join(ROOT, "test", "fixtures");
const ADMIN = "screenshots-admin-token-0123456789";
const DAY = 86_400_000;
const PASSWORD = "plum orbit kettle saffron";

const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"));

function challengeBody(file: string, status: "open" | "draft"): Record<string, unknown> {
  const doc = json(`challenges/${file}`);
  for (const f of ["id", "url", "hub", "revision", "published", "updated", "changeLog"]) delete doc[f];
  // The samples' pictures live on hosts that do not exist: a broken image would only mislead a screenshot.
  delete doc.image;
  const now = Date.now();
  doc.status = status;
  doc.submissionPeriod = { start: new Date(now - DAY).toISOString(), end: new Date(now + 30 * DAY).toISOString() };
  if (doc.enquiryPeriod) doc.enquiryPeriod = { end: new Date(now + 29 * DAY).toISOString() };
  if (Array.isArray(doc.documents)) for (const d of doc.documents as Record<string, unknown>[]) delete d.published;
  return doc;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-screens-"));
  const node = await startNode(loadConfig({
    PORT: "0", IPN_HOST: "127.0.0.1", IPN_DATA_DIR: dir, IPN_ADMIN_TOKEN: ADMIN, IPN_ALLOW_PRIVATE_NETWORK: "true",
    IPN_COUNTRY: "DE", IPN_NODE_NAME: "IPN Deutschland", IPN_LOG_LEVEL: "error",
  }));
  const post = async (p: string, token: string, body: unknown) => {
    const res = await fetch(node.listenUrl + p, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ token: string; id: string }>;
  };
  const browser = await chromium.launch({ executablePath: process.env.IPN_TEST_CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], { encoding: "utf8" }).trim(), args: ["--no-sandbox"] });
  try {
    const hub = json("hubs/hub-de-muenchen-mobil.json");
    for (const f of ["id", "published", "updated"]) delete hub[f];
    const { token } = await post("/api/v1/hubs", ADMIN, hub);
    const open = await post(`/api/v1/hubs/${hub.preferredUsername}/challenges`, token, challengeBody("challenge-de-mobility.json", "open"));
    await post(`/api/v1/hubs/${hub.preferredUsername}/challenges`, token, challengeBody("challenge-fi-education-consultation.json", "draft"));
    const other = await post("/api/v1/hubs", ADMIN, { ...hub, preferredUsername: "gesundheit_lab", name: { de: "Gesundheitslabor Berlin" } });
    await post("/api/v1/hubs/gesundheit_lab/challenges", other.token, challengeBody("challenge-fr-health-pcp.json", "open"));

    const cli = execFileSync(process.execPath, [path.join(ROOT, "node", "bin", "ipn.cjs"), "user", "invite", "--email", "officer@muenchen.example", "--role", "admin"], {
      encoding: "utf8", env: { ...process.env, IPN_DATA_DIR: dir, IPN_ADMIN_TOKEN: ADMIN, IPN_COUNTRY: "DE", IPN_ALLOW_PRIVATE_NETWORK: "true", IPN_LOG_LEVEL: "error" },
    });
    const link = new URL(cli.trim().split("\n").pop()!).pathname;

    mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const shot = (name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
    await page.goto(`${node.listenUrl}/`);
    await shot("listing");
    await page.goto(`${node.listenUrl}/challenges/${open.id.split("/").pop()}`);
    await shot("challenge");
    await page.goto(`${node.listenUrl}/map`);
    await shot("map");
    // A supplier in Poland: filtered to CPV 72 closing within 30 days, counts beside each choice.
    await page.goto(`${node.listenUrl}/?cpv=72000000&closingWithin=30&hl=pl`);
    await shot("listing-pl");
    await page.goto(`${node.listenUrl}/challenges/${open.id.split("/").pop()}?hl=fr`);
    await page.locator(".cta").scrollIntoViewIfNeeded();
    await shot("challenge-fr");
    await page.goto(node.listenUrl + link);
    await page.getByLabel("Your name").fill("Olga Officer");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForLoadState("load");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/workspace$/);
    await shot("workspace-dashboard");
    await page.getByRole("link", { name: `New challenge for @${hub.preferredUsername}` }).click();
    await page.waitForLoadState("load");
    await page.getByLabel("Title (German)").fill("Sensoren für Radwege");
    await page.getByLabel("Summary (German)").fill("");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForLoadState("load");
    await shot("workspace-editor-errors");
    await page.getByLabel("Summary (German)").fill("Wir suchen Sensoren, die den Zustand von Radwegen melden, bevor Schlaglöcher gefährlich werden.");
    await page.getByLabel("Description (German)").fill("## Ausgangslage\nSchlaglöcher werden spät gemeldet.");
    await page.getByLabel("Instrument").selectOption("open-market-consultation");
    await page.getByLabel("Mobility and transport").check();
    await page.getByLabel("Submission deadline").fill("2027-03-01T12:00");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForLoadState("load");
    await page.locator(".fediverse-preview").scrollIntoViewIfNeeded();
    await shot("workspace-preview");
  } finally {
    await browser.close();
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`screenshots written to ${path.relative(ROOT, OUT)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
