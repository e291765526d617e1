// Child process of memory-trim.test.ts: a burst of allocation (what a backfill leaves behind), then
// quiet, with the node's memory trim running on short intervals. Prints what a user of `ipn start` would
// see: resident memory at the burst's end and after the trim, and when each trim happened.
import { startMemoryTrim, type TrimReport } from "../../node/ops/memory-trim";

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const trims: (TrimReport & { atMs: number })[] = [];
  const trim = startMemoryTrim({ intervalMs: 250, onTrim: (r) => trims.push({ ...r, atMs: performance.now() }) });
  // The first quiet intervals (the trim after start, if starting left enough behind); off the 250 ms
  // beat, so that the burst does not start just before a sample that still sees the quiet before it.
  await sleep(1125);
  const burstStart = performance.now();
  let kept: unknown[][] = [];
  for (let round = 0; round < 400; round++) {
    // Documents kept for a while and dropped, as a backfill's pages are.
    kept.push(Array.from({ length: 20_000 }, (_, i) => ({ i, text: `challenge ${round}-${i}`, tags: [round, i] })));
    if (kept.length > 40) kept = kept.slice(20);
    if (round % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  kept = [];
  const burstEnd = performance.now();
  const rssAtEnd = process.memoryUsage.rss();
  for (let waited = 0; waited < 10_000 && !trims.some((t) => t.atMs > burstEnd); waited += 100) await sleep(100);
  await sleep(2000); // Node 20 unmaps freed pages in the background
  trim.stop();
  process.stdout.write(`${JSON.stringify({
    rssAtEndMiB: rssAtEnd / MiB,
    rssLaterMiB: process.memoryUsage.rss() / MiB,
    trims: trims.map((t) => ({ at: t.atMs < burstStart ? "before" : t.atMs <= burstEnd ? "during" : "after", pauseMs: t.pauseMs })),
  })}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
