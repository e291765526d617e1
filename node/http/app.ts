// createApp(deps): the node's Express application as the server's request listener (inbox POSTs in their
// own lane, ./inbox-lane.ts), without listening.
// Order matters: Fedify sees ActivityPub requests (and their raw bodies) first; the JSON API gets its
// own body parser; HTML pages answer browsers on the same URLs; one error boundary ends the chain.
import type { RequestListener } from "node:http";
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import helmet from "helmet";
import type { ChallengeService } from "../domain/challenges.service";
import type { HubService } from "../domain/hubs.service";
import { getCpvLabelFile } from "../domain/codelists";
import { getCodeList, getSchema } from "../domain/validation";
import configSchema from "../../schemas/config.schema.json";
import { getLogger } from "@logtape/logtape";
import { requestContext, requestIdOf } from "../ops/request-context";
import { Authenticator } from "./auth";
import { challengesRouter } from "./api/challenges.routes";
import { hubsRouter } from "./api/hubs.routes";
import { peersRouter, syncRouter, type SyncSource } from "./api/peers.routes";
import type { PeerService } from "../domain/peers";
import { openApiDocument } from "./openapi/document";
import { operationsFor } from "./openapi/operations";
import { methodNotAllowed } from "./api/method-not-allowed";
import { API_SCHEMAS } from "./api/request-schemas";
import { ocdsRouter, type OcdsRouteDeps } from "./api/ocds.routes";
import { HttpProblem, problem, sendProblem } from "./problem";
import { withInboxLane } from "./inbox-lane";
import { serveContext } from "./json-ld";
import type { ListingCache } from "./api/listing-cache";

const log = getLogger(["ipn", "http"]);

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  origin: string;
  adminToken: string;
  hubs: HubService;
  challenges: ChallengeService;
  /** Fedify, mounted before any body parser. */
  federation: RequestHandler;
  /** Which POST paths are ActivityPub inboxes (their requests take ./inbox-lane.ts). */
  isInboxPath: (path: string) => boolean;
  /** HTML pages, after Fedify (same URLs, content negotiation). */
  pages: RequestHandler;
  /** Extra routers mounted before the pages. */
  extra?: RequestHandler[];
  /** Times and counts every request (the metrics middleware), right after the request id and access log. */
  measure?: RequestHandler;
  /** /healthz, /readyz, /metrics: after `measure`, before the rate limits (never limited). */
  probes?: RequestHandler[];
  /** Rate limits for the inbox and the API (after the probes: probes and metrics are never limited). */
  limits?: RequestHandler;
  /** Express's trust proxy setting, so that req.ip is the client behind a TLS proxy (IPN_TRUST_PROXY). */
  trustProxy?: boolean | number | string;
  /** OCDS 1.1 exports (issue 12). */
  ocds?: OcdsRouteDeps;
  /** Remembers listing answers until a challenge changes (node/http/api/listing-cache.ts); absent: none. */
  listingCache?: ListingCache;
  /** Node-to-node network: the allowlist (admin) and the sync API peers read. */
  network?: { peers: PeerService; sync: SyncSource };
}

