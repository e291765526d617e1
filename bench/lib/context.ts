// The contract between the runner (bench/run.ts) and each benchmark, which runs in its own child
// process (bench/child.ts) so that RSS, event-loop load and leftover handles of one benchmark never
// colour the next one.
import { FIGURE_PREFIX, type Figure, loadavg } from "./report";

/** The machine's raw limits, measured at the start of the same run (bench/ceilings.ts). */
export interface Ceilings {
  rsaSignPerSec: number;
  rsaVerifyPerSec: number;
  sqliteFullPerSec: number;
  sqliteNormalPerSec: number;
  sqliteBatchedPerSec: number;
  /** p50 of an indexed query returning a 20-row page (with documents) over 100k rows (quick: 20k). */
  indexedQueryMs: number;
  /** p50 of a keep-alive loopback GET with a small body, client and server on one core. */
  httpRttMs: number;
  /** Same, carrying a listing-page sized body (20 documents of ~4 KiB). */
  httpRttPageMs: number;
  /** Keep-alive loopback POSTs per second (16 in flight), client and server on one core. */
  httpPostPerSec: number;
  jsonPerSec: number;
}

export interface BenchContext {
  quick: boolean;
  /** Null while the ceilings themselves are measured. */
  ceilings: Ceilings | null;
  emit(f: Omit<Figure, "bench" | "load">): void;
  log(message: string): void;
}

export type Benchmark = (ctx: BenchContext) => Promise<void>;

export const CEILINGS_PREFIX = "@@CEIL ";

export function childContext(bench: string, quick: boolean, ceilings: Ceilings | null): BenchContext {
  return {
    quick,
    ceilings,
    emit(f) {
      const figure: Figure = { ...f, bench, load: loadavg() };
      process.stdout.write(`${FIGURE_PREFIX}${JSON.stringify(figure)}\n`);
    },
    log(message) {
      process.stdout.write(`  [${bench}] ${message}\n`);
    },
  };
}

/** The ceilings a benchmark compares against; throws when the runner did not measure them. */
export function need(ctx: BenchContext): Ceilings {
  if (!ctx.ceilings) throw new Error("ceilings were not measured in this run");
  return ctx.ceilings;
}
