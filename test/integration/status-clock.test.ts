// The status clock (scheduled job): forthcoming → open → closed on time, federated, idempotent,
// and catching up after downtime. Real SQLite store; the clock is injected.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChallengeService } from "../../node/domain/challenges.service";
import { HubService } from "../../node/domain/hubs.service";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";

const ORIGIN = "https://de.ipn.test";
const DAY = 86_400_000;
let dir: string;
let store: Store;
let now: number;
let challenges: ChallengeService;
let kicks = 0;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-clock-"));
  store = await openStore({ url: `sqlite:${path.join(dir, "ipn.db")}` });
  now = Date.now();
  challenges = new ChallengeService({ challenges: store.challenges, hubs: store.hubs, origin: ORIGIN, now: () => new Date(now), onActivity: () => { kicks++; } });
  const hubs = new HubService({ hubs: store.hubs, origin: ORIGIN });
  const hub = await hubs.create(hubInput("clock_hub"));
  expect(hub.ok).toBe(true);
});
afterEach(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

async function create(status: "open" | "forthcoming", deadlineInDays: number) {
  const r = await challenges.create({ kind: "admin" }, "clock_hub", challengeInput("de-mobility", { status, deadlineInDays }));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

it("closes an open challenge once its deadline has passed, as a federated revision", async () => {
  const c = await create("open", 2);
  expect(await challenges.applyClock()).toBe(0);
  now += 3 * DAY;
  kicks = 0;
  expect(await challenges.applyClock()).toBe(1);
  const after = (await store.challenges.getByKey(c.key!))!;
  expect(after.doc).toMatchObject({ status: "closed", revision: 2 });
  expect(after.doc.changeLog).toEqual([{ revision: 2, date: after.doc.updated, reason: "update-add" }]);
  expect(kicks).toBe(1);
  const pending = await store.activities.pending(100);
  expect(pending.map((a) => [a.type, a.revision])).toEqual([["Create", 1], ["Update", 2]]);
  expect(pending[1]!.object.status).toBe("closed");
  expect(await challenges.applyClock()).toBe(0); // idempotent
});

it("opens a forthcoming challenge when submissions open", async () => {
  const c = await create("forthcoming", 30);
  now += 6 * DAY;
  expect(await challenges.applyClock()).toBe(1);
  expect((await store.challenges.getByKey(c.key!))!.doc).toMatchObject({ status: "open", revision: 2 });
});

it("catches up after downtime: forthcoming past its deadline goes through open to closed", async () => {
  const c = await create("forthcoming", 10);
  const other = await create("open", 3);
  now += 60 * DAY;
  expect(await challenges.applyClock()).toBe(3);
  expect((await store.challenges.getByKey(c.key!))!.doc).toMatchObject({ status: "closed", revision: 3 });
  expect((await store.challenges.getByKey(other.key!))!.doc).toMatchObject({ status: "closed", revision: 2 });
  const updates = (await store.activities.pending(100)).filter((a) => a.objectId === c.id).map((a) => a.object.status);
  expect(updates).toEqual(["forthcoming", "open", "closed"]);
});

it("leaves withdrawn and draft challenges alone", async () => {
  const w = await create("open", 1);
  await challenges.withdraw({ kind: "admin" }, w.key!);
  const d = await challenges.create({ kind: "admin" }, "clock_hub", challengeInput("de-mobility", { status: "draft", deadlineInDays: 1 }));
  expect(d.ok).toBe(true);
  now += 5 * DAY;
  expect(await challenges.applyClock()).toBe(0);
});
