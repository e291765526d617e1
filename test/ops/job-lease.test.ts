// Job leases: two "processes" (two JobLeases, each on its own connection to one SQLite file) never run
// the same job at once, a dead holder's lease lapses, and the scheduler's guarded jobs use them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startScheduler } from "../../node/jobs/scheduler";
import { JobLeases, leaseKey } from "../../node/ops/job-lease";
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
    await expect(new JobLeases(a.kv).withLease("flaky", async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await new JobLeases(b.kv).withLease("flaky", async () => 42)).toEqual({ ran: true, value: 42 });
  });

  it("takes over the lease of a holder that died once it has expired", async () => {
    let now = Date.now();
    const dead = new JobLeases(a.kv, { owner: "dead", now: () => now, renewEveryMs: 3_600_000 });
    // Took the lease and never finished: the process hangs (or died) mid-run and no longer renews.
    const hung = gate();
    let tookIt!: () => void;
    const took = new Promise<void>((r) => { tookIt = r; });
    const deadRun = dead.withLease("clock", async () => { tookIt(); await hung.wait; return "late"; }, 30_000);
    await took;
    const alive = new JobLeases(b.kv, { owner: "alive", now: () => now });
    expect(await alive.withLease("clock", async () => "ran")).toEqual({ ran: false, heldBy: "dead" });
    now += 30_001;
    expect(await alive.withLease("clock", async () => "ran")).toEqual({ ran: true, value: "ran" });
    // The dead process's late onComplete must not release a lease that is no longer its own.
    const g = gate();
    const running = alive.withLease("clock", () => g.wait);
    await new Promise((r) => setImmediate(r));
    hung.open();
    expect(await deadRun).toEqual({ ran: true, value: "late" });
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
