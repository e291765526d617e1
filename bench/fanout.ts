// Fan-out: one hub with many followers spread over fake shared inboxes; publishing challenges makes
// the real node (Fedify, SQLite-backed queue) sign and deliver one POST per shared inbox. Figure:
// signed deliveries per CPU-second of the node's process (its whole CPU, the crypto thread pool
// included), against raw RSA-2048 signs/s on one core; target ≥ 0.7×.
//
// P1-wide: the same node publishing to 500 shared inboxes an activity instead of 50. With P1 it splits the
// node's CPU into a part per activity and a part per delivery (bench/lib/cpu-split.ts), which P1-lean
// bounds: P1-per-delivery and P1-per-activity, the latter with the room P1's goal leaves for it.
//
// Setup, not measured: followers are written straight into the follower repository (as if 200
// Follows had been accepted) — the delivery path does not care how they got there.
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { Agent, request } from "undici";
import { type BenchContext, need } from "./lib/context";
import { splitCpu } from "./lib/cpu-split";
import { challengeDoc } from "./lib/documents";
import { startFakeInboxes } from "./lib/fake-inboxes";
import { addFollowers, createHub, publish, startBenchNode } from "./lib/nodes";
import { waitUntil } from "./lib/report";
import { describeThreadCpu, threadCpu, threadCpuSince } from "./lib/thread-cpu";
import { profileWindow } from "./lib/window-profile";

/**
 * What a signed delivery costs with nothing of the node around it: the RSA signature over the
 * draft-cavage headers (key imported once, body and digest made once) and undici's POST on a
 * keep-alive dispatcher, 16 in flight, to the same kind of fake inboxes (their own process, no
 * sampled verification). No queue, no store, no Fedify. Deliveries per CPU-second of this process.
 */
