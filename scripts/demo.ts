// `npm run demo`: a German node, a French node and the EU aggregator on loopback, in this one process,
// each with its own SQLite store under ./data/demo/<name> (wiped at every start, kept after stop for a
// look inside). Peers are configured (DE ↔ FR, EU follows both), hubs created, the sample challenges of
// domain-model.md §6 published (dates moved into the future), and once EU lists them all the URLs to
// open are printed. Ctrl-C (SIGINT) or SIGTERM closes the three nodes.
//
// Environment: IPN_DEMO_PORTS (default "3101,3102,3103": DE, FR, EU; 0 = any free port),
// IPN_DEMO_DATA_DIR (default ./data/demo), IPN_DEMO_LOG_LEVEL (default error),
// IPN_DEMO_EXIT_AFTER_READY=1 (stop as soon as everything is ready: CI and tests).
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { reset as resetLogging } from "@logtape/logtape";
import { loadConfig } from "../node/config";
import { configureLogging } from "../node/ops/logging";
import { startNode, type RunningNode } from "../node/main";

const ROOT = path.join(__dirname, "..");
const FIXTURES = path.join(ROOT, "test", "fixtures");
const DAY = 86_400_000;

interface NodeSpec { name: "de" | "fr" | "eu"; country: string; role: "national" | "aggregator"; label: string }
const SPECS: NodeSpec[] = [
  { name: "de", country: "DE", role: "national", label: "IPN Deutschland (demo)" },
  { name: "fr", country: "FR", role: "national", label: "IPN France (demo)" },
  { name: "eu", country: "EU", role: "aggregator", label: "IPN EU aggregator (demo)" },
];

const json = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"));
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A §6 example as a POST body: server-assigned fields removed, open now, deadline in 30 days. */
function challengeBody(file: string): Record<string, unknown> {
  const doc = json(`challenges/${file}`);
  for (const f of ["id", "url", "hub", "revision", "published", "updated", "changeLog"]) delete doc[f];
  const now = Date.now();
  const end = now + 30 * DAY;
  doc.status = "open";
  doc.submissionPeriod = { start: iso(now - DAY), end: iso(end) };
  if (doc.enquiryPeriod) doc.enquiryPeriod = { end: iso(end - DAY) };
  if (Array.isArray(doc.documents)) for (const d of doc.documents as Record<string, unknown>[]) delete d.published;
  return doc;
}

/** §6.4, the Munich hub, as a POST body. */
function munichHub(): Record<string, unknown> {
  const doc = json("hubs/hub-de-muenchen-mobil.json");
  for (const f of ["id", "published", "updated"]) delete doc[f];
  return doc;
}

function parisHub(): Record<string, unknown> {
  return {
    preferredUsername: "ght_seine_centre",
    hubType: "public-buyer",
    name: { fr: "GHT Seine-Centre — achats innovants" },
    defaultLanguage: "fr",
    languages: ["fr"],
    summary: { fr: "Achats innovants du groupement hospitalier de territoire Seine-Centre." },
    country: "FR",
    contact: { email: "achats-innovants@ght-seine-centre.example" },
  };
}

