// Fake shared inboxes on loopback, in their own process so their CPU is not billed to the node under
// test: they count every POST and verify the HTTP signature (Fedify's verifyRequest, draft-cavage or
// RFC 9421, key fetched from the sender) of a sample, answering 202. GET /stats on any server
// returns the counts. Started by startFakeInboxes(); run directly as
// `node --import tsx bench/lib/fake-inboxes.ts <servers> <pathsPerServer> <verifyEvery>`.
import "../../node/runtime/shims";
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { verifyRequest } from "@fedify/fedify";
import { getDocumentLoader } from "@fedify/vocab-runtime";

export interface InboxStats {
  received: number;
  verified: number;
  failed: number;
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface FakeInboxes {
  /** Shared inbox URLs, e.g. http://127.0.0.1:PORT/inbox/3 */
  inboxes: string[];
  stats(): Promise<InboxStats>;
  close(): Promise<void>;
}

/** Spawns the fake inboxes as a child process and waits until they listen. */
export async function startFakeInboxes(servers: number, pathsPerServer: number, verifyEvery: number): Promise<FakeInboxes> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", __filename, String(servers), String(pathsPerServer), String(verifyEvery)], {
    cwd: path.join(__dirname, "..", ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const inboxes = await new Promise<string[]>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (c: string) => {
      out += c;
      const m = /READY (.*)\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as string[]);
    });
    child.once("exit", (code) => reject(new Error(`fake inboxes exited with ${code}`)));
  });
  const statsUrl = new URL("/stats", inboxes[0]).href;
  return {
    inboxes,
    async stats() {
      return (await (await fetch(statsUrl)).json()) as InboxStats;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}

async function serve(servers: number, pathsPerServer: number, verifyEvery: number): Promise<void> {
  const loader = getDocumentLoader({ allowPrivateAddress: true });
  const stats: InboxStats = { received: 0, verified: 0, failed: 0, bytes: 0, firstAt: null, lastAt: null };
  let seen = 0;
  const verify = async (req: http.IncomingMessage, url: string, body: Buffer) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const key = await verifyRequest(new Request(url, { method: "POST", headers, body: new Uint8Array(body) }), {
      documentLoader: loader,
      contextLoader: loader,
    });
    if (key) stats.verified++;
    else stats.failed++;
  };
  const handler = (base: string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method === "GET" && req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.method === "POST" && req.url?.startsWith("/inbox/")) {
        const now = Date.now();
        stats.received++;
        stats.bytes += body.length;
        stats.firstAt ??= now;
        stats.lastAt = now;
        if (verifyEvery > 0 && seen++ % verifyEvery === 0) {
          verify(req, `${base}${req.url}`, body).then(
            () => res.writeHead(202).end(),
            () => {
              stats.failed++;
              res.writeHead(202).end();
            },
          );
          return;
        }
        res.writeHead(202).end();
        return;
      }
      res.writeHead(404).end();
    });
  };
  const inboxes: string[] = [];
  for (let s = 0; s < servers; s++) {
    const server = http.createServer();
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("request", handler(base));
    for (let p = 0; p < pathsPerServer; p++) inboxes.push(`${base}/inbox/${s * pathsPerServer + p}`);
  }
  process.on("SIGTERM", () => process.exit(0));
  process.stdout.write(`READY ${JSON.stringify(inboxes)}\n`);
}

if (require.main === module) {
  const [servers = "10", paths = "5", every = "20"] = process.argv.slice(2);
  serve(Number(servers), Number(paths), Number(every)).catch((error: unknown) => {
    process.stderr.write(`fake inboxes: ${String(error)}\n`);
    process.exit(1);
  });
}
