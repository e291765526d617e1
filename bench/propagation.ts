// Propagation (issue 3): publish on one node → stored in the mirror (and so listed) on each of K
// following nodes, K = 10 and 30, all on loopback. The origin runs in its own process; the K
// followers share this one (one event loop, one core for all of them — a harsher setting than K
// machines). Latency per follower = from the publish request leaving the harness to the follower's
// mirror reporting the document stored (MirrorService.onChange). Target: p95 ≤ 1 s for K = 30.
import { type BenchContext, need } from "./lib/context";
import { followAccepted, networkMissing } from "./lib/network";
import { addPeer, type BenchNode, startBenchNode } from "./lib/nodes";
import { startOriginNode } from "./lib/origin-node";
import { sleep, summarize, waitUntil } from "./lib/report";

export async function propagation(ctx: BenchContext): Promise<void> {
  const c = need(ctx);
  const missing = networkMissing();
  if (missing) {
    ctx.emit({ id: "P4", name: "publish → visible on K followers", value: NaN, unit: "ms", note: missing });
    return;
  }
  const sizes = ctx.quick ? [3] : [10, 30];
  const publishes = ctx.quick ? 3 : 8;
  const origin = await startOriginNode(0);
  const followers: BenchNode[] = [];
  const seen = new Map<string, Map<BenchNode, number>>();
  let published = 0;
  try {
    for (const k of sizes) {
      while (followers.length < k) {
        const node = await startBenchNode({ IPN_COUNTRY: "FR" });
        node.mirror.onChange((change) => {
          if (change.kind !== "created") return;
          const at = performance.now();
          const byNode = seen.get(change.doc.id) ?? new Map<BenchNode, number>();
          byNode.set(node, at);
          seen.set(change.doc.id, byNode);
        });
        followers.push(node);
        // The origin accepts follows from peers on its own allowlist only (issue 8, principle 5).
        await origin.allow(node.origin, "FR");
        await addPeer(node, { origin: origin.origin, country: "DE" });
      }
      for (const node of followers) await followAccepted(node, origin.origin, 60_000);
      await waitUntil(async () => (await origin.instanceFollowers()) >= k, 30_000, `${k} instance followers on the origin`, 50);
      const samples: number[] = [];
      const lastOfEach: number[] = [];
      for (let p = 0; p < publishes; p++) {
        const t0 = performance.now();
        const id = await origin.publish(published++);
        await waitUntil(() => (seen.get(id)?.size ?? 0) >= k, 30_000, `challenge ${id} on all ${k} followers (${seen.get(id)?.size ?? 0} so far)`, 5);
        const times = [...seen.get(id)!.values()].map((t) => t - t0);
        samples.push(...times);
        lastOfEach.push(Math.max(...times));
        await sleep(200);
      }
      const s = summarize(samples);
      // What the hardware needs at least: the publish's fsync, K signatures on one core, and a fetch
      // of the canonical document plus the delivery (two loopback round trips) and the follower's fsync.
      const floor = 2 * (1000 / c.sqliteFullPerSec) + (k * 1000) / c.rsaSignPerSec + 2 * c.httpRttMs;
      ctx.emit({
        id: k === 30 ? "P4" : `P4-k${k}`,
        name: `K = ${k}: publish → stored on each follower, p95 (${s.n} samples from ${publishes} publishes)`,
        value: s.p95,
        unit: "ms",
        ceiling: { name: "raw floor (2 fsyncs + K RSA signs + 2 round trips)", value: floor, unit: "ms" },
        target: { kind: "max", value: 1000, text: k === 30 ? "p95 ≤ 1 s" : "p95 ≤ 1 s (target is set for K = 30)" },
        note: `p50 ${s.p50.toFixed(0)} ms, max ${s.max.toFixed(0)} ms; last follower reached after p50 ${summarize(lastOfEach).p50.toFixed(0)} ms; origin in its own process, ${k} followers in one process`,
      });
    }
  } finally {
    for (const node of followers) await node.stop().catch(() => {});
    await origin.close();
  }
}
