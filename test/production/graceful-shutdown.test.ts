// A worker stopped with SIGTERM in the middle of a fan-out (what Kubernetes does on a rollout): it
// finishes the deliveries it has in flight, hands back what it had not started, closes the store and
// exits 0 — and the next worker delivers the rest, each follower getting the Create exactly once.
import { startFanOutScenario, type FanOutScenario } from "./fan-out-scenario";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { exitWithin, waitFor } from "../support/processes";

const FOLLOWERS = 32;
let mongo: MongoWireServer | undefined;
let scenario: FanOutScenario | undefined;

beforeAll(async () => {
  mongo = await startMongoWireServer();
}, 10 * 60_000);

afterAll(async () => {
  await scenario?.dispose();
  await mongo?.dispose();
}, 60_000);

it("finishes in-flight deliveries on SIGTERM, exits 0, and the next worker delivers the rest exactly once", async () => {
  scenario = await startFanOutScenario(mongo!, { followers: FOLLOWERS, delayMs: (i) => 400 + ((i * 131) % 500) });
  const { fediverse } = scenario;
  const create = await scenario.publish();

  const first = await scenario.startWorker("worker-1");
  await waitFor("the first deliveries", () => fediverse.arrivalsOf(create.id).filter((n) => n > 0).length >= 4, { timeoutMs: 45_000, intervalMs: 20 });
  first.signal("SIGTERM");
  // The CLI forces exit code 1 after 30 s; the node's own hard timeout is 25 s.
  expect(await exitWithin(first, 35_000)).toEqual({ code: 0, signal: null });
  expect(first.logRecords().map((r) => r.message)).toContain("shut down cleanly");

  // Every delivery that had started was answered: none was cut off by the shutdown.
  expect(fediverse.servers.reduce((sum, s) => sum + s.aborted, 0)).toBe(0);
  const completedByFirst = fediverse.deliveriesOf(create.id).filter((n) => n > 0).length;
  expect(completedByFirst).toBeGreaterThanOrEqual(4);
  // Precondition of what follows: the first worker stopped with deliveries left to do.
  expect(completedByFirst).toBeLessThan(FOLLOWERS);

  await scenario.startWorker("worker-2");
  // Well under the queue's 60 s lease: nothing is left waiting for a lease of the stopped worker to lapse.
  await waitFor("every follower to receive the Create", () => fediverse.deliveriesOf(create.id).every((n) => n >= 1), { timeoutMs: 40_000, intervalMs: 250 });
  expect(fediverse.arrivalsOf(create.id)).toEqual(Array(FOLLOWERS).fill(1));
  await waitFor("the queue to drain", async () => (await scenario!.store.queue.getDepth()).queued === 0, { timeoutMs: 20_000 });
}, 120_000);
