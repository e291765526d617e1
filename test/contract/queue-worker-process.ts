// The queue worker of queue-crash-worker.ts in a process of its own, for the tests that need another
// process on the same store (a crash mid-handler, a wake-up across processes).
import { spawn } from "node:child_process";
import path from "node:path";

const WORKER = path.join(__dirname, "queue-crash-worker.ts");

export interface QueueWorkerProcess {
  /** Everything it printed to stdout so far ("listening", then "claimed {message}"). */
  output(): string;
  /** Everything it printed to stderr so far (Node's warnings). */
  errors(): string;
  /** Resolves once stdout contains `text`; fails after `ms` with its stderr. */
  waitFor(text: string, ms: number): Promise<void>;
  /** SIGKILL (nothing acknowledged or released), resolved once it exited. */
  kill(): Promise<void>;
}

export function startQueueWorker(storeUrl: string, leaseMs: number, pollIntervalMs = 50, workers = 1): QueueWorkerProcess {
  const args = [WORKER, storeUrl, String(leaseMs), String(pollIntervalMs), String(workers)];
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: path.join(__dirname, "..", ".."), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
  child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    output: () => out,
    errors: () => err,
    async waitFor(text, ms) {
      const deadline = Date.now() + ms;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" from the other process within ${ms} ms (stderr: ${err})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
