// The API against its own OpenAPI description, driven by an independent fuzzer: schemathesis (from
// PyPI, pinned in test/contract/fuzz/requirements.txt, built into .ci/cache by .ci/schemathesis.sh)
// reads /api/openapi.json and sends thousands of generated requests, valid and invalid, to a real
// node over HTTP. It fails on any 5xx, any status, header or body the description does not declare,
// any invalid request that is accepted and any valid request that is refused.
//
// Two things a schema cannot say are told to the fuzzer rather than hidden from it: a paging cursor
// is valid only if the node issued it (so it is given one), and a document that matches the schema
// can still break a rule of schemas/README.md (dates in order, the NUTS of the right country, an
// open challenge's future deadline), which the node answers with a 422 naming the field. Set
// IPN_FUZZ_EXAMPLES (default 40 per operation and phase) and IPN_FUZZ_SEED for deeper or other runs.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request } from "undici";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = process.env.IPN_FUZZ_EXAMPLES ?? "40";
const SEED = process.env.IPN_FUZZ_SEED ?? "20261203";

jest.setTimeout(15 * 60_000);

function schemathesis(): string {
  try {
    return execFileSync("bash", [path.join(ROOT, ".ci", "schemathesis.sh"), "build"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 9 * 60_000 }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").split("\n").slice(-20).join("\n");
    throw new Error(`could not build the schemathesis venv (.ci/schemathesis.sh build; needs Python >= 3.11 and PyPI):\n${stderr}`);
  }
}

// undici's own request, not the global fetch: a production-mode node in this process guards the global
// fetch against loopback addresses (federation/transport/outgoing.ts).
async function call(node: TestNode, method: "GET" | "POST", p: string, token?: string, body?: unknown): Promise<any> {
  const res = await request(node.listenUrl + p, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${p}: ${res.statusCode} ${await res.body.text()}`);
  return res.body.json();
}

/** A node with a hub, three public challenges and the values only the node can issue. */
async function seededNode(env: Record<string, string>) {
  const node = await startTestNode({ IPN_RATE_LIMIT_API: "1000000", IPN_RATE_LIMIT_INBOX: "1000000", ...env });
  try {
    return await seed(node);
  } catch (error) {
    await node.stop();
    throw error;
  }
}

async function seed(node: TestNode) {
  const hub = await call(node, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("fuzz_hub"));
  for (const f of ["de-mobility", "fr-health-pcp", "fi-education"] as const) {
    await call(node, "POST", "/api/v1/hubs/fuzz_hub/challenges", hub.token, challengeInput(f));
  }
  const listing = await call(node, "GET", "/api/v1/challenges?limit=1");
  return {
    node,
    key: String(listing.items[0].id).split("/").pop(),
    listingCursor: listing.nextCursor as string,
    revisionsCursor: (await call(node, "GET", "/api/v1/sync/revisions?limit=1")).nextCursor as string,
    challengesCursor: (await call(node, "GET", "/api/v1/sync/challenges?limit=1")).nextCursor as string,
  };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

function config(s: Seeded): string {
  const semantic = '["2xx", "401", "403", "404", "409", "410", "422"]';
  return `headers = { Authorization = "Bearer ${ADMIN_TOKEN}" }

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "410"]

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429, 431]

[[operations]]
include-operation-id = "listChallenges"
# A cursor continues the listing it came from: the default sort.
parameters = { cursor = "${s.listingCursor}", sort = "deadline" }

[[operations]]
include-operation-id = "ocdsReleases"
# The OCDS bulk export pages the same listing with the same cursors.
parameters = { cursor = "${s.listingCursor}", sort = "deadline" }

[[operations]]
include-operation-id = "getChallengeOcds"
parameters = { key = "${s.key}" }

[[operations]]
include-operation-id = "syncRevisions"
parameters = { cursor = "${s.revisionsCursor}" }

[[operations]]
include-operation-id = "syncChallenges"
parameters = { cursor = "${s.challengesCursor}" }

[[operations]]
include-operation-id = "getChallenge"
parameters = { key = "${s.key}" }

[[operations]]
include-operation-id = "createHub"
checks.positive_data_acceptance.expected-statuses = ${semantic}

[[operations]]
include-operation-id = "createChallenge"
parameters = { handle = "fuzz_hub" }
checks.positive_data_acceptance.expected-statuses = ${semantic}

[[operations]]
include-operation-id = "patchChallenge"
# schemathesis's coverage phase offers "0" as a valid If-Match despite the pattern; test/integration/api.test.ts covers If-Match.
parameters = { "header.If-Match" = "*" }
checks.positive_data_acceptance.expected-statuses = ${semantic}
`;
}

async function fuzz(st: string, s: Seeded): Promise<{ code: number | null; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-fuzz-"));
  const configFile = path.join(dir, "schemathesis.toml");
  fs.writeFileSync(configFile, config(s));
  const url = s.node.listenUrl;
  // One worker: hypothesis's lambda descriptions call ast.parse, which CPython 3.11 does not make thread-safe.
  const args = ["--config-file", configFile, "run", `${url}/api/openapi.json`, "--url", url, "--checks", "all",
    "--max-examples", EXAMPLES, "--seed", SEED, "--workers", "1", "--no-color", "--suppress-health-check", "all"];
  return new Promise((resolve) => {
    const child = spawn(st, args, { cwd: dir, env: { ...process.env, SCHEMATHESIS_HOOKS: "" } });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { out += d; });
    child.on("close", (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

/** What a reader needs from a failed run: each failure's heading, code and reproduction, lines cut to 300 characters. */
function failures(out: string): string {
  const start = out.indexOf("=== FAILURES");
  const text = start >= 0 ? out.slice(start) : out.slice(-4000);
  return text.split("\n").map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l)).join("\n").slice(0, 20_000);
}

const generated = (out: string) => Number(/(\d+) generated/.exec(out)?.[1] ?? 0);

let st: string;
beforeAll(() => { st = schemathesis(); });

for (const [mode, env] of [
  ["test mode (plain-http ids)", {}],
  ["production mode (https ids behind a TLS proxy)", { IPN_ORIGIN: "https://fuzz.ipn.test", IPN_ALLOW_PRIVATE_NETWORK: "false" }],
] as const) {
  it(`finds no 5xx, no undocumented answer and no wrongly refused or accepted request in ${mode}`, async () => {
    const seeded = await seededNode(env);
    try {
      const { code, out } = await fuzz(st, seeded);
      expect(generated(out)).toBeGreaterThan(1000);
      expect({ code, failures: code === 0 ? "" : failures(out) }).toEqual({ code: 0, failures: "" });
    } finally {
      await seeded.node.stop();
    }
  });
}
