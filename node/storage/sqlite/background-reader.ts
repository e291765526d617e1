// Read-only queries in a thread of their own (reader-thread.cjs). better-sqlite3 is synchronous: a
// statement blocks the event loop for as long as it runs. The few queries that read every match of a
// selection (facet counts: 0.05–1.3 s over 100,000 challenges, ADR 0017) run here instead, on a second
// connection to the same file; the node keeps answering meanwhile. Started on first use (most stores
// never need it); an in-memory database has no file to share, so it has none (reads run in-thread).
import path from "node:path";
import { Worker } from "node:worker_threads";

type Row = Record<string, unknown>;
interface Pending { resolve(rows: Row[]): void; reject(err: Error): void }

export class BackgroundReader {
  private worker: Worker | null = null;
  private failed: Error | null = null;
  private closing = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(private readonly file: string, private readonly busyTimeoutMs = 5000) {}

  /** The rows of a read-only statement, read in the reader thread. */
  all<T extends Row>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.failed) return Promise.reject(this.failed);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: Row[]) => void, reject });
      // Only a pending read keeps the process alive (an idle reader never holds up an exit).
      if (this.pending.size === 1) worker.ref();
      try {
        worker.postMessage({ id, sql, params });
      } catch (err) {
        // Parameters that cannot be sent: this read fails, the thread is fine.
        this.settle(id);
        reject(err as Error);
      }
    });
  }

  /** Whether close() was called: a read that failed for that reason must not be run elsewhere. */
  get closed(): boolean {
    return this.closing;
  }

  /** Whether reads can go to the thread (it has not failed). */
  get usable(): boolean {
    return this.failed === null;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.closing = true;
    this.failed ??= new Error("the store is closed");
    this.settleAll(this.failed);
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(__dirname, "reader-thread.cjs"), { workerData: { file: this.file, busyTimeoutMs: this.busyTimeoutMs } });
    worker.unref();
    worker.on("message", (m: { id: number; rows?: Row[]; error?: string; code?: string }) => {
      const p = this.settle(m.id);
      if (!p) return;
      if (m.error === undefined) p.resolve(m.rows ?? []);
      // SQLite's own code (SQLITE_BUSY…) survives the thread boundary, as on the node's connection.
      else p.reject(Object.assign(new Error(m.error), m.code === undefined ? {} : { code: m.code }));
    });
    // A thread that cannot start or dies fails what it holds; reads then run in the caller's thread.
    const fail = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failed = err;
      this.settleAll(err);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the reader thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Takes a read off the pending list; the thread no longer keeps the process alive once none is left. */
  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    return p;
  }

  private settleAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
