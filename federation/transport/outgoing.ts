// One transport for every outgoing request Fedify makes with the global fetch — deliveries to remote
// inboxes, WebFinger lookups — on one undici dispatcher (issue 8, principle 6). Our own document
// fetches go through safeFetch (federation/safe-fetch.ts), which has the same guards.
//
//  - Addresses are vetted per connection, after DNS: the dispatcher's `lookup` resolves the name and
//    refuses it when any answer is not public (production), so an inbox stored while its host looked
//    public cannot be aimed at the node's own network later (DNS changes, rebinding). IP literals are
//    checked before the request.
//  - Connect, headers and body timeouts: a server that accepts a connection and never answers holds a
//    worker for at most `timeoutMs`, not minutes.
//  - No redirects on POST: a delivery goes to the inbox named, or fails.
//  - Signed requests (deliveries) are capped per remote origin: up to `perHostInFlight` at once for a
//    server that answered recently, one for a server that has not answered yet. A delivery beyond the
//    cap waits for a slot while the server is prompt; once a request in flight has taken longer than
//    `slowAfterMs` the server is slow, and deliveries to it (waiting or new) are not sent, as while it
//    is backed off after a timeout or a 429/503 with Retry-After: the transport answers them itself
//    with a 429 and Retry-After, and Fedify retries them then. So a hanging or rate-limiting server
//    holds one of the queue's workers, not all of those everyone else needs.
// Other requests (WebFinger, GETs, the tests' own calls) get the vetting and the timeouts only.
import { promises as dns, type LookupAddress } from "node:dns";
import { isIP } from "node:net";
import { Agent } from "undici";
import { isPublicAddress } from "../safe-fetch";

export interface TransportOptions {
  /** Test/demo mode only: loopback and private addresses are reachable. */
  allowPrivateNetwork: boolean;
  /** Connect, headers and body timeout each (default 10 s). */
  timeoutMs?: number;
  /** Signed requests in flight at once per remote origin that answers promptly (default 4). */
  perHostInFlight?: number;
  /** A request in flight longer than this makes its server "slow": one request at a time (default 3 s). */
  slowAfterMs?: number;
  /** First backoff after a timeout or network failure; doubles per failure, up to maxBackoffMs (default 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A server was backed off after a timeout or a network failure, until `untilMs`: other processes of
   * the node learn of it here (./peer-recovery.ts), so that the server's return can end it.
   */
  onBackoff?: (origin: string, untilMs: number) => void;
  /**
   * When the server was last seen back by any process of the node (./peer-recovery.ts), if known: a
   * backoff after a failure older than that ends. Asked before each delivery such a backoff would refuse.
   */
  recoveredAt?: (origin: string) => Promise<number | undefined>;
  /** Tests: which resolved addresses count as public, and a resolver. */
  isAllowedAddress?: (address: string) => boolean;
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
  now?: () => number;
}

export class TransportRefusal extends Error {
  override readonly name = "TransportRefusal";
}

type Fetch = typeof globalThis.fetch;

interface HostState {
  /** Start times of the signed requests in flight. */
  started: Set<number>;
  /** Deliveries waiting for a slot: woken when one ends. */
  waiting: Set<() => void>;
  backoffUntil: number;
  /** What the server itself asked for (Retry-After): never cut short. */
  askedUntil: number;
  /** Timeouts and network failures in a row, and when the last one happened. */
  failures: number;
  failedAt: number;
  /** The recoveredAt question in flight for this server, shared by the deliveries that wait for it. */
  recoveryAsked: Promise<number | undefined> | null;
  /** When the server last answered (any status below 500); 0 = never. */
  answeredAt: number;
}

/** A server proves itself by answering; until then, and while it is slow, it gets one request at a time. */
const PROVEN_FOR_MS = 10 * 60_000;
/** When a delivery held back from a slow server is tried again. */
const SLOW_RETRY_MS = 15_000;
/** Marks the answers the transport made up itself (a delivery it did not send). */
export const REFUSED_HEADER = "x-ipn-not-sent";

/** Seconds or an HTTP date; at most one day. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms) || ms <= 0) return null;
  return Math.min(ms, 24 * 60 * 60 * 1000);
}

const isSigned = (headers: Headers) => headers.has("signature") || headers.has("signature-input");

/** A POST's outcome on the lean path: `notSent` when the transport held it back (the status is then its own 429). */
export interface PostAnswer { status: number; retryAfter: string | null; notSent?: string }

export type TransportFetch = Fetch & {
  close(): Promise<void>;
  /** A signed delivery without the Fetch API: same dispatcher, vetting, timeouts and per-origin rules. */
  post(url: URL, headers: Record<string, string>, body: Buffer): Promise<PostAnswer>;
  /** Ends the backoff a server's failures caused, now that it has shown it is back (./peer-recovery.ts); whether it had one. */
  forgive(origin: string): boolean;
};

