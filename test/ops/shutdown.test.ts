// Graceful shutdown with a real HTTP server: readiness drops first, the listener closes, the request
// in flight still gets its answer, then the steps run in order, once, each bounded.
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { healthRouter } from "../../node/http/health";
import { createGracefulShutdown, type ShutdownStep } from "../../node/ops/shutdown";

interface Running { server: http.Server; url: string; release(): void; entered: Promise<void> }

/** A server whose /slow requests wait until release() is called; `events` learns when a /slow response went out. */
async function startServer(draining: () => boolean, events: string[] = []): Promise<Running> {
  let release = () => {};
  const gate = new Promise<void>((r) => { release = r; });
  let entered!: () => void;
  const enteredP = new Promise<void>((r) => { entered = r; });
  const app = express();
  app.use(healthRouter({ pingStore: async () => {}, draining }));
  app.get("/slow", async (_req, res) => {
    entered();
    res.once("finish", () => events.push("response sent"));
    await gate;
    res.send("finished");
  });
  app.get("/fast", (_req, res) => { res.send("fast"); });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, release, entered: enteredP };
}

function get(url: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => { body += c; });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

function recorder(events: string[], names: string[]): ShutdownStep[] {
  return names.map((name) => ({ name, run: async () => { events.push(name); } }));
}

it("drops readiness, refuses new connections, finishes the request in flight, then runs the steps in order", async () => {
  const events: string[] = [];
  let shutdown!: ReturnType<typeof createGracefulShutdown>;
  const s = await startServer(() => shutdown.draining(), events);
  shutdown = createGracefulShutdown({ server: s.server, steps: recorder(events, ["stop scheduler", "stop relay", "stop queue", "close store"]) });

  expect((await get(`${s.url}/readyz`)).status).toBe(200);
  const inFlight = get(`${s.url}/slow`);
  await s.entered;

  const done = shutdown.run("SIGTERM");
  expect(shutdown.draining()).toBe(true);
  await expect(get(`${s.url}/fast`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  expect(events).toEqual([]); // steps wait for the request in flight

  s.release();
  expect(await inFlight).toEqual({ status: 200, body: "finished" });
  const report = await done;
  expect(events).toEqual(["response sent", "stop scheduler", "stop relay", "stop queue", "close store"]);
  expect(report).toMatchObject({ reason: "SIGTERM", abandonedRequests: 0, timedOut: false });
  expect(report.steps.map((x) => x.outcome)).toEqual(["done", "done", "done", "done"]);
});

it("answers /readyz 503 while it waits for load balancers to notice, before it stops listening", async () => {
  let shutdown!: ReturnType<typeof createGracefulShutdown>;
  const s = await startServer(() => shutdown.draining());
  shutdown = createGracefulShutdown({ server: s.server, steps: [], readinessDelayMs: 1000 });
  const done = shutdown.run();
  expect((await get(`${s.url}/readyz`)).status).toBe(503);
  expect((await get(`${s.url}/healthz`)).status).toBe(200);
  await done;
  await expect(get(`${s.url}/healthz`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

it("is idempotent: a second signal gets the same run and the steps run once", async () => {
  const events: string[] = [];
  const s = await startServer(() => false);
  const shutdown = createGracefulShutdown({ server: s.server, steps: recorder(events, ["close store"]) });
  const first = shutdown.run("SIGTERM");
  const second = shutdown.run("SIGINT");
  expect(second).toBe(first);
  expect((await second).reason).toBe("SIGTERM");
  expect(events).toEqual(["close store"]);
});

it("closes idle keep-alive connections instead of waiting for their timeout", async () => {
  const s = await startServer(() => false);
  s.server.keepAliveTimeout = 600_000; // would hold the shutdown for ten minutes
  const agent = new http.Agent({ keepAlive: true });
  expect((await get(`${s.url}/fast`, agent)).body).toBe("fast");
  const report = await createGracefulShutdown({ server: s.server, steps: [] }).run();
  expect(report.timedOut).toBe(false);
  agent.destroy();
});

it("goes on with the next step when one fails", async () => {
  const events: string[] = [];
  const s = await startServer(() => false);
  const steps: ShutdownStep[] = [
    { name: "stop relay", run: async () => { throw new Error("relay stuck"); } },
    ...recorder(events, ["close store"]),
  ];
  const report = await createGracefulShutdown({ server: s.server, steps }).run();
  expect(report.steps.map((x) => [x.name, x.outcome])).toEqual([["stop relay", "failed"], ["close store", "done"]]);
  expect(events).toEqual(["close store"]);
});

it("cuts requests that outlive the grace period, bounds each step, and gives up at the hard timeout", async () => {
  const events: string[] = [];
  const s = await startServer(() => false);
  let hardTimeouts = 0;
  const shutdown = createGracefulShutdown({
    server: s.server,
    requestGraceMs: 50,
    hardTimeoutMs: 400,
    onHardTimeout: () => { hardTimeouts++; },
    steps: [
      { name: "stop scheduler", timeoutMs: 20, run: () => new Promise(() => {}) },
      ...recorder(events, ["stop relay"]),
      { name: "abort queue", run: () => new Promise(() => {}) },
      ...recorder(events, ["close store"]),
    ],
  });
  const stuck = get(`${s.url}/slow`).then(() => "answered", (e: NodeJS.ErrnoException) => e.code);
  await s.entered;
  const report = await shutdown.run();
  expect(await stuck).toBe("ECONNRESET");
  expect(report.abandonedRequests).toBe(1);
  expect(report.steps.map((x) => [x.name, x.outcome])).toEqual([
    ["stop scheduler", "timed out"],
    ["stop relay", "done"],
    ["abort queue", "timed out"],
    ["close store", "skipped"],
  ]);
  expect(report.timedOut).toBe(true);
  expect(hardTimeouts).toBe(1);
  expect(events).toEqual(["stop relay"]);
  s.release();
});

it("works without an HTTP server (worker processes)", async () => {
  const events: string[] = [];
  const report = await createGracefulShutdown({ steps: recorder(events, ["stop queue", "close store"]) }).run();
  expect(events).toEqual(["stop queue", "close store"]);
  expect(report.timedOut).toBe(false);
});
