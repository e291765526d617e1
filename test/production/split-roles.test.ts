// A node split into a web process and a worker process on one MongoDB-wire store (FerretDB), as in
// production: the web process only records and enqueues, the worker delivers. The worker is killed
// (SIGKILL) in the middle of a fan-out to many followers; a new worker finishes it, and every follower
// gets the Create — at least once, never lost.
//
// Real processes (`ipn start`), real HTTP, a real database. A killed worker's claimed deliveries come
// back once their queue lease has lapsed (IPN_QUEUE_LEASE_MS, 5 s in this test instead of the default 60 s).
import { startFanOutScenario, type FanOutScenario } from "./fan-out-scenario";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { waitFor } from "../support/processes";

const FOLLOWERS = 48;
let mongo: MongoWireServer | undefined;
let scenario: FanOutScenario | undefined;

beforeAll(async () => {
  mongo = await startMongoWireServer();
}, 10 * 60_000);

afterAll(async () => {
  await scenario?.dispose();
  await mongo?.dispose();
}, 60_000);

it("delivers to every follower after the worker is killed mid-fan-out; the web process alone never delivers", async () => {
  // Slow servers (300–800 ms per answer) stretch the fan-out to several seconds: time to kill the worker.
  scenario = await startFanOutScenario(mongo!, { followers: FOLLOWERS, delayMs: (i) => 300 + ((i * 97) % 500) });
  const { store, web, fediverse } = scenario;
  const create = await scenario.publish();

  // Web alone: the activity stays in the outbox, nothing is queued or delivered. Waiting is the only
  // way to see that nothing happens; 3 s is longer than one relay poll (2 s) of a process that relays.
  await new Promise((r) => setTimeout(r, 3000));
  expect(fediverse.servers.every((s) => s.received.length === 0)).toBe(true);
  expect((await store.activities.pending(10)).map((a) => a.id)).toEqual([create.id]);
  expect(await store.queue.getDepth()).toMatchObject({ queued: 0 });
  // The web process does not consume the queue, and says so.
  const ready = await (await fetch(`${web.listenUrl}/readyz`)).json() as { checks: { queue: string } };
  expect(ready.checks.queue).toBe("skipped");

  const first = await scenario.startWorker("worker-1");
  await waitFor("the first deliveries", () => fediverse.deliveriesOf(create.id).filter((n) => n > 0).length >= 6, { timeoutMs: 45_000, intervalMs: 20 });
  first.signal("SIGKILL");
  expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
  const reachedBeforeKill = fediverse.deliveriesOf(create.id).filter((n) => n > 0).length;
  // Killed in the middle: some followers have it, others do not (and the dead worker will not send more).
  expect(reachedBeforeKill).toBeLessThan(FOLLOWERS);
  // The relay marks the Create as handed over once its deliveries are queued; a kill between the two
  // leaves it pending, and the next worker queues it again (duplicates, never a loss). Either way it is
  // not lost: it is queued or still pending.
  const stillPending = (await store.activities.pending(10)).map((a) => a.id);
  expect(stillPending.filter((id) => id !== create.id)).toEqual([]);
  if (stillPending.length) console.log("killed before the relay marked the Create as handed over: it will be queued again");

  const second = await scenario.startWorker("worker-2");
  // A worker serves no public traffic but answers its probes on its own port: it consumes the queue.
  const workerReady = await (await fetch(`${second.listenUrl}/readyz`)).json() as { checks: Record<string, unknown> };
  // A worker serves probes and metrics only; the API and the inbox belong to the web processes.
  const workerApi = await fetch(`${second.listenUrl}/api/v1/hubs`);
  expect(workerApi.status).toBe(404);
  expect(((await workerApi.json()) as { detail: string }).detail).toMatch(/worker process/);
  expect(workerReady.checks).toMatchObject({ store: "ok", queue: "ok" });
  // Up to one queue lease (5 s here) for what the dead worker had claimed, plus the rest of the fan-out.
  // A delivery counts once the inbox answered it: one cut off by the kill is not a delivery.
  await waitFor("every follower to receive the Create", () => fediverse.deliveriesOf(create.id).every((n) => n >= 1), { timeoutMs: 100_000, intervalMs: 250 });
  await waitFor("the queue to drain", async () => {
    const depth = await store.queue.getDepth();
    return depth.queued === 0;
  }, { timeoutMs: 20_000 });

  const counts = fediverse.deliveriesOf(create.id);
  const arrivals = fediverse.arrivalsOf(create.id);
  const duplicates = arrivals.reduce((sum, n) => sum + (n - 1), 0);
  const cutOff = fediverse.servers.reduce((sum, s) => sum + s.aborted, 0);
  // Duplicates are allowed (at-least-once; receivers dedupe by activity id): report them.
  console.log(`fan-out to ${FOLLOWERS} inboxes: ${reachedBeforeKill} completed before SIGKILL, ${cutOff} cut off by the kill, ` +
    `${duplicates} duplicate arrival(s) in total (max per inbox ${Math.max(...arrivals)})`);
  expect(counts.every((n) => n >= 1)).toBe(true);
  // Nothing but the one Create was sent to anyone.
  expect(fediverse.servers.flatMap((s) => s.received).every((r) => r.id === create.id && r.type === "Create" && r.objectId === create.objectId)).toBe(true);
}, 180_000);
