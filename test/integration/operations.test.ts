// What an operator's probes and scrapers see on a real node: liveness, readiness, metrics, request ids,
// and readiness turning 503 before the node stops.
import request from "supertest";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { hubInput } from "../support/documents";

let node: TestNode;
beforeAll(async () => { node = await startTestNode({ IPN_METRICS_TOKEN: "metrics-token-0123456789abcdef" }); });
afterAll(async () => { await node.stop(); });

it("answers liveness and readiness probes", async () => {
  const live = await request(node.listenUrl).get("/healthz");
  expect([live.status, live.body.status]).toEqual([200, "ok"]);
  const ready = await request(node.listenUrl).get("/readyz");
  expect(ready.status).toBe(200);
  expect(ready.body.status).toBe("ready");
  expect(ready.headers["cache-control"]).toContain("no-store");
});

it("answers the probes spelled as Express's routes match them (trailing slash, any case), and no other path", async () => {
  expect((await request(node.listenUrl).get("/healthz/")).body.status).toBe("ok");
  expect((await request(node.listenUrl).get("/HEALTHZ")).body.status).toBe("ok");
  expect((await request(node.listenUrl).get("/readyz/")).body.status).toBe("ready");
  // Not a probe: the node's own 404, not a probe's answer.
  const other = await request(node.listenUrl).get("/healthz-not");
  expect(other.status).toBe(404);
  expect(other.body.status).not.toBe("ok");
});

it("exposes Prometheus metrics behind the metrics token, labelled by route template", async () => {
  await request(node.listenUrl).post("/api/v1/hubs").set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(hubInput("ops_hub"));
  await request(node.listenUrl).get("/api/v1/hubs/ops_hub");
  expect((await request(node.listenUrl).get("/metrics")).status).toBe(401);
  const res = await request(node.listenUrl).get("/metrics").set({ Authorization: "Bearer metrics-token-0123456789abcdef" });
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toMatch(/^text\/plain/);
  expect(res.text).toMatch(/ipn_http_requests_total\{[^}]*route="\/api\/v1\/hubs\/:handle"[^}]*\} [1-9]/);
  expect(res.text).not.toContain("route=\"/api/v1/hubs/ops_hub\"");
  expect(res.text).toMatch(/ipn_queue_depth\{state="queued"\} \d+/);
});

it("echoes a request id on every answer, and reuses a proxy's plain one", async () => {
  const fresh = await request(node.listenUrl).get("/api/v1/hubs");
  expect(fresh.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const given = await request(node.listenUrl).get("/api/v1/hubs").set("X-Request-Id", "proxy-abc-123");
  expect(given.headers["x-request-id"]).toBe("proxy-abc-123");
});

it("gives an inbox POST what every request gets: a request id, nosniff, a problem document, a count in the metrics", async () => {
  const refused = await request(node.listenUrl).post("/inbox").set({ "Content-Type": "application/activity+json", "X-Request-Id": "relay-42" }).send("{}");
  expect(refused.status).toBe(400);
  expect(refused.body.status).toBe(400);
  expect(refused.headers["x-request-id"]).toBe("relay-42");
  expect(refused.headers["x-content-type-options"]).toBe("nosniff");
  expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const scrape = await request(node.listenUrl).get("/metrics").set({ Authorization: "Bearer metrics-token-0123456789abcdef" });
  expect(scrape.text).toMatch(/ipn_http_requests_total\{method="POST",route="\/inbox",status_class="4xx"\} [1-9]/);
});

it("reports not ready while shutting down, then stops", async () => {
  const other = await startTestNode({ IPN_SHUTDOWN_DELAY_MS: "1500" });
  const closing = other.stop();
  await new Promise((r) => setTimeout(r, 300));
  const during = await request(other.listenUrl).get("/readyz");
  expect(during.status).toBe(503);
  await closing;
  await expect(request(other.listenUrl).get("/healthz")).rejects.toThrow();
});
