// Request ids in logs: with the production logging configuration, every record a request causes
// (before and after body parsing and awaits, ours and Fedify's) carries that request's id.
import { configure, getLogger, jsonLinesFormatter, reset, type LogRecord } from "@logtape/logtape";
import express from "express";
import request from "supertest";
import { loggingConfig } from "../../node/ops/logging";
import { requestContext, requestIdOf } from "../../node/ops/request-context";

const records: LogRecord[] = [];
const log = getLogger(["ipn", "test"]);

async function configureWith(level: "debug" | "info"): Promise<void> {
  records.length = 0;
  await configure(loggingConfig(level, { sink: (r) => { records.push(r); } }));
}
afterEach(async () => { await reset(); records.length = 0; });

function app() {
  const a = express();
  a.use(requestContext());
  a.post("/things", express.json(), async (req, res) => {
    await new Promise((r) => setTimeout(r, 5));
    log.info("created {name}", { name: (req.body as { name: string }).name });
    res.status(201).json({ requestId: requestIdOf(res), name: (req.body as { name: string }).name });
  });
  a.get("/fedify", (req, res) => {
    getLogger(["fedify", "federation", "inbox"]).info("chatty detail");
    getLogger(["fedify", "federation", "inbox"]).warn("something an operator acts on");
    // Fedify's middleware reads X-Request-Id for its own log context: it must see the same id.
    res.json({ seenByFedify: req.get("x-request-id") });
  });
  return a;
}

it("tags a record logged after body parsing and an await with the request's id, echoed in the response", async () => {
  await configureWith("info");
  const res = await request(app()).post("/things").send({ name: "lamp" }).expect(201);
  const id = res.headers["x-request-id"] as string;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.body).toEqual({ requestId: id, name: "lamp" });
  const created = records.find((r) => r.rawMessage === "created {name}");
  expect(created?.properties).toMatchObject({ requestId: id, name: "lamp" });
  // The JSON lines operators read carry it too.
  expect(JSON.parse(jsonLinesFormatter(created!))).toMatchObject({ level: "INFO", logger: "ipn.test", properties: { requestId: id, name: "lamp" } });
});

it("keeps concurrent requests apart", async () => {
  await configureWith("info");
  const a = app();
  const responses = await Promise.all(["one", "two", "three"].map((name) => request(a).post("/things").send({ name })));
  for (const res of responses) {
    const rec = records.find((r) => r.properties.name === res.body.name);
    expect(rec?.properties.requestId).toBe(res.headers["x-request-id"]);
  }
  expect(new Set(responses.map((r) => r.headers["x-request-id"])).size).toBe(3);
});

it("reuses a proxy's X-Request-Id but not one that is not a plain token", async () => {
  await configureWith("info");
  const a = app();
  const reused = await request(a).post("/things").set("X-Request-Id", "edge-7f3a.42").send({ name: "x" }).expect(201);
  expect(reused.headers["x-request-id"]).toBe("edge-7f3a.42");
  expect(records.at(-1)?.properties.requestId).toBe("edge-7f3a.42");
  const hostile = await request(a).post("/things").set("X-Request-Id", "a\" injected=1 {").send({ name: "y" }).expect(201);
  expect(hostile.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

it("routes Fedify's records into the same sink: warnings and up, everything at debug", async () => {
  await configureWith("info");
  const res = await request(app()).get("/fedify").expect(200);
  const fedify = records.filter((r) => r.category[0] === "fedify");
  expect(fedify.map((r) => r.rawMessage)).toEqual(["something an operator acts on"]);
  expect(fedify[0]!.properties.requestId).toBe(res.headers["x-request-id"]);
  expect(res.body.seenByFedify).toBe(res.headers["x-request-id"]);

  await configureWith("debug");
  await request(app()).get("/fedify").expect(200);
  expect(records.filter((r) => r.category[0] === "fedify").map((r) => r.rawMessage)).toEqual(["chatty detail", "something an operator acts on"]);
});

it("still serves requests (with ids in headers) when logging was never configured", async () => {
  const res = await request(app()).post("/things").send({ name: "z" }).expect(201);
  expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  expect(records).toHaveLength(0);
});
