// Isolation (P7): a hub with 1,000 followers, 10 of them on "tarpit" servers that accept TCP
// connections and never answer. Figure: how much the p95 of the healthy followers' deliveries
// (publish → the fake inbox has the POST) grows when the tarpits are among the followers, against
// the same publishes without them; target: growth ≤ 1 s.
//
// The node's real delivery path: the durable queue's outbox lane (IPN_OUTBOX_WORKERS handlers, 16 by
// default) and the transport of federation/transport/outgoing.ts (per-origin caps, "slow" servers
// held back after 3 s, the delivery timeout IPN_DELIVERY_TIMEOUT_MS, 10 s by default, then backoff).
// A tarpit's delivery runs until that timeout, but after 1 s it no longer holds one of the lane's
// handlers (DEFAULT_LANE_DETACH_MS); the figure says whether the healthy followers notice.
//
// Setup, not measured: followers are written straight into the follower repository. Healthy
// followers share the healthy servers' shared inboxes (as on the fediverse: many followers per
// server, one delivery per shared inbox); each tarpit follower is alone on its own tarpit server.
// The tarpit followers are added after the warm-up, so the measured publishes meet them fresh
// (never contacted, not yet backed off): the worst case.
import { DEFAULT_LANE_WORKERS } from "../node/storage/store";
import { type BenchContext, need } from "./lib/context";
import { challengeDoc } from "./lib/documents";
import { type Arrival, startFakeInboxes } from "./lib/fake-inboxes";
import { type BenchNode, addFollowers, createHub, publish, startBenchNode } from "./lib/nodes";
import { sleep, summarize, waitUntil } from "./lib/report";

const now = () => performance.timeOrigin + performance.now();

interface Round {
  samples: number[];
  wallS: number;
  cpuS: number;
}

/** Publishes `count` challenges `gapMs` apart; returns each healthy delivery's latency from its publish. */
async function round(
  ctx: BenchContext,
  node: BenchNode,
  hub: { handle: string; token: string },
  arrivals: () => Promise<Arrival[]>,
  healthyInboxes: number,
  tag: string,
  count: number,
  gapMs: number,
): Promise<Round> {
  const sentAt = new Map<string, number>();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let n = 0; n < count; n++) {
    const start = now();
    const id = await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: `${tag}-${n}`, n: 200_000 + n }));
    sentAt.set(id, start);
    const wait = gapMs - (now() - start);
    if (wait > 0 && n < count - 1) await sleep(wait);
  }
  const expected = count * healthyInboxes;
  let got: Arrival[] = [];
  await waitUntil(
    async () => {
      got = (await arrivals()).filter((a) => a.type === "Create" && a.object !== null && sentAt.has(a.object));
      return got.length >= expected;
    },
    ctx.quick ? 90_000 : 180_000,
    `${expected} healthy deliveries of the ${tag} round (${got.length} so far)`,
    100,
  );
  const used = process.cpuUsage(cpu0);
  return {
    samples: got.map((a) => a.at - sentAt.get(a.object!)!),
    wallS: (performance.now() - t0) / 1000,
    cpuS: (used.user + used.system) / 1e6,
  };
}

export async function isolation(ctx: BenchContext): Promise<void> {
  need(ctx);
  const followers = ctx.quick ? 200 : 1000;
  const tarpitCount = 10;
  const healthyFollowers = followers - tarpitCount;
  const servers = ctx.quick ? 10 : 20;
  const perServer = 2;
  const publishes = ctx.quick ? 4 : 10;
  const gapMs = 1000;
  const inboxes = await startFakeInboxes(servers, perServer, 0, { tarpits: tarpitCount, record: true });
  const node = await startBenchNode();
  try {
    const hub = await createHub(node, "isolation");
    await addFollowers(node, hub.handle, inboxes.inboxes, healthyFollowers);
    const healthy = inboxes.inboxes.length;
    // Warm-up (not measured): keys, caches, connections; every healthy server has answered, so the
    // transport counts it as prompt in both rounds.
    const warm = await round(ctx, node, hub, () => inboxes.arrivals(), healthy, "warm-up", 1, 0);
    ctx.log(`warm-up: ${warm.samples.length} deliveries, p95 ${summarize(warm.samples).p95.toFixed(0)} ms`);
    const base = await round(ctx, node, hub, () => inboxes.arrivals(), healthy, "baseline", publishes, gapMs);
    for (let t = 0; t < tarpitCount; t++) {
      const tarpit = inboxes.tarpits[t]!;
      const origin = new URL(tarpit).origin;
      await node.store.followers.add(hub.handle, { actorId: `${origin}/users/t${t}`, inbox: tarpit, sharedInbox: tarpit, followId: `${origin}/follows/t${t}` });
    }
    const pits = await round(ctx, node, hub, () => inboxes.arrivals(), healthy, "tarpits", publishes, gapMs);
    const connections = await inboxes.tarpitConnections();
    const a = summarize(base.samples);
    const b = summarize(pits.samples);
    const rounds = `${publishes} publishes ${gapMs} ms apart to ${followers} followers (${healthyFollowers} healthy on ${healthy} shared inboxes of ${servers} servers`;
    ctx.emit({
      id: "P7",
      name: `isolation: growth of the healthy followers' delivery p95 with ${tarpitCount} tarpit followers among ${followers}`,
      value: b.p95 - a.p95,
      unit: "ms",
      target: { kind: "max", value: 1000, text: "growth ≤ 1,000 ms" },
      note: `p95 ${a.p95.toFixed(0)} ms without the tarpits, ${b.p95.toFixed(0)} ms with them (p50 ${a.p50.toFixed(0)} → ${b.p50.toFixed(0)} ms, max ${a.max.toFixed(0)} → ${b.max.toFixed(0)} ms); ${rounds}, ${b.n} healthy deliveries per round); the tarpits accepted ${connections} connections; delivery timeout 10 s (IPN_DELIVERY_TIMEOUT_MS default), ${DEFAULT_LANE_WORKERS.outbox} outbox handlers (default)`,
    });
    ctx.emit({
      id: "P7-baseline",
      name: `isolation: healthy deliveries p95 without tarpits (publish → POST received)`,
      value: a.p95,
      unit: "ms",
      target: { kind: "info", value: 0, text: "" },
      note: `${rounds}); ${base.wallS.toFixed(1)} s wall, ${base.cpuS.toFixed(2)} CPU-s in the node process`,
    });
    ctx.emit({
      id: "P7-tarpits",
      name: `isolation: healthy deliveries p95 with ${tarpitCount} tarpit followers`,
      value: b.p95,
      unit: "ms",
      target: { kind: "info", value: 0, text: "" },
      note: `${rounds}); ${pits.wallS.toFixed(1)} s wall, ${pits.cpuS.toFixed(2)} CPU-s in the node process`,
    });
  } finally {
    await node.stop();
    await inboxes.close();
  }
}
