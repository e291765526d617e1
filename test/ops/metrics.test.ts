// /metrics over real HTTP: request counters by route template (never raw paths), the queue depth of a
// real SQLite store, delivery and inbox counters fed by a real Fedify instance, and the scrape token.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, type Federation } from "@fedify/fedify";
import { Accept, Activity, Endpoints, Follow, isActor, Person } from "@fedify/vocab";
import express from "express";
import type { Registry } from "prom-client";
import request from "supertest";
import { metricsMiddleware, metricsRouter } from "../../node/http/metrics";
import { activityTypeLabel, createMetrics, routeTemplate, type IpnMetrics } from "../../node/ops/metrics";
import { fedifyMeterProvider } from "../../node/ops/fedify-meter";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { startFakePeer, type FakePeer } from "../support/fake-peer";

/** The value of one series, or undefined when it is not exposed. */
async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { value: number; labels: Record<string, string | number>; metricName?: string }[];
  const hit = values.find((v) => (v.metricName === undefined || v.metricName === name) && Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return hit?.value;
}

/** A small app shaped like the node's: metrics middleware first, a few routes, a 404 fallback. */
function appWith(metrics: IpnMetrics, token?: string) {
  const app = express();
  app.use(metricsMiddleware(metrics));
  app.use(metricsRouter(metrics.registry, { token }));
  app.get("/challenges/:key", (_req, res) => { res.send("a challenge"); });
  app.get("/api/v1/challenges/:key", (_req, res) => { res.json({}); });
  app.post("/inbox", (_req, res) => { res.status(202).end(); });
  app.use((_req, res) => { res.status(404).send("nothing here"); });
  return app;
}

describe("route templates", () => {
  it.each([
    ["/", "/"],
    ["/challenges/de-muenchen-2025-1", "/challenges/:key"],
    ["/challenges/de-x/activities/update-3", "/challenges/:key/activities/:activity"],
    ["/api/v1/challenges/de-x", "/api/v1/challenges/:key"],
    ["/api/v1/challenges", "/api/v1/challenges"],
    ["/api/v1/hubs/muenchen/challenges", "/api/v1/hubs/:handle/challenges"],
    ["/hubs/muenchen", "/hubs/:handle"],
    ["/hubs/muenchen/inbox", "/hubs/:handle/inbox"],
    ["/hubs/muenchen/followers", "/hubs/:handle/followers"],
    ["/inbox", "/inbox"],
    ["/actor", "/actor"],
    ["/actor/followers", "/actor/followers"],
    ["/api/v1/sync/revisions", "/api/v1/sync/revisions"],
    ["/api/v1/peers", "/api/v1/peers"],
    ["/.well-known/webfinger", "/.well-known/webfinger"],
    ["/tags/mobility", "/tags/:name"],
    ["/readyz", "/readyz"],
    ["/wp-login.php", "other"],
    ["/hubs/a/b/c/d", "other"],
  ])("%s → %s", (p, template) => {
    expect(routeTemplate(p)).toBe(template);
  });

  it("labels known activity types by name and everything else as other", () => {
    expect(activityTypeLabel("https://www.w3.org/ns/activitystreams#Follow")).toBe("Follow");
    expect(activityTypeLabel("Undo")).toBe("Undo");
    expect(activityTypeLabel("https://evil.example/ns#Spam")).toBe("other");
  });
});

describe("GET /metrics", () => {
  it("exposes the Prometheus text format with Node's metrics and requests by route template and status class", async () => {
    const metrics = createMetrics();
    const app = appWith(metrics);
    await request(app).get("/challenges/de-a-1").expect(200);
    await request(app).get("/challenges/de-b-2?lang=de").expect(200);
    await request(app).get("/api/v1/challenges/de-a-1").expect(200);
    await request(app).get("/no/such/page").expect(404);
    await request(app).post("/inbox").expect(202);

    const res = await request(app).get("/metrics").expect(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.text).toContain("process_cpu_user_seconds_total");
    expect(res.text).toContain("nodejs_eventloop_lag_seconds");
    expect(res.text).toContain('ipn_http_requests_total{method="GET",route="/challenges/:key",status_class="2xx"} 2');
    expect(res.text).toContain('ipn_http_requests_total{method="GET",route="/api/v1/challenges/:key",status_class="2xx"} 1');
    expect(res.text).toContain('ipn_http_requests_total{method="GET",route="other",status_class="4xx"} 1');
    expect(res.text).toContain('ipn_http_requests_total{method="POST",route="/inbox",status_class="2xx"} 1');
    expect(res.text).toContain('ipn_http_request_duration_seconds_count{method="GET",route="/challenges/:key",status_class="2xx"} 2');
    expect(res.text).not.toContain("de-a-1");
    expect(res.text).not.toContain("no/such");
  });

  it("asks for the scrape token when one is configured", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = appWith(metrics, "s3cret-scrape-token");
    const denied = await request(app).get("/metrics").expect(401);
    expect(denied.headers["content-type"]).toMatch(/^application\/problem\+json/);
    await request(app).get("/metrics").set("Authorization", "Bearer wrong").expect(401);
    const ok = await request(app).get("/metrics").set("Authorization", "Bearer s3cret-scrape-token").expect(200);
    expect(ok.text).toContain("ipn_http_requests_total");
  });

  it("counts deliveries and inbox activities by outcome and the mirror lag per peer, with bounded labels", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.delivery("delivered");
    metrics.delivery("delivered");
    metrics.delivery("abandoned");
    metrics.inboxActivity("https://www.w3.org/ns/activitystreams#Follow", "processed");
    metrics.inboxActivity("Something-Invented", "rejected");
    metrics.setPeerLag("https://fr.ipn.example/some/path?x=1", 42);
    metrics.setPeerLag("https://it.ipn.example", 3);
    metrics.removePeer("https://it.ipn.example");
    const text = (await request(appWith(metrics)).get("/metrics").expect(200)).text;
    expect(text).toContain('ipn_deliveries_total{outcome="delivered"} 2');
    expect(text).toContain('ipn_deliveries_total{outcome="abandoned"} 1');
    expect(text).toContain('ipn_inbox_activities_total{type="Follow",outcome="processed"} 1');
    expect(text).toContain('ipn_inbox_activities_total{type="other",outcome="rejected"} 1');
    expect(text).toContain('ipn_mirror_lag_seconds{peer="https://fr.ipn.example"} 42');
    expect(text).not.toContain("it.ipn.example");
  });
});

