// A queue lane as Fedify sees it, with a handler of ours in front of Fedify's: each message is first
// offered to `intercept`, which resolves true when it handled the message (the lane acknowledges it)
// and false to pass it on to Fedify's handler. Enqueueing, leases, workers and depth are the store's.
// Used for the fast path's peer hints in the inbox lane and the lean first attempt of deliveries in
// the outbox lane (ADR 0014, 0015).
import type { MessageQueueEnqueueOptions, MessageQueueListenOptions } from "@fedify/fedify";
import type { StoreQueue } from "../../node/storage/store";

export type Interceptor = (message: unknown) => Promise<boolean>;

export function interceptedLane(queue: StoreQueue, intercept: Interceptor): StoreQueue {
  return {
    get nativeRetrial() { return queue.nativeRetrial; },
    enqueue: (message: unknown, options?: MessageQueueEnqueueOptions) => queue.enqueue(message, options),
    ...(queue.enqueueMany ? { enqueueMany: (messages: readonly unknown[], options?: MessageQueueEnqueueOptions) => queue.enqueueMany!(messages, options) } : {}),
    listen: (handler: (message: unknown) => Promise<void> | void, options?: MessageQueueListenOptions) =>
      queue.listen(async (message) => {
        if (!(await intercept(message))) await handler(message);
      }, options),
    getDepth: () => queue.getDepth(),
    hasten: (needles: readonly string[]) => queue.hasten(needles),
  };
}
