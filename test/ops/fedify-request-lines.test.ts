// An operator's log at the default level: Fedify is asked about every request first and logged each
// one it passed on as a warning ("GET /: 404" for the home page). With the production logging
// configuration, a real node's pages, 404s and refused actor fetches leave one access-log line each
// (ours, with the final status) and no Fedify request line.
import { configure, reset, type LogRecord } from "@logtape/logtape";
import { loggingConfig, withoutFedifyRequestLines } from "../../node/ops/logging";
import { startTestNode, type TestNode } from "../support/node";

const records: LogRecord[] = [];
let node: TestNode;

beforeAll(async () => {
  await configure(loggingConfig("info", { sink: (r) => { records.push(r); } }));
  node = await startTestNode({ IPN_LOG_LEVEL: "info" });
});
afterAll(async () => {
  await node?.stop();
  await reset();
});

const fedifyRequestLines = () => records.filter((r) => r.category.join(".") === "fedify.federation.http");
const accessLines = () => records.filter((r) => r.category.join(".") === "ipn.http").map((r) => `${r.properties.method} ${r.properties.path} ${r.properties.status}`);

it("logs the home page, a missing page and an unknown actor once each, in the access log, with no Fedify warning", async () => {
  expect((await fetch(`${node.listenUrl}/`)).status).toBe(200);
  expect((await fetch(`${node.listenUrl}/no-such-page`)).status).toBe(404);
  expect((await fetch(`${node.listenUrl}/hubs/nobody`, { headers: { accept: "application/activity+json" } })).status).toBe(404);
  await new Promise((r) => setTimeout(r, 50)); // the access log writes on the response's finish
  expect(accessLines()).toEqual(expect.arrayContaining(["GET / 200", "GET /no-such-page 404", "GET /hubs/nobody 404"]));
  expect(fedifyRequestLines()).toEqual([]);
  expect(records.filter((r) => r.level === "warning" || r.level === "error")).toEqual([]);
});

it("keeps Fedify's request lines for its own failures (5xx)", () => {
  const line = (status: number) => ({ category: ["fedify", "federation", "http"], level: "error", rawMessage: "{method} {path}: {status}", message: [], properties: { method: "GET", path: "/x", status }, timestamp: 0 }) as unknown as LogRecord;
  expect(withoutFedifyRequestLines(line(500))).toBe(true);
  expect(withoutFedifyRequestLines(line(404))).toBe(false);
  expect(withoutFedifyRequestLines(line(406))).toBe(false);
  expect(withoutFedifyRequestLines({ ...line(404), rawMessage: "Failed to verify the request's HTTP Signatures." } as LogRecord)).toBe(true);
});
