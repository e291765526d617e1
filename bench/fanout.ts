// Fan-out: one hub with many followers spread over fake shared inboxes; publishing challenges makes
// the real node (Fedify, SQLite-backed queue) sign and deliver one POST per shared inbox. Figure:
// signed deliveries per CPU-second of the node's process (its whole CPU, the crypto thread pool
// included), against raw RSA-2048 signs/s on one core; target ≥ 0.7×.
//
// Setup, not measured: followers are written straight into the follower repository (as if 200
// Follows had been accepted) — the delivery path does not care how they got there.
import { type BenchContext, need } from "./lib/context";
import { challengeDoc } from "./lib/documents";
import { startFakeInboxes } from "./lib/fake-inboxes";
import { addFollowers, createHub, publish, startBenchNode } from "./lib/nodes";
import { waitUntil } from "./lib/report";

export async function fanout(ctx: BenchContext): Promise<void> {
  const c = need(ctx);
  const followers = ctx.quick ? 50 : 200;
  const servers = ctx.quick ? 5 : 10;
  const perServer = ctx.quick ? 2 : 5;
  const challenges = ctx.quick ? 5 : 20;
  const inboxes = await startFakeInboxes(servers, perServer, 20);
  const node = await startBenchNode();
  try {
    const hub = await createHub(node, "fanout");
    await addFollowers(node, hub.handle, inboxes.inboxes, followers);
    // One delivery first: key generation, caches and connections are not what is measured.
    await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: "warm-up", n: 100_000 }));
    await waitUntil(async () => (await inboxes.stats()).received >= inboxes.inboxes.length, 60_000, "the warm-up deliveries", 50);
    const before = await inboxes.stats();
    const expected = before.received + challenges * inboxes.inboxes.length;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let n = 0; n < challenges; n++) await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: `x${n}`, n }));
    const published = process.cpuUsage(cpu0);
    await waitUntil(async () => (await inboxes.stats()).received >= expected, ctx.quick ? 60_000 : 120_000, `${expected - before.received} deliveries`, 25);
    const wall = (performance.now() - t0) / 1000;
    const cpuUsed = process.cpuUsage(cpu0);
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const after = await inboxes.stats();
    const deliveries = after.received - before.received;
    const perCore = deliveries / cpu;
    ctx.emit({
      id: "P1",
      name: `signed deliveries per CPU-second (${challenges} challenges × ${inboxes.inboxes.length} shared inboxes, ${followers} followers)`,
      value: perCore,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "minRatio", value: 0.7, text: "≥ 0.7 × raw signs/s" },
      note: `${deliveries} deliveries in ${wall.toFixed(2)} s wall (${(deliveries / wall).toFixed(0)}/s), ${cpu.toFixed(2)} CPU-s in the node process (user ${(cpuUsed.user / 1e6).toFixed(2)}, system ${(cpuUsed.system / 1e6).toFixed(2)}; ${((published.user + published.system) / 1e6).toFixed(2)} of them until the last publish answered); sampled signatures verified ${after.verified}, failed ${after.failed}`,
    });
    ctx.emit({
      id: "P1-wall",
      name: "signed deliveries per wall-clock second (publish → last delivery)",
      value: deliveries / wall,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
    });
    if (after.failed > 0) ctx.log(`WARNING: ${after.failed} sampled signatures did not verify`);
  } finally {
    await node.stop();
    await inboxes.close();
  }
}
