// The headers the inbound gate and the fast path read of an inbox POST (node/http/fedify-adapter.ts
// hands them Node's own header object, not a Fetch API Headers): what a Headers object would answer —
// any case of a name, repeated headers joined with ", ", null when absent — and nothing else: a
// Signature header may name any header, so names that are properties of every JavaScript object
// ("constructor", "__proto__", "toString") must read as absent. Real Express, a real HTTP server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Federation } from "@fedify/fedify";
import express from "express";
import type { HeaderReader, InboundRequest } from "../../federation/inbound/gate";
import { fedifyMiddleware } from "../../node/http/fedify-adapter";

it("reads an inbox POST's headers as a Fetch API Headers would, and only the request's own", async () => {
  const names = ["signature", "SIGNATURE", "x-repeated", "digest", "constructor", "__proto__", "toString", "hasOwnProperty"];
  const read: { get: Record<string, string | null>; has: Record<string, boolean> }[] = [];
  const gate = async (request: InboundRequest) => {
    const headers: HeaderReader = request.headers;
    read.push({
      get: Object.fromEntries(names.map((n) => [n, headers.get(n)])),
      has: Object.fromEntries(names.map((n) => [n, headers.has(n)])),
    });
    return { refusal: { status: 401 as const, title: "Unauthorized", detail: "recorded" } };
  };
  const federation = { fetch: async () => new Response(null, { status: 500 }) } as unknown as Federation<void>;
  const app = express();
  app.use(fedifyMiddleware(federation, { origin: "http://127.0.0.1", isInboxPath: (p) => p === "/inbox", gate }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      // Raw header pairs (Host and Content-Length are then ours to give): a repeated header, as a proxy or a sender may send it.
      const req = http.request({
        host: "127.0.0.1", port, path: "/inbox", method: "POST", agent: false,
        headers: ["Host", `127.0.0.1:${port}`, "Content-Type", "application/activity+json", "Content-Length", "2", "Signature", 'keyId="k"', "X-Repeated", "one", "X-Repeated", "two"],
      }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      });
      req.on("error", reject);
      req.end("{}");
    });

    expect(status).toBe(401);
    expect(read).toHaveLength(1);
    const headersAnswer = new Headers([["signature", 'keyId="k"'], ["x-repeated", "one"], ["x-repeated", "two"]]);
    for (const name of names) {
      expect({ name, value: read[0]!.get[name] }).toEqual({ name, value: headersAnswer.get(name) });
      expect({ name, present: read[0]!.has[name] }).toEqual({ name, present: headersAnswer.has(name) });
    }
    expect(read[0]!.get["x-repeated"]).toBe("one, two");
    expect(read[0]!.get.constructor).toBeNull();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
