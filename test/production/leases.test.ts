// Two worker processes of one node on one MongoDB-wire store run the status clock every second; a
// lease in the store lets only one of them run it at a time. Challenges whose deadline has passed
// are closed once each — one Update, revision 2 — and by a single run of one worker, not split
// between two runs racing each other.
import { ChallengeService } from "../../node/domain/challenges.service";
import { HubService } from "../../node/domain/hubs.service";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { disposeAll, freePort, spawnNode, waitFor, type NodeProcess } from "../support/processes";

const CHALLENGES = 30;
const HUB = "clock_hub";
const CLOCK_JOB = "challenge-status-clock";
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

let mongo: MongoWireServer | undefined;
let store: Store | undefined;
const processes: NodeProcess[] = [];

beforeAll(async () => {
  mongo = await startMongoWireServer();
}, 10 * 60_000);

afterAll(async () => {
  await disposeAll(processes);
  await store?.close().catch(() => undefined);
  await mongo?.dispose();
}, 60_000);

/** The clock job's outcomes in a worker's log: a number of changes, or "skipped" (lease held elsewhere). */
function clockRuns(worker: NodeProcess): (number | "skipped")[] {
  return worker.logRecords()
    .filter((r) => r.logger === "ipn.jobs" && r.properties.job === CLOCK_JOB && "result" in r.properties)
    .map((r) => (typeof r.properties.result === "number" ? r.properties.result : "skipped"));
}

it("closes each due challenge exactly once while two workers run the status clock every second", async () => {
  const storeUrl = mongo!.freshDatabaseUrl();
  const origin = `http://127.0.0.1:${await freePort()}`;
  store = await openStore({ url: storeUrl });

  // Challenges published ten days ago whose submission period ended five days ago: all due to close.
  const now = Date.now();
  const hubs = new HubService({ hubs: store.hubs, origin });
  expect((await hubs.create(hubInput(HUB))).ok).toBe(true);
  const service = new ChallengeService({ challenges: store.challenges, hubs: store.hubs, origin, now: () => new Date(now - 10 * DAY) });
  const ids: string[] = [];
  for (let i = 0; i < CHALLENGES; i++) {
    const input = challengeInput("de-mobility");
    input.submissionPeriod = { start: iso(now - 20 * DAY), end: iso(now - 5 * DAY) };
    input.enquiryPeriod = { end: iso(now - 6 * DAY) };
    const created = await service.create({ kind: "admin" }, HUB, input);
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    ids.push(created.value.id);
  }

  // Both start at once and run the clock at start-up and then every second.
  const env = { IPN_SCHEDULE_CRON: "* * * * * *", IPN_LOG_LEVEL: "debug" };
  processes.push(...await Promise.all(["worker-a", "worker-b"].map((name) => spawnNode({ name, role: "worker", store: storeUrl, origin, env }))));
  const [a, b] = processes as [NodeProcess, NodeProcess];

  await waitFor("every challenge to be closed", async () => {
    const docs = await Promise.all(ids.map((id) => store!.challenges.getById(id)));
    return docs.every((c) => c?.doc.status === "closed");
  }, { timeoutMs: 45_000, intervalMs: 250 });
  // Several clock ticks of both workers after the closing: none of them may close anything again.
  await waitFor("three more clock runs in each worker", () => clockRuns(a).length >= 3 && clockRuns(b).length >= 3, { timeoutMs: 30_000, intervalMs: 250 });

  for (const id of ids) {
    const c = await store.challenges.getById(id);
    expect(c?.doc).toMatchObject({ status: "closed", revision: 2 });
  }
  const { items } = await store.activities.pageByActor(`${origin}/hubs/${HUB}`, null, 4 * CHALLENGES);
  for (const id of ids) {
    const mine = items.filter((x) => x.objectId === id).map((x) => [x.type, x.revision]).sort();
    expect(mine).toEqual([["Create", 1], ["Update", 2]]);
  }

  const runs = { a: clockRuns(a), b: clockRuns(b) };
  const closing = [...runs.a, ...runs.b].filter((r) => r !== "skipped" && r > 0);
  console.log(`status clock runs: worker a ${JSON.stringify(runs.a)}, worker b ${JSON.stringify(runs.b)}`);
  // One run of one worker closed all of them; every other run, in either worker, found nothing to do
  // or was skipped because the other worker held the lease.
  expect(closing).toEqual([CHALLENGES]);
}, 120_000);
