// safeFetch against real HTTP servers on 127.0.0.1. Outside test mode the loopback server counts
// as "private", so refusals are checked by asserting that no request ever reached it; where a test
// needs a "public" server, an injected resolver and address policy let 127.0.0.1 play that part.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import zlib from "node:zlib";
import { assertFetchableUrl, isPublicAddress, safeFetch, SafeFetchError, type Resolver, type SafeFetchErrorCode } from "../../federation/safe-fetch";

let server: http.Server;
let port: number;
let origin: string;
let connections = 0;
const seen: { path: string; host: string | undefined; userAgent: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    seen.push({ path: url.pathname, host: req.headers.host, userAgent: req.headers["user-agent"] });
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (chain) {
      const n = Number(chain[1]);
      if (n === 0) return void res.writeHead(200, { "content-type": "application/json" }).end('{"end":true}');
      return void res.writeHead(302, { location: `/chain/${n - 1}` }).end();
    }
    switch (url.pathname) {
      case "/ok":
        return void res.writeHead(200, { "content-type": "application/activity+json" }).end('{"hello":"world"}');
      case "/to": // redirect to wherever ?url= says
        return void res.writeHead(302, { location: url.searchParams.get("url") ?? "/" }).end();
      case "/big":
        return void res.writeHead(200, { "content-length": String(3 * 1024 * 1024) }).end(Buffer.alloc(3 * 1024 * 1024, 0x20));
      case "/big-chunked": {
        res.writeHead(200, { "content-type": "application/json" });
        let sent = 0;
        const pump = () => {
          while (sent < 3 * 1024 * 1024) {
            sent += 64 * 1024;
            if (!res.write(Buffer.alloc(64 * 1024, 0x20))) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("error", () => {});
        return pump();
      }
      case "/gzip":
        return void res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" }).end(zlib.gzipSync('{"zipped":true}'));
      case "/gzip-bomb": // ~10 KB on the wire, 10 MB decoded
        return void res.writeHead(200, { "content-encoding": "gzip" }).end(zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024)));
      case "/hang":
        return; // never answers
      case "/slow-body":
        res.writeHead(200, { "content-type": "application/json" });
        return void res.write('{"partial":'); // never finishes
      default:
        return void res.writeHead(404).end();
    }
  });
  server.on("connection", () => { connections++; });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => { seen.length = 0; });

/** Resolves the given names without DNS; anything else is unknown. */
const resolverOf = (table: Record<string, string[]>): Resolver => async (hostname) => {
  const addresses = table[hostname];
  if (!addresses) throw new Error(`ENOTFOUND ${hostname}`);
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

/** Lets this test's loopback server stand in for a public host, and nothing else. */
const loopbackIsPublic = (address: string) => address === "127.0.0.1" || isPublicAddress(address);

async function refusal(promise: Promise<unknown>): Promise<SafeFetchErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SafeFetchError) return error.code;
    throw error;
  }
  throw new Error("expected safeFetch to refuse");
}

describe("safeFetch in test mode (private networks allowed)", () => {
  it("fetches from a loopback server and sends our User-Agent", async () => {
    const res = await safeFetch(`${origin}/ok`, { allowPrivateNetwork: true, userAgent: "ipn/0.1.0 (+https://de.example)" });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.json()).toEqual({ hello: "world" });
    expect(res.headers.get("content-type")).toBe("application/activity+json");
    expect(seen[0]?.userAgent).toBe("ipn/0.1.0 (+https://de.example)");
  });

  it("connects to the address it resolved, with the name in the Host header", async () => {
    // "peer.test" exists in no DNS: the connection can only have used the resolver's answer.
    const res = await safeFetch(`http://peer.test:${port}/ok`, { allowPrivateNetwork: true, resolver: resolverOf({ "peer.test": ["127.0.0.1"] }) });
    expect(res.status).toBe(200);
    expect(seen[0]?.host).toBe(`peer.test:${port}`);
  });

  it("decodes gzip bodies", async () => {
    const res = await safeFetch(`${origin}/gzip`, { allowPrivateNetwork: true });
    expect(res.json()).toEqual({ zipped: true });
  });

  it("follows up to 5 redirects and reports where it ended", async () => {
    const res = await safeFetch(`${origin}/chain/5`, { allowPrivateNetwork: true });
    expect(res.status).toBe(200);
    expect(res.redirects).toBe(5);
    expect(res.url).toBe(`${origin}/chain/0`);
  });

  it("refuses a 6th redirect", async () => {
    expect(await refusal(safeFetch(`${origin}/chain/6`, { allowPrivateNetwork: true }))).toBe("too-many-redirects");
    expect(seen.map((s) => s.path)).not.toContain("/chain/0");
  });

  it("refuses bodies over the cap, whether declared, streamed or compressed", async () => {
    const opts = { allowPrivateNetwork: true, maxBytes: 2 * 1024 * 1024 };
    expect(await refusal(safeFetch(`${origin}/big`, opts))).toBe("too-large");
    expect(await refusal(safeFetch(`${origin}/big-chunked`, opts))).toBe("too-large");
    expect(await refusal(safeFetch(`${origin}/gzip-bomb`, opts))).toBe("too-large");
  });

  it("gives up when the server does not answer, or stops sending, within the timeout", async () => {
    expect(await refusal(safeFetch(`${origin}/hang`, { allowPrivateNetwork: true, timeoutMs: 300 }))).toBe("timeout");
    expect(await refusal(safeFetch(`${origin}/slow-body`, { allowPrivateNetwork: true, timeoutMs: 300 }))).toBe("timeout");
  });

  it("refuses anything but http and https", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:application/json,{}", "gopher://127.0.0.1:70/", "not a url"]) {
      expect(await refusal(safeFetch(url, { allowPrivateNetwork: true }))).toBe("unsupported-scheme");
    }
  });

  it("refuses a redirect to a non-http scheme", async () => {
    expect(await refusal(safeFetch(`${origin}/to?url=${encodeURIComponent("file:///etc/passwd")}`, { allowPrivateNetwork: true }))).toBe("unsupported-scheme");
  });
});

