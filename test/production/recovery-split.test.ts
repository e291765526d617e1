// Deliveries resume when a server is back also in a split deployment (ADR 0021), where the process
// that hears from the server is not the one that delivers: a web process and a worker process on one
// SQLite file, as `ipn start` runs them. A follower's server (a Fedify peer that refuses unsigned
// fetches) goes down; the worker's delivery fails and its transport backs the server off for 30 s,
// which it marks in the store. The server comes back and sends the web process a signed activity: the
// worker's next attempt goes out at once instead of after the 30 s, and the missed Create arrives.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Like } from "@fedify/vocab";
import { heldKey } from "../../federation/transport/peer-recovery";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";
import { type FakePeer, isAccept, startFakePeer } from "../support/fake-peer";
import { disposeAll, PROCESS_ADMIN_TOKEN, spawnNode, type NodeProcess, waitFor } from "../support/processes";

const HUB = "recovery_hub";
const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-recovery-split-"));
const processes: NodeProcess[] = [];
let peer: FakePeer | undefined;
let store: Store | undefined;

afterAll(async () => {
  await disposeAll(processes);
  await peer?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function post(base: string, p: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${p}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 201) throw new Error(`POST ${p} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

it("sends what a follower missed as soon as it is back, though the web process hears it and the worker delivers", async () => {
  const url = `sqlite:${path.join(dir, "ipn.db")}`;
  const web = await spawnNode({ name: "web", role: "web", store: url });
  processes.push(web);
  processes.push(await spawnNode({ name: "worker", role: "worker", store: url, origin: web.listenUrl }));
  store = await openStore({ url });
  const hubToken = String((await post(web.listenUrl, "/api/v1/hubs", PROCESS_ADMIN_TOKEN, hubInput(HUB))).token);
  const hubUrl = `${web.listenUrl}/hubs/${HUB}`;
  peer = await startFakePeer();
  await peer.follow(hubUrl);
  await peer.waitFor(isAccept, 30_000);
  const followed = Date.now();

  peer.setDown(true);
  const challengeId = String((await post(web.listenUrl, `/api/v1/hubs/${HUB}/challenges`, hubToken, challengeInput("de-mobility", { status: "open" }))).id);
  const s = store;
  // The worker failed to reach it: the delivery waits in the queue, and the backoff is marked for the others.
  await waitFor("the worker to back the follower's server off", async () => (await s.kv.get(heldKey(peer!.origin))) !== undefined, { timeoutMs: 30_000, intervalMs: 50 });
  await waitFor("the delivery to wait in the queue", async () => ((await s.queues.outbox.getDepth()).delayed ?? 0) >= 1, { timeoutMs: 30_000, intervalMs: 50 });

  peer.setDown(false);
  // The web process read the server's shared state when the Follow arrived, and reads it once a second at most.
  await new Promise((r) => setTimeout(r, Math.max(0, 1100 - (Date.now() - followed))));
  const p = peer;
  await p.send(hubUrl, (target) => new Like({ id: new URL(`${p.origin}/likes/1`), actor: new URL(p.actorUri), object: target.id }));
  const create = await p.waitFor((a) => a.type === "Create" && JSON.stringify(a.raw).includes(challengeId), 15_000);
  expect(create.inbox).toBe("shared");
  expect(await s.kv.get(heldKey(p.origin))).toBeUndefined();
}, 120_000);
