// P1's CPU split (bench/fanout.ts): the node's CPU in two windows of different shape — few inboxes an
// activity, then many — solved for a part per activity and a part per delivery. With 50 inboxes an
// activity the work done once per activity (the publish, the relay, the JSON-LD and its Linked Data
// signature, the durable enqueue) is spread over few deliveries; the split says how much of P1 is that
// and how much the delivery itself, which the lean reference bounds.

export interface CpuWindow {
  activities: number;
  deliveries: number;
  /** CPU seconds the node used in the window. */
  cpu: number;
}

/** CPU = a × activities + d × deliveries, solved for a and d (seconds each) from two windows. */
export function splitCpu(one: CpuWindow, two: CpuWindow): { perActivity: number; perDelivery: number } {
  const det = one.activities * two.deliveries - two.activities * one.deliveries;
  if (det === 0) throw new Error("the two windows have the same shape: nothing to split");
  const perDelivery = (one.activities * two.cpu - two.activities * one.cpu) / det;
  return { perDelivery, perActivity: (one.cpu - perDelivery * one.deliveries) / one.activities };
}