describe("safeFetch in production mode (SSRF guard)", () => {
  it.each([
    ["loopback IPv4", () => `${origin}/ok`],
    ["loopback 127/8", () => `http://127.1.2.3:${port}/ok`],
    ["RFC 1918 10/8", () => `http://10.0.0.1:${port}/ok`],
    ["RFC 1918 172.16/12", () => `http://172.20.0.1:${port}/ok`],
    ["RFC 1918 192.168/16", () => `http://192.168.1.1:${port}/ok`],
    ["link-local / cloud metadata", () => "http://169.254.169.254/latest/meta-data/"],
    ["CGNAT", () => "http://100.64.0.1/"],
    ["unspecified", () => `http://0.0.0.0:${port}/ok`],
    ["multicast", () => "http://224.0.0.1/"],
    ["IPv6 loopback", () => `http://[::1]:${port}/ok`],
    ["IPv6 unique local", () => "http://[fc00::1]/"],
    ["IPv6 link-local", () => "http://[fe80::1]/"],
    ["IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port}/ok`],
    ["IPv4-mapped private", () => "http://[::ffff:10.1.2.3]/"],
    ["NAT64 of loopback", () => "http://[64:ff9b::7f00:1]/"],
  ])("refuses %s", async (_name, url) => {
    expect(await refusal(safeFetch(url()))).toBe("blocked-address");
    expect(seen).toHaveLength(0);
  });

  it("refuses a public-looking name that resolves to a private address (checks the resolved address)", async () => {
    const resolver = resolverOf({ "evil.test": ["127.0.0.1"], "evil6.test": ["::1"], "mapped.test": ["::ffff:192.168.0.1"], "ula.test": ["fd12:3456::1"] });
    for (const host of ["evil.test", "evil6.test", "mapped.test", "ula.test"]) {
      expect(await refusal(safeFetch(`http://${host}:${port}/ok`, { resolver }))).toBe("blocked-address");
    }
    expect(seen).toHaveLength(0);
  });

  it("refuses a name when any of its addresses is private", async () => {
    const resolver = resolverOf({ "mixed.test": ["93.184.216.34", "10.0.0.5"] });
    expect(await refusal(safeFetch(`http://mixed.test:${port}/ok`, { resolver }))).toBe("blocked-address");
  });

  it("refuses localhost by name", async () => {
    expect(await refusal(safeFetch(`http://localhost:${port}/ok`))).toBe("blocked-address");
    expect(seen).toHaveLength(0);
  });

  it("fetches from a host whose addresses pass the check", async () => {
    const resolver = resolverOf({ "public.test": ["127.0.0.1"] });
    const res = await safeFetch(`http://public.test:${port}/ok`, { resolver, isAllowedAddress: loopbackIsPublic, allowHttp: true });
    expect(res.json()).toEqual({ hello: "world" });
  });

  it("re-checks every redirect hop: a public host redirecting to a private one is refused", async () => {
    const resolver = resolverOf({ "public.test": ["127.0.0.1"], "internal.test": ["192.168.0.10"] });
    const opts = { resolver, isAllowedAddress: loopbackIsPublic, allowHttp: true };
    for (const target of [`http://internal.test:${port}/ok`, "http://169.254.169.254/latest/meta-data/", `http://[::1]:${port}/ok`]) {
      seen.length = 0;
      expect(await refusal(safeFetch(`http://public.test:${port}/to?url=${encodeURIComponent(target)}`, opts))).toBe("blocked-address");
      expect(seen.map((s) => s.path)).toEqual(["/to"]);
    }
  });

  it("re-resolves a redirect to the same name (DNS rebinding between hops is caught)", async () => {
    let calls = 0;
    const rebinding: Resolver = async () => [{ address: calls++ === 0 ? "127.0.0.1" : "10.0.0.1", family: 4 }];
    const url = `http://rebind.test:${port}/to?url=${encodeURIComponent("/ok")}`;
    expect(await refusal(safeFetch(url, { resolver: rebinding, isAllowedAddress: loopbackIsPublic, allowHttp: true }))).toBe("blocked-address");
    expect(seen.map((s) => s.path)).toEqual(["/to"]);
  });
});

describe("assertFetchableUrl (for URLs fetched later by someone else, e.g. inboxes)", () => {
  it("passes public hosts and refuses private ones and other schemes, without connecting", async () => {
    const resolver = resolverOf({ "inbox.test": ["93.184.216.34"], "evil.test": ["10.0.0.1"] });
    await expect(assertFetchableUrl("https://inbox.test/inbox", { resolver })).resolves.toBeUndefined();
    expect(await refusal(assertFetchableUrl(`http://evil.test:${port}/inbox`, { resolver }))).toBe("blocked-address");
    expect(await refusal(assertFetchableUrl(`${origin}/inbox`))).toBe("blocked-address");
    expect(await refusal(assertFetchableUrl("ftp://inbox.test/inbox", { resolver }))).toBe("unsupported-scheme");
    await expect(assertFetchableUrl(`${origin}/inbox`, { allowPrivateNetwork: true })).resolves.toBeUndefined();
    expect(seen).toHaveLength(0);
  });
});

describe("isPublicAddress", () => {
  it.each(["8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1", "64:ff9b::808:808", "::ffff:8.8.8.8"])("%s is public", (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });
  it.each([
    "127.0.0.1", "10.255.0.1", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.127.0.1", "0.0.0.0", "255.255.255.255",
    "224.0.0.251", "198.18.0.1", "::", "::1", "fc00::1", "fd00::1", "fe80::1", "fe80::1%eth0", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:7f00:1", "64:ff9b::a00:1", "2002:7f00:1::", "2001:db8::1", "not-an-ip",
  ])("%s is not public", (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
});

describe("cleartext", () => {
  it("refuses plain http outside test/demo mode, even for a public host: documents are authenticated by TLS", async () => {
    const publicResolver = resolverOf({ "peer.example": ["93.184.216.34"] });
    expect(await refusal(safeFetch("http://peer.example/api/v1/challenges/x", { resolver: publicResolver }))).toBe("unsupported-scheme");
    await expect(assertFetchableUrl("http://peer.example/inbox", { resolver: publicResolver })).rejects.toMatchObject({ code: "unsupported-scheme" });
  });
});

describe("keep-alive connections", () => {
  it("fetches one host's documents over one connection", async () => {
    // A name of its own: no connection left open by the tests above can serve it.
    const resolver = resolverOf({ "pooled.test": ["127.0.0.1"] });
    const before = connections;
    for (let i = 0; i < 3; i++) expect((await safeFetch(`http://pooled.test:${port}/ok`, { allowPrivateNetwork: true, resolver })).status).toBe(200);
    expect(connections - before).toBe(1);
  });

  it("never reuses a connection for a name that now resolves to another address", async () => {
    const table: Record<string, string[]> = { "moving.test": ["127.0.0.1"] };
    const resolver = resolverOf(table);
    expect((await safeFetch(`http://moving.test:${port}/ok`, { allowPrivateNetwork: true, resolver })).status).toBe(200);
    // Nothing listens on 127.0.0.2: reusing the open connection to 127.0.0.1 would have succeeded.
    table["moving.test"] = ["127.0.0.2"];
    expect(await refusal(safeFetch(`http://moving.test:${port}/ok`, { allowPrivateNetwork: true, resolver }))).toBe("network");
  });

  it("asks again on a fresh connection when the server closes the idle one as it is reused", async () => {
    // Answers the first request of each connection and keeps it open; a second request on the same
    // connection is cut off unanswered, as by a server whose keep-alive timeout just ended.
    let opened = 0;
    let requests = 0;
    const closing = net.createServer((socket) => {
      opened++;
      let served = 0;
      socket.on("data", (chunk) => {
        if (!chunk.toString("latin1").includes("\r\n\r\n")) return;
        requests++;
        if (served++ === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
        else socket.destroy();
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((r) => closing.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(closing.address() as AddressInfo).port}/doc`;
    try {
      expect((await safeFetch(url, { allowPrivateNetwork: true })).status).toBe(200);
      const again = await safeFetch(url, { allowPrivateNetwork: true });
      expect(again.status).toBe(200);
      expect(again.json()).toEqual({});
      expect({ opened, requests }).toEqual({ opened: 2, requests: 3 });
    } finally {
      await new Promise<void>((r) => closing.close(() => r()));
    }
  });
});
