// An HTTP client in a worker thread, for timing requests to a node that runs in the benchmark's own
// process. A client in the node's thread puts its own work in the node's heap: each 90 KiB answer it
// receives is ≈ 180 KiB of buffers, which V8 counts against the old generation until the next full
// collection; in some listing windows that made V8 collect the whole heap every ≈ 0.1 s (24 full
// collections, 305 ms; 1–2 with the client in a worker thread; 2026-12-06). A reader's browser
// is another machine: its buffers are not the node's.
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort } = require("node:worker_threads");
const http = require("node:http");
const agents = new Map();
parentPort.on("message", ({ id, url, accept, wantText }) => {
  const u = new URL(url);
  let agent = agents.get(u.host);
  if (!agent) agents.set(u.host, (agent = new http.Agent({ keepAlive: true, maxSockets: 1 })));
  const t = performance.now();
  const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent, headers: { accept } }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => {
      // Timed to the last byte, not decoded (as the raw round trip it is compared with).
      const ms = performance.now() - t;
      const ok = res.statusCode === 200;
      parentPort.postMessage({ id, status: res.statusCode, ms, text: wantText || !ok ? Buffer.concat(chunks).toString("utf8") : undefined });
    });
  });
  req.on("error", (e) => parentPort.postMessage({ id, error: String(e) }));
  req.end();
});
`;

export interface TimedAnswer {
  status: number;
  /** From sending the request to its answer's last byte, timed in the client's thread. */
  ms: number;
  /** The body, when asked for or when the status is not 200. */
  text?: string;
}

export class ThreadClient {
  private readonly worker = new Worker(SOURCE, { eval: true });
  private readonly waiting = new Map<number, { resolve(a: TimedAnswer): void; reject(e: Error): void }>();
  private next = 0;

  constructor() {
    this.worker.on("message", (m: TimedAnswer & { id: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m);
    });
    this.worker.on("error", (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  /** One keep-alive connection per host, one request at a time on it. */
  get(url: string, opts: { accept?: string; wantText?: boolean } = {}): Promise<TimedAnswer> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, url, accept: opts.accept ?? "application/json", wantText: opts.wantText ?? false });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
