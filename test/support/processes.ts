// Real node processes for production tests: `node node/bin/ipn.cjs start` as a child with its own
// environment (role, store, port), its output kept for assertions and failure messages, and a way
// to kill it (SIGKILL: a crash; SIGTERM: an orchestrator stopping it). Plus bounded polling.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const IPN_BIN = path.join(__dirname, "..", "..", "node", "bin", "ipn.cjs");
export const PROCESS_ADMIN_TOKEN = "production-test-admin-token-0123456789";

/** A loopback port that was free a moment ago (the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value (returned) or the time is up (throws, naming what
 * was awaited). `check` may throw to stop at once.
 */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const interval = opts.intervalMs ?? 200;
  let last: unknown;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export interface ExitStatus { code: number | null; signal: NodeJS.Signals | null }

export interface NodeProcess {
  readonly name: string;
  readonly pid: number;
  /** http://127.0.0.1:<port> where it listens (health, API). */
  readonly listenUrl: string;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Its JSON log records so far (the CLI logs JSON lines when stdout is not a terminal). */
  logRecords(): LogRecord[];
  /** Resolves when it has exited. */
  readonly exited: Promise<ExitStatus>;
  alive(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL if still running, wait for the exit, delete its data dir. Never throws. */
  dispose(): Promise<void>;
}

export interface LogRecord { level: string; message: string; logger: string; properties: Record<string, unknown> }

export interface SpawnNodeOptions {
  name: string;
  role: "all" | "web" | "worker";
  store: string;
  /** Default: a free port chosen here. */
  port?: number;
  /** Default: http://127.0.0.1:<port>. */
  origin?: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/**
 * Starts `ipn start` and resolves once it listens; rejects (after killing it) if it does not. A port
 * chosen here was only free a moment before the node binds it (another process, or an outgoing
 * connection's local port, can take it meanwhile): on EADDRINUSE it starts again on another one.
 */
export async function spawnNode(opts: SpawnNodeOptions): Promise<NodeProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(opts, opts.port ?? await freePort());
    } catch (error) {
      if (opts.port !== undefined || attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

/**
 * IPN_RECONCILE_CRON for test nodes: a cron expression node-cron accepts that fires once a year (New
 * Year's midnight). Reconciliation still runs at start and when a test asks, but not on the wall
 * clock's "every ten minutes": one firing mid-test (CI saw it at 17:00:00) restored a challenge a
 * test had just withdrawn.
 */
export const NO_PERIODIC_RECONCILIATION = "0 0 1 1 *";

async function spawnOnce(opts: SpawnNodeOptions, port: number): Promise<NodeProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `ipn-${opts.name}-`));
  const child: ChildProcess = spawn(process.execPath, [IPN_BIN, "start"], {
    env: {
      // The test runner's own IPN_* settings (e.g. IPN_TEST_MONGODB_URL) must not leak into the node.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("IPN_") && k !== "PORT")),
      PORT: String(port),
      IPN_HOST: "127.0.0.1",
      IPN_ORIGIN: opts.origin ?? `http://127.0.0.1:${port}`,
      IPN_STORE: opts.store,
      IPN_PROCESS_ROLE: opts.role,
      IPN_ALLOW_PRIVATE_NETWORK: "true",
      IPN_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
      IPN_DATA_DIR: dataDir,
      IPN_COUNTRY: "DE",
      IPN_LOG_LEVEL: "info",
      IPN_RECONCILE_CRON: NO_PERIODIC_RECONCILIATION, // as startTestNode: never mid-test by the clock
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => { out += s; });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => { out += s; });
  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => { status = { code, signal }; resolve(status); });
  });
  const dispose = async () => {
    if (status === null) {
      child.kill("SIGKILL");
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let listenUrl: string;
  try {
    listenUrl = (await waitFor(`${opts.name} (${opts.role}) to listen`, () => {
      if (status) throw new Error(`${opts.name} exited during start-up (${JSON.stringify(status)}):\n${out.slice(-3000)}`);
      return /listening on (http:\/\/\S+)/.exec(out)?.[1];
    }, { timeoutMs: opts.startTimeoutMs ?? 45_000, intervalMs: 100 }));
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    name: opts.name,
    pid: child.pid!,
    listenUrl,
    output: () => out,
    logRecords: () => out.split("\n").flatMap((line) => {
      if (!line.startsWith("{")) return [];
      try {
        const r = JSON.parse(line) as Partial<LogRecord>;
        return typeof r.message === "string" ? [{ level: r.level ?? "", message: r.message, logger: r.logger ?? "", properties: r.properties ?? {} }] : [];
      } catch {
        return [];
      }
    }),
    exited,
    alive: () => status === null,
    signal: (signal) => { if (status === null) child.kill(signal); },
    dispose,
  };
}

/** The process's exit status, or "still running" if it has not exited within `ms`. */
export async function exitWithin(proc: NodeProcess, ms: number): Promise<ExitStatus | "still running"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still running">((resolve) => { timer = setTimeout(() => resolve("still running"), ms); });
  try {
    return await Promise.race([proc.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Disposes every process, in parallel; never throws. */
export async function disposeAll(processes: Iterable<NodeProcess>): Promise<void> {
  await Promise.all([...processes].map((p) => p.dispose().catch(() => undefined)));
}
