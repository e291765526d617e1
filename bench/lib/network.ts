// Whether the node-to-node network (issue 3) is in this tree, and how a follower waits for it.
import { existsSync } from "node:fs";
import path from "node:path";
import type { BenchNode } from "./nodes";
import { waitUntil } from "./report";

const ROOT = path.join(__dirname, "..", "..");

/** Null when available; otherwise what is missing. */
export function networkMissing(): string | null {
  const need = ["federation/network/peer-network.ts", "node/http/api/peers.routes.ts"];
  const missing = need.filter((f) => !existsSync(path.join(ROOT, f)));
  return missing.length ? `not available yet: ${missing.join(", ")} missing` : null;
}

/** Resolves when the follower's Follow of `origin` has been accepted. */
export async function followAccepted(node: BenchNode, origin: string, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => (await node.store.peers.get(origin))?.sync.followState === "accepted",
    timeoutMs,
    `${node.origin}'s follow of ${origin} to be accepted`,
    50,
  );
}