/** A fetch with the guards above around `base` (the platform's fetch). */
export function createTransportFetch(base: Fetch, options: TransportOptions): TransportFetch {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cap = Math.max(1, options.perHostInFlight ?? 4);
  const slowAfter = options.slowAfterMs ?? 3000;
  const firstBackoff = options.backoffMs ?? 30_000;
  const maxBackoff = options.maxBackoffMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const allowed = (address: string) => options.allowPrivateNetwork || (options.isAllowedAddress ?? isPublicAddress)(address);
  const resolve = options.resolve ?? ((hostname: string) => dns.lookup(hostname, { all: true, verbatim: true }));

  const agent = new Agent({
    connect: {
      timeout: timeoutMs,
      // Resolve once, refuse if any answer is not public, connect to exactly what was vetted.
      lookup: (hostname, lookupOptions, callback) => {
        resolve(hostname).then((addresses) => {
          const bad = addresses.find((a) => !allowed(a.address));
          if (addresses.length === 0) callback(new Error(`${hostname} has no address`), "", 4);
          else if (bad) callback(Object.assign(new Error(`${hostname} resolves to the non-public address ${bad.address}`), { code: "EADDRNOTPUBLIC" }), "", 4);
          else if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
          else callback(null, addresses[0]!.address, addresses[0]!.family);
        }, (error: Error) => callback(error, "", 4));
      },
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  const hosts = new Map<string, HostState>();
  const stateOf = (origin: string) => {
    const known = hosts.get(origin);
    if (known) return known;
    const fresh: HostState = { started: new Set(), waiting: new Set(), backoffUntil: 0, askedUntil: 0, failures: 0, failedAt: 0, recoveryAsked: null, answeredAt: 0 };
    hosts.set(origin, fresh);
    return fresh;
  };
  const backOff = (s: HostState, ms: number) => { s.backoffUntil = Math.max(s.backoffUntil, now() + ms); };
  /** The server is back: the backoff its failures caused ends (not what it asked for itself). */
  const forgiven = (s: HostState) => {
    s.failures = 0;
    s.backoffUntil = s.askedUntil;
    for (const wake of [...s.waiting]) wake();
  };
  /**
   * Whether another process saw the server back since its last failure. Asked for each delivery the
   * backoff would refuse — one read, against a refusal that costs a retry — and once for the deliveries
   * that ask at the same time. Not remembered: a delivery hastened right after the server's return must
   * not meet an answer read just before it.
   */
  const seenBack = async (s: HostState, origin: string): Promise<boolean> => {
    const ask = options.recoveredAt;
    if (!ask || s.failures === 0) return false;
    s.recoveryAsked ??= ask(origin).catch(() => undefined).finally(() => { s.recoveryAsked = null; });
    const at = await s.recoveryAsked;
    return at !== undefined && at > s.failedAt && s.failures > 0;
  };

  /**
   * Waits for a free slot at a prompt server; for a slow or backed-off one answers at once with
   * how long to leave it alone instead.
   */
  async function slot(s: HostState, origin: string): Promise<number | { waitMs: number; reason: string }> {
    for (;;) {
      const t = now();
      if (s.backoffUntil > t) {
        if (!(await seenBack(s, origin))) return { waitMs: s.backoffUntil - t, reason: `${origin} is backed off` };
        forgiven(s);
        continue;
      }
      const oldest = Math.min(...s.started);
      if (s.started.size > 0 && t - oldest > slowAfter) {
        return { waitMs: SLOW_RETRY_MS, reason: `${origin} has not answered a request for ${Math.round((t - oldest) / 1000)} s` };
      }
      const proven = s.answeredAt > 0 && t - s.answeredAt < PROVEN_FOR_MS;
      if (s.started.size < (proven ? cap : 1)) {
        let mark = t; // unique, although two requests may start in the same millisecond
        while (s.started.has(mark)) mark += 0.001;
        s.started.add(mark);
        return mark;
      }
      // Wait until a request ends, or the oldest one turns slow.
      await new Promise<void>((resolve) => {
        const done = () => { clearTimeout(timer); s.waiting.delete(done); resolve(); };
        const timer = setTimeout(done, Math.max(1, oldest + slowAfter + 1 - t));
        s.waiting.add(done);
      });
    }
  }

  /**
   * A signed POST under the per-origin rules: sent when the server has a free slot, or answered here
   * (not sent) with how long to leave it alone. Bookkeeping from the status the server answered.
   */
  async function guarded<T>(url: URL, send: () => Promise<T>, statusOf: (answer: T) => { status: number; retryAfter: string | null }):
    Promise<{ sent: true; answer: T } | { sent: false; waitMs: number; reason: string }> {
    const s = stateOf(url.origin);
    const mark = await slot(s, url.origin);
    if (typeof mark !== "number") return { sent: false, ...mark };
    try {
      const answer = await send();
      const { status, retryAfter } = statusOf(answer);
      if (status === 429 || status === 503) {
        const wait = retryAfterMs(retryAfter, now());
        if (wait !== null) {
          s.askedUntil = Math.max(s.askedUntil, now() + wait);
          backOff(s, wait);
        }
      } else if (status < 500) {
        s.failures = 0;
        s.answeredAt = now();
      }
      return { sent: true, answer };
    } catch (error) {
      // Timeouts, refused and reset connections: leave the host alone for a while, longer each time.
      s.failures++;
      s.failedAt = now();
      backOff(s, Math.min(maxBackoff, firstBackoff * 2 ** Math.min(10, s.failures - 1)));
      options.onBackoff?.(url.origin, s.backoffUntil);
      throw error;
    } finally {
      s.started.delete(mark);
      for (const wake of [...s.waiting]) wake();
    }
  }

  const vetHost = (url: URL) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host) && !allowed(host)) throw new TransportRefusal(`requests to the non-public address ${host} are refused`);
  };

  const transportFetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    if (url.protocol !== "http:" && url.protocol !== "https:") return base(input, init);
    vetHost(url);
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    const headers = new Headers(init?.headers ?? request?.headers);
    const extra: RequestInit & { dispatcher: Agent } = { dispatcher: agent };
    if (method !== "GET" && method !== "HEAD") extra.redirect = "manual";
    const call = () => base(input, { ...init, ...extra } as RequestInit);
    // Deliveries are signed POSTs; everything else (WebFinger, pages, a test's own calls) is only vetted.
    if (method !== "POST" || !isSigned(headers)) return call();
    const outcome = await guarded(url, call, (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after") }));
    if (outcome.sent) return outcome.answer;
    // Not sent. A 429 with Retry-After, not an exception: Fedify then retries after that delay and
    // does not count it against the server in its circuit breaker (a network error would — and a
    // burst to a briefly slow server must not shut it out for half an hour).
    return new Response(null, {
      status: 429,
      headers: { "retry-after": String(Math.max(1, Math.ceil(outcome.waitMs / 1000))), [REFUSED_HEADER]: outcome.reason },
    });
  }) as TransportFetch;

  // The lean delivery path (./lean-delivery.ts): undici's request API on the same dispatcher and under
  // the same rules, without the Fetch API's Request/Response objects (a third of a delivery's CPU).
  transportFetch.post = async (url, headers, body) => {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TransportRefusal(`${url.protocol} is not http(s)`);
    vetHost(url);
    const outcome = await guarded(url, async () => {
      const response = await agent.request({ origin: url.origin, path: `${url.pathname}${url.search}`, method: "POST", headers, body });
      await response.body.dump({ limit: 64 * 1024 });
      const retryAfter = response.headers["retry-after"];
      return { status: response.statusCode, retryAfter: typeof retryAfter === "string" ? retryAfter : null };
    }, (a) => a);
    return outcome.sent ? outcome.answer : { status: 429, retryAfter: String(Math.max(1, Math.ceil(outcome.waitMs / 1000))), notSent: outcome.reason };
  };
  transportFetch.forgive = (origin) => {
    const s = hosts.get(origin);
    if (!s || s.failures === 0) return false;
    forgiven(s);
    return true;
  };
  transportFetch.close = () => agent.close();
  return transportFetch;
}

