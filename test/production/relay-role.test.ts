// The relay's standing lease (JobLeases.hold, issue 8): of two "processes" (two JobLeases, each on its
// own connection to one SQLite file) one holds the role at a time; stopping waits for the holder's
// last pass before the lease is released, so the other never overlaps it; a holder that stalled past
// its lease stands down once it notices, and the other takes over.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { JobLeases, leaseKey, type LeaseRecord } from "../../node/ops/job-lease";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { waitFor } from "../support/processes";

let dir: string;
let a: Store;
let b: Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-relay-role-"));
  const url = `sqlite:${path.join(dir, "ipn.db")}`;
  a = await openStore({ url });
  b = await openStore({ url });
});
afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Records what a process's relay did: gained (started) and lost (stopped). */
function relayLog(name: string, events: string[], onLose?: () => Promise<void>) {
  return {
    onGain: () => { events.push(`${name} started`); },
    onLose: async () => { await onLose?.(); events.push(`${name} stopped`); },
  };
}

it("runs one relay at a time; stop() ends the holder's pass before the other takes over", async () => {
  const events: string[] = [];
  const pa = new JobLeases(a.kv, { owner: "process-a" });
  const pb = new JobLeases(b.kv, { owner: "process-b" });
  let finishPass = () => {};
  const pass = new Promise<void>((r) => { finishPass = r; });
  const roleA = pa.hold("relay", { ttlMs: 60_000, retryMs: 20, ...relayLog("a", events, () => pass) });
  await waitFor("a to hold the relay", () => roleA.holding(), { timeoutMs: 5_000, intervalMs: 5 });
  const roleB = pb.hold("relay", { ttlMs: 60_000, retryMs: 20, ...relayLog("b", events) });
  // B keeps trying for a while without getting it.
  await new Promise((r) => setTimeout(r, 150));
  expect(roleB.holding()).toBe(false);
  expect(events).toEqual(["a started"]);

  // Shutdown of A: its pass is still running, so the lease stays A's until the pass ends.
  const stopping = roleA.stop();
  await new Promise((r) => setTimeout(r, 100));
  expect((await a.kv.get<LeaseRecord>(leaseKey("relay")))?.owner).toBe("process-a");
  expect(roleB.holding()).toBe(false);
  finishPass();
  await stopping;
  await waitFor("b to take over", () => roleB.holding(), { timeoutMs: 5_000, intervalMs: 5 });
  expect(events).toEqual(["a started", "a stopped", "b started"]);
  await roleB.stop();
  expect(events).toEqual(["a started", "a stopped", "b started", "b stopped"]);
  expect(await a.kv.get(leaseKey("relay"))).toBeUndefined();
});

it("takes over from a holder whose lease lapsed; the stalled holder stands down when it notices", async () => {
  const events: string[] = [];
  // B's clock runs ahead once A "stalls": from B's point of view A's lease has lapsed.
  let ahead = 0;
  const pa = new JobLeases(a.kv, { owner: "process-a", renewEveryMs: 10 });
  const pb = new JobLeases(b.kv, { owner: "process-b", now: () => Date.now() + ahead });
  const roleA = pa.hold("relay", { ttlMs: 1_000, retryMs: 10, ...relayLog("a", events) });
  await waitFor("a to hold the relay", () => roleA.holding(), { timeoutMs: 5_000, intervalMs: 5 });
  const roleB = pb.hold("relay", { ttlMs: 1_000, retryMs: 10, ...relayLog("b", events) });
  await new Promise((r) => setTimeout(r, 50));
  expect(roleB.holding()).toBe(false);
  ahead = 2_000;
  await waitFor("b to take over", () => roleB.holding(), { timeoutMs: 5_000, intervalMs: 5 });
  // A's next renewal finds the lease taken: its relay stops, and it does not take the lease back.
  await waitFor("a to stand down", () => events.includes("a stopped"), { timeoutMs: 5_000, intervalMs: 5 });
  expect(roleA.holding()).toBe(false);
  expect((await a.kv.get<LeaseRecord>(leaseKey("relay")))?.owner).toBe("process-b");
  expect(events).toEqual(["a started", "b started", "a stopped"]);
  await roleA.stop();
  await roleB.stop();
  expect(events).toEqual(["a started", "b started", "a stopped", "b stopped"]);
});
