// Drafts published at a later time: the editor's chosen moment, the clock job publishing them then
// through the same path as "Publish now" (the Create in the outbox, the audit log), on behalf of the
// person who scheduled. Real SQLite store; the clock is injected.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChallengeService } from "../../node/domain/challenges.service";
import { HubService } from "../../node/domain/hubs.service";
import { ScheduleService } from "../../node/domain/schedule.service";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";

const ORIGIN = "https://de.ipn.test";
const HOUR = 3_600_000;
const EDITOR = { kind: "hub" as const, handle: "sched_hub", actor: "user:1 officer@muenchen.example" };
let dir: string;
let store: Store;
let now: number;
let challenges: ChallengeService;
let schedule: ScheduleService;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-schedule-"));
  store = await openStore({ url: `sqlite:${path.join(dir, "ipn.db")}` });
  now = Date.now();
  const clock = () => new Date(now);
  challenges = new ChallengeService({ challenges: store.challenges, hubs: store.hubs, origin: ORIGIN, now: clock, audit: store.audit });
  schedule = new ScheduleService({ schedules: store.schedules, challenges, repo: store.challenges, audit: store.audit, now: clock });
  expect((await new HubService({ hubs: store.hubs, origin: ORIGIN }).create(hubInput("sched_hub"))).ok).toBe(true);
});
afterEach(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });

async function draft(deadlineInDays = 30) {
  const r = await challenges.create(EDITOR, "sched_hub", challengeInput("de-mobility", { status: "draft", deadlineInDays }));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.key!;
}

it("publishes a scheduled draft when its time comes, not before, as the person who scheduled it", async () => {
  const key = await draft();
  expect((await schedule.schedule(EDITOR, key, new Date(now + 2 * HOUR))).ok).toBe(true);
  now += HOUR;
  expect(await schedule.publishDue()).toBe(0);
  expect((await store.challenges.getByKey(key))!.doc.status).toBe("draft");
  now += 2 * HOUR;
  expect(await schedule.publishDue()).toBe(1);
  const c = (await store.challenges.getByKey(key))!;
  expect(c.doc.status).toBe("open");
  expect(c.doc.published).toBe(c.doc.updated);
  expect((await store.activities.pending(10)).map((a) => [a.type, a.objectId])).toEqual([["Create", c.id]]);
  expect(await schedule.get(key)).toBeNull();
  expect(await schedule.publishDue()).toBe(0); // once only
  const log = await store.audit.list({ limit: 10 });
  expect(log.items.map((e) => [e.action, e.actor])).toEqual(expect.arrayContaining([
    ["challenge.schedule", EDITOR.actor],
    ["challenge.publish", `${EDITOR.actor} (scheduled)`],
  ]));
});

it("refuses a time in the past or after the deadline, a public challenge, and another hub's editor", async () => {
  const key = await draft(2);
  expect(await schedule.schedule(EDITOR, key, new Date(now - HOUR))).toMatchObject({ ok: false, error: { kind: "validation", errors: [{ pointer: "/publishAt", message: "must be a time in the future" }] } });
  expect(await schedule.schedule(EDITOR, key, new Date(now + 3 * 24 * HOUR))).toMatchObject({ ok: false, error: { errors: [{ message: "must be before the submission deadline" }] } });
  expect(await schedule.schedule({ kind: "hub", handle: "other_hub" }, key, new Date(now + HOUR))).toMatchObject({ ok: false, error: { kind: "not-found" } });
  const open = await challenges.create(EDITOR, "sched_hub", challengeInput("fi-education", { status: "open" }));
  expect(open.ok && await schedule.schedule(EDITOR, open.value.key!, new Date(now + HOUR))).toMatchObject({ ok: false, error: { kind: "conflict" } });
  expect(await store.schedules.due(new Date(now + 1000 * HOUR), 10)).toEqual([]);
});

it("keeps a draft that can no longer be published at its time a draft, and says why in the log", async () => {
  const key = await draft(1);
  expect((await schedule.schedule(EDITOR, key, new Date(now + 2 * HOUR))).ok).toBe(true);
  now += 2 * 24 * HOUR; // the job was down until after the deadline
  expect(await schedule.publishDue()).toBe(0);
  expect((await store.challenges.getByKey(key))!.doc.status).toBe("draft");
  expect(await schedule.get(key)).toBeNull();
  const failed = (await store.audit.list({ limit: 10 })).items.find((e) => e.action === "challenge.schedule-failed");
  expect(failed?.detail).toMatch(/submissionPeriod/);
});

it("does nothing for a draft withdrawn or unscheduled meanwhile", async () => {
  const a = await draft();
  const b = await draft();
  await schedule.schedule(EDITOR, a, new Date(now + HOUR));
  await schedule.schedule(EDITOR, b, new Date(now + HOUR));
  expect((await challenges.withdraw(EDITOR, a)).ok).toBe(true);
  expect((await schedule.unschedule(EDITOR, b)).ok).toBe(true);
  now += 2 * HOUR;
  expect(await schedule.publishDue()).toBe(0);
  expect((await store.challenges.getByKey(b))!.doc.status).toBe("draft");
  expect(await store.activities.pending(10)).toEqual([]);
});
