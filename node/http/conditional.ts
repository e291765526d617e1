// Conditional GET (RFC 9110 §13): an ETag computed from the representation and, when known, the time
// of its last change; a client that already has it gets 304 Not Modified without the body. Feed
// readers poll every few minutes, so most of their requests end here.
import { createHash } from "node:crypto";
import type { Request, Response } from "express";

/** Sends `body` with ETag/Last-Modified, or 304 when the request's validators still match. */
export function sendConditional(req: Request, res: Response, body: string, opts: { type: string; lastModified?: string | null; maxAge?: number }): void {
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
  res.set("ETag", etag);
  res.set("Cache-Control", `public, max-age=${opts.maxAge ?? 300}`);
  const modified = opts.lastModified ? Date.parse(opts.lastModified) : Number.NaN;
  if (!Number.isNaN(modified)) res.set("Last-Modified", new Date(modified).toUTCString());
  const inm = req.get("if-none-match");
  let fresh: boolean;
  if (inm !== undefined) {
    // Weak comparison: W/"x" matches "x".
    fresh = inm.trim() === "*" || inm.split(",").map((t) => t.trim().replace(/^W\//, "")).includes(etag);
  } else {
    const ims = Date.parse(req.get("if-modified-since") ?? "");
    // HTTP dates have whole seconds.
    fresh = !Number.isNaN(ims) && !Number.isNaN(modified) && Math.floor(modified / 1000) * 1000 <= ims;
  }
  if (fresh) {
    res.status(304).end();
    return;
  }
  res.type(opts.type).send(body);
}
