// One benchmark in its own process: `node --require tsx/cjs bench/child.ts <name> [--quick]`, with the
// run's ceilings in IPN_BENCH_CEILINGS. Started by bench/run.ts; figures go to stdout as @@FIG lines.
//
// IPN_BENCH_NATIVE_JSON=1 (run.ts --native-json) is an experiment, not the product: after the
// benchmark's modules are loaded (and with them Fedify's JSON-LD bundle and its core-js
// polyfills), the engine's own JSON.stringify and Array.prototype.push are put back, to show what
// those polyfills cost on the measured paths.
import "../node/runtime/shims";
import { type Ceilings, childContext } from "./lib/context";
import { BENCHMARKS } from "./registry";

const NATIVE = { stringify: JSON.stringify, push: Array.prototype.push };

async function main(): Promise<void> {
  const name = process.argv[2] ?? "";
  const quick = process.argv.includes("--quick");
  const bench = BENCHMARKS[name];
  if (!bench) throw new Error(`unknown benchmark ${name}`);
  const raw = process.env.IPN_BENCH_CEILINGS;
  const ceilings = raw ? (JSON.parse(raw) as Ceilings) : null;
  const run = await bench.load();
  if (process.env.IPN_BENCH_NATIVE_JSON === "1" && name !== "ceilings") {
    JSON.stringify = NATIVE.stringify;
    Array.prototype.push = NATIVE.push;
    process.stdout.write(`  [${name}] experiment: native JSON.stringify and Array.prototype.push restored after loading Fedify\n`);
  }
  await run(childContext(name, quick, ceilings));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
