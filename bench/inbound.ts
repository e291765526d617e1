// Inbound: verified challenge activities stored per second per core. A fake allowlisted peer (own
// process) POSTs signed Create activities to the node's shared inbox; the node verifies each
// signature (the peers' fast path, ADR 0014), queues it, applies the mirror's origin rules, fetches the canonical document
// from the origin, validates and stores it (federation/network/peer-network.ts). Figure: documents
// stored per CPU-second of the node's process; target ≥ 1,000/s. For reference, a lean in-process
// path (RSA verify + JSON.parse + validation + store, one transaction per document and batched)
// measured in the same run shows what the hardware allows.
//
// Setup, not measured: the peer is written into the allowlist repository directly (adding it
// through the API would also start a follow and a backfill, which this fake peer does not serve).
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { refuseMirrored } from "../node/domain/mirror";
import { createSqliteStore } from "../node/storage/sqlite";
import { type BenchContext, need } from "./lib/context";
import { challengeDoc } from "./lib/documents";
import { startFakeOrigin } from "./lib/fake-origin";
import { startBenchNode } from "./lib/nodes";
import { waitUntil } from "./lib/report";
import { describeThreadCpu, threadCpu, threadCpuSince } from "./lib/thread-cpu";
import { profileWindow } from "./lib/window-profile";

/** A lean reference's rate per CPU-second of this process, as P2 is measured, and per wall-clock second. */
interface LeanRate { cpu: number; wall: number }

