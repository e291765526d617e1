// safeFetch: the only way this node fetches remote data (DESIGN.md §6). Remote input decides which
// URLs we fetch (actor ids, key ids, redirects), so every fetch is bounded and cannot be aimed at
// the node's own network:
//  - http(s) only; every hop's host is resolved once and ALL its addresses must be public — then the
//    socket connects to exactly those vetted addresses (a custom `lookup`), so a second DNS answer
//    (DNS rebinding: public first, 127.0.0.1 next) cannot slip between check and connect;
//  - redirects are followed by hand (at most 5), each hop checked like the first;
//  - one deadline for the whole exchange (DNS, connect, redirects, body);
//  - the body is counted while it streams (after decompression) and cut off beyond the cap.
// Private networks are reachable only in the explicit test/demo mode (allowPrivateNetwork).
import { Buffer } from "node:buffer";
import { promises as dns, type LookupAddress, type LookupOptions } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

export type SafeFetchErrorCode =
  | "unsupported-scheme"
  | "blocked-address"
  | "dns"
  | "too-many-redirects"
  | "too-large"
  | "timeout"
  | "network";

export class SafeFetchError extends Error {
  override readonly name = "SafeFetchError";
  constructor(
    readonly code: SafeFetchErrorCode,
    /** The hop that failed (after redirects, not necessarily the URL asked for). */
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${message}: ${url}`, options);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (the default asks the system resolver). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  /** Signs each hop (redirect targets get a fresh signature for their own URL); returns the signed request. */
  sign?: (request: Request) => Promise<Request>;
  /** Test/demo mode only: loopback and private addresses are reachable. */
  allowPrivateNetwork?: boolean;
  /** Injection point for tests (e.g. "evil.test" → 127.0.0.1 without DNS). */
  resolver?: Resolver;
  /**
   * Which resolved addresses may be connected to when private networks are not allowed. Tests use it
   * to let a loopback server play "the public internet"; production never sets it.
   */
  isAllowedAddress?: (address: string) => boolean;
  /** Plain http allowed (default: only with allowPrivateNetwork). Tests set it with isAllowedAddress. */
  allowHttp?: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  userAgent?: string;
}

export interface SafeResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  ok: boolean;
  headers: Headers;
  /** Decoded (decompressed) body, at most maxBytes. */
  body: Buffer;
  redirects: number;
  text(): string;
  json(): unknown;
}

// ---- which addresses are public ----

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network", incl. the unspecified 0.0.0.0
  ["10.0.0.0", 8], // RFC 1918
  ["100.64.0.0", 10], // carrier-grade NAT (RFC 6598)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata endpoints live here)
  ["172.16.0.0", 12], // RFC 1918
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // RFC 1918
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast 255.255.255.255
] as const) nonPublic.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 96], // unspecified ::, loopback ::1, deprecated IPv4-compatible
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 32], // Teredo (tunnels to arbitrary IPv4)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds arbitrary IPv4)
  ["fc00::", 7], // unique local (ULA)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // deprecated site-local
  ["ff00::", 8], // multicast
] as const) nonPublic.addSubnet(net, prefix, "ipv6");
// IPv4-mapped addresses (::ffff:127.0.0.1) are matched against the IPv4 rules by BlockList itself.
const nat64 = new BlockList();
nat64.addSubnet("64:ff9b::", 96, "ipv6");

/** The IPv4 address a well-known-prefix NAT64 address (64:ff9b::a.b.c.d) stands for. */
function nat64Target(address: string): string | null {
  const tail = address.slice(address.lastIndexOf(":") + 1);
  if (tail.includes(".")) return tail;
  const groups = address.split(":");
  const hi = Number.parseInt(groups[groups.length - 2] || "0", 16);
  const lo = Number.parseInt(groups[groups.length - 1] || "0", 16);
  if (Number.isNaN(hi) || Number.isNaN(lo)) return null;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** True when an IP address is publicly routable (false for anything that is not an IP address). */
export function isPublicAddress(address: string): boolean {
  // A zone id ("fe80::1%eth0") would make BlockList answer false for a link-local address.
  const bare = address.replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return !nonPublic.check(bare, "ipv4");
  if (family !== 6) return false;
  if (nonPublic.check(bare, "ipv6")) return false;
  if (nat64.check(bare, "ipv6")) {
    const target = nat64Target(bare);
    return target !== null && isIP(target) === 4 && !nonPublic.check(target, "ipv4");
  }
  return true;
}

export const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

// ---- one hop ----

interface Hop {
  status: number;
  headers: Headers;
  stream: http.IncomingMessage;
}

async function vet(url: URL, opts: SafeFetchOptions, signal: AbortSignal): Promise<ResolvedAddress[]> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SafeFetchError("unsupported-scheme", url.href, `only http and https URLs are fetched, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await abortable((opts.resolver ?? systemResolver)(host), signal);
    } catch (error) {
      if (signal.aborted) throw error;
      throw new SafeFetchError("dns", url.href, `cannot resolve ${host}`, { cause: error });
    }
    addresses = addresses.filter((a) => isIP(a.address.replace(/%.*$/, "")) !== 0);
    if (addresses.length === 0) throw new SafeFetchError("dns", url.href, `${host} has no address`);
  }
  if (!opts.allowPrivateNetwork) {
    const allowed = opts.isAllowedAddress ?? isPublicAddress;
    // Every answer must be public: the connection may use any of them.
    const bad = addresses.find((a) => !allowed(a.address));
    if (bad) throw new SafeFetchError("blocked-address", url.href, `${host} resolves to the non-public address ${bad.address}`);
  }
  // Documents are authenticated by TLS from their origin (ADR 3): cleartext only in the explicit
  // test/demo mode, on every hop (an https → http redirect is refused too).
  if (url.protocol === "http:" && !(opts.allowHttp ?? opts.allowPrivateNetwork)) {
    throw new SafeFetchError("unsupported-scheme", url.href, "plain http is only fetched in test/demo mode (IPN_ALLOW_PRIVATE_NETWORK); fediverse peers are reached over https");
  }
  return addresses;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e) => { signal.removeEventListener("abort", onAbort); reject(e); },
    );
  });
}

