// Graceful shutdown: (1) mark draining so /readyz answers 503 and load balancers stop sending,
// (2) stop accepting connections, (3) let in-flight requests finish up to a grace period, then cut
// the remaining connections, (4) run the caller's steps in order (scheduler, relay, queue listeners,
// store …), each bounded, a failing one never blocking the next. The whole run is bounded by a hard
// timeout. Calling it again returns the same run.
//
// Create it when the server is created: in-flight requests are counted from then on.
import type { Server, ServerResponse } from "node:http";
import { getLogger } from "@logtape/logtape";

const log = getLogger(["ipn", "ops", "shutdown"]);

export interface ShutdownStep {
  name: string;
  run(): Promise<unknown> | unknown;
  /** Longest wait for this step (default: whatever remains of the hard timeout). */
  timeoutMs?: number;
}

export interface GracefulShutdownOptions {
  /** Absent in processes without HTTP. */
  server?: Server;
  steps: ShutdownStep[];
  /** Wait after draining begins before closing the listener, so probes notice (default 0; ~5 s on Kubernetes). */
  readinessDelayMs?: number;
  /** How long in-flight requests may take to finish (default 10 s). */
  requestGraceMs?: number;
  /** Upper bound of the whole shutdown (default 30 s); steps not started by then are skipped. */
  hardTimeoutMs?: number;
  /** Called once if the hard timeout is hit (the CLI exits non-zero there). */
  onHardTimeout?: () => void;
}

export type StepResult = { name: string; outcome: "done" | "failed" | "timed out" | "skipped"; error?: unknown };

export interface ShutdownReport {
  reason: string;
  /** Requests still running when the grace period ended (their connections were cut). */
  abandonedRequests: number;
  steps: StepResult[];
  timedOut: boolean;
}

export interface GracefulShutdown {
  /** True from the moment shutdown begins (wire into /readyz). */
  draining(): boolean;
  /** Starts the shutdown, or returns the one already under way. */
  run(reason?: string): Promise<ShutdownReport>;
}

const TIMED_OUT = Symbol("timed out");

function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms)); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGracefulShutdown(opts: GracefulShutdownOptions): GracefulShutdown {
  const { server } = opts;
  const graceMs = opts.requestGraceMs ?? 10_000;
  const hardMs = opts.hardTimeoutMs ?? 30_000;
  let draining = false;
  const inFlight = new Set<ServerResponse>();

  // Prepended: it must see each request before the application answers it.
  server?.prependListener("request", (_req, res: ServerResponse) => {
    inFlight.add(res);
    // Keep-alive clients would otherwise keep sending on a connection we are about to close.
    if (draining && !res.headersSent) res.setHeader("Connection", "close");
    const done = () => {
      if (!inFlight.delete(res)) return;
      // Its keep-alive connection is idle once the response is out: close it now, not after keepAliveTimeout.
      if (draining) setImmediate(() => server.closeIdleConnections());
    };
    res.once("finish", done);
    res.once("close", done);
  });

  async function drainHttp(): Promise<number> {
    if (!server) return 0;
    for (const res of inFlight) if (!res.headersSent) res.setHeader("Connection", "close");
    // close() stops the listener and closes idle connections; it calls back once every connection ended.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Also for requests that began before this helper existed (not counted above).
    const sweep = setInterval(() => server.closeIdleConnections(), 250);
    try {
      if ((await within(closed, graceMs)) !== TIMED_OUT) return 0;
    } finally {
      clearInterval(sweep);
    }
    const abandoned = inFlight.size;
    log.warn("{count} request(s) still running after {ms} ms: closing their connections", { count: abandoned, ms: graceMs });
    server.closeAllConnections();
    await closed;
    return abandoned;
  }

  let running: Promise<ShutdownReport> | null = null;

  async function shutdown(reason: string): Promise<ShutdownReport> {
    const deadline = Date.now() + hardMs;
    const remaining = () => deadline - Date.now();
    const report: ShutdownReport = { reason, abandonedRequests: 0, steps: [], timedOut: false };
    log.info("shutting down ({reason}): draining", { reason });

    if (opts.readinessDelayMs) await sleep(Math.min(opts.readinessDelayMs, Math.max(0, remaining())));
    const http = await within(drainHttp(), remaining());
    if (http === TIMED_OUT) report.timedOut = true;
    else report.abandonedRequests = http;

    for (const step of opts.steps) {
      if (report.timedOut || remaining() <= 0) {
        report.timedOut = true;
        report.steps.push({ name: step.name, outcome: "skipped" });
        continue;
      }
      const left = remaining();
      const budget = Math.min(step.timeoutMs ?? Number.POSITIVE_INFINITY, left);
      // When the hard deadline is what bounds this step, its timeout is the deadline: timers may fire a
      // millisecond before Date.now() reaches it, so remaining() alone would let the next step start.
      const boundByDeadline = budget >= left;
      try {
        const r = await within(Promise.resolve().then(() => step.run()), budget);
        if (r === TIMED_OUT) {
          log.error("shutdown step {step} did not finish within {ms} ms; going on", { step: step.name, ms: Math.round(budget) });
          report.steps.push({ name: step.name, outcome: "timed out" });
          if (boundByDeadline || remaining() <= 0) report.timedOut = true;
        } else {
          report.steps.push({ name: step.name, outcome: "done" });
        }
      } catch (error) {
        log.error("shutdown step {step} failed: {error}", { step: step.name, error });
        report.steps.push({ name: step.name, outcome: "failed", error });
      }
    }
    if (report.timedOut) {
      log.error("shutdown hit its hard timeout of {ms} ms", { ms: hardMs });
      opts.onHardTimeout?.();
    } else {
      log.info("shut down cleanly");
    }
    return report;
  }

  return {
    draining: () => draining,
    run(reason = "requested") {
      if (!running) {
        draining = true;
        running = shutdown(reason);
      }
      return running;
    },
  };
}

/** One-off form: creates the helper and runs it at once. */
export function gracefulShutdown(opts: GracefulShutdownOptions & { reason?: string }): Promise<ShutdownReport> {
  return createGracefulShutdown(opts).run(opts.reason);
}