async function call(node: RunningNode, method: string, p: string, token: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${node.listenUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${node.listenUrl}${p} answered ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : {};
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`demo: not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const ports = (env.IPN_DEMO_PORTS ?? "3101,3102,3103").split(",").map((s) => s.trim());
  if (ports.length !== 3 || ports.some((p) => !/^\d+$/.test(p))) throw new Error("IPN_DEMO_PORTS must be three port numbers: DE,FR,EU");
  const dataRoot = path.resolve(env.IPN_DEMO_DATA_DIR ?? path.join(ROOT, "data", "demo"));
  const logLevel = (env.IPN_DEMO_LOG_LEVEL ?? "error") as "error";
  await configureLogging(logLevel, { json: false });

  const nodes: RunningNode[] = [];
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${why}: stopping the demo nodes…`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    // Deliveries still queued between the nodes fail once the first one is down: expected, not news.
    await resetLogging();
    for (const n of [...nodes].reverse()) await n.close().catch((e) => console.error(`closing ${n.origin}: ${e}`));
    console.log("demo stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  for (const [i, spec] of SPECS.entries()) {
    const dataDir = path.join(dataRoot, spec.name);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    // No IPN_ORIGIN: the origin is where the node listens (so port 0 works too); test/demo mode.
    const config = loadConfig({
      PORT: ports[i], IPN_HOST: "127.0.0.1", IPN_DATA_DIR: dataDir, IPN_ALLOW_PRIVATE_NETWORK: "true",
      IPN_COUNTRY: spec.country, IPN_ROLE: spec.role, IPN_NODE_NAME: spec.label, IPN_LOG_LEVEL: logLevel,
    });
    nodes.push(await startNode(config));
    if (stopping) return;
  }
  const [de, fr, eu] = nodes as [RunningNode, RunningNode, RunningNode];
  console.log(`nodes up: DE ${de.origin}, FR ${fr.origin}, EU ${eu.origin}`);

  // The allowlists, as an operator would set them with `ipn peer add`.
  for (const [node, other, country] of [[de, fr, "FR"], [fr, de, "DE"], [eu, de, "DE"], [eu, fr, "FR"]] as const) {
    await call(node, "POST", "/api/v1/peers", node.adminToken, { origin: other.origin, country, role: "national" });
  }

  const hubOf = (r: Record<string, unknown>) => ({ preferredUsername: String((r.hub as Record<string, unknown>).preferredUsername), token: String(r.token) });
  const deHub = hubOf(await call(de, "POST", "/api/v1/hubs", de.adminToken, munichHub()));
  const frHub = hubOf(await call(fr, "POST", "/api/v1/hubs", fr.adminToken, parisHub()));
  const published = [
    await call(de, "POST", `/api/v1/hubs/${deHub.preferredUsername}/challenges`, deHub.token, challengeBody("challenge-de-mobility.json")),
    await call(fr, "POST", `/api/v1/hubs/${frHub.preferredUsername}/challenges`, frHub.token, challengeBody("challenge-fr-health-pcp.json")),
  ].map((c) => String(c.id));
  console.log(`published ${published.length} sample challenges; waiting until the EU aggregator lists them…`);
  await until(async () => (await Promise.all(published.map((id) => eu.store.challenges.getById(id)))).every(Boolean), "EU lists every sample challenge");
  await until(async () => (await fr.store.challenges.getById(published[0]!)) !== null && (await de.store.challenges.getById(published[1]!)) !== null, "DE and FR mirror each other");
  // The feeds' boosts are in the delivery queue once the relay has nothing pending.
  await eu.federation.relay.drain();

  const euHost = new URL(eu.origin).host;
  console.log([
    "",
    "IPN demo ready — open these:",
    `  DE listing            ${de.origin}/`,
    `  DE hub                ${de.origin}/hubs/${deHub.preferredUsername}`,
    `  DE peers (sync)       ${de.origin}/peers`,
    `  FR listing            ${fr.origin}/`,
    `  FR hub                ${fr.origin}/hubs/${frHub.preferredUsername}`,
    `  FR peers (sync)       ${fr.origin}/peers`,
    `  EU listing (all EEA)  ${eu.origin}/`,
    `  EU feeds to follow    ${eu.origin}/feeds`,
    `  EU topic actor        ${eu.origin}/topics/health   (@health@${euHost}; ActivityPub clients get the actor)`,
    `  EU country actor      ${eu.origin}/countries/de    (@de@${euHost})`,
    `  EU peers (sync)       ${eu.origin}/peers`,
    "",
    "Admin tokens (Authorization: Bearer …):",
    `  DE ${de.adminToken}`,
    `  FR ${fr.adminToken}`,
    `  EU ${eu.adminToken}`,
    `Data: ${dataRoot}/{de,fr,eu} (wiped at the next start).`,
    env.IPN_DEMO_EXIT_AFTER_READY ? "" : "Press Ctrl-C to stop.",
    "",
  ].join("\n"));
  if (env.IPN_DEMO_EXIT_AFTER_READY && env.IPN_DEMO_EXIT_AFTER_READY !== "0") await stop("ready");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exit(1);
});