// ---- the process-wide installation (Fedify calls globalThis.fetch) ----

let current: TransportFetch | null = null;
let original: Fetch | null = null;
const registered = new Map<symbol, TransportOptions>();

function rebuild(): void {
  const all = [...registered.values()];
  const first = all[0];
  if (!first || !original) return;
  // One process, one policy: private networks are reachable only if every node in the process is
  // in test mode (a production node never shares its process with a test-mode one in practice).
  const previous = current;
  current = createTransportFetch(original, { ...first, allowPrivateNetwork: all.every((o) => o.allowPrivateNetwork) });
  void previous?.close();
}

/** A signed POST through the process's transport (the lean delivery path); null when none is registered. */
export function transportPost(url: URL, headers: Record<string, string>, body: Buffer): Promise<PostAnswer> | null {
  return current ? current.post(url, headers, body) : null;
}

/** Forgets the backoff of `origin` in the process's transport; whether it had one. */
export function transportForgive(origin: string): boolean {
  return current?.forgive(origin) ?? false;
}

/**
 * Routes the process's global fetch through the transport; returns the undo. The wrapper is put in
 * place once (others, such as the User-Agent wrapper, wrap it); a node registered later with a
 * stricter policy makes it rebuild its dispatcher.
 */
export function registerTransport(options: TransportOptions): () => void {
  const token = Symbol("node");
  const first = original === null;
  registered.set(token, options);
  if (first) {
    original = globalThis.fetch;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => (current ?? original!)(input, init)) as Fetch;
  }
  if (first || !options.allowPrivateNetwork) rebuild();
  return () => { registered.delete(token); };
}