/** The server's request listener: the app, with inbox POSTs in their own lane. */
export function createApp(deps: AppDeps): RequestListener {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "extended");
  if (deps.trustProxy !== undefined) app.set("trust proxy", deps.trustProxy);

  const id = requestContext();
  const measure = deps.measure ? [deps.measure] : [];
  const limits = deps.limits ? [deps.limits] : [];
  // Inbox POSTs (the node's most frequent request) take their own lane (./inbox-lane.ts, ADR 0023): the
  // request id, access log, metrics and rate limits below, then Fedify, called in order outside Express's
  // router. The probes never answer an inbox path. Helmet is left out: inbox answers are for servers (202,
  // or a problem document), no browser renders them, and its eleven middlewares were ≈ 3 % of an inbound
  // activity's CPU (bench/inbound.ts). Of its headers they keep nosniff: a refusal's detail can quote what
  // the sender wrote. A middleware every request needs goes in both lists. No other POST is Fedify's.
  const inbox: RequestHandler = (req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    deps.federation(req, res, next);
  };
  for (const h of [id, accessLog, ...measure, ...(deps.probes ?? []), ...limits]) app.use(h);

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
      },
    },
    // Fediverse servers and browsers elsewhere fetch our JSON and media.
    crossOriginResourcePolicy: { policy: "cross-origin" },
    strictTransportSecurity: deps.origin.startsWith("https:"),
  }));

  const auth = new Authenticator(deps.adminToken, deps.hubs);
  const api = express.Router();
  api.use(express.json({ limit: MAX_BODY_BYTES, type: ["application/json", "application/merge-patch+json"], strict: true }));
  api.use((_req, res, next) => { res.set("Cache-Control", "no-store"); next(); });
  // Generated once per process: it depends only on the origin (its mode) and whether the network routes exist.
  const openApi = JSON.stringify(openApiDocument({ origin: deps.origin, network: deps.network !== undefined }));
  api.get("/openapi.json", (_req, res) => { res.set("Cache-Control", "public, max-age=300"); res.type("application/json").send(openApi); });
  api.use("/v1/hubs", hubsRouter({ hubs: deps.hubs, challenges: deps.challenges, auth, origin: deps.origin }));
  api.use("/v1/challenges", challengesRouter({ challenges: deps.challenges, auth, origin: deps.origin, cache: deps.listingCache }));
  if (deps.ocds) api.use("/v1", ocdsRouter(deps.ocds));
  if (deps.network) {
    api.use("/v1/peers", peersRouter({ peers: deps.network.peers, auth, allowHttp: deps.origin.startsWith("http:") }));
    api.use("/v1/sync", syncRouter({ source: deps.network.sync }));
  }
  api.use(methodNotAllowed(operationsFor(deps.network !== undefined)));
  api.use((req, res) => sendProblem(res, problem(404, `no API endpoint ${req.method} ${req.baseUrl}${req.path}`)));
  // First after the common middleware: an API request (answered or refused by the API's own 404) walks
  // no other routes (measured in bench/listing.ts), and never goes through Fedify.
  app.use("/api", api);
  // ActivityPub, WebFinger, NodeInfo.
  app.use(deps.federation);
  for (const extra of deps.extra ?? []) app.use(extra);

  app.get(["/schemas/:file", "/schemas/codelists/:list", "/schemas/api/:contract", "/schemas/codelists/cpv/:labels"], (req, res) => {
    const list = typeof req.params.list === "string" ? /^([a-z0-9-]+)\.json$/.exec(req.params.list) : null;
    const labels = typeof req.params.labels === "string" ? /^([a-z]{2})\.json$/.exec(req.params.labels) : null;
    const contract = typeof req.params.contract === "string" ? /^([a-z-]+)\.json$/.exec(req.params.contract) : null;
    const m = /^([a-z-]+)\.json$/.exec(String(req.params.file));
    const schema = labels ? getCpvLabelFile(labels[1]!)
      : list ? getCodeList(list[1]!)
      : contract ? (Object.hasOwn(API_SCHEMAS, contract[1]!) ? API_SCHEMAS[contract[1] as keyof typeof API_SCHEMAS] : undefined)
      : m ? (m[1] === "config" ? configSchema : getSchema(m[1]!)) : undefined;
    if (!schema) return sendProblem(res, problem(404, `no schema or code list ${req.path}`));
    res.set("Cache-Control", "public, max-age=3600");
    res.set("Access-Control-Allow-Origin", "*");
    res.type("application/schema+json").send(JSON.stringify(schema, null, 2));
  });

  app.get("/schemas/context/:file", serveContext);

  app.use(deps.pages);

  app.use(notFound);
  app.use(errorBoundary);
  return withInboxLane(app, { isInboxPath: deps.isInboxPath, handlers: [id, accessLog, ...measure, ...limits, inbox], notFound, onError: errorBoundary });
}

const notFound = (req: express.Request, res: express.Response) => sendProblem(res, problem(404, `nothing at ${req.path}`));

/** One line per request once its answer is sent (probes and scrapes at debug). */
const accessLog: RequestHandler = (req, res, next) => {
  const id = requestIdOf(res)!;
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const path = req.originalUrl.split("?")[0]!;
    const rounded = Math.round(ms * 10) / 10;
    // Probes and scrapes every few seconds would drown the access log.
    const quiet = path === "/healthz" || path === "/readyz" || path === "/metrics";
    log[quiet ? "debug" : "info"](`${req.method} ${path} ${res.statusCode} ${rounded}ms`, { requestId: id, method: req.method, path, status: res.statusCode, ms: rounded });
  });
  next();
};

/** What a worker process serves: request ids, probes and metrics, and a clear 404 for everything else. */
export function createOperationsApp(operations: RequestHandler[]): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestContext());
  for (const h of operations) app.use(h);
  app.use((req, res) => sendProblem(res, problem(404, `this is a worker process: it serves /healthz, /readyz and /metrics only (not ${req.path})`)));
  app.use(errorBoundary);
  return app;
}

/** Maps every thrown error to a problem; 5xx never echo internals. */
const errorBoundary: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof HttpProblem) return sendProblem(res, err.problem);
  const e = err as { type?: string; status?: number; statusCode?: number };
  const status = e.status ?? e.statusCode;
  if (e.type === "entity.too.large" || status === 413) return sendProblem(res, problem(413, `bodies are limited to ${MAX_BODY_BYTES} bytes`));
  if (e.type === "entity.parse.failed") return sendProblem(res, problem(400, "the body is not valid JSON", [{ pointer: "", message: "malformed JSON" }]));
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported") return sendProblem(res, problem(415, "send UTF-8 JSON"));
  if (typeof status === "number" && status >= 400 && status < 500) return sendProblem(res, problem(status));
  log.error("unhandled error on {method} {path}: {error}", { method: req.method, path: req.path, error: err });
  sendProblem(res, problem(500, "something went wrong on our side; it has been logged"));
};