describe("queue depth", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-metrics-"));
    store = await openStore({ url: `sqlite:${path.join(dir, "ipn.db")}` });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the store's queue at every scrape, and exposes none while the store is down", async () => {
    const metrics = createMetrics({ defaultMetrics: false, queueDepth: () => store.queue.getDepth() });
    const app = appWith(metrics);
    expect(await sample(metrics.registry, "ipn_queue_depth", { state: "queued" })).toBe(0);
    await store.queue.enqueue({ n: 1 });
    await store.queue.enqueue({ n: 2 });
    await store.queue.enqueue({ n: 3 }, { delay: Temporal.Duration.from({ hours: 1 }) });
    const text = (await request(app).get("/metrics").expect(200)).text;
    expect(text).toContain('ipn_queue_depth{state="queued"} 3');
    expect(text).toContain('ipn_queue_depth{state="ready"} 2');
    expect(text).toContain('ipn_queue_depth{state="delayed"} 1');
    await store.close();
    const down = (await request(app).get("/metrics").expect(200)).text;
    expect(down).not.toContain("ipn_queue_depth{");
  });
});

describe("Fedify's own measurements", () => {
  let peer: FakePeer;
  let server: http.Server;
  let origin: string;
  let ours: Federation<void>;
  let metrics: IpnMetrics;
  let failing: http.Server;

  beforeAll(async () => {
    metrics = createMetrics({ defaultMetrics: false });
    peer = await startFakePeer();
    const keys = await generateCryptoKeyPair("Ed25519");
    const rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const body = req.method === "POST" ? new Uint8Array(Buffer.concat(chunks)) : undefined;
      const response = await ours.fetch(new Request(new URL(req.url ?? "/", origin), { method: req.method, headers, body }), { contextData: undefined });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Loopback peers need allowPrivateAddress; signatures are still verified.
    ours = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true, meterProvider: fedifyMeterProvider(metrics) });
    ours
      .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
        if (identifier !== "hub") return null;
        const pairs = await ctx.getActorKeyPairs(identifier);
        return new Person({
          id: ctx.getActorUri(identifier), preferredUsername: identifier, inbox: ctx.getInboxUri(identifier),
          endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }), publicKey: pairs[0]!.cryptographicKey, assertionMethods: pairs.map((p) => p.multikey),
        });
      })
      .setKeyPairsDispatcher((_ctx, identifier) => (identifier === "hub" ? [rsa, keys] : []));
    // The fake peer, like GoToSocial, serves its key only to signed fetches.
    ours.setInboxListeners("/users/{identifier}/inbox", "/inbox").setSharedKeyDispatcher(() => ({ identifier: "hub" })).on(Activity, async () => {});
    failing = http.createServer((_req, res) => { res.writeHead(500).end("down"); });
    await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    await peer.close();
    await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    await new Promise<void>((r) => { failing.closeAllConnections(); failing.close(() => r()); });
  });

  it("counts a signed Follow that reached the inbox as processed", async () => {
    await peer.follow(`${origin}/users/hub`);
    expect(await sample(metrics.registry, "ipn_inbox_activities_total", { type: "Follow", outcome: "processed" })).toBe(1);
  });

  it("counts a delivery the remote inbox accepted as delivered, and one it refused as failed", async () => {
    const ctx = ours.createContext(new URL(origin), undefined);
    const target = await ctx.lookupObject(peer.actorUri, { documentLoader: await ctx.getDocumentLoader({ identifier: "hub" }) });
    if (!isActor(target)) throw new Error("fake peer actor not found");
    const accept = new Accept({ id: new URL(`${origin}/accepts/1`), actor: ctx.getActorUri("hub"), object: new Follow({ id: new URL(`${peer.origin}/follows/x`), actor: target.id }) });
    await ctx.sendActivity({ identifier: "hub" }, target, accept);
    await peer.waitFor((a) => a.id === `${origin}/accepts/1`);
    expect(await sample(metrics.registry, "ipn_deliveries_total", { outcome: "delivered" })).toBe(1);

    const broken = { id: new URL(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/users/x`), inboxId: new URL(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/inbox`) };
    await expect(ctx.sendActivity({ identifier: "hub" }, broken, new Accept({ id: new URL(`${origin}/accepts/2`), actor: ctx.getActorUri("hub") }))).rejects.toThrow();
    expect(await sample(metrics.registry, "ipn_deliveries_total", { outcome: "failed" })).toBe(1);
  });
});

describe("the mirror lag gauge on a running node", () => {
  it("reads each peer's lag at scrape time, and leaves out peers never in sync", async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      peerLags: async () => [{ origin: "https://fr.ipn.example", lagSeconds: 7 }, { origin: "https://it.ipn.example", lagSeconds: null }],
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('ipn_mirror_lag_seconds{peer="https://fr.ipn.example"} 7');
    expect(text).not.toContain("it.ipn.example");
  });
});
