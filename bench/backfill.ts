// Backfill (issue 3): a new node adds a peer holding 10,000 challenges (POST /api/v1/peers) and
// pulls them all — canonical documents in pages through the sync API, validated, stored one page
// per transaction. Figure: challenges stored per second from the POST until the last is stored,
// against raw batched SQLite inserts/s; target ≥ 0.3×. The peer runs in its own process.
// With IPN_BENCH_MONGODB_URL the follower's store is MongoDB (FerretDB) as well, with fewer
// documents (FerretDB stored ≈ 9 documents/s here one at a time, ≈ 100/s since a page is committed in
// bulk; the figure names the count).
import { type BenchContext, need } from "./lib/context";
import { networkMissing } from "./lib/network";
import { addPeer, startBenchNode } from "./lib/nodes";
import { startOriginNode } from "./lib/origin-node";
import { waitUntil } from "./lib/report";

async function runOn(ctx: BenchContext, total: number, env: Record<string, string>, store?: string): Promise<void> {
  const c = need(ctx);
  const origin = await startOriginNode(total);
  const node = await startBenchNode({ IPN_COUNTRY: "FR", ...env });
  try {
    let stored = 0;
    node.mirror.onChange((change) => {
      if (change.kind === "created") stored++;
    });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await addPeer(node, { origin: origin.origin, country: "DE" });
    // FerretDB writes a few documents a second and a page is stored as one call: its own, longer time box.
    await waitUntil(() => stored >= total, store ? 300_000 : ctx.quick ? 60_000 : 150_000, `${total} challenges backfilled (${stored} so far)`, 10);
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    const listed = await node.store.challenges.list({ limit: 1, country: ["DE"] });
    if (!listed.items.length) throw new Error("backfilled challenges are not in the listing");
    ctx.emit({
      id: "P5",
      ...(store ? { store } : {}),
      name: `${store ? "MongoDB: " : ""}backfill of ${total.toLocaleString("en-US")} challenges from a peer (sync API pages, validate, store)`,
      value: total / wall,
      unit: "/s",
      ceiling: { name: "raw batched SQLite inserts (1,000 per tx)", value: c.sqliteBatchedPerSec, unit: "/s" },
      target: { kind: "minRatio", value: 0.3, text: "≥ 0.3 × raw batched inserts/s" },
      note: `${wall.toFixed(2)} s from POST /api/v1/peers to the last document stored; ${cpu.toFixed(2)} CPU-s in the follower's process (${(total / cpu).toFixed(0)}/CPU-s); the peer serves pages from its own process${store ? " (its store is SQLite)" : ""}`,
    });
  } finally {
    await node.stop();
    await origin.close();
  }
}

export async function backfill(ctx: BenchContext): Promise<void> {
  const missing = networkMissing();
  const total = ctx.quick ? 1000 : 10_000;
  if (missing) {
    ctx.emit({ id: "P5", name: `backfill of ${total} challenges`, value: NaN, unit: "/s", note: missing });
    return;
  }
  await runOn(ctx, total, {});
  const mongo = process.env.IPN_BENCH_MONGODB_URL;
  if (!mongo) return;
  const url = new URL(mongo);
  url.pathname = `/ipn_bench_backfill_${Date.now()}`;
  const { MongoClient } = await import("mongodb");
  try {
    await runOn(ctx, ctx.quick ? 100 : 2000, { IPN_STORE: url.href }, "mongodb (FerretDB)");
  } finally {
    const client = new MongoClient(url.href);
    await client
      .db()
      .dropDatabase()
      .catch(() => {});
    await client.close();
  }
}
