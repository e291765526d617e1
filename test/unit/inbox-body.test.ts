// How the Fedify bridge reads an inbox POST's body (node/http/fedify-adapter.ts): whole, however it is
// cut into chunks; refused with 413 past the limit even when no Content-Length announced it; and a
// client that goes away mid-body leaves the node answering the next request. Real Express and a real
// HTTP server on loopback; Fedify's side is a stand-in that records what it was handed.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Federation } from "@fedify/fedify";
import express from "express";
import { fedifyMiddleware } from "../../node/http/fedify-adapter";

const MAX = 64 * 1024;

interface Handed { path: string; sha256: string; length: number }

async function startBridge(): Promise<{ url: string; handed: Handed[]; close: () => Promise<void> }> {
  const handed: Handed[] = [];
  const federation = {
    async fetch(request: Request): Promise<Response> {
      const body = Buffer.from(await request.arrayBuffer());
      handed.push({ path: new URL(request.url).pathname, sha256: createHash("sha256").update(body).digest("hex"), length: body.length });
      return new Response(null, { status: 202 });
    },
  } as unknown as Federation<void>;
  const app = express();
  app.use(fedifyMiddleware(federation, { origin: "http://127.0.0.1", isInboxPath: (p) => p === "/inbox", maxBodyBytes: MAX }));
  app.use((_req, res) => { res.status(404).end(); });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handed,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** POSTs `chunks` with chunked transfer encoding (no Content-Length), a pause between chunks. */
function postChunked(url: string, chunks: Buffer[]): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on("error", reject);
    let i = 0;
    const next = () => {
      if (i === chunks.length) {
        req.end();
        return;
      }
      req.write(chunks[i++]);
      setTimeout(next, 5);
    };
    next();
  });
}

describe("inbox POST bodies through the Fedify bridge", () => {
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  beforeEach(async () => { bridge = await startBridge(); });
  afterEach(async () => { await bridge.close(); });

  it("hands Fedify the whole body, byte for byte, when it arrives in many chunks", async () => {
    const body = Buffer.from(JSON.stringify({ type: "Create", padding: "é".repeat(20_000) }));
    const chunks = Array.from({ length: Math.ceil(body.length / 997) }, (_, n) => body.subarray(n * 997, (n + 1) * 997));
    expect(chunks.length).toBeGreaterThan(30);
    const res = await postChunked(bridge.url, chunks);
    expect(res.status).toBe(202);
    expect(bridge.handed).toEqual([{ path: "/inbox", length: body.length, sha256: createHash("sha256").update(body).digest("hex") }]);
  });

  it("hands Fedify an empty body as empty", async () => {
    const res = await postChunked(bridge.url, []);
    expect(res.status).toBe(202);
    expect(bridge.handed).toEqual([{ path: "/inbox", length: 0, sha256: createHash("sha256").digest("hex") }]);
  });

  it("refuses a chunked body past the limit with 413 and closes the connection, without handing anything on", async () => {
    const chunk = Buffer.alloc(16 * 1024, "a");
    const res = await postChunked(bridge.url, Array.from({ length: 6 }, () => chunk)); // 96 KiB > 64 KiB
    expect(res.status).toBe(413);
    expect(res.connection).toBe("close");
    expect(bridge.handed).toEqual([]);
  });

  it("refuses a declared Content-Length past the limit before reading the body", async () => {
    const res = await fetch(`${bridge.url}/inbox`, { method: "POST", body: "x".repeat(MAX + 1), headers: { "content-type": "application/activity+json" } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toBe(`inbox bodies are limited to ${MAX} bytes`);
    expect(bridge.handed).toEqual([]);
  });

  it("keeps answering after a client goes away halfway through its body", async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(`${bridge.url}/inbox`, { method: "POST", headers: { "content-length": "4096" }, agent: false });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(1000, "a"), () => setTimeout(() => { req.destroy(); resolve(); }, 50));
    });
    const res = await postChunked(bridge.url, [Buffer.from("{\"type\":\"Create\"}")]);
    expect(res.status).toBe(202);
    expect(bridge.handed.map((h) => h.length)).toEqual([17]);
  });
});
