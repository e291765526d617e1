// Job leases: two "processes" (two JobLeases, each on its own connection to one SQLite file) never run
// the same job at once, a dead holder's lease lapses, and node-cron and the scheduler use them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import cron from "node-cron";
import { startScheduler } from "../../node/jobs/scheduler";
import { JobLeases, leaseKey, parseCronKey, withLease } from "../../node/ops/job-lease";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";

let dir: string;
let a: Store;
let b: Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-lease-"));
  const url = `sqlite:${path.join(dir, "ipn.db")}`;
  a = await openStore({ url });
  b = await openStore({ url });
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A promise and the function that resolves it: holds a job in the middle of its run. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

const slotKey = (job: string, iso: string) => `${job}:${iso}`;

describe("withLease", () => {
  it("lets only one holder run at a time, and the other once it is done", async () => {
    const pa = new JobLeases(a.kv, { owner: "process-a" });
    const pb = new JobLeases(b.kv, { owner: "process-b" });
    const g = gate();
    let started!: () => void;
    const aStarted = new Promise<void>((r) => { started = r; });
    const runA = pa.withLease("clock", async () => { started(); await g.wait; return "a ran"; });
    await aStarted;

    expect(await pb.withLease("clock", async () => "b ran")).toEqual({ ran: false, heldBy: "process-a" });
    // A different job is not blocked.
    expect(await pb.withLease("other-job", async () => "b ran other")).toEqual({ ran: true, value: "b ran other" });

    g.open();
    expect(await runA).toEqual({ ran: true, value: "a ran" });
    expect(await pb.withLease("clock", async () => "b ran")).toEqual({ ran: true, value: "b ran" });
    expect(await a.kv.get(leaseKey("clock"))).toBeUndefined();
  });

  it("releases the lease when the work throws", async () => {
    await expect(withLease(a.kv, "flaky", 60_000, async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await withLease(b.kv, "flaky", 60_000, async () => 42)).toEqual({ ran: true, value: 42 });
  });

  it("takes over the lease of a holder that died once it has expired", async () => {
    let now = Date.now();
    const dead = new JobLeases(a.kv, { owner: "dead", now: () => now, renewEveryMs: 3_600_000 });
    // Elected and never completed: the process died mid-run.
    expect(await dead.runCoordinator.shouldRun(slotKey("clock", "2030-01-01T00:00:00.000Z"), 30_000)).toBe(true);
    const alive = new JobLeases(b.kv, { owner: "alive", now: () => now });
    expect(await alive.withLease("clock", async () => "ran")).toEqual({ ran: false, heldBy: "dead" });
    now += 30_001;
    expect(await alive.withLease("clock", async () => "ran")).toEqual({ ran: true, value: "ran" });
    // The dead process's late onComplete must not release a lease that is no longer its own.
    const g = gate();
    const running = alive.withLease("clock", () => g.wait);
    await new Promise((r) => setImmediate(r));
    await dead.runCoordinator.onComplete!(slotKey("clock", "2030-01-01T00:00:00.000Z"));
    expect(await dead.withLease("clock", async () => "ran")).toMatchObject({ ran: false, heldBy: "alive" });
    g.open();
    await running;
    await dead.close();
  });

  it("renews the lease while a long job runs, so nobody takes it over", async () => {
    let now = Date.now();
    const holder = new JobLeases(a.kv, { owner: "slow", renewEveryMs: 10, now: () => now });
    const other = new JobLeases(b.kv, { owner: "other", now: () => now });
    const g = gate();
    let started!: () => void;
    const began = new Promise<void>((r) => { started = r; });
    const run = holder.withLease("long", async () => { started(); await g.wait; return "done"; }, 1000);
    await began;
    const firstEnd = (await a.kv.get<{ until: number }>(leaseKey("long")))!.until;
    now += 900;
    while ((await a.kv.get<{ until: number }>(leaseKey("long")))!.until === firstEnd) await new Promise((r) => setTimeout(r, 5));
    now += 900; // past the first lease's end, within the renewed one
    expect(await other.withLease("long", async () => "stolen")).toEqual({ ran: false, heldBy: "slow" });
    g.open();
    expect(await run).toEqual({ ran: true, value: "done" });
    expect(await other.withLease("long", async () => "after")).toEqual({ ran: true, value: "after" });
  });
});

describe("runCoordinator", () => {
  it("parses node-cron's keys, task names with colons included", () => {
    expect(parseCronKey("challenge-status-clock:2030-01-01T00:01:00.000Z")).toEqual({ job: "challenge-status-clock", slot: "2030-01-01T00:01:00.000Z" });
    expect(parseCronKey("ns:job:2030-01-01T00:01:00.000Z")).toEqual({ job: "ns:job", slot: "2030-01-01T00:01:00.000Z" });
    expect(parseCronKey("plain")).toEqual({ job: "plain", slot: undefined });
  });

  it("elects one process per slot, even when another asks after the first finished", async () => {
    const pa = new JobLeases(a.kv, { owner: "a" });
    const pb = new JobLeases(b.kv, { owner: "b" });
    const t1 = slotKey("clock", "2030-01-01T00:01:00.000Z");
    const t2 = slotKey("clock", "2030-01-01T00:02:00.000Z");
    expect(await pa.runCoordinator.shouldRun(t1, 30_000)).toBe(true);
    expect(await pb.runCoordinator.shouldRun(t1, 30_000)).toBe(false);
    await pa.runCoordinator.onComplete!(t1);
    // b's clock lags: it asks about the slot a already ran.
    expect(await pb.runCoordinator.shouldRun(t1, 30_000)).toBe(false);
    expect(await pb.runCoordinator.shouldRun(t2, 30_000)).toBe(true);
    await pb.runCoordinator.onComplete!(t2);
  });

  it("lets the guarded run of an elected cron slot use the coordinator's lease, and keeps others out", async () => {
    const pa = new JobLeases(a.kv, { owner: "a" });
    const pb = new JobLeases(b.kv, { owner: "b" });
    const runs: string[] = [];
    const g = gate();
    const jobA = pa.guard({ name: "clock", run: async () => { runs.push("a"); await g.wait; return "a"; } });
    const jobB = pb.guard({ name: "clock", run: async () => { runs.push("b"); return "b"; } });
    const slot = slotKey("clock", "2030-01-01T00:01:00.000Z");

    expect(await pa.runCoordinator.shouldRun(slot, 30_000)).toBe(true);
    const running = jobA.run();
    expect(await jobB.run()).toEqual({ skipped: "lease held by a" });
    g.open();
    expect(await running).toBe("a");
    // Still a's until its onComplete; one election admits one run.
    expect(await jobB.run()).toEqual({ skipped: "lease held by a" });
    await pa.runCoordinator.onComplete!(slot);
    expect(await jobB.run()).toBe("b");
    expect(runs).toEqual(["a", "b"]);
  });

  it("makes two node-cron tasks on two connections run each slot once and never at the same time", async () => {
    const coordinators = [new JobLeases(a.kv, { owner: "a" }), new JobLeases(b.kv, { owner: "b" })];
    const slotsRun: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const tasks = coordinators.map((c) => cron.schedule("* * * * * *", async (ctx) => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      slotsRun.push(ctx.date.toISOString());
      await new Promise((r) => setTimeout(r, 50));
      concurrent--;
    }, { name: "every-second", distributed: true, runCoordinator: c.runCoordinator, noOverlap: true }));
    try {
      while (slotsRun.length < 3) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await Promise.all(tasks.map((t) => t.destroy()));
    }
    await new Promise((r) => setTimeout(r, 100)); // let the last run's onComplete finish
    expect(new Set(slotsRun).size).toBe(slotsRun.length);
    expect(maxConcurrent).toBe(1);
  });
});

describe("the scheduler with guarded jobs", () => {
  it("runs a job's start-up run in one process only while the other's start-up and runNow skip it", async () => {
    const runs: string[] = [];
    const g = gate();
    let started!: () => void;
    const began = new Promise<void>((r) => { started = r; });
    const job = (who: string) => ({ name: "clock", cron: "0 0 1 1 *", run: async () => { runs.push(who); started(); await g.wait; return who; } });
    const sa = startScheduler([new JobLeases(a.kv, { owner: "a" }).guard(job("a"))]);
    await began;
    const sb = startScheduler([new JobLeases(b.kv, { owner: "b" }).guard(job("b"))]);
    await sb.runNow("clock");
    expect(runs).toEqual(["a"]);
    g.open();
    await sa.runNow("clock"); // waits for a's start-up run if it is still finishing
    await sb.runNow("clock");
    await Promise.all([sa.stop(), sb.stop()]);
    expect(runs[0]).toBe("a");
    expect(runs.filter((r) => r === "b")).toEqual(["b"]);
  });
});
