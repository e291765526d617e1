// What every benchmark reports: its figure, the raw ceiling it is compared with (measured in the
// same run), the ratio, the DESIGN §8 target and PASS/MISS with the margin, plus the load average
// at the time (other engineers share these 2 cores, so a figure without its load means little).
import os from "node:os";

export type TargetKind = "min" | "max" | "minRatio" | "maxRatio" | "info";

export interface Target {
  kind: TargetKind;
  value: number;
  /** Human wording of the target, e.g. "≥ 0.7 × RSA signs/s". */
  text: string;
}

export interface Figure {
  bench: string;
  /** Stable id in bench/results/latest.json: P1 … P8 for the issue's figures (P3-p95, P8-2 …), C-… for ceilings. */
  id?: string;
  /** The store the figure was measured on when it is not the run's default (SQLite), e.g. "mongodb (FerretDB)". */
  store?: string;
  name: string;
  value: number;
  unit: string;
  ceiling?: { name: string; value: number; unit: string };
  target?: Target;
  /** Why the figure is what it is, or what was not measured. */
  note?: string;
  load: [number, number, number];
  /** Filled in by evaluate(). */
  ratio?: number;
  verdict?: "PASS" | "MISS" | "INFO" | "N/A";
  margin?: string;
}

/** Lines on a child's stdout that carry a figure to the runner. */
export const FIGURE_PREFIX = "@@FIG ";

export function loadavg(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [a, b, c];
}

export function evaluate(f: Figure): Figure {
  const out: Figure = { ...f };
  if (f.ceiling && f.ceiling.value > 0 && Number.isFinite(f.value)) out.ratio = f.value / f.ceiling.value;
  const t = f.target;
  if (!Number.isFinite(f.value)) {
    out.verdict = "N/A";
    return out;
  }
  if (!t || t.kind === "info") {
    out.verdict = "INFO";
    return out;
  }
  const measured = t.kind === "minRatio" || t.kind === "maxRatio" ? out.ratio : f.value;
  if (measured === undefined) {
    out.verdict = "N/A";
    return out;
  }
  const higherIsBetter = t.kind === "min" || t.kind === "minRatio";
  const pass = higherIsBetter ? measured >= t.value : measured <= t.value;
  out.verdict = pass ? "PASS" : "MISS";
  const factor = higherIsBetter ? t.value / measured : measured / t.value;
  out.margin = pass ? `${fmt(higherIsBetter ? measured / t.value : t.value / measured)}× better than target` : `${fmt(factor)}× short of target`;
  return out;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1000) return Math.round(n).toLocaleString("en-US");
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

const loadText = (l: [number, number, number]) => `load ${l.map((x) => x.toFixed(2)).join(" ")}`;

// ---- bench/results/latest.json ----

/** One figure as written to bench/results/latest.json. */
export interface ResultFigure {
  id: string;
  name: string;
  /** Null when not measured (the note says why). */
  value: number | null;
  unit: string;
  /** The raw ceiling measured in the same run (its unit is the figure's unless the goal says otherwise). */
  ceiling: number | null;
  ratio: number | null;
  /** The target in words, null for figures that have none (ceilings, context). */
  goal: string | null;
  /** true/false against the goal; false when a goal exists but the figure could not be measured; null without a goal. */
  pass: boolean | null;
  store?: string;
  note?: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  os: string;
  loadavg: [number, number, number];
  date: string;
}

export interface ResultsFile {
  figures: ResultFigure[];
  machine: MachineInfo;
  store: string;
}

export function machineInfo(date = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadavg: loadavg(),
    date: date.toISOString(),
  };
}

const finite = (n: number | undefined): number | null => (n !== undefined && Number.isFinite(n) ? n : null);

/** The results file from the run's figures (pure: evaluates figures not yet evaluated). */
export function resultsDocument(figures: Figure[], machine: MachineInfo, store = "sqlite"): ResultsFile {
  return {
    figures: figures.map((raw, i) => {
      const f = raw.verdict ? raw : evaluate(raw);
      const hasGoal = !!f.target && f.target.kind !== "info";
      const r: ResultFigure = {
        id: f.id ?? `${f.bench}-${i + 1}`,
        name: f.name,
        value: finite(f.value),
        unit: f.unit,
        ceiling: finite(f.ceiling?.value),
        ratio: finite(f.ratio),
        goal: hasGoal ? f.target!.text : null,
        pass: !hasGoal ? null : f.verdict === "PASS",
      };
      if (f.store) r.store = f.store;
      const note = [f.ceiling ? `ceiling: ${f.ceiling.name} (${f.ceiling.unit})` : "", f.note ?? "", loadText(f.load)].filter(Boolean).join("; ");
      if (note) r.note = note;
      return r;
    }),
    machine,
    store,
  };
}

/** One line for the console. */
export function line(f: Figure): string {
  const parts = [`[${f.bench}] ${f.name}: ${Number.isFinite(f.value) ? fmt(f.value) : "not measured"} ${f.unit}`];
  if (f.ceiling) parts.push(`ceiling ${f.ceiling.name} ${fmt(f.ceiling.value)} ${f.ceiling.unit}`);
  if (f.ratio !== undefined) parts.push(`ratio ${fmt(f.ratio)}`);
  if (f.target && f.target.kind !== "info") parts.push(`target ${f.target.text}`);
  parts.push(f.verdict === "MISS" || f.verdict === "PASS" ? `${f.verdict} (${f.margin})` : (f.verdict ?? ""));
  parts.push(`(${loadText(f.load)})`);
  let s = parts.filter(Boolean).join(" | ");
  if (f.note) s += `\n    note: ${f.note}`;
  return s;
}

/** The results as a Markdown table (for the README's "Performance" section). */
export function markdownTable(figures: Figure[]): string {
  const rows = ["| benchmark | figure | raw ceiling (same run) | ratio | target | verdict | load (1/5/15 min) |", "|---|---|---|---|---|---|---|"];
  for (const f of figures) {
    rows.push(
      `| ${f.bench}: ${f.name} | ${Number.isFinite(f.value) ? fmt(f.value) : "—"} ${f.unit} | ${f.ceiling ? `${f.ceiling.name}: ${fmt(f.ceiling.value)} ${f.ceiling.unit}` : ""} | ${f.ratio !== undefined ? fmt(f.ratio) : ""} | ${f.target && f.target.kind !== "info" ? f.target.text : ""} | ${f.verdict === "PASS" || f.verdict === "MISS" ? `${f.verdict} (${f.margin})` : (f.verdict ?? "")} | ${f.load.map((x) => x.toFixed(2)).join(" / ")} |`,
    );
  }
  return rows.join("\n");
}

// ---- measuring helpers ----

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(samples: number[]): { p50: number; p95: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN, n: s.length };
}

/** Calls `fn` until `ms` have passed (at least `min` times); returns calls per second. */
export function rateSync(fn: () => void, ms: number, min = 10): number {
  const t0 = performance.now();
  let n = 0;
  while (n < min || performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs` with `what`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
