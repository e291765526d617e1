// bench/results/latest.json: the benchmark runner writes every figure in one fixed shape (ids,
// value, ceiling, ratio, goal, pass; machine; store). Only the writer is tested here, as a pure
// function over Figure objects: benchmarks are not tests, nothing here measures or asserts a timing.
import { type Figure, type MachineInfo, resultsDocument } from "../../bench/lib/report";

const machine: MachineInfo = { cpu: "Test CPU", cores: 2, node: "v20.0.0", os: "Linux 6 x64", loadavg: [1, 0.5, 0.25], date: "2026-12-04T06:30:00.000Z" };
const load: [number, number, number] = [1, 1, 1];

const fanout: Figure = {
  bench: "fanout",
  id: "P1",
  name: "signed deliveries per CPU-second",
  value: 700,
  unit: "/s",
  ceiling: { name: "raw RSA-2048 signs/s", value: 1000, unit: "/s" },
  target: { kind: "minRatio", value: 0.7, text: "≥ 0.7 × raw signs/s" },
  load,
};
const listingMongo: Figure = {
  bench: "listing",
  id: "P3",
  store: "mongodb (FerretDB)",
  name: "MongoDB: GET /api/v1/challenges p50",
  value: 12,
  unit: "ms",
  ceiling: { name: "raw query + round trip", value: 4, unit: "ms" },
  target: { kind: "maxRatio", value: 2, text: "p50 ≤ 2 × ceiling" },
  note: "1,000 stored",
  load,
};
const ceiling: Figure = {
  bench: "ceilings",
  id: "C-rsa-sign",
  name: "RSA-2048 signs/s",
  value: 1000,
  unit: "/s",
  target: { kind: "info", value: 0, text: "" },
  load,
};
const notMeasured: Figure = {
  bench: "scaleout",
  id: "P8-4",
  name: "4 workers",
  value: NaN,
  unit: "/s",
  target: { kind: "min", value: 1, text: "≥ 1" },
  note: "not supported",
  load,
};

describe("bench results file", () => {
  const doc = resultsDocument([fanout, listingMongo, ceiling, notMeasured], machine);

  it("has exactly the figures, the machine and the store", () => {
    expect(Object.keys(doc).sort()).toEqual(["figures", "machine", "store"]);
    expect(doc.store).toBe("sqlite");
    expect(doc.machine).toEqual(machine);
    expect(doc.figures.map((f) => f.id)).toEqual(["P1", "P3", "C-rsa-sign", "P8-4"]);
  });

  it("writes value, ceiling, ratio, goal and pass for a figure with a target", () => {
    expect(doc.figures[0]).toEqual({
      id: "P1",
      name: "signed deliveries per CPU-second",
      value: 700,
      unit: "/s",
      ceiling: 1000,
      ratio: 0.7,
      goal: "≥ 0.7 × raw signs/s",
      pass: true,
      note: "ceiling: raw RSA-2048 signs/s (/s); load 1.00 1.00 1.00",
    });
  });

  it("marks a figure measured on another store and fails a missed goal", () => {
    expect(doc.figures[1]).toMatchObject({ id: "P3", store: "mongodb (FerretDB)", value: 12, ceiling: 4, ratio: 3, goal: "p50 ≤ 2 × ceiling", pass: false });
    expect(doc.figures[1]!.note).toContain("1,000 stored");
    expect(doc.figures[0]).not.toHaveProperty("store");
  });

  it("gives figures without a goal null goal and pass, and never passes what was not measured", () => {
    expect(doc.figures[2]).toMatchObject({ value: 1000, ceiling: null, ratio: null, goal: null, pass: null });
    expect(doc.figures[3]).toMatchObject({ value: null, goal: "≥ 1", pass: false, note: "not supported; load 1.00 1.00 1.00" });
  });

  it("survives JSON (no NaN or undefined left) and names a figure without an id after its benchmark", () => {
    const again = resultsDocument([{ ...ceiling, id: undefined }], machine, "sqlite");
    expect(again.figures[0]!.id).toBe("ceilings-1");
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
