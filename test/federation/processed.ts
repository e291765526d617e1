// Waiting for "the node has processed this activity" without sleeping: Fedify records an activity's
// id in its idempotence cache once the inbox listener finished (whatever the listener decided), so a
// refusal that leaves no other trace can still be awaited.
import type { TestNode } from "../support/node";

export async function processed(node: TestNode, activityId: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for await (const { key } of node.store.kv.list(["_fedify", "activityIdempotence"])) {
      if (key.some((part) => part.split("\n").includes(activityId))) return;
    }
    if (Date.now() > deadline) throw new Error(`${activityId} was not processed within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