/**
 * Keep-alive connections (a TLS handshake per document fetched from a peer was most of the cost of a
 * fetch), one pool per scheme, host and set of vetted addresses: a pooled socket is only reused by a
 * request whose own vetting, just before, gave the same addresses — never one opened under other
 * rules. Idle sockets close after IDLE_MS, below the 5 s keep-alive of Node servers (and nginx's
 * 75 s), so we rarely reuse one the server is closing; when it happens anyway (ECONNRESET on a reused
 * socket), the GET is sent once more on a fresh connection.
 */
const IDLE_MS = 4000;
const MAX_POOLS = 256;
const pools = new Map<string, http.Agent>();

function poolFor(url: URL, addresses: ResolvedAddress[]): http.Agent {
  const key = `${url.protocol}//${url.host}|${addresses.map((a) => a.address).sort().join(",")}`;
  let agent = pools.get(key);
  if (agent) {
    pools.delete(key); // most recently used last
  } else {
    const options = { keepAlive: true, maxFreeSockets: 4, timeout: IDLE_MS, scheduling: "lifo" as const };
    agent = url.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    // The least recently used pool is forgotten; its idle sockets still close after IDLE_MS.
    if (pools.size >= MAX_POOLS) pools.delete(pools.keys().next().value!);
  }
  pools.set(key, agent);
  return agent;
}

function request(url: URL, addresses: ResolvedAddress[], method: string, headers: Headers, signal: AbortSignal, pooled = true): Promise<Hop> {
  // Hands the socket the vetted addresses instead of asking DNS again.
  const lookup = (_hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const outgoing: Record<string, string> = {};
  headers.forEach((value, key) => { outgoing[key] = value; });
  outgoing.host = url.host;
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const req = client.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method,
      headers: outgoing,
      lookup,
      agent: pooled ? poolFor(url, addresses) : false,
      signal,
    }, (res) => {
      const responseHeaders = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) responseHeaders.append(k, x);
        else if (typeof v === "string") responseHeaders.append(k, v);
      }
      resolve({ status: res.statusCode ?? 0, headers: responseHeaders, stream: res });
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // The server closed an idle connection as we reused it: nothing was answered; ask once more.
      if (pooled && req.reusedSocket && error.code === "ECONNRESET" && !signal.aborted) {
        request(url, addresses, method, headers, signal, false).then(resolve, reject);
      } else {
        reject(error);
      }
    });
    req.end();
  });
}

