// `npm run bench [-- <name>…] [--quick]`: measures the raw ceilings of this machine, then runs each
// benchmark in its own child process and prints every figure beside its ceiling, the ratio, the
// DESIGN §8 target and PASS/MISS. Benchmarks are not tests: a MISS does not fail the run; a
// benchmark that crashes or overruns its time box does (exit code 1).
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CEILINGS_PREFIX, type Ceilings } from "./lib/context";
import { evaluate, FIGURE_PREFIX, type Figure, line, loadavg, machineInfo, markdownTable, resultsDocument } from "./lib/report";
import { BENCHMARKS } from "./registry";

function usage(): string {
  return [
    "usage: npm run bench -- [name …] [--quick]",
    "  --quick        smaller data sets and shorter runs (a smoke run of the whole harness)",
    "  --native-json  experiment: put the engine's JSON.stringify and Array.prototype.push back after",
    "                 Fedify's JSON-LD bundle replaced them with core-js polyfills (not the product)",
    "benchmarks:",
    ...Object.entries(BENCHMARKS).map(([n, e]) => `  ${n.padEnd(12)} ${e.description}`),
  ].join("\n");
}

interface ChildResult {
  figures: Figure[];
  ceilings: Ceilings | null;
  ok: boolean;
}

function runChild(name: string, quick: boolean, ceilings: Ceilings | null, nativeJson = false): Promise<ChildResult> {
  const entry = BENCHMARKS[name]!;
  // The node runs with the flags `npm start` and the container give it (package.json, deploy/Dockerfile);
  // IPN_BENCH_NODE_ARGS come after them, so an experiment can override them.
  const args = ["--max-semi-space-size=16", ...(process.env.IPN_BENCH_NODE_ARGS ? process.env.IPN_BENCH_NODE_ARGS.split(" ") : []), "--expose-gc", "--require", "tsx/cjs", path.join(__dirname, "child.ts"), name, ...(quick ? ["--quick"] : [])];
  const child = spawn(process.execPath, args, {
    cwd: path.join(__dirname, ".."),
    env: { ...process.env, IPN_BENCH_CEILINGS: ceilings ? JSON.stringify(ceilings) : "", IPN_BENCH_NATIVE_JSON: nativeJson ? "1" : "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const figures: Figure[] = [];
  let found: Ceilings | null = null;
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    buffered += chunk;
    let nl = buffered.indexOf("\n");
    while (nl >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (text.startsWith(FIGURE_PREFIX)) {
        const parsed = JSON.parse(text.slice(FIGURE_PREFIX.length)) as Figure;
        const f = evaluate(nativeJson ? { ...parsed, name: `${parsed.name} [native JSON experiment]` } : parsed);
        figures.push(f);
        console.log(line(f));
      } else if (text.startsWith(CEILINGS_PREFIX)) {
        found = JSON.parse(text.slice(CEILINGS_PREFIX.length)) as Ceilings;
      } else if (text.trim() !== "") {
        console.log(text);
      }
      nl = buffered.indexOf("\n");
    }
  });
  const limitMs = entry.timeoutMin * 60_000 * (quick ? 0.5 : 1);
  const timer = setTimeout(() => {
    console.log(`[${name}] overran its time box of ${Math.round(limitMs / 60_000)} min: stopping it`);
    child.kill("SIGKILL");
  }, limitMs);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ figures, ceilings: found, ok: code === 0 });
    });
  });
}

/**
 * Where the figures go: bench/results/latest.json for a full run of every benchmark (committed as
 * the evidence); quick runs, runs of some benchmarks and experiments get their own file beside it
 * (not committed), so they never overwrite the evidence.
 */
function resultsFile(quick: boolean, nativeJson: boolean, names: string[]): string {
  const suffix = [quick ? "quick" : "", nativeJson ? "native-json" : "", ...names].filter(Boolean).join("-");
  return path.join(__dirname, "results", suffix ? `latest-${suffix}.json` : "latest.json");
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage());
    return 0;
  }
  const quick = argv.includes("--quick");
  const nativeJson = argv.includes("--native-json");
  const names = argv.filter((a) => !a.startsWith("-"));
  const unknown = names.filter((n) => !BENCHMARKS[n]);
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(", ")}\n${usage()}`);
    return 2;
  }
  const selected = Object.keys(BENCHMARKS).filter((n) => n !== "ceilings" && (names.length === 0 || names.includes(n)));
  const started = Date.now();
  console.log(
    `IPN benchmarks${quick ? " (quick)" : ""}${nativeJson ? " (native JSON experiment)" : ""} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );

  const all: Figure[] = [];
  let failed: string[] = [];
  console.log("\n== ceilings: raw limits measured in this run ==");
  const base = await runChild("ceilings", quick, null);
  all.push(...base.figures);
  if (!base.ok || !base.ceilings) {
    console.error("the ceilings could not be measured; stopping");
    return 1;
  }
  for (const name of selected) {
    console.log(`\n== ${name}: ${BENCHMARKS[name]!.description} ==`);
    const r = await runChild(name, quick, base.ceilings, nativeJson);
    all.push(...r.figures);
    if (!r.ok) failed = [...failed, name];
  }

  const file = path.join(os.tmpdir(), `ipn-bench-${quick ? "quick" : "full"}${nativeJson ? "-native-json" : ""}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), quick, node: process.version, cpus: os.cpus().length, figures: all }, null, 2));
  const results = resultsFile(quick, nativeJson, names);
  mkdirSync(path.dirname(results), { recursive: true });
  writeFileSync(results, `${JSON.stringify(resultsDocument(all, machineInfo()), null, 2)}\n`);
  console.log(`\n== summary (${Math.round((Date.now() - started) / 1000)} s; figures also in ${path.relative(process.cwd(), results)} and ${file}) ==\n`);
  console.log(markdownTable(all));
  const misses = all.filter((f) => f.verdict === "MISS");
  console.log(`\n${all.filter((f) => f.verdict === "PASS").length} PASS, ${misses.length} MISS${failed.length ? `, failed: ${failed.join(", ")}` : ""}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
