// Principle 7 for peer removal: the Undo(Follow) is durable. FR runs as a web process and a worker
// process on one store (as in production; here both in this test process), on SQLite and on a
// MongoDB-wire server; the web process has no network hooks. Removing DE through the web API while no
// worker runs leaves a pending unfollow in the store (written with the removal); a worker started
// afterwards — as after a crash — sends the Undo, and DE stops listing FR.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { hubInput } from "../support/documents";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let de: TestNode;
let mongo: MongoWireServer | undefined;

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  expect((await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_mobil"))).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await de?.stop();
  await mongo?.dispose();
}, 60_000);

describe.each(["SQLite", "MongoDB"])("FR split into web and worker on %s", (kind) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-split-"));
  const env: Record<string, string> = { IPN_COUNTRY: "FR" };
  let web: TestNode;
  const workers: TestNode[] = [];

  const startWorker = async () => {
    // Reconciles every second (and once at start) so the test needs no long wait.
    const w = await startTestNode({ ...env, IPN_PROCESS_ROLE: "worker", IPN_ORIGIN: web.origin, IPN_RECONCILE_CRON: "* * * * * *" }, dir);
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    if (kind === "MongoDB") {
      mongo ??= await startMongoWireServer();
      env.IPN_STORE = mongo.freshDatabaseUrl();
    }
    web = await startTestNode({ ...env, IPN_PROCESS_ROLE: "web" }, dir);
  }, 10 * 60_000);

  afterAll(async () => {
    for (const w of workers) await w.stop({ keepData: true }).catch(() => undefined);
    await web?.stop({ keepData: true });
    rmSync(dir, { recursive: true, force: true });
  });

  const frFollowsDe = async () => (await de.store.followers.all("ipn.instance")).some((f) => f.actorId === `${web.origin}/actor`);

  it("sends the Undo(Follow) of a peer removed through the web process, from a worker started later", async () => {
    const worker = await startWorker();
    // DE's instance actor accepts follows only from peers DE allowlists itself (issue 8, principle 5).
    expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: web.origin, country: "FR" })).status).toBe(201);
    expect((await api(web, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE" })).status).toBe(201);
    await eventually(frFollowsDe, "the worker follows DE");
    await eventually(async () => (await web.store.peers.get(de.origin))?.sync.followState === "accepted", "DE accepted");

    // The worker goes away; the operator removes DE through the web process.
    await worker.stop({ keepData: true });
    workers.pop();
    expect((await api(web, "DELETE", `/api/v1/peers?origin=${encodeURIComponent(de.origin)}`)).status).toBe(204);
    expect(await web.store.peers.get(de.origin)).toBeNull();
    expect(await web.store.peers.pendingUnfollows()).toEqual([expect.objectContaining({ origin: de.origin, actorId: `${de.origin}/actor` })]);
    expect(await frFollowsDe()).toBe(true); // nobody sent it yet

    await startWorker();
    await eventually(async () => !(await frFollowsDe()), "DE no longer lists FR as a follower");
    await eventually(async () => (await web.store.peers.pendingUnfollows()).length === 0, "the pending unfollow is cleared");
  }, 60_000);
});
