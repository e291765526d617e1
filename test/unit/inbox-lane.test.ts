// The inbox lane (node/http/inbox-lane.ts) over real HTTP: an inbox POST runs the lane's handlers in
// order, outside Express's router but with Express's request and response, and ends in the lane's own
// 404 or error answer; every other request is the app's.
import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import { withInboxLane } from "../../node/http/inbox-lane";

let server: http.Server;
let base: string;
let seen: string[] = [];
let behaviour: "answer" | "pass" | "throw" | "reject" | "next-error" = "answer";

beforeAll(async () => {
  const app = express();
  app.set("trust proxy", "loopback");
  const mark = (name: string): RequestHandler => (_req, _res, next) => { seen.push(name); next(); };
  app.use(mark("app"));
  app.post("/inbox", (_req, res) => { res.status(299).send("the app's inbox route"); });
  app.use((req, res) => { res.status(200).json({ by: "app", method: req.method, path: req.path }); });
  const first: RequestHandler = (req, res, next) => {
    // What Express gives a handler: the request's helpers and the response's locals and setters.
    res.locals.id = req.get("x-id") ?? "none";
    res.set("X-Seen-Ip", req.ip ?? "");
    seen.push("first");
    next();
  };
  const last: RequestHandler = async (req, res, next) => {
    seen.push("last");
    if (behaviour === "throw") throw new Error("thrown");
    if (behaviour === "reject") return Promise.reject(new Error("rejected"));
    if (behaviour === "next-error") return next(new Error("passed"));
    if (behaviour === "pass") return next();
    res.status(202).type("application/json").send(JSON.stringify({ path: req.path, id: res.locals.id }));
  };
  const onError: ErrorRequestHandler = (err, _req, res, _next) => { res.status(500).json({ error: (err as Error).message }); };
  const listener = withInboxLane(app, {
    isInboxPath: (p) => p === "/inbox" || /^\/hubs\/[^/]+\/inbox$/.test(p),
    handlers: [first, last],
    notFound: (req, res) => { res.status(404).json({ nothing: req.path }); },
    onError,
  });
  server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise<void>((resolve) => server.close(() => resolve())); });
beforeEach(() => { seen = []; behaviour = "answer"; });

const post = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { method: "POST", headers, body: "{}" });

it("runs an inbox POST through the lane's handlers in order, with Express's request and response, and not the app", async () => {
  const res = await post("/hubs/muenchen/inbox?x=1", { "x-id": "abc" });
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ path: "/hubs/muenchen/inbox", id: "abc" });
  expect(res.headers.get("x-seen-ip")).toBe("127.0.0.1");
  expect(seen).toEqual(["first", "last"]);
});

it("leaves every other request to the app: other POSTs, and other methods on an inbox path", async () => {
  const other = await post("/api/v1/hubs");
  expect(await other.json()).toEqual({ by: "app", method: "POST", path: "/api/v1/hubs" });
  const get = await fetch(`${base}/inbox`);
  expect(await get.json()).toEqual({ by: "app", method: "GET", path: "/inbox" });
  expect(seen).toEqual(["app", "app"]);
});

it("answers with the lane's 404 when its last handler passes the request on (the app's routes never see it)", async () => {
  behaviour = "pass";
  const res = await post("/inbox");
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ nothing: "/inbox" });
  expect(seen).toEqual(["first", "last"]);
});

it.each([["throws", "throw", "thrown"], ["rejects", "reject", "rejected"], ["passes to next()", "next-error", "passed"]] as const)("answers an error a handler %s with the error handler, and keeps serving", async (_, how, message) => {
  behaviour = how;
  const res = await post("/inbox");
  expect(res.status).toBe(500);
  expect(await res.json()).toEqual({ error: message });
  behaviour = "answer";
  expect((await post("/inbox")).status).toBe(202);
});