async function leanReference(count: number): Promise<{ single: LeanRate; batched: LeanRate }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-bench-lean-"));
  const store = createSqliteStore(path.join(dir, "lean.db"));
  try {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const origin = "http://127.0.0.1:9";
    const wire = Array.from({ length: count * 2 }, (_, n) => {
      const body = JSON.stringify(challengeDoc({ origin, hub: "h", key: `lean-${n}`, n, country: "FR" }));
      const signingString = `(request-target): post /inbox\nhost: 127.0.0.1\ndate: ${new Date().toUTCString()}\ndigest: SHA-256=${n}`;
      return { body, signingString, sig: sign("sha256", Buffer.from(signingString), privateKey) };
    });
    const accept = (w: (typeof wire)[number]) => {
      if (!verify("sha256", Buffer.from(w.signingString), publicKey, w.sig)) throw new Error("lean reference: signature did not verify");
      const doc = JSON.parse(w.body) as unknown;
      const reason = refuseMirrored(doc, origin, { allowHttp: true });
      if (reason) throw new Error(`lean reference: ${reason}`);
      return { doc: doc as Parameters<typeof store.mirror.upsertMany>[0][number]["doc"], origin, country: "FR" };
    };
    // Per CPU-second, like P2: a commit at synchronous=FULL also waits for its fsync, which is wall-clock
    // time but not CPU (until 2026-12-06 the references were per wall-clock second, and read lower than
    // the node whenever the disk was slow).
    const rate = async (work: () => Promise<void>): Promise<LeanRate> => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await work();
      const used = process.cpuUsage(cpu0);
      return { cpu: count / ((used.user + used.system) / 1e6), wall: count / ((performance.now() - t0) / 1000) };
    };
    const single = await rate(async () => {
      for (let i = 0; i < count; i++) await store.mirror.upsertMany([accept(wire[i]!)]);
    });
    const batched = await rate(async () => {
      for (let i = count; i < 2 * count; i += 100) await store.mirror.upsertMany(wire.slice(i, Math.min(2 * count, i + 100)).map(accept));
    });
    return { single, batched };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function inbound(ctx: BenchContext): Promise<void> {
  const c = need(ctx);
  const count = ctx.quick ? 200 : 1500;
  // Two measured windows of `count` each, after a warm-up that is not measured (keys, connections, the
  // JIT). V8 optimises a function only after it has run a while — ≈ 1,000 calls for the functions
  // called once per activity — so the first window still pays for compiling the path: after 1,000
  // warm-up activities, --trace-opt showed the inbound gate's check, hintOf and the schema validator
  // first compiled inside it, and V8's helper threads used ≈ 0.35 of its ≈ 1.7 CPU-s (2026-12-06).
  // P2 is the third window, the rate of a node that has been up a while; the first two are reported
  // beside it as P2-first and P2-second. Functions called once per batch rather than once per activity
  // (the mirror's store, the peer client's documents request: ≈ 35 calls a window) reach TurboFan only
  // in the second window — after 2,500 activities, --trace-opt showed them and the inbound requests'
  // helmet middlewares compiled there, and V8's helper threads used 0.31–0.66 CPU-s of it; in the
  // third and later windows they used 0.12–0.17, flat over five windows (2026-12-06, eighth session).
  const warm = ctx.quick ? 20 : 1000;
  const peer = await startFakeOrigin();
  const node = await startBenchNode();
  try {
    await node.store.peers.upsert({ origin: peer.origin, country: "FR", role: "national", source: "api", addedAt: new Date().toISOString() });
    let stored = 0;
    node.mirror.onChange((change) => {
      if (change.kind === "created") stored++;
    });
    const inbox = `${node.listenUrl}/inbox`;
    await peer.prepare(inbox, 0, warm);
    const warmStatuses = await peer.send(4);
    await waitUntil(() => stored >= warm, 60_000, `the ${warm} warm-up challenges to be stored (inbox answered ${JSON.stringify(warmStatuses)})`, 20);

    /** Sends `count` activities after the first `from`, and measures the node until all are stored. */
    const measure = async (from: number, id: string) => {
      await peer.prepare(inbox, from, count);
      const profile = await profileWindow(id);
      const threads0 = threadCpu();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const statuses = await peer.send(16);
      const accepted = performance.now();
      await waitUntil(
        () => stored >= from + count,
        ctx.quick ? 60_000 : 150_000,
        `${count} challenges to be stored (inbox answered ${JSON.stringify(statuses)})`,
        10,
      );
      const wall = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu0);
      const threads = threadCpuSince(threads0);
      const profiled = await profile.stop();
      if (profiled) ctx.log(`CPU profile of ${id}'s window: ${profiled}`);
      const cpu = (used.user + used.system) / 1e6;
      return {
        value: count / cpu,
        note: `${count} stored in ${wall.toFixed(2)} s wall (${(count / wall).toFixed(0)}/s; inbox answered all ${JSON.stringify(statuses)} after ${((accepted - t0) / 1000).toFixed(2)} s), ${cpu.toFixed(2)} CPU-s in the node process (user ${(used.user / 1e6).toFixed(2)}, system ${(used.system / 1e6).toFixed(2)}; ${describeThreadCpu(threads)})`,
      };
    };
    const first = await measure(warm, "P2-first");
    const second = await measure(warm + count, "P2-second");
    const steady = await measure(warm + 2 * count, "P2");
    ctx.emit({
      id: "P2",
      name: `verified Create activities stored per CPU-second (${count} from an allowlisted peer after ${warm + 2 * count} before them, peers' fast path → queue → fetch canonical → validate → store)`,
      value: steady.value,
      unit: "/s",
      ceiling: { name: "raw RSA-2048 verifies/s, one core", value: c.rsaVerifyPerSec, unit: "/s" },
      target: { kind: "min", value: 1000, text: "≥ 1,000/s per core" },
      note: steady.note,
    });
    ctx.emit({
      id: "P2-second",
      name: `the same, the ${count} after ${warm + count} (the mirror's once-a-batch functions still being optimised)`,
      value: second.value,
      unit: "/s",
      target: { kind: "info", value: 0, text: "" },
      note: second.note,
    });
    ctx.emit({
      id: "P2-first",
      name: `the same, the first ${count} after ${warm} warm-up activities (V8 still optimising the path)`,
      value: first.value,
      unit: "/s",
      target: { kind: "info", value: 0, text: "" },
      note: first.note,
    });
    const lean = await leanReference(ctx.quick ? 200 : 1000);
    ctx.emit({
      id: "P2-lean-single",
      name: "lean reference: RSA verify + JSON.parse + validate + store, one transaction each (synchronous=FULL), per CPU-second",
      value: lean.single.cpu,
      unit: "/s",
      ceiling: { name: "raw SQLite inserts, 1 per tx, FULL", value: c.sqliteFullPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
      note: `${lean.single.wall.toFixed(0)} per wall-clock second`,
    });
    ctx.emit({
      id: "P2-lean-batched",
      name: "lean reference: the same, stored 100 per transaction, per CPU-second",
      value: lean.batched.cpu,
      unit: "/s",
      ceiling: { name: "raw batched SQLite inserts", value: c.sqliteBatchedPerSec, unit: "/s" },
      target: { kind: "info", value: 0, text: "" },
      note: `${lean.batched.wall.toFixed(0)} per wall-clock second`,
    });
  } finally {
    await node.stop();
    await peer.close();
  }
}
