// Request ids: every log record written while a request is handled carries `requestId`, so one
// request's lines (ours and Fedify's) can be found together. The id comes from the reverse proxy's
// X-Request-Id when it looks like an id, else it is minted here; either way it is echoed in the
// response and put on the request headers, where Fedify reads it for its own log context.
import { randomUUID } from "node:crypto";
import { getConfig, withContext } from "@logtape/logtape";
import type { RequestHandler, Response } from "express";

/** Ids from outside are logged verbatim: accept only short, plain tokens (UUIDs, trace ids, proxy ids). */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export interface RequestContextOptions {
  /** Mints an id when the request brings none (default: random UUID). */
  generateId?: () => string;
  /** Reuse an incoming X-Request-Id (default true: set it only behind a proxy that sets or strips it). */
  trustIncoming?: boolean;
}

export function requestContext(opts: RequestContextOptions = {}): RequestHandler {
  const generate = opts.generateId ?? randomUUID;
  const trust = opts.trustIncoming ?? true;
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const id = trust && incoming && ACCEPTABLE_ID.test(incoming) ? incoming : generate();
    req.headers["x-request-id"] = id;
    res.locals.requestId = id;
    res.set("X-Request-Id", id);
    // Without context-local storage withContext() only warns on every call; skip it then.
    if (!getConfig()?.contextLocalStorage) return next();
    withContext({ requestId: id }, () => next());
  };
}

/** The id requestContext() gave this request, if it ran. */
export function requestIdOf(res: Response): string | undefined {
  const id: unknown = res.locals.requestId;
  return typeof id === "string" ? id : undefined;
}
