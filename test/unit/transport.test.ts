// The outgoing transport (federation/transport/outgoing.ts) against hostile loopback servers of our
// own: a tarpit that never answers, a server that rate-limits, one that redirects POSTs, and names
// that resolve into private networks. Deliveries are signed requests; the tests sign with a dummy
// header (the transport only needs to know a request is a delivery, not to verify it).
import { createTransportFetch, REFUSED_HEADER, TransportRefusal } from "../../federation/transport/outgoing";
import { startScripted, startTarpit, type ScriptedServer, type Tarpit } from "../support/hostile/transport-servers";

const signed = { signature: 'keyId="https://de.example/actor#main-key",headers="(request-target)",signature="AAAA"' };
const deliver = (f: typeof fetch, url: string) => f(url, { method: "POST", headers: { ...signed, "content-type": "application/activity+json" }, body: "{}" });

/** What a delivery the transport did not send looks like to Fedify: a 429 with Retry-After. */
async function notSent(response: Promise<Response>): Promise<{ retryAfter: number; reason: string }> {
  const res = await response;
  expect(res.status).toBe(429);
  expect(res.headers.get(REFUSED_HEADER)).not.toBeNull();
  return { retryAfter: Number(res.headers.get("retry-after")), reason: res.headers.get(REFUSED_HEADER)! };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of closers.splice(0)) await c(); });

async function tarpit(): Promise<Tarpit> {
  const t = await startTarpit();
  closers.push(() => t.close());
  return t;
}
async function scripted(respond: Parameters<typeof startScripted>[0]): Promise<ScriptedServer> {
  const s = await startScripted(respond);
  closers.push(() => s.close());
  return s;
}
function transport(options: Parameters<typeof createTransportFetch>[1]) {
  const f = createTransportFetch(globalThis.fetch, options);
  closers.push(() => f.close());
  return f;
}

describe("a server that accepts connections and never answers", () => {
  it("holds a delivery for at most the timeout, then is backed off: the next delivery fails at once without connecting", async () => {
    const pit = await tarpit();
    const f = transport({ allowPrivateNetwork: true, timeoutMs: 300, backoffMs: 60_000 });
    await expect(deliver(f, `${pit.origin}/inbox`)).rejects.toThrow();
    expect(pit.accepted).toBe(1);
    expect((await notSent(deliver(f, `${pit.origin}/inbox`))).retryAfter).toBeGreaterThan(50);
    expect(pit.accepted).toBe(1);
  });

  it("tries a backed-off server again at once after it showed it is back (forgive), and only then", async () => {
    const pit = await tarpit();
    const f = transport({ allowPrivateNetwork: true, timeoutMs: 300, backoffMs: 60_000 });
    expect(f.forgive(pit.origin)).toBe(false); // never failed: nothing to forgive
    await expect(deliver(f, `${pit.origin}/inbox`)).rejects.toThrow();
    await notSent(deliver(f, `${pit.origin}/inbox`));
    expect(f.forgive("http://127.0.0.1:9")).toBe(false); // another server
    expect(f.forgive(pit.origin)).toBe(true);
    expect(f.forgive(pit.origin)).toBe(false); // once per outage
    await expect(deliver(f, `${pit.origin}/inbox`)).rejects.toThrow(); // sent: it connected again
    expect(pit.accepted).toBe(2);
  });

  it("tells the node of a backoff, and ends it once another process saw the server back after the failure", async () => {
    const pit = await tarpit();
    const backoffs: string[] = [];
    let recovered: number | undefined;
    const f = transport({
      allowPrivateNetwork: true, timeoutMs: 300, backoffMs: 60_000,
      onBackoff: (origin, until) => { backoffs.push(`${origin} ${until > Date.now() + 50_000}`); },
      recoveredAt: async () => recovered,
    });
    await expect(deliver(f, `${pit.origin}/inbox`)).rejects.toThrow();
    expect(backoffs).toEqual([`${pit.origin} true`]);
    recovered = Date.now() - 60_000; // seen back, but before this failure: the backoff stands
    await notSent(deliver(f, `${pit.origin}/inbox`));
    recovered = Date.now() + 1; // seen back after the failure: the very next delivery asks again (no answer is remembered)
    await expect(deliver(f, `${pit.origin}/inbox`)).rejects.toThrow(); // sent: it connected again
    expect(pit.accepted).toBe(2);
  });

  it("gets one delivery at a time until it has answered once; the next gives up once the first is slow", async () => {
    const pit = await tarpit();
    const f = transport({ allowPrivateNetwork: true, timeoutMs: 3000, slowAfterMs: 300 });
    const first = deliver(f, `${pit.origin}/inbox`).then(() => "answered", () => "failed");
    expect((await notSent(deliver(f, `${pit.origin}/inbox`))).reason).toMatch(/has not answered a request for/);
    // Still slow: a new delivery is not sent either.
    await notSent(deliver(f, `${pit.origin}/inbox`));
    expect(pit.accepted).toBe(1);
    expect(await first).toBe("failed");
  });

  it("lets a prompt server take up to the per-host cap at once; more wait for a slot instead of failing", async () => {
    const fast = await scripted(() => ({ status: 202 }));
    const f = transport({ allowPrivateNetwork: true, perHostInFlight: 2 });
    expect((await deliver(f, `${fast.origin}/inbox`)).status).toBe(202); // proves itself
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => deliver(f, `${fast.origin}/inbox`).then((r) => r.status, (e: Error) => e.name)));
    expect(outcomes).toEqual([202, 202, 202, 202, 202, 202]);
    expect(fast.hits).toHaveLength(7);
  });

  it("does not slow down deliveries to other servers meanwhile", async () => {
    const pit = await tarpit();
    const healthy = await scripted(() => ({ status: 202 }));
    const f = transport({ allowPrivateNetwork: true, timeoutMs: 5000 });
    const stuck = deliver(f, `${pit.origin}/inbox`).then(() => "answered", () => "failed");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await deliver(f, `${healthy.origin}/inbox`)).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    expect(pit.open).toBe(1); // the tarpit is still holding its one connection
    await pit.close();
    expect(await stuck).toBe("failed");
  });
});

