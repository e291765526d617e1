// Many fake fediverse servers on loopback, one HTTP server (one origin) each, with a shared inbox that
// records the activities POSTed to it and answers 202 after a configurable delay. They verify no
// signature: these tests are about whether every delivery arrives, not about what a receiver checks
// (test/federation covers that). Distinct origins matter: Fedify orders deliveries per inbox origin,
// so one origin would serialise the whole fan-out.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  id: string;
  type: string;
  objectId: string | null;
  /** The 202 went out: the sender learnt that this delivery succeeded (false while waiting, or when cut off). */
  answered: boolean;
  /** The body as it arrived. */
  raw: string;
  /**
   * Sent with the Fetch API (it adds `sec-fetch-mode`): by Fedify's own send, not by the lean first
   * attempt, which uses undici's request API (federation/transport/lean-delivery.ts).
   */
  viaFetch: boolean;
}

export interface FakeServer {
  readonly origin: string;
  /** The follower this server hosts and the shared inbox its deliveries go to. */
  readonly follower: { actorId: string; inbox: string; sharedInbox: string; followId: null };
  /** Every activity that arrived at the shared inbox, in arrival order (duplicates kept). */
  readonly received: Received[];
  /** POSTs whose connection closed before the answer was sent (the sender died or gave up). */
  aborted: number;
  /** Milliseconds to wait before answering; change it at any time. */
  delayMs: number;
  /** The next this many POSTs are recorded and answered 500 (a server failing for a moment). */
  failNext: number;
}

export interface FakeFediverse {
  readonly servers: FakeServer[];
  /** How many deliveries of the activity each server completed, i.e. answered (index = server). */
  deliveriesOf(activityId: string): number[];
  /** How many times the activity arrived at each server, answered or not (index = server). */
  arrivalsOf(activityId: string): number[];
  close(): Promise<void>;
}

async function startOne(delayMs: number): Promise<FakeServer> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/inbox") {
        res.writeHead(404).end();
        return;
      }
      try {
        const raw = Buffer.concat(chunks).toString("utf8");
        const body = JSON.parse(raw) as { id?: unknown; type?: unknown; object?: unknown };
        const object = body.object as { id?: unknown } | string | undefined;
        const objectId = typeof object === "string" ? object : typeof object?.id === "string" ? object.id : null;
        const entry: Received = { id: String(body.id), type: String(body.type), objectId, answered: false, raw, viaFetch: req.headers["sec-fetch-mode"] !== undefined };
        received.push(entry);
        if (fake.failNext > 0) {
          fake.failNext--;
          res.writeHead(500).end();
          return;
        }
        res.once("finish", () => { entry.answered = true; });
        res.once("close", () => { if (!entry.answered) fake.aborted++; });
        setTimeout(() => { if (!res.destroyed) res.writeHead(202).end(); }, fake.delayMs);
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeServer & { close(): Promise<void> } = {
    origin,
    follower: { actorId: `${origin}/users/reader`, inbox: `${origin}/users/reader/inbox`, sharedInbox: `${origin}/inbox`, followId: null },
    received,
    aborted: 0,
    delayMs,
    failNext: 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return fake;
}

/** Starts `count` servers; `delayMs(i)` is server i's answer delay. */
export async function startFakeFediverse(count: number, delayMs: (i: number) => number = () => 0): Promise<FakeFediverse> {
  const servers = await Promise.all(Array.from({ length: count }, (_, i) => startOne(delayMs(i))));
  return {
    servers,
    deliveriesOf: (activityId) => servers.map((s) => s.received.filter((r) => r.id === activityId && r.answered).length),
    arrivalsOf: (activityId) => servers.map((s) => s.received.filter((r) => r.id === activityId).length),
    close: async () => { await Promise.all(servers.map((s) => (s as FakeServer & { close(): Promise<void> }).close())); },
  };
}
