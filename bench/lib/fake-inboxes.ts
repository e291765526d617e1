// Fake shared inboxes on loopback, in their own process so their CPU is not billed to the node under
// test: they count every POST and verify the HTTP signature (Fedify's verifyRequest, draft-cavage or
// RFC 9421, key fetched from the sender) of a sample, answering 202. GET /stats on any server
// returns the counts. Started by startFakeInboxes(); run directly as
// `node --import tsx bench/lib/fake-inboxes.ts <servers> <pathsPerServer> <verifyEvery> [tarpits] [record]`.
//
// Options for the isolation benchmark: `tarpits` more servers, each on its own port, that accept TCP
// connections and never answer (not a byte, never close); `record` keeps every POST's arrival time
// (performance.timeOrigin + performance.now(), comparable across processes on one machine) and the
// object of the activity, returned by GET /arrivals.
import "../../node/runtime/shims";
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
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

/** One POST as a fake inbox saw it (record mode). */
export interface Arrival {
  /** performance.timeOrigin + performance.now() when the body had arrived, in ms. */
  at: number;
  /** The inbox path, e.g. /inbox/3. */
  path: string;
  /** The activity's type and its object's id (null when the body was not such an activity). */
  type: string | null;
  object: string | null;
}

export interface FakeInboxes {
  /** Shared inbox URLs, e.g. http://127.0.0.1:PORT/inbox/3 */
  inboxes: string[];
  /** Inbox URLs on the tarpit servers (one server, one origin each). */
  tarpits: string[];
  stats(): Promise<InboxStats>;
  /** Every POST so far (record mode only; empty otherwise). */
  arrivals(): Promise<Arrival[]>;
  /** Connections the tarpits have accepted so far. */
  tarpitConnections(): Promise<number>;
  close(): Promise<void>;
}

export interface FakeInboxOptions {
  tarpits?: number;
  record?: boolean;
}

/** Spawns the fake inboxes as a child process and waits until they listen. */
export async function startFakeInboxes(servers: number, pathsPerServer: number, verifyEvery: number, opts: FakeInboxOptions = {}): Promise<FakeInboxes> {
  const args = [String(servers), String(pathsPerServer), String(verifyEvery), String(opts.tarpits ?? 0), opts.record ? "1" : "0"];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", __filename, ...args], {
    cwd: path.join(__dirname, "..", ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ inboxes: string[]; tarpits: string[] }>((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (c: string) => {
      out += c;
      const m = /READY (.*)\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as { inboxes: string[]; tarpits: string[] });
    });
    child.once("exit", (code) => reject(new Error(`fake inboxes exited with ${code}`)));
  });
  const { inboxes, tarpits } = ready;
  const statsUrl = new URL("/stats", inboxes[0]).href;
  return {
    inboxes,
    tarpits,
    async stats() {
      return (await (await fetch(statsUrl)).json()) as InboxStats;
    },
    async arrivals() {
      return (await (await fetch(new URL("/arrivals", inboxes[0]))).json()) as Arrival[];
    },
    async tarpitConnections() {
      return ((await (await fetch(new URL("/tarpits", inboxes[0]))).json()) as { connections: number }).connections;
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

/** The activity's type and object id, from a delivered body (record mode). */
function describe(body: Buffer): { type: string | null; object: string | null } {
  try {
    const a = JSON.parse(body.toString("utf8")) as { type?: unknown; object?: unknown };
    const o = a.object;
    const object = typeof o === "string" ? o : o && typeof o === "object" && typeof (o as { id?: unknown }).id === "string" ? (o as { id: string }).id : null;
    return { type: typeof a.type === "string" ? a.type : null, object };
  } catch {
    return { type: null, object: null };
  }
}

async function serve(servers: number, pathsPerServer: number, verifyEvery: number, tarpitCount: number, record: boolean): Promise<void> {
  // Keys are kept once fetched, as real servers keep them (Mastodon stores a sender's key with its
  // account and fetches it again only when a signature fails): the sender's CPU is spent on delivering,
  // not on serving its actor document again for every sampled verification.
  const fetchDocument = getDocumentLoader({ allowPrivateAddress: true });
  const documents = new Map<string, ReturnType<typeof fetchDocument>>();
  const loader: typeof fetchDocument = (url, options) => {
    const held = documents.get(url);
    if (held) return held;
    const loading = fetchDocument(url, options);
    documents.set(url, loading);
    loading.catch(() => documents.delete(url));
    return loading;
  };
  const stats: InboxStats = { received: 0, verified: 0, failed: 0, bytes: 0, firstAt: null, lastAt: null };
  const arrivals: Arrival[] = [];
  let tarpitConnections = 0;
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
    if (req.method === "GET" && req.url === "/arrivals") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(arrivals));
      return;
    }
    if (req.method === "GET" && req.url === "/tarpits") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ connections: tarpitConnections }));
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
        if (record) arrivals.push({ at: performance.timeOrigin + performance.now(), path: req.url, ...describe(body) });
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
  const tarpits: string[] = [];
  const held = new Set<net.Socket>();
  for (let t = 0; t < tarpitCount; t++) {
    // Accepts, reads nothing back, answers nothing, never closes: the connection just hangs.
    const server = net.createServer((socket) => {
      tarpitConnections++;
      held.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => held.delete(socket));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    tarpits.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`);
  }
  process.on("SIGTERM", () => process.exit(0));
  process.stdout.write(`READY ${JSON.stringify({ inboxes, tarpits })}\n`);
}

if (require.main === module) {
  const [servers = "10", paths = "5", every = "20", tarpits = "0", record = "0"] = process.argv.slice(2);
  serve(Number(servers), Number(paths), Number(every), Number(tarpits), record === "1").catch((error: unknown) => {
    process.stderr.write(`fake inboxes: ${String(error)}\n`);
    process.exit(1);
  });
}
