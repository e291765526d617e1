// One origin's work done together (federation/network/origin-batches.ts): what arrives while a run
// is going goes in the next run; in a burst the next run waits for its batch to fill, and starts as
// soon as it is full; a lone item never waits. Wherever a test expects no wait, the linger is 10 s and
// the test's own time limit 2 s, so a wait that should not happen fails it.
import { OriginBatches, type Outcomes } from "../../federation/network/origin-batches";

const ORIGIN = "https://peer.example";
/** Below every 10 s linger here (Jest's own limit in this project is 60 s). */
const NO_WAIT_MS = 2_000;

/** A run that records its items and finishes when the test says so (or at once). */
function recorder(opts: { holdFirst?: boolean } = {}) {
  const runs: string[][] = [];
  let release: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => { release = resolve; });
  let started: () => void = () => {};
  const firstStarted = new Promise<void>((resolve) => { started = resolve; });
  const run = async (_origin: string, items: string[]): Promise<Outcomes<string>> => {
    runs.push(items);
    if (runs.length === 1) {
      started();
      if (opts.holdFirst) await firstHeld;
    }
    return items.map((item) => ({ ok: true, value: `done ${item}` }));
  };
  return { runs, run, release, firstStarted };
}

it("runs a lone item at once, burst settings or not", async () => {
  const r = recorder();
  const batches = new OriginBatches(r.run, 5, { from: 1, ms: 10_000 });
  await expect(batches.add(ORIGIN, "a")).resolves.toBe("done a");
  await expect(batches.add(ORIGIN, "b")).resolves.toBe("done b");
  expect(r.runs).toEqual([["a"], ["b"]]);
}, NO_WAIT_MS);

it("in a burst, the next run waits for its batch to fill and starts as soon as it is full", async () => {
  const r = recorder({ holdFirst: true });
  const batches = new OriginBatches(r.run, 5, { from: 2, ms: 10_000 });
  const first = ["a", "b", "c"].map((x) => batches.add(ORIGIN, x));
  await r.firstStarted;
  const waiting = ["d", "e"].map((x) => batches.add(ORIGIN, x));
  r.release();
  await Promise.all(first);
  // The first run held 3 (≥ 2): the next one waits for more rather than go with "d" and "e" alone.
  await new Promise((resolve) => setImmediate(resolve));
  expect(r.runs).toEqual([["a", "b", "c"]]);
  const more = ["f", "g", "h"].map((x) => batches.add(ORIGIN, x));
  await expect(Promise.all([...waiting, ...more])).resolves.toEqual(["d", "e", "f", "g", "h"].map((x) => `done ${x}`));
  expect(r.runs).toEqual([["a", "b", "c"], ["d", "e", "f", "g", "h"]]);
}, NO_WAIT_MS);

it("in a burst, a batch that does not fill goes when the linger is over", async () => {
  const r = recorder({ holdFirst: true });
  const batches = new OriginBatches(r.run, 5, { from: 2, ms: 30 });
  const first = ["a", "b"].map((x) => batches.add(ORIGIN, x));
  await r.firstStarted;
  const late = batches.add(ORIGIN, "c");
  r.release();
  await Promise.all(first);
  await expect(late).resolves.toBe("done c");
  expect(r.runs).toEqual([["a", "b"], ["c"]]);
});

it("after a run smaller than a burst, the next goes without waiting", async () => {
  const r = recorder({ holdFirst: true });
  const batches = new OriginBatches(r.run, 5, { from: 3, ms: 10_000 });
  const first = ["a", "b"].map((x) => batches.add(ORIGIN, x));
  await r.firstStarted;
  const next = batches.add(ORIGIN, "c");
  r.release();
  await expect(Promise.all([...first, next])).resolves.toEqual(["done a", "done b", "done c"]);
  expect(r.runs).toEqual([["a", "b"], ["c"]]);
}, NO_WAIT_MS);

it("never waits without burst settings", async () => {
  const r = recorder({ holdFirst: true });
  const batches = new OriginBatches(r.run, 5);
  const first = ["a", "b", "c", "d"].map((x) => batches.add(ORIGIN, x));
  await r.firstStarted;
  const next = batches.add(ORIGIN, "e");
  r.release();
  await expect(Promise.all([...first, next])).resolves.toHaveLength(5);
  expect(r.runs).toEqual([["a", "b", "c", "d"], ["e"]]);
}, NO_WAIT_MS);
