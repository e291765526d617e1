// Express 5 ⇄ Fedify bridge (replaces @fedify/express, which pins Express 4 and Fedify 1.x).
// Mount it BEFORE any body parser. Fixes over the prototype:
//  - the Request URL is built from the configured canonical origin (signatures cover the target URI;
//    behind a TLS proxy req.protocol would say http), and from originalUrl (mount paths);
//  - only inbox POSTs have their bodies read, and never more than 1 MB (413 before parsing);
//    every other request body stays untouched for Express's own parsers;
//  - a Tombstone served for a withdrawn object answers 410 Gone (Fedify answers 200);
//  - resources Fedify does not know, and browsers asking for HTML, fall through to Express.
import { Buffer } from "node:buffer";
import type { Federation } from "@fedify/fedify";
import type { HeaderReader, InboundGate } from "../../federation/inbound/gate";
import type { PeerFastPath } from "../../federation/inbound/peer-fast-path";
import type { NextFunction, Request as ERequest, RequestHandler, Response as EResponse } from "express";

export const MAX_INBOX_BODY_BYTES = 1024 * 1024;

/** Refuses an inbox POST before Fedify sees it (federation/inbound/gate.ts), or lets it through with what it read of it. */
export type InboxGate = InboundGate;

export interface FedifyAdapterOptions {
  /** Canonical public origin, e.g. "https://de.ipn.example". */
  origin: string;
  /** Which POST paths are ActivityPub inboxes. */
  isInboxPath: (pathname: string) => boolean;
  maxBodyBytes?: number;
  /** Checks every inbox POST (key ownership, signature coverage, well-formed headers) before Fedify. */
  gate?: InboxGate;
  /** Takes allowlisted peers' challenge activities without Fedify's JSON-LD path, after the gate passed them. */
  fastPath?: PeerFastPath | null;
  /** Told of each inbox POST accepted (signature verified), with the activity as the gate read it. */
  onAccepted?: (activity: Readonly<Record<string, unknown>>) => void;
}

class PayloadTooLarge extends Error {}
/** The client went away before its body was whole: there is nobody left to answer. */
class RequestAborted extends Error {}

/**
 * The whole body, refused past `max` bytes. Listens to the stream's events rather than iterating it
 * with for await: an inbox POST is the node's most frequent request, and the async iterator's
 * promises cost more than the rest of reading a 4 KiB body (measured in bench/inbound.ts).
 */
function readBody(req: ERequest, max: number): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    // Past the limit the rest is not kept: the 413 closes the connection.
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) settle(new PayloadTooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(new RequestAborted());
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/**
 * The request's headers for the gate and the fast path, read from Node's own object (which has already
 * joined repeated ones as a Headers object would): building a Fetch API Headers — each name and value
 * validated on the way in — was ≈ 1 % of an inbox POST, and only Fedify's path needs one. Own
 * properties only: a signature may name any header, "constructor" included.
 */
function headerReader(req: ERequest): HeaderReader {
  const raw = req.headers;
  const value = (name: string): string | null => {
    const key = name.toLowerCase();
    if (!Object.hasOwn(raw, key)) return null;
    const v = raw[key];
    return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : null;
  };
  return { get: value, has: (name) => value(name) !== null };
}

function headersOf(req: ERequest): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (typeof v === "string") headers.append(k, v);
  }
  return headers;
}

async function writeResponse(res: EResponse, response: Response, body: Buffer | null): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, key) => { res.append(key, value); });
  res.end(body ?? undefined);
}

/** Fedify serves any object with 200; a Tombstone means the id is gone for good. */
function isTombstone(body: Buffer, contentType: string | null): boolean {
  if (!contentType || !/json/i.test(contentType) || body.length > 64 * 1024) return false;
  // Cheap test first: actors, Notes and collections (almost every response) are never parsed here.
  if (!body.includes("\"Tombstone\"")) return false;
  try {
    const json = JSON.parse(body.toString("utf8")) as { type?: unknown };
    return json.type === "Tombstone";
  } catch {
    return false;
  }
}

function tooLarge(res: EResponse, max: number): void {
  // Close the connection: the rest of an oversized body is not worth reading.
  res.status(413).set("Connection", "close").type("application/problem+json")
    .send(JSON.stringify({ type: "about:blank", title: "Payload Too Large", status: 413, detail: `inbox bodies are limited to ${max} bytes` }));
}

export function fedifyMiddleware(federation: Federation<void>, opts: FedifyAdapterOptions): RequestHandler {
  const max = opts.maxBodyBytes ?? MAX_INBOX_BODY_BYTES;
  return async (req: ERequest, res: EResponse, next: NextFunction) => {
    try {
      const url = new URL(req.originalUrl, opts.origin);
      const isRead = req.method === "GET" || req.method === "HEAD";
      if (!isRead && !(req.method === "POST" && opts.isInboxPath(url.pathname))) return next();

      let body: Buffer | undefined;
      /** An inbox POST the gate passed: if Fedify accepts it too, its sender is reachable. */
      let accepted: Readonly<Record<string, unknown>> | null = null;
      if (!isRead) {
        const declared = Number(req.get("content-length") ?? "0");
        if (Number.isFinite(declared) && declared > max) return tooLarge(res, max);
        try {
          body = await readBody(req, max);
        } catch (error) {
          if (error instanceof PayloadTooLarge) return tooLarge(res, max);
          if (error instanceof RequestAborted) return;
          throw error;
        }
      }

      if (body !== undefined && opts.gate) {
        const headers = headerReader(req);
        const { refusal, passed } = await opts.gate({ method: req.method, headers, body });
        if (refusal) {
          res.status(refusal.status).type("application/problem+json")
            .send(JSON.stringify({ type: "about:blank", title: refusal.title, status: refusal.status, detail: refusal.detail }));
          return;
        }
        if (opts.fastPath && (await opts.fastPath({ url, headers, body, read: passed })) === "accepted") {
          res.status(202).end();
          opts.onAccepted?.(passed.activity);
          return;
        }
        accepted = passed.activity;
      }
      const request = new Request(url, { method: req.method, headers: headersOf(req), body: body == null ? undefined : new Uint8Array(body) });
      let passThrough = false;
      const response = await federation.fetch(request, {
        contextData: undefined,
        // Not a federation resource, or a browser asking for HTML: Express's routes answer.
        onNotFound: () => { passThrough = true; return new Response(null, { status: 404 }); },
        onNotAcceptable: () => { passThrough = true; return new Response(null, { status: 406 }); },
      });
      if (passThrough && isRead) {
        res.vary("Accept"); // the same URL serves HTML and AS2: caches must key on Accept
        return next();
      }
      if (passThrough) {
        // An inbox POST Fedify did not route (e.g. the inbox of an unknown hub): the body is consumed.
        res.status(404).end();
        return;
      }
      const responseBody = response.body == null ? null : Buffer.from(await response.arrayBuffer());
      if (response.status === 200 && responseBody && isTombstone(responseBody, response.headers.get("content-type"))) {
        res.status(410);
        response.headers.forEach((value, key) => { res.append(key, value); });
        res.end(req.method === "HEAD" ? undefined : responseBody);
        return;
      }
      await writeResponse(res, response, req.method === "HEAD" ? null : responseBody);
      if (accepted && response.status >= 200 && response.status < 300) opts.onAccepted?.(accepted);
    } catch (err) {
      next(err);
    }
  };
}
