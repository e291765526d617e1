// Real IPN nodes for the benchmarks: the composition root (node/main.ts startNode) on 127.0.0.1:0
// with a temp data dir, plus the few API calls the benchmarks make to set them up.
import type { Challenge } from "../../node/domain/types";
import type { RunningNode } from "../../node/main";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../../test/support/node";
import { NO_PERIODIC_RECONCILIATION } from "../../test/support/processes";

export { ADMIN_TOKEN };

export type BenchNode = TestNode;

/** The same real node the tests start (test/support/node.ts), without reconciliation ticks during a measurement. */
export function startBenchNode(env: Record<string, string> = {}, dataDir?: string): Promise<BenchNode> {
  return startTestNode({ ...BENCH_ENV, ...env }, dataDir);
}

/**
 * What every bench node runs with. Reconciliation still runs once at start and on peer add. Every
 * load generator here is one loopback address, so the rate limits (IPN_RATE_LIMIT_*) are on, as in
 * production, but at their highest setting: their counting is measured, and nothing is refused.
 */
const NEVER_REFUSED = "1000000";
export const BENCH_ENV: Readonly<Record<string, string>> = {
  IPN_RECONCILE_CRON: NO_PERIODIC_RECONCILIATION, IPN_RATE_LIMIT_API: NEVER_REFUSED, IPN_RATE_LIMIT_INBOX: NEVER_REFUSED, IPN_RATE_LIMIT_INBOX_SERVER: NEVER_REFUSED,
};

async function call(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, json };
}

/** Creates a hub through the admin API; returns its handle, IRI and bearer token. */
export async function createHub(node: RunningNode, handle: string, country = "DE"): Promise<{ handle: string; id: string; token: string }> {
  const { json } = await call("POST", `${node.listenUrl}/api/v1/hubs`, node.adminToken, {
    preferredUsername: handle,
    hubType: "innovation-procurement-hub",
    name: { en: `Hub ${handle}` },
    defaultLanguage: "en",
    languages: ["en"],
    country,
    contact: { email: `${handle}@hubs.example` },
    website: `https://${handle}.example`,
  });
  return { handle, id: (json.hub as { id: string }).id, token: json.token as string };
}

/**
 * Gives a hub `count` followers spread over the fake inboxes' shared inboxes (round robin), written
 * straight into the store: the benchmarks measure delivery, not the follow handshake.
 */
export async function addFollowers(node: RunningNode, handle: string, sharedInboxes: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const shared = sharedInboxes[i % sharedInboxes.length]!;
    const base = new URL(shared).origin;
    await node.store.followers.add(handle, { actorId: `${base}/users/f${i}`, inbox: `${base}/users/f${i}/inbox`, sharedInbox: shared, followId: `${base}/follows/${i}` });
  }
}

/** The body for POST /api/v1/hubs/{handle}/challenges: a canonical document minus server-assigned fields. */
export function challengeInput(doc: Challenge): Record<string, unknown> {
  const d: Record<string, unknown> = structuredClone(doc) as unknown as Record<string, unknown>;
  for (const f of ["id", "url", "hub", "revision", "published", "updated", "changeLog"]) delete d[f];
  return d;
}

/** Publishes a challenge through the hub API (the path an operator's tool takes); returns its IRI. */
export async function publish(node: RunningNode, hub: { handle: string; token: string }, doc: Challenge): Promise<string> {
  const { json } = await call("POST", `${node.listenUrl}/api/v1/hubs/${hub.handle}/challenges`, hub.token, challengeInput(doc));
  const id = (json.challenge as { id?: string } | undefined)?.id ?? (json.id as string | undefined);
  if (!id) throw new Error(`publish answered without an id: ${JSON.stringify(json).slice(0, 300)}`);
  return id;
}

/** Adds a peer through the admin API (POST /api/v1/peers): the node follows it and backfills. */
export async function addPeer(node: RunningNode, peer: { origin: string; country: string; role?: "national" | "aggregator" }): Promise<void> {
  await call("POST", `${node.listenUrl}/api/v1/peers`, node.adminToken, { origin: peer.origin, country: peer.country, role: peer.role ?? "national" });
}

export const rssMiB = () => process.memoryUsage().rss / 1024 / 1024;
