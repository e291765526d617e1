// Probes for orchestrators and load balancers. /healthz answers "the process is alive" and never
// touches the store (a restart would not fix a database outage). /readyz answers "send me traffic":
// the store answers in time, the queue consumer runs where this process consumes, and no shutdown
// has begun. Neither needs authentication; neither may be cached.
import express, { type RequestHandler } from "express";
import { onlyAt } from "./only-at";
import { problem } from "./problem";

export interface HealthDeps {
  /** Throws (or never settles) when the store cannot be reached. */
  pingStore(): Promise<void>;
  /** Omit in processes that do not consume the queue (role web). */
  queueRunning?(): boolean;
  /** True once a graceful shutdown has begun. */
  draining(): boolean;
  /** How long the store may take to answer (default 2000 ms). */
  storeTimeoutMs?: number;
}

type CheckState = "ok" | "failing" | "skipped";
export interface ReadinessChecks { store: CheckState; queue: CheckState; draining: boolean }

/** Resolves with why the store is not reachable, or null when it answered within the timeout. */
async function storeProblem(ping: () => Promise<void>, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`the store did not answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      ping().then(() => null, (e: unknown) => `the store is unreachable: ${e instanceof Error ? e.message : String(e)}`),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const PROBES = ["/healthz", "/readyz"];

export function healthRouter(deps: HealthDeps): RequestHandler {
  const timeoutMs = deps.storeTimeoutMs ?? 2000;
  const router = express.Router();
  router.use(PROBES, (_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });

  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  router.get("/readyz", async (_req, res) => {
    const failures: string[] = [];
    const draining = deps.draining();
    if (draining) failures.push("the process is shutting down");
    // A draining process is not ready whatever the store says; skip the round trip.
    const storeFailure = draining ? null : await storeProblem(deps.pingStore, timeoutMs);
    if (storeFailure) failures.push(storeFailure);
    const queueOk = deps.queueRunning ? deps.queueRunning() : undefined;
    if (queueOk === false) failures.push("the queue consumer is not running");
    const checks: ReadinessChecks = {
      store: draining ? "skipped" : storeFailure ? "failing" : "ok",
      queue: queueOk === undefined ? "skipped" : queueOk ? "ok" : "failing",
      draining,
    };
    if (failures.length === 0) {
      res.json({ status: "ready", checks });
      return;
    }
    // RFC 9457 allows extension members: `checks` says which probe failed, for operators and dashboards.
    const body = { ...problem(503, `not ready: ${failures.join("; ")}`), checks };
    res.status(503).type("application/problem+json").send(JSON.stringify(body));
  });
  return onlyAt(PROBES, router);
}

/** Tracks a long-running task (e.g. the queue consumer): running until its promise settles. */
export function watchRunning(task: Promise<unknown>): { running(): boolean } {
  let running = true;
  const stop = () => { running = false; };
  task.then(stop, stop);
  return { running: () => running };
}
