// Rate limits per client IP and per remote server on the inbox and the API (issue 8, principle 8),
// counted in the node's store — SQLite and a MongoDB-wire server. Over the limit: 429 with
// Retry-After and a problem document; other clients keep their own budget; probes are never limited.
// The inbox POSTs use undici's own client: the process's global fetch is the node's delivery
// transport, which would (rightly) back off a server that answers 429.
import { request } from "undici";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { startTestNode, type TestNode } from "../support/node";

let mongo: MongoWireServer | undefined;
afterAll(async () => { await mongo?.dispose(); });

const signedBy = (host: string, ip: string) => ({
  "content-type": "application/activity+json",
  "x-forwarded-for": ip,
  date: new Date().toUTCString(),
  signature: `keyId="http://${host}/users/a#main-key",headers="(request-target) host date digest",signature="AAAA"`,
});

describe.each(["SQLite", "MongoDB"])("on %s", (store) => {
  let node: TestNode;

  beforeAll(async () => {
    const env: Record<string, string> = {
      IPN_RATE_LIMIT_API: "5", IPN_RATE_LIMIT_INBOX: "4", IPN_RATE_LIMIT_INBOX_SERVER: "2", IPN_TRUST_PROXY: "loopback",
    };
    if (store === "MongoDB") {
      mongo ??= await startMongoWireServer();
      env.IPN_STORE = mongo.freshDatabaseUrl();
    }
    node = await startTestNode(env);
  }, 10 * 60_000);
  afterAll(async () => { await node?.stop(); });

  it("answers the API requests of one client beyond the limit with 429 and Retry-After; others and probes go on", async () => {
    const get = (ip: string) => fetch(`${node.listenUrl}/api/v1/challenges`, { headers: { "x-forwarded-for": ip } });
    for (let i = 0; i < 5; i++) expect((await get("198.51.100.7")).status).toBe(200);
    const refused = await get("198.51.100.7");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ status: 429, title: "Too many requests" });
    expect((await get("198.51.100.8")).status).toBe(200);
    expect((await fetch(`${node.listenUrl}/healthz`, { headers: { "x-forwarded-for": "198.51.100.7" } })).status).toBe(200);
  });

  it("limits inbox deliveries per remote server, whatever address they come from", async () => {
    const post = async (host: string, ip: string) => {
      const r = await request(`${node.listenUrl}/inbox`, { method: "POST", headers: signedBy(host, ip), body: "{}" });
      await r.body.arrayBuffer();
      return { status: r.statusCode, retryAfter: r.headers["retry-after"] };
    };
    const first = [await post("a.example", "203.0.113.1"), await post("a.example", "203.0.113.2")];
    for (const r of first) expect(r.status).not.toBe(429); // refused later for their bad signature, not counted out
    const third = await post("a.example", "203.0.113.3");
    expect(third.status).toBe(429);
    expect(third.retryAfter).toBeDefined();
    expect((await post("b.example", "203.0.113.3")).status).not.toBe(429);
  });

  it("limits inbox deliveries per client address, whatever server they claim", async () => {
    const post = async (host: string) => {
      const r = await request(`${node.listenUrl}/inbox`, { method: "POST", headers: signedBy(host, "192.0.2.99"), body: "{}" });
      await r.body.arrayBuffer();
      return r.statusCode;
    };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(await post(`s${i}.example`));
    expect(statuses.slice(0, 4).every((s) => s !== 429)).toBe(true);
    expect(statuses[4]).toBe(429);
  });
});
