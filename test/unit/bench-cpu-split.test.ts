// P1's CPU split (bench/lib/cpu-split.ts): the README's statement that P1 misses by the work done once per
// activity rests on this solve, so it is checked on windows whose parts are known. A pure function:
// nothing here measures or asserts a timing.
import { splitCpu } from "../../bench/lib/cpu-split";

describe("P1's CPU split into a part per activity and a part per delivery", () => {
  it("recovers the parts from P1's window (20 × 50) and the wide one (10 × 500)", () => {
    const a = 0.02; // 20 ms an activity
    const d = 0.0006; // 600 µs a delivery
    const cpu = (activities: number, deliveries: number) => ({ activities, deliveries, cpu: a * activities + d * deliveries });
    const split = splitCpu(cpu(20, 1000), cpu(10, 5000));
    expect(split.perActivity).toBeCloseTo(a, 12);
    expect(split.perDelivery).toBeCloseTo(d, 12);
  });

  it("gives the same parts whichever window comes first", () => {
    const one = { activities: 20, deliveries: 1000, cpu: 1.0 };
    const two = { activities: 10, deliveries: 5000, cpu: 3.25 };
    const forward = splitCpu(one, two);
    const backward = splitCpu(two, one);
    expect(backward.perActivity).toBeCloseTo(forward.perActivity, 12);
    expect(backward.perDelivery).toBeCloseTo(forward.perDelivery, 12);
    // The solve is exact for both windows it was given.
    expect(forward.perActivity * 20 + forward.perDelivery * 1000).toBeCloseTo(1.0, 12);
    expect(forward.perActivity * 10 + forward.perDelivery * 5000).toBeCloseTo(3.25, 12);
  });

  it("refuses two windows of the same shape (as many deliveries an activity): they cannot be told apart", () => {
    expect(() => splitCpu({ activities: 20, deliveries: 1000, cpu: 1 }, { activities: 10, deliveries: 500, cpu: 0.5 })).toThrow(/same shape/);
  });
});
