// Child process for the queue contract's crash test: claims a message per worker, reports each, and hangs
// until the parent kills it (SIGKILL, so nothing is acknowledged or released). Also the other process
// of the SQLite test that a message enqueued elsewhere wakes a listener (a long poll interval).
// Usage: node --import tsx queue-crash-worker.ts <store-url> <leaseMs> [pollIntervalMs] [workers]
import "../../node/runtime/shims";
import { openStore } from "../../node/storage/open-store";

async function main(): Promise<void> {
  const [url, lease, poll, workers] = process.argv.slice(2);
  if (!url) throw new Error("usage: queue-crash-worker.ts <store-url> <leaseMs> [pollIntervalMs] [workers]");
  const store = await openStore({ url, queue: { leaseMs: Number(lease ?? 1000), pollIntervalMs: Number(poll ?? 50), workers: Number(workers ?? 1) } });
  process.stdout.write("listening\n");
  await store.queue.listen((message) => {
    process.stdout.write(`claimed ${JSON.stringify(message)}\n`);
    return new Promise<void>(() => { /* never acknowledges */ });
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