async function leanReference(count: number, servers: number, perServer: number): Promise<{ perCpuSecond: number; perSign: number }> {
  const inboxes = await startFakeInboxes(servers, perServer, 0);
  const agent = new Agent({ connections: 4, keepAliveTimeout: 60_000 });
  try {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const body = Buffer.from(JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      type: "Create",
      id: "http://127.0.0.1:9/activities/1",
      actor: "http://127.0.0.1:9/hubs/h",
      object: challengeDoc({ origin: "http://127.0.0.1:9", hub: "h", key: "lean", n: 1 }),
    }));
    const digest = `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
    const deliver = async (url: URL, key: KeyObject) => {
      const headers: Record<string, string> = { "content-type": "application/activity+json", date: new Date().toUTCString(), digest, host: url.host };
      const text = [`(request-target): post ${url.pathname}`, ...Object.keys(headers).sort().map((n) => `${n}: ${headers[n]}`)].join("\n");
      const signature = sign("sha256", Buffer.from(text), key).toString("base64");
      headers.signature = `keyId="http://127.0.0.1:9/hubs/h#main-key",algorithm="rsa-sha256",headers="(request-target) content-type date digest host",signature="${signature}"`;
      const res = await request(url, { method: "POST", headers, body, dispatcher: agent });
      await res.body.dump();
      if (res.statusCode !== 202) throw new Error(`lean reference: the fake inbox answered ${res.statusCode}`);
    };
    const urls = inboxes.inboxes.map((u) => new URL(u));
    const run = async (n: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < n) await deliver(urls[next++ % urls.length]!, privateKey);
      }));
    };
    await run(200);
    const cpu0 = process.cpuUsage();
    await run(count);
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    const t0 = process.cpuUsage();
    for (let i = 0; i < 500; i++) sign("sha256", body.subarray(0, 300), privateKey);
    const signCpu = process.cpuUsage(t0);
    return { perCpuSecond: count / cpu, perSign: 500 / ((signCpu.user + signCpu.system) / 1e6) };
  } finally {
    await agent.close();
    await inboxes.close();
  }
}

export async function fanout(ctx: BenchContext): Promise<void> {
  const c = need(ctx);
  let split: { perActivity: number; perDelivery: number } | null = null;
  const followers = ctx.quick ? 50 : 200;
  const servers = ctx.quick ? 5 : 10;
  const perServer = ctx.quick ? 2 : 5;
  const challenges = ctx.quick ? 5 : 20;
  const inboxes = await startFakeInboxes(servers, perServer, 20);
  const node = await startBenchNode();
  try {
    const hub = await createHub(node, "fanout");
    await addFollowers(node, hub.handle, inboxes.inboxes, followers);
    // Half as many deliveries first, not measured: key generation, caches, connections. Then a first
    // measured window (P1-first), more publishes not measured, and P1's window. V8 optimises a function
    // only after it has run a while, and the path of each activity (Fedify's JSON-LD: compaction,
    // canonicalisation, signatures) runs once per publish, 50 times less often than the deliveries':
    // after 30 publishes TurboFan still spent ≈ 0.63 of P1's 2.16 CPU-s compiling it (--trace-opt,
    // 2026-12-06: Fedify's generated toJsonLd alone 184 ms, jsonld's compact 66 ms), after 100 it
    // has finished. P1 is the rate of a node that has been publishing a while; P1-first that of one
    // that has just started.
    const warm = ctx.quick ? 1 : challenges / 2;
    const settle = ctx.quick ? 0 : 100 - warm - challenges;
    for (let n = 0; n < warm; n++) await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: `warm-up-${n}`, n: 100_000 + n }));
    await waitUntil(async () => (await inboxes.stats()).received >= warm * inboxes.inboxes.length, 60_000, "the warm-up deliveries", 50);

    /** Publishes `count` challenges (keys `${prefix}${n}`) to `to`'s followers and measures the node until all are delivered. */
    const measure = async (prefix: string, id: string, to = { hub, inboxes, count: challenges }) => {
      const before = await to.inboxes.stats();
      const expected = before.received + to.count * to.inboxes.inboxes.length;
      const profile = await profileWindow(id);
      const threads0 = threadCpu();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let n = 0; n < to.count; n++) await publish(node, to.hub, challengeDoc({ origin: node.origin, hub: to.hub.handle, key: `${prefix}${n}`, n }));
      const published = process.cpuUsage(cpu0);
      await waitUntil(async () => (await to.inboxes.stats()).received >= expected, ctx.quick ? 60_000 : 120_000, `${expected - before.received} deliveries`, 25);
      const wall = (performance.now() - t0) / 1000;
      const cpuUsed = process.cpuUsage(cpu0);
      const threads = threadCpuSince(threads0);
      const profiled = await profile.stop();
      if (profiled) ctx.log(`CPU profile of ${id}'s window: ${profiled}`);
      const cpu = (cpuUsed.user + cpuUsed.system) / 1e6;
      const after = await to.inboxes.stats();
      const deliveries = after.received - before.received;
      return {
        cpu,
        deliveries,
        perCore: deliveries / cpu,
        perWall: deliveries / wall,
        after,
        note: `${deliveries} deliveries in ${wall.toFixed(2)} s wall (${(deliveries / wall).toFixed(0)}/s), ${cpu.toFixed(2)} CPU-s in the node process (user ${(cpuUsed.user / 1e6).toFixed(2)}, system ${(cpuUsed.system / 1e6).toFixed(2)}; ${((published.user + published.system) / 1e6).toFixed(2)} of them until the last publish answered; ${describeThreadCpu(threads)}); sampled signatures verified ${after.verified}, failed ${after.failed}`,
      };
    };
    const first = await measure("x", "P1-first");
    for (let n = 0; n < settle; n++) await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: `settle-${n}`, n: 200_000 + n }));
    await waitUntil(async () => (await inboxes.stats()).received >= (warm + challenges + settle) * inboxes.inboxes.length, 120_000, "the deliveries between the windows", 50);
    const steady = await measure("y", "P1");
    const after = steady.after;
    // P1-wide: the same node publishing to ten times as many shared inboxes an activity, so that the work
    // done once per activity (the publish, the relay, the JSON-LD and its Linked Data signature) weighs
    // ten times less. With windows of P1's shape it splits the node's CPU into a part per activity and a
    // part per delivery. The machine's speed moves within seconds, so the two shapes take turns (three
    // wide windows, two more of P1's shape after P1's own) and the split is solved over their sums.
    const wideInboxes = await startFakeInboxes(ctx.quick ? 10 : 50, 10, 20);
    const wideCount = ctx.quick ? 2 : 6;
    const narrow = [steady];
    const wides: Awaited<ReturnType<typeof measure>>[] = [];
    try {
      const wideHub = await createHub(node, "fanout_wide");
      await addFollowers(node, wideHub.handle, wideInboxes.inboxes, wideInboxes.inboxes.length);
      // Not measured: the new hub's keys, and connections to the new servers.
      const wideWarm = 2;
      for (let n = 0; n < wideWarm; n++) await publish(node, wideHub, challengeDoc({ origin: node.origin, hub: wideHub.handle, key: `wide-warm-up-${n}`, n: 300_000 + n }));
      await waitUntil(async () => (await wideInboxes.stats()).received >= wideWarm * wideInboxes.inboxes.length, 120_000, "the wide warm-up deliveries", 50);
      for (let turn = 0; turn < 3; turn++) {
        wides.push(await measure(`w${turn}-`, "P1-wide", { hub: wideHub, inboxes: wideInboxes, count: wideCount }));
        if (turn < 2) narrow.push(await measure(`z${turn}-`, "P1-again"));
      }
    } finally {
      await wideInboxes.close();
    }
    const sum = (windows: typeof narrow, perWindow: number) => ({
      activities: perWindow * windows.length,
      deliveries: windows.reduce((n, w) => n + w.deliveries, 0),
      cpu: windows.reduce((n, w) => n + w.cpu, 0),
    });
    const narrowSum = sum(narrow, challenges);
    const wideSum = sum(wides, wideCount);
    split = splitCpu(narrowSum, wideSum);
    const rates = (windows: typeof narrow) => windows.map((w) => w.perCore.toFixed(0)).join(", ");
    ctx.emit({
      id: "P1-wide",
      name: `the same node, ${wideCount} challenges × ${wideInboxes.inboxes.length} shared inboxes, three windows (the work done once per activity weighs ${Math.round(wideInboxes.inboxes.length / inboxes.inboxes.length)} × less)`,
      value: wideSum.deliveries / wideSum.cpu,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
      note: `per window ${rates(wides)} /CPU-s; P1's shape in the windows between them ${rates(narrow.slice(1))} /CPU-s (P1's own ${steady.perCore.toFixed(0)}); the last wide window: ${wides[wides.length - 1]!.note}`,
    });
    ctx.emit({
      id: "P1-per-delivery",
      name: "P1's CPU split: the part per delivery, as deliveries per CPU-second (the windows of P1's shape and P1-wide's, solved for CPU = a × activities + d × deliveries)",
      value: 1 / split.perDelivery,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
      note: `d = ${(split.perDelivery * 1e6).toFixed(0)} µs of CPU a delivery, a = ${(split.perActivity * 1e3).toFixed(2)} ms an activity`,
    });
    ctx.emit({
      id: "P1",
      name: `signed deliveries per CPU-second (${challenges} challenges × ${inboxes.inboxes.length} shared inboxes, ${followers} followers, after ${warm + challenges + settle} publishes before them)`,
      value: steady.perCore,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "minRatio", value: 0.7, text: "≥ 0.7 × raw signs/s" },
      note: steady.note,
    });
    ctx.emit({
      id: "P1-first",
      name: `the same, the first ${challenges} publishes after ${warm} warm-up ones (V8 still optimising the path)`,
      value: first.perCore,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
      note: first.note,
    });
    ctx.emit({
      id: "P1-wall",
      name: "signed deliveries per wall-clock second (publish → last delivery)",
      value: steady.perWall,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
    });
    if (after.failed > 0) ctx.log(`WARNING: ${after.failed} sampled signatures did not verify`);
    const wideFailed = wides[wides.length - 1]!.after.failed;
    if (wideFailed > 0) ctx.log(`WARNING: ${wideFailed} sampled signatures did not verify at the wide hub's inboxes`);
  } finally {
    await node.stop();
    await inboxes.close();
  }
  const lean = await leanReference(ctx.quick ? 500 : 3000, servers, perServer);
  if (split) {
    // What P1's goal leaves for the work of an activity, spread over its inboxes: 0.7 × raw signs per
    // CPU-second means 1 / (0.7 × signs) of CPU a delivery, all included.
    const inboxesPerActivity = servers * perServer;
    const budget = 1 / (0.7 * c.rsaSignPerSec);
    const room = (perDelivery: number) => `${((budget - perDelivery) * inboxesPerActivity * 1e3).toFixed(2)} ms`;
    ctx.emit({
      id: "P1-per-activity",
      name: `P1's CPU split: the part per activity (publish through the API, relay, JSON-LD, Linked Data signature, enqueueing its ${inboxesPerActivity} deliveries)`,
      value: split.perActivity * 1e3,
      unit: "ms",
      target: { kind: "info", value: 0, text: "" },
      note: `P1's goal leaves for it, over ${inboxesPerActivity} inboxes: ${room(split.perDelivery)} with this node's part per delivery, ${room(1 / lean.perCpuSecond)} with the lean reference's whole delivery (where negative, the goal cannot be met at this fan-out whatever an activity costs)`,
    });
  }
  ctx.emit({
    id: "P1-lean",
    name: "lean reference: draft-cavage sign + undici POST (keep-alive, 16 in flight), no queue, no store, no Fedify, per CPU-second",
    value: lean.perCpuSecond,
    unit: "/s",
    ceiling: { name: "raw RSA-2048 signs/s, one core", value: c.rsaSignPerSec, unit: "/s" },
    target: { kind: "info", value: 0, text: "" },
    note: `the same process signs ${lean.perSign.toFixed(0)} /CPU-s on its own right after`,
  });
}
