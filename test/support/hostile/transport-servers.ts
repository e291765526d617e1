// Hostile inboxes for the delivery tests: a tarpit that accepts connections and never answers, a
// server that rate-limits with Retry-After, and one that redirects POSTs elsewhere — raw loopback
// servers that count what reaches them.
import http from "node:http";
import net from "node:net";

export interface Tarpit {
  origin: string;
  /** Connections accepted so far, and how many are open now. */
  accepted: number;
  open: number;
  close(): Promise<void>;
}

/** Accepts every connection, reads what comes, never writes a byte. */
export async function startTarpit(): Promise<Tarpit> {
  const sockets = new Set<net.Socket>();
  const state = { accepted: 0, open: 0 };
  const server = net.createServer((socket) => {
    state.accepted++;
    state.open++;
    sockets.add(socket);
    socket.on("data", () => { /* swallow */ });
    socket.on("error", () => { /* the client gave up */ });
    socket.on("close", () => { state.open--; sockets.delete(socket); });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get accepted() { return state.accepted; },
    get open() { return state.open; },
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  } as Tarpit;
}

export interface ScriptedServer {
  origin: string;
  hits: { method: string; path: string }[];
  close(): Promise<void>;
}

/** Answers every request with `respond`'s status and headers (and counts them). */
export async function startScripted(respond: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string> }): Promise<ScriptedServer> {
  const hits: { method: string; path: string }[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? "", path: req.url ?? "" });
    req.resume();
    const { status, headers } = respond(req);
    res.writeHead(status, headers).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