describe("Retry-After", () => {
  it("leaves a server that answered 429 alone until it said, without another request", async () => {
    const busy = await scripted(() => ({ status: 429, headers: { "retry-after": "120" } }));
    const f = transport({ allowPrivateNetwork: true });
    expect((await deliver(f, `${busy.origin}/inbox`)).status).toBe(429);
    expect((await notSent(deliver(f, `${busy.origin}/inbox`))).retryAfter).toBeGreaterThanOrEqual(110);
    expect(busy.hits).toHaveLength(1);
  });

  it("keeps to a Retry-After even when the server is seen back: only a failure's backoff is forgiven", async () => {
    const busy = await scripted(() => ({ status: 429, headers: { "retry-after": "120" } }));
    const f = transport({ allowPrivateNetwork: true, recoveredAt: async () => Date.now() });
    expect((await deliver(f, `${busy.origin}/inbox`)).status).toBe(429);
    expect(f.forgive(busy.origin)).toBe(false);
    await notSent(deliver(f, `${busy.origin}/inbox`));
    expect(busy.hits).toHaveLength(1);
  });

  it("honours an HTTP-date Retry-After on 503", async () => {
    const down = await scripted(() => ({ status: 503, headers: { "retry-after": new Date(Date.now() + 90_000).toUTCString() } }));
    const f = transport({ allowPrivateNetwork: true });
    expect((await deliver(f, `${down.origin}/inbox`)).status).toBe(503);
    await notSent(deliver(f, `${down.origin}/inbox`));
    expect(down.hits).toHaveLength(1);
  });

  it("does not count unsigned requests (WebFinger, pages) against a server", async () => {
    const busy = await scripted(() => ({ status: 429, headers: { "retry-after": "120" } }));
    const f = transport({ allowPrivateNetwork: true });
    expect((await f(`${busy.origin}/.well-known/webfinger`)).status).toBe(429);
    expect((await deliver(f, `${busy.origin}/inbox`)).status).toBe(429);
    expect(busy.hits).toHaveLength(2);
  });
});

describe("redirects", () => {
  it("does not follow a redirect of a delivery", async () => {
    const mover = await scripted((req) => (req.url === "/inbox" ? { status: 307, headers: { location: "/elsewhere" } } : { status: 202 }));
    const f = transport({ allowPrivateNetwork: true });
    const res = await deliver(f, `${mover.origin}/inbox`);
    expect(res.status).not.toBe(202);
    expect(mover.hits.map((h) => h.path)).toEqual(["/inbox"]);
  });
});

describe("addresses are vetted per connection, after DNS", () => {
  it("refuses a name that resolves to a private address now, though it looked public before", async () => {
    const inbox = await scripted(() => ({ status: 202 }));
    const port = new URL(inbox.origin).port;
    let answer = "127.0.0.1"; // plays "a public address" in this test
    const f = transport({
      allowPrivateNetwork: false,
      isAllowedAddress: (a) => a === "127.0.0.1",
      resolve: async () => [{ address: answer, family: 4 }],
    });
    expect((await deliver(f, `http://inbox.example.test:${port}/inbox`)).status).toBe(202);
    answer = "10.0.0.7"; // the follower's server now points its name into our network
    await expect(deliver(f, `http://inbox.example.test:${port}/inbox`)).rejects.toThrow();
    await expect(f(`http://inbox.example.test:${port}/page`)).rejects.toThrow();
    expect(inbox.hits).toHaveLength(1);
  });

  it("refuses private and loopback IP literals outside test mode without connecting", async () => {
    const inbox = await scripted(() => ({ status: 202 }));
    const f = transport({ allowPrivateNetwork: false });
    await expect(deliver(f, `${inbox.origin}/inbox`)).rejects.toBeInstanceOf(TransportRefusal);
    await expect(f("http://169.254.169.254/latest/meta-data")).rejects.toBeInstanceOf(TransportRefusal);
    expect(inbox.hits).toHaveLength(0);
  });
});
