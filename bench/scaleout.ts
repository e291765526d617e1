// Scale-out (P8): the fan-out of P1 with 1, 2 and 4 worker processes on one store. The node runs as
// one web process (IPN_PROCESS_ROLE=web: the API, enqueues only; here, in the benchmark's process)
// and N worker processes (IPN_PROCESS_ROLE=worker, `node node/bin/ipn.cjs start`, each its own
// process) sharing one SQLite file: the leased queue hands each message to one worker, a lease in
// the store picks the one relay (node/main.ts, node/storage/leased-queue.ts). Figure: signed
// deliveries per wall-clock second with N workers, against the same with one worker (the ratio).
// No DESIGN §8 target; on a 2-core machine that also runs the web process, the fake inboxes and the
// harness, the ratio cannot go far above 1 whatever the design — the figure is the evidence that
// several workers share one store and the work, and what that costs.
//
// Setup, not measured: followers are written straight into the follower repository (as in P1).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { exitWithin, type NodeProcess, spawnNode } from "../test/support/processes";
import { type BenchContext, need } from "./lib/context";
import { challengeDoc } from "./lib/documents";
import { type FakeInboxes, startFakeInboxes } from "./lib/fake-inboxes";
import { ADMIN_TOKEN, BENCH_ENV, addFollowers, createHub, publish, startBenchNode } from "./lib/nodes";
import { waitUntil } from "./lib/report";

/** User + system CPU seconds of another process so far (Linux /proc; NaN elsewhere). */
function cpuOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5) (utime, stime) in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Run {
  workers: number;
  deliveries: number;
  wallS: number;
  /** CPU-s of the workers plus the web process. */
  cpuS: number;
  /** Deliveries each worker made: not observable from outside, so the spread of CPU instead. */
  workerCpu: number[];
  startS: number;
}

async function runWith(ctx: BenchContext, inboxes: FakeInboxes, workers: number, followers: number, challenges: number): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ipn-bench-scale-${workers}-`));
  const web = await startBenchNode({ IPN_PROCESS_ROLE: "web" }, dir);
  const procs: NodeProcess[] = [];
  try {
    const hub = await createHub(web, "scaleout");
    await addFollowers(web, hub.handle, inboxes.inboxes, followers);
    const t0 = performance.now();
    procs.push(
      ...(await Promise.all(
        Array.from({ length: workers }, (_, w) =>
          spawnNode({
            name: `bench-worker-${w + 1}-of-${workers}`,
            role: "worker",
            store: `sqlite:${path.join(dir, "ipn.db")}`,
            origin: web.origin,
            env: { ...BENCH_ENV, IPN_DATA_DIR: dir, IPN_LOG_LEVEL: "error", IPN_ADMIN_TOKEN: ADMIN_TOKEN },
            startTimeoutMs: 120_000,
          }),
        ),
      )),
    );
    const startS = (performance.now() - t0) / 1000;
    // One delivery round first: keys, caches, connections, and the relay lease taken.
    const before0 = (await inboxes.stats()).received;
    await publish(web, hub, challengeDoc({ origin: web.origin, hub: hub.handle, key: "warm-up", n: 100_000 }));
    await waitUntil(async () => (await inboxes.stats()).received >= before0 + inboxes.inboxes.length, 120_000, "the warm-up deliveries", 50);
    const before = (await inboxes.stats()).received;
    const expected = before + challenges * inboxes.inboxes.length;
    const cpu0 = procs.map((p) => cpuOf(p.pid));
    const own0 = process.cpuUsage();
    const t1 = performance.now();
    for (let n = 0; n < challenges; n++) await publish(web, hub, challengeDoc({ origin: web.origin, hub: hub.handle, key: `x${n}`, n }));
    await waitUntil(
      async () => (await inboxes.stats()).received >= expected,
      ctx.quick ? 90_000 : 180_000,
      `${expected - before} deliveries with ${workers} worker(s)`,
      25,
    );
    const wallS = (performance.now() - t1) / 1000;
    const workerCpu = procs.map((p, i) => cpuOf(p.pid) - cpu0[i]!);
    const own = process.cpuUsage(own0);
    const deliveries = (await inboxes.stats()).received - before;
    return { workers, deliveries, wallS, cpuS: workerCpu.reduce((a, b) => a + b, 0) + (own.user + own.system) / 1e6, workerCpu, startS };
  } finally {
    // Gracefully, as an orchestrator would: SIGTERM, then the CLI's own 30 s limit.
    for (const p of procs) p.signal("SIGTERM");
    for (const p of procs) {
      await exitWithin(p, 35_000);
      await p.dispose();
    }
    await web.stop({ keepData: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function scaleout(ctx: BenchContext): Promise<void> {
  need(ctx);
  const followers = ctx.quick ? 50 : 200;
  const challenges = ctx.quick ? 5 : 20;
  const inboxes = await startFakeInboxes(ctx.quick ? 5 : 10, ctx.quick ? 2 : 5, 0);
  const runs: Run[] = [];
  try {
    for (const workers of [1, 2, 4]) {
      const r = await runWith(ctx, inboxes, workers, followers, challenges);
      runs.push(r);
      ctx.log(
        `${workers} worker(s): ${r.deliveries} deliveries in ${r.wallS.toFixed(2)} s; CPU-s per worker ${r.workerCpu.map((c) => c.toFixed(2)).join(", ")}; started in ${r.startS.toFixed(1)} s`,
      );
    }
  } finally {
    await inboxes.close();
  }
  const one = runs[0]!;
  const perWall = (r: Run) => r.deliveries / r.wallS;
  for (const r of runs) {
    const busy = r.workerCpu.filter((c) => c > 0.05).length;
    ctx.emit({
      id: `P8-${r.workers}`,
      name: `scale-out: signed deliveries per wall-clock second with ${r.workers} worker process${r.workers > 1 ? "es" : ""} on one SQLite store (${challenges} challenges × ${inboxes.inboxes.length} shared inboxes, ${followers} followers)`,
      value: perWall(r),
      unit: "/s",
      ...(r.workers > 1 ? { ceiling: { name: "the same with 1 worker process", value: perWall(one), unit: "/s" } } : {}),
      target: { kind: "info", value: 0, text: "" },
      note: `${r.deliveries} deliveries in ${r.wallS.toFixed(2)} s; ${r.cpuS.toFixed(2)} CPU-s in the workers and the web process (${(r.deliveries / r.cpuS).toFixed(0)}/CPU-s); ${busy} of ${r.workers} workers did work (CPU-s each: ${r.workerCpu.map((c) => c.toFixed(2)).join(", ")}); ${os.cpus().length} CPUs shared with the web process, fake inboxes and harness; no DESIGN §8 target`,
    });
  }
}
