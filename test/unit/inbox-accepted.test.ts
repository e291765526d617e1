// Which inbox POSTs the Fedify bridge reports as accepted (node/http/fedify-adapter.ts onAccepted, used
// to resume deliveries to a server that is back): one the peers' fast path took, or one Fedify answered
// 2xx — never one the gate refused or Fedify refused. Real Express and HTTP on loopback; the gate, the
// fast path and Fedify are stand-ins that answer as told.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Federation } from "@fedify/fedify";
import express from "express";
import type { InboundGate } from "../../federation/inbound/gate";
import { fedifyMiddleware } from "../../node/http/fedify-adapter";

interface Script { gate: "pass" | "refuse"; fastPath: boolean; fedify: number }

async function startBridge(script: Script): Promise<{ post(activity: Record<string, unknown>): Promise<number>; accepted: unknown[]; close(): Promise<void> }> {
  const accepted: unknown[] = [];
  const federation = { fetch: async () => new Response(null, { status: script.fedify }) } as unknown as Federation<void>;
  const gate: InboundGate = async ({ body }) => script.gate === "pass"
    ? { passed: { activity: JSON.parse(Buffer.from(body).toString("utf8")) as Record<string, unknown>, cavage: null } }
    : { refusal: { status: 401, title: "Unauthorized", detail: "refused by the gate" } };
  const app = express();
  app.use(fedifyMiddleware(federation, {
    origin: "http://127.0.0.1", isInboxPath: (p) => p === "/inbox", gate,
    fastPath: async () => (script.fastPath ? "accepted" : null),
    onAccepted: (activity) => { accepted.push(activity); },
  }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`;
  return {
    accepted,
    post: async (activity) => (await fetch(url, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(activity) })).status,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const like = { type: "Like", actor: "https://a.example/users/alice", object: "https://de.example/challenges/x" };

it.each([
  ["the fast path took it", { gate: "pass", fastPath: true, fedify: 500 }, 202, true],
  ["Fedify accepted it", { gate: "pass", fastPath: false, fedify: 202 }, 202, true],
  ["Fedify refused its signature", { gate: "pass", fastPath: false, fedify: 401 }, 401, false],
  ["the gate refused it", { gate: "refuse", fastPath: true, fedify: 202 }, 401, false],
] as const)("reports an inbox POST as accepted only when it was: %s", async (_case, script, status, reported) => {
  const bridge = await startBridge(script);
  try {
    expect(await bridge.post(like)).toBe(status);
    expect(bridge.accepted).toEqual(reported ? [like] : []);
  } finally {
    await bridge.close();
  }
});
