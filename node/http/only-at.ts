// Probes and metrics are routers mounted for every request (they run before the rate limits and the
// API), and a mounted router is entered, its layers walked, by every request that passes — an inbox
// POST, a listing, a page. Entering the two of them was ≈ 2 % of an inbound activity's CPU (bench
// inbound's profile, 2026-12-06). This lets a router be entered only by requests for its own paths.
import type { RequestHandler } from "express";

/** The path as Express's default (case-insensitive, non-strict) routing compares it. */
const routed = (path: string) => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).toLowerCase();

/** Runs `handler` only for requests to one of `paths` (as Express would match them); others pass it by. */
export function onlyAt(paths: readonly string[], handler: RequestHandler): RequestHandler {
  const own = new Set(paths.map(routed));
  return (req, res, next) => (own.has(routed(req.path)) ? handler(req, res, next) : next());
}
