// /healthz and /readyz over real HTTP, with a real SQLite store behind the store check.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import request from "supertest";
import { healthRouter, watchRunning, type HealthDeps } from "../../node/http/health";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-health-"));
  store = await openStore({ url: `sqlite:${path.join(dir, "ipn.db")}` });
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The state a node would feed the probes; tests flip it. */
function probeState() {
  const state = { storeDown: false, storeHangs: false, queueRunning: true, draining: false };
  const deps: HealthDeps = {
    pingStore: () => {
      if (state.storeHangs) return new Promise<void>(() => {});
      if (state.storeDown) return Promise.reject(new Error("connection refused"));
      return store.ping();
    },
    queueRunning: () => state.queueRunning,
    draining: () => state.draining,
    storeTimeoutMs: 100,
  };
  return { state, deps };
}

const appWith = (deps: HealthDeps) => express().use(healthRouter(deps));

it("answers /healthz while the process lives, even with the store down, and never from a cache", async () => {
  const { state, deps } = probeState();
  const app = appWith(deps);
  const ok = await request(app).get("/healthz").expect(200);
  expect(ok.body).toEqual({ status: "ok" });
  expect(ok.headers["cache-control"]).toBe("no-store");
  state.storeDown = true;
  state.draining = true;
  expect((await request(app).get("/healthz").expect(200)).body).toEqual({ status: "ok" });
});

it("is ready when the store answers and the queue runs", async () => {
  const { deps } = probeState();
  const res = await request(appWith(deps)).get("/readyz").expect(200);
  expect(res.body).toEqual({ status: "ready", checks: { store: "ok", queue: "ok", draining: false } });
  expect(res.headers["cache-control"]).toBe("no-store");
});

it("fails readiness while the store is down and recovers after", async () => {
  const { state, deps } = probeState();
  const app = appWith(deps);
  state.storeDown = true;
  const down = await request(app).get("/readyz").expect(503);
  expect(down.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(down.headers["cache-control"]).toBe("no-store");
  expect(down.body).toMatchObject({ status: 503, title: "Service unavailable", checks: { store: "failing", queue: "ok", draining: false } });
  expect(down.body.detail).toContain("connection refused");
  state.storeDown = false;
  expect((await request(app).get("/readyz").expect(200)).body.checks.store).toBe("ok");
});

it("fails readiness when the store does not answer in time", async () => {
  const { state, deps } = probeState();
  state.storeHangs = true;
  const res = await request(appWith(deps)).get("/readyz").expect(503);
  expect(res.body.detail).toContain("did not answer within 100 ms");
  expect(res.body.checks.store).toBe("failing");
});

it("fails readiness with a closed store", async () => {
  const deps: HealthDeps = { pingStore: () => store.ping(), draining: () => false };
  const app = appWith(deps);
  await request(app).get("/readyz").expect(200);
  await store.close();
  const res = await request(app).get("/readyz").expect(503);
  expect(res.body.checks).toEqual({ store: "failing", queue: "skipped", draining: false });
});

it("fails readiness when the queue consumer stopped, and skips that check where nothing consumes", async () => {
  const { state, deps } = probeState();
  state.queueRunning = false;
  const res = await request(appWith(deps)).get("/readyz").expect(503);
  expect(res.body.checks).toEqual({ store: "ok", queue: "failing", draining: false });
  expect(res.body.detail).toContain("queue consumer is not running");
  const web = await request(appWith({ ...deps, queueRunning: undefined })).get("/readyz").expect(200);
  expect(web.body.checks.queue).toBe("skipped");
});

it("stops being ready as soon as a shutdown begins", async () => {
  const { state, deps } = probeState();
  state.draining = true;
  const res = await request(appWith(deps)).get("/readyz").expect(503);
  expect(res.body.checks).toEqual({ store: "skipped", queue: "ok", draining: true });
  expect(res.body.detail).toContain("shutting down");
});

it("watchRunning reports a task as running until it settles, whether it ends or fails", async () => {
  let end!: () => void;
  const ok = watchRunning(new Promise<void>((r) => { end = r; }));
  let fail!: (e: Error) => void;
  const failing = new Promise<void>((_r, j) => { fail = j; });
  const bad = watchRunning(failing);
  expect([ok.running(), bad.running()]).toEqual([true, true]);
  end();
  fail(new Error("listener crashed"));
  await failing.catch(() => {});
  await new Promise((r) => setImmediate(r));
  expect([ok.running(), bad.running()]).toEqual([false, false]);
});

it("answers its paths as Express routes them, and lets every other request pass by untouched", async () => {
  const { deps } = probeState();
  // What comes after the probes in a node: the rest of the app answers anything else.
  const app = express().use(healthRouter(deps)).use((req, res) => { res.status(404).json({ passedBy: req.path }); });
  expect((await request(app).get("/healthz/").expect(200)).body).toEqual({ status: "ok" });
  expect((await request(app).get("/HEALTHZ").expect(200)).body).toEqual({ status: "ok" });
  expect((await request(app).head("/readyz").expect(200)).headers["cache-control"]).toBe("no-store");
  for (const p of ["/inbox", "/healthz/deeper", "/api/v1/challenges", "/healthzz"]) {
    const res = await request(app).get(p).expect(404);
    expect(res.body).toEqual({ passedBy: p });
    // Not entered at all: the probes' no-store header is only ever set on their own paths.
    expect(res.headers["cache-control"]).toBeUndefined();
  }
  // A POST to a probe's path enters it, finds no route for the method, and goes on, as before.
  expect((await request(app).post("/healthz").expect(404)).body).toEqual({ passedBy: "/healthz" });
});
