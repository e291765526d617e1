// The set-up shared by the fan-out tests: one node split into a web process and worker processes on
// one MongoDB-wire database, a hub created through the web API, and many followers on distinct fake
// fediverse servers (inserted straight into the store: the follow handshake is covered elsewhere, and
// here only the number of distinct shared inboxes matters).
import { openStore } from "../../node/storage/open-store";
import type { ActivityRecord } from "../../node/domain/ports";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";
import { startFakeFediverse, type FakeFediverse } from "../support/fake-inboxes";
import type { MongoWireServer } from "../support/ferretdb-server";
import { PROCESS_ADMIN_TOKEN, spawnNode, type NodeProcess } from "../support/processes";

export const HUB = "fanout_hub";

export interface FanOutScenario {
  storeUrl: string;
  /** The test's own connection to the node's database. */
  store: Store;
  web: NodeProcess;
  fediverse: FakeFediverse;
  /** Every process started so far (for clean-up). */
  processes: NodeProcess[];
  /** Publishes a challenge through the web API; returns its Create activity as recorded in the store. */
  publish(): Promise<ActivityRecord>;
  /** Starts a worker process of the same node. */
  /** `env` adds to (or overrides) the worker's environment. */
  startWorker(name: string, env?: Record<string, string>): Promise<NodeProcess>;
  /** Stops every process, the fake servers and the test's connection. Never throws. */
  dispose(): Promise<void>;
}

async function api(base: string, method: string, path: string, token: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function startFanOutScenario(mongo: MongoWireServer, opts: { followers: number; delayMs: (i: number) => number }): Promise<FanOutScenario> {
  const storeUrl = mongo.freshDatabaseUrl();
  const processes: NodeProcess[] = [];
  let store: Store | undefined;
  let fediverse: FakeFediverse | undefined;
  const dispose = async () => {
    await Promise.all(processes.map((p) => p.dispose().catch(() => undefined)));
    await fediverse?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
  };
  try {
    fediverse = await startFakeFediverse(opts.followers, opts.delayMs);
    const web = await spawnNode({ name: "web", role: "web", store: storeUrl });
    processes.push(web);
    const hub = await api(web.listenUrl, "POST", "/api/v1/hubs", PROCESS_ADMIN_TOKEN, hubInput(HUB));
    if (hub.status !== 201) throw new Error(`creating the hub answered ${hub.status}: ${JSON.stringify(hub.body)}`);
    const hubToken = String(hub.body.token);
    store = await openStore({ url: storeUrl });
    for (const server of fediverse.servers) await store.followers.add(HUB, server.follower);
    const s = store;
    const f = fediverse;
    return {
      storeUrl,
      store: s,
      web,
      fediverse: f,
      processes,
      async publish() {
        const res = await api(web.listenUrl, "POST", `/api/v1/hubs/${HUB}/challenges`, hubToken, challengeInput("de-mobility"));
        if (res.status !== 201) throw new Error(`publishing answered ${res.status}: ${JSON.stringify(res.body)}`);
        const { items } = await s.activities.pageByActor(`${web.listenUrl}/hubs/${HUB}`, null, 50);
        const create = items.find((a) => a.type === "Create" && a.objectId === res.body.id);
        if (!create) throw new Error(`no Create activity recorded for ${String(res.body.id)}`);
        return create;
      },
      async startWorker(name, env = {}) {
        // Same node, same public origin: the worker signs and addresses as the web process's origin.
        // A short queue lease: a killed worker's deliveries come back after 5 s rather than a minute.
        const worker = await spawnNode({ name, role: "worker", store: storeUrl, origin: web.listenUrl, env: { IPN_QUEUE_LEASE_MS: "5000", ...env } });
        processes.push(worker);
        return worker;
      },
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}
