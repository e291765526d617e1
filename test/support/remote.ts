// Talking to real nodes in multi-node tests: one JSON request helper and bounded polling
// (real nodes act asynchronously; tests wait for an outcome, never for a fixed time).
import { fixture } from "./documents";
import type { TestNode } from "./node";
import { ADMIN_TOKEN } from "./node";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk into wire JSON of unknown shape
export type Json = Record<string, any>;

export async function api(node: TestNode, method: string, path: string, token: string | null = ADMIN_TOKEN, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${node.listenUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

/** Bounded polling: resolves with the first truthy value of `check`, or fails naming what did not happen. */
export async function eventually<T>(check: () => Promise<T | false | null | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates the example hub of the domain model (fixtures/hubs) on `node`; returns its actor id, handle and token. */
export async function createFixtureHub(node: TestNode): Promise<{ id: string; handle: string; token: string }> {
  const hub = fixture("hubs", "hub-de-muenchen-mobil");
  for (const f of ["id", "node", "published", "updated"]) delete hub[f];
  const res = await api(node, "POST", "/api/v1/hubs", ADMIN_TOKEN, hub);
  if (res.status !== 201) throw new Error(`creating the example hub answered ${res.status}: ${JSON.stringify(res.json)}`);
  return { id: res.json.hub.id as string, handle: res.json.hub.preferredUsername as string, token: res.json.token as string };
}
