// Rate limits at the node's edge (issue 8, principle 8), counted in the store so that every web
// process shares one budget (to within a second: each process counts locally and writes its counts
// in batches, node/storage/local-rate-counts.ts): inbox POSTs per client IP and per remote server,
// API requests per client IP. Over the limit: 429 with Retry-After and a problem document; nothing
// is processed.
//
// "Remote server" is the host of the key that signs the request, read from the Signature or
// Signature-Input header *before* the signature is verified — verifying costs far more than
// counting, and counting first is the point. A forger can claim another server's key id, but then
// only spends that server's budget for requests that will fail verification anyway; the per-IP
// limit still bounds the forger itself. If the store cannot count (it is down), requests pass:
// the limits protect the node's capacity, and the store being down already shows in /readyz.
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { RateLimiterFactory } from "../storage/rate-limits";
import { countLocally, type LocallyCountedLimiter } from "../storage/local-rate-counts";
import { getLogger } from "@logtape/logtape";
import { problem, sendProblem } from "./problem";

const log = getLogger(["ipn", "http", "limits"]);

export interface RateLimitConfig {
  /** Inbox POSTs per client IP per minute (0 = no limit). */
  inboxPerIp: number;
  /** Inbox POSTs per remote server (signing key's host) per minute (0 = no limit). */
  inboxPerServer: number;
  /** API requests per client IP per minute (0 = no limit). */
  apiPerIp: number;
}

/** The host:port of the key that signs a request (cavage keyId or RFC 9421 keyid), unverified. */
export function claimedSigner(req: Pick<Request, "get">): string | null {
  const m = /keyId="([^"]+)"/i.exec(req.get("signature") ?? "") ?? /keyid="([^"]+)"/i.exec(req.get("signature-input") ?? "");
  if (!m) return null;
  try {
    return new URL(m[1]!).host.toLowerCase();
  } catch {
    return null;
  }
}

interface Limit { limiter: LocallyCountedLimiter; key: (req: Request) => string | null; what: string }

export function rateLimits(create: RateLimiterFactory, config: RateLimitConfig, isInboxPath: (path: string) => boolean): RequestHandler {
  // Counted in the process, written to the store in batches (node/storage/local-rate-counts.ts).
  const make = (keyPrefix: string, points: number) => (points > 0 ? countLocally(create({ keyPrefix, points, durationSec: 60 }), { points }) : null);
  const inboxIp = make("inbox-ip", config.inboxPerIp);
  const inboxServer = make("inbox-server", config.inboxPerServer);
  const apiIp = make("api-ip", config.apiPerIp);
  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

  const limitsFor = (req: Request): Limit[] => {
    const out: Limit[] = [];
    if (req.method === "POST" && isInboxPath(req.path)) {
      if (inboxIp) out.push({ limiter: inboxIp, key: ip, what: "inbox deliveries from your address" });
      if (inboxServer) out.push({ limiter: inboxServer, key: claimedSigner, what: "inbox deliveries from your server" });
    } else if (apiIp && (req.path === "/api" || req.path.startsWith("/api/"))) {
      out.push({ limiter: apiIp, key: ip, what: "API requests from your address" });
    }
    return out;
  };

  const refuse = (req: Request, res: Response, ms: number, what: string) => {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    res.set("Retry-After", String(seconds));
    // An inbox POST is not read any further: close rather than drain a body we refuse.
    if (req.method === "POST") res.set("Connection", "close");
    sendProblem(res, problem(429, `too many ${what}; try again in ${seconds} s`));
  };

  // Judged in the process for most requests: no promise and no extra turn of the event loop; the
  // store is awaited only for a key's first request in its window.
  const judge = (limits: Limit[], from: number, req: Request, res: Response, next: NextFunction): void | Promise<void> => {
    for (let i = from; i < limits.length; i++) {
      const { limiter, key, what } = limits[i]!;
      const k = key(req);
      if (k === null) continue;
      const here = limiter.judgeHere(k);
      if (here === null) return askStore(limits, i, k, req, res, next);
      if (!here.passed) return refuse(req, res, here.res.msBeforeNext, what);
    }
    next();
  };

  const askStore = async (limits: Limit[], i: number, k: string, req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { limiter, what } = limits[i]!;
    try {
      await limiter.consume(k);
    } catch (rejection) {
      const ms = (rejection as { msBeforeNext?: unknown }).msBeforeNext;
      if (typeof ms === "number") return refuse(req, res, ms, what);
      log.warning("rate limit not counted (store unavailable?): {error}", { error: String(rejection) });
    }
    return judge(limits, i + 1, req, res, next);
  };

  return (req, res, next) => judge(limitsFor(req), 0, req, res, next);
}
