// Gives the memory of a burst of work back to the system once the node is quiet again (ADR 0022).
//
// V8 collects only when JavaScript allocates, so a node that falls idle after a burst (a backfill, a
// mirror catching up, an import) keeps the burst's garbage. Node 24's V8 also keeps the heap pages it
// frees in a pool that only a memory-reducing collection empties, and its memory reducer never starts
// one while the allocation rate it last measured, the burst's, stays high: nothing is measured while
// idle. A node that had just stored 100,000 challenges stayed at 430 MiB resident on Node 24, quiet
// for minutes; after one such collection it held 164–180 MiB (bench listing, P6; Node 20: 243 → 182).
import v8 from "node:v8";
import vm from "node:vm";

const MiB = 1024 * 1024;

/** What the trim looks at, every interval. */
export interface MemorySample {
  /** Resident set size, bytes. */
  rss: number;
  /** CPU time this process used so far (user + system), microseconds. */
  cpuMicros: number;
  /** When the sample was taken, milliseconds on a monotonic clock. */
  atMs: number;
}

export interface TrimPolicy {
  /** Resident memory grown by this much over what the last trim left (or the lowest seen since). */
  growthBytes: number;
  /** Quiet: the process used less than this share of one CPU since the previous sample. */
  quietShare: number;
}

export const DEFAULT_TRIM_POLICY: TrimPolicy = { growthBytes: 64 * MiB, quietShare: 0.25 };

/**
 * Trim when memory grew and the burst is over. While work goes on the pages would only be taken again,
 * and the collection (tens of ms, once) would pause it for nothing.
 */
export function shouldTrim(floor: number, previous: MemorySample, now: MemorySample, policy: TrimPolicy): boolean {
  const wallMicros = (now.atMs - previous.atMs) * 1000;
  if (wallMicros <= 0) return false;
  const share = (now.cpuMicros - previous.cpuMicros) / wallMicros;
  return now.rss > floor + policy.growthBytes && share < policy.quietShare;
}

type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: "regular" | "last-resort" }) => void;

/** V8's own collector, whether or not the process was started with --expose-gc. */
function exposedGc(): GcFunction {
  const given = (globalThis as { gc?: GcFunction }).gc;
  if (given) return given;
  // As jest-leak-detector does: V8 gives `gc` to contexts created while --expose-gc is set. The flag is
  // cleared again at once, so no other context (no page script, no dependency) gets it.
  v8.setFlagsFromString("--expose-gc");
  try {
    return vm.runInNewContext("gc") as GcFunction;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}

/**
 * A full collection that also gives freed pages back. Node 24's V8 (13.6) does that only in a
 * memory-reducing collection, the "last-resort" flavour (a few full collections in a row, until one frees
 * nothing more). Node 20's V8 (11.3) gives pages back after any full collection and does not know that
 * flavour: there it collected nothing. Both measured here (test/ops/memory-trim.test.ts runs on each).
 */
export function memoryReducingCollection(): () => void {
  const gc = exposedGc();
  const v8Major = Number(process.versions.v8.split(".")[0]);
  return v8Major >= 12 ? () => gc({ type: "major", execution: "sync", flavor: "last-resort" }) : () => gc();
}

export interface TrimReport {
  /** Resident memory before the collection, bytes. */
  rssBefore: number;
  /** Right after it. Node 20 unmaps freed pages in the background, so there it falls over the next seconds. */
  rssAfter: number;
  /** V8's heap in use before and after, bytes. */
  heapBefore: number;
  heapAfter: number;
  pauseMs: number;
}

export interface MemoryTrimOptions {
  intervalMs?: number;
  policy?: TrimPolicy;
  /** Tests give their own; the default is memoryReducingCollection(). */
  collect?: () => void;
  sample?: () => MemorySample;
  onTrim?: (report: TrimReport) => void;
  /** The collector could not be had, or failed: the trim stops, the node goes on (without it). */
  onError?: (error: unknown) => void;
}

function processSample(): MemorySample {
  const cpu = process.cpuUsage();
  return { rss: process.memoryUsage.rss(), cpuMicros: cpu.user + cpu.system, atMs: performance.now() };
}

/**
 * Samples every interval (10 s by default; the timer does not keep the process alive). The floor starts
 * at zero: the first quiet interval after start trims once, giving back what starting up compiled and
 * threw away.
 */
export function startMemoryTrim(opts: MemoryTrimOptions = {}): { stop(): void } {
  const policy = opts.policy ?? DEFAULT_TRIM_POLICY;
  const sample = opts.sample ?? processSample;
  let collect: () => void;
  try {
    collect = opts.collect ?? memoryReducingCollection();
  } catch (error) {
    // An optimisation: a runtime that will not give the collector must not keep the node from starting.
    opts.onError?.(error);
    return { stop: () => {} };
  }
  let previous = sample();
  let floor = 0;
  const timer = setInterval(() => {
    const now = sample();
    if (shouldTrim(floor, previous, now, policy)) {
      const heapBefore = v8.getHeapStatistics().used_heap_size;
      const started = performance.now();
      try {
        collect();
      } catch (error) {
        // Thrown from a timer it would end the process.
        clearInterval(timer);
        opts.onError?.(error);
        return;
      }
      const pauseMs = performance.now() - started;
      // The collection's own CPU must not count against the next interval's quiet.
      previous = sample();
      floor = previous.rss;
      opts.onTrim?.({ rssBefore: now.rss, rssAfter: previous.rss, heapBefore, heapAfter: v8.getHeapStatistics().used_heap_size, pauseMs });
      return;
    }
    floor = Math.min(floor, now.rss); // zero until the first trim
    previous = now;
  }, opts.intervalMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
