// Inbox POSTs, the node's most frequent request, run the app's common middlewares and Fedify's bridge
// in a plain loop instead of entering Express (ADR 0023): the router's walk of the app's layers cost
// ≈ 60 µs of CPU an inbound activity, ≈ 5 %. Every other request goes to the app as before.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from "express";

export interface InboxLane {
  isInboxPath: (path: string) => boolean;
  /** Run in order, each passing on with next() as under Express. */
  handlers: readonly RequestHandler[];
  /** Answers when the last handler passes the request on (nothing else in the app takes an inbox POST). */
  notFound: (req: Request, res: Response) => void;
  /** Answers an error thrown, rejected or passed to next() (the app's own error boundary). */
  onError: ErrorRequestHandler;
}

/** The server's request listener: inbox POSTs take the lane, everything else the app. */
export function withInboxLane(app: Express, lane: InboxLane): RequestListener {
  return (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = incoming.url ?? "/";
    const q = url.indexOf("?");
    // An absolute-form target ("http://host/inbox") is not a path: the app parses it as it always did.
    if (incoming.method !== "POST" || !url.startsWith("/") || !lane.isInboxPath(q < 0 ? url : url.slice(0, q))) {
      app(incoming, outgoing);
      return;
    }
    // What app.handle does before its router (express/lib/application.js), so that the middlewares
    // find the request and response they get under Express (req.get, req.ip, res.status, res.locals…).
    const req = Object.setPrototypeOf(incoming, app.request) as Request;
    const res = Object.setPrototypeOf(outgoing, app.response) as Response;
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Response["locals"];
    req.originalUrl = url;
    req.baseUrl = "";
    const failed = (error: unknown) => lane.onError(error, req, res, () => {});
    let i = 0;
    const next: NextFunction = (error?: unknown) => {
      if (error) return failed(error);
      const handler = lane.handlers[i++];
      if (!handler) return lane.notFound(req, res);
      try {
        // As Express 5 does with a handler's promise: a rejection is the handler's error.
        const ran = handler(req, res, next) as unknown;
        if (ran instanceof Promise) ran.then(undefined, (e: unknown) => next(e ?? new Error("Rejected promise")));
      } catch (e) {
        next(e);
      }
    };
    next();
  };
}
