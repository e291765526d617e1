// /readyz follows the store: a node on FerretDB is ready; the database goes down (killed like a
// crash) → not ready, as a problem document naming the store check, while /healthz still says the
// process is alive (a restart would not help); the database comes back on the same port with its data
// → ready again, and writes succeed again without restarting the node.
import { challengeInput, hubInput } from "../support/documents";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { PROCESS_ADMIN_TOKEN, spawnNode, waitFor, type NodeProcess } from "../support/processes";

let mongo: MongoWireServer | undefined;
let node: NodeProcess | undefined;

beforeAll(async () => {
  // Its own server, never IPN_TEST_MONGODB_URL: this test takes the database down.
  mongo = await startMongoWireServer({ own: true });
}, 10 * 60_000);

afterAll(async () => {
  await node?.dispose();
  await mongo?.dispose();
}, 60_000);

interface Probe { status: number; type: string; body: { status?: unknown; detail?: string; checks?: Record<string, unknown> } }

async function probe(path: string): Promise<Probe> {
  const res = await fetch(`${node!.listenUrl}${path}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.json() as Probe["body"] };
}

async function post(path: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${node!.listenUrl}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

it("turns not ready while the store is down, stays alive, and recovers when the store is back", async () => {
  node = await spawnNode({ name: "node", role: "all", store: mongo!.freshDatabaseUrl() });
  await waitFor("/readyz 200", async () => (await probe("/readyz")).status === 200, { timeoutMs: 20_000 });
  expect((await probe("/readyz")).body).toMatchObject({ status: "ready", checks: { store: "ok", queue: "ok", draining: false } });
  const hub = await post("/api/v1/hubs", PROCESS_ADMIN_TOKEN, hubInput("ready_hub"));
  expect(hub.status).toBe(201);

  await mongo!.crash();
  const down = await waitFor("/readyz 503", async () => {
    const p = await probe("/readyz");
    return p.status === 503 ? p : null;
  }, { timeoutMs: 30_000, intervalMs: 250 });
  expect(down.type).toMatch(/^application\/problem\+json/);
  expect(down.body).toMatchObject({ status: 503, checks: { store: "failing", draining: false } });
  expect(down.body.detail).toMatch(/store/);
  const alive = await probe("/healthz");
  expect(alive).toMatchObject({ status: 200, body: { status: "ok" } });

  await mongo!.restart();
  await waitFor("/readyz 200 again", async () => (await probe("/readyz")).status === 200, { timeoutMs: 45_000, intervalMs: 250 });
  expect((await probe("/readyz")).body).toMatchObject({ status: "ready", checks: { store: "ok", queue: "ok" } });

  // The hub written before the outage is still there, and the node writes again.
  const published = await post("/api/v1/hubs/ready_hub/challenges", String(hub.body.token), challengeInput("de-mobility"));
  expect(published.status).toBe(201);
  const read = await fetch(`${node.listenUrl}/api/v1/challenges/${String(published.body.id).split("/").pop()}`);
  expect(read.status).toBe(200);
}, 120_000);