function decoderFor(encoding: string, url: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case "":
    case "identity":
      return null;
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      throw new SafeFetchError("network", url, `unsupported content-encoding ${encoding}`);
  }
}

/** Reads a body up to `max` decoded bytes; beyond that the connection is dropped. */
async function readCapped(hop: Hop, url: string, max: number): Promise<Buffer> {
  const encoding = (hop.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const declared = Number(hop.headers.get("content-length") ?? "NaN");
  if (!encoding && Number.isFinite(declared) && declared > max) {
    hop.stream.destroy();
    throw new SafeFetchError("too-large", url, `response of ${declared} bytes exceeds the ${max}-byte limit`);
  }
  let decoder: ReturnType<typeof decoderFor>;
  try {
    decoder = decoderFor(encoding, url);
  } catch (error) {
    hop.stream.destroy();
    throw error;
  }
  let source: Readable = hop.stream;
  if (decoder) {
    hop.stream.on("error", (e) => decoder.destroy(e));
    source = hop.stream.pipe(decoder);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > max) throw new SafeFetchError("too-large", url, `response exceeds the ${max}-byte limit`);
      chunks.push(buf);
    }
  } finally {
    if (size > max || !hop.stream.complete) {
      hop.stream.destroy();
      decoder?.destroy();
    }
  }
  return Buffer.concat(chunks);
}

/**
 * Checks a URL the way safeFetch checks each hop, without fetching it: for URLs that someone else
 * will fetch later (e.g. a follower's inbox, which Fedify POSTs to with its own fetch). Throws
 * SafeFetchError ("unsupported-scheme", "dns", "blocked-address", "timeout").
 */
export async function assertFetchableUrl(
  input: string | URL,
  opts: Pick<SafeFetchOptions, "allowPrivateNetwork" | "resolver" | "isAllowedAddress" | "timeoutMs" | "signal"> = {},
): Promise<void> {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new SafeFetchError("unsupported-scheme", String(input), "not a URL", { cause: error });
  }
  const deadline = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  try {
    await vet(url, opts, signal);
  } catch (error) {
    if (error instanceof SafeFetchError) throw error;
    if (deadline.aborted) throw new SafeFetchError("timeout", url.href, "no DNS answer in time", { cause: error });
    throw error;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Fetches a remote resource under the guards above; throws SafeFetchError when a guard refuses. */
export async function safeFetch(input: string | URL, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const method = opts.method ?? "GET";
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;

  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new SafeFetchError("unsupported-scheme", String(input), "not a URL", { cause: error });
  }
  let redirects = 0;
  try {
    for (;;) {
      signal.throwIfAborted();
      const addresses = await vet(url, opts, signal);
      let req = new Request(url, { method, headers: opts.headers });
      req.headers.set("user-agent", opts.userAgent ?? "ipn");
      req.headers.set("accept-encoding", "gzip, deflate, br");
      if (opts.sign) req = await opts.sign(req);
      const hop = await request(url, addresses, method, req.headers, signal);
      const location = hop.headers.get("location");
      if (REDIRECTS.has(hop.status) && location) {
        hop.stream.destroy();
        if (redirects >= maxRedirects) {
          throw new SafeFetchError("too-many-redirects", url.href, `more than ${maxRedirects} redirects`);
        }
        redirects++;
        url = new URL(location, url);
        continue;
      }
      if (method === "HEAD") hop.stream.destroy();
      const body = method === "HEAD" ? Buffer.alloc(0) : await readCapped(hop, url.href, maxBytes);
      return {
        url: url.href,
        status: hop.status,
        ok: hop.status >= 200 && hop.status < 300,
        headers: hop.headers,
        body,
        redirects,
        text: () => body.toString("utf8"),
        json: () => JSON.parse(body.toString("utf8")) as unknown,
      };
    }
  } catch (error) {
    if (error instanceof SafeFetchError) throw error;
    if (deadline.aborted) throw new SafeFetchError("timeout", url.href, `no complete answer within ${timeoutMs} ms`, { cause: error });
    if (opts.signal?.aborted) throw opts.signal.reason;
    throw new SafeFetchError("network", url.href, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
