// Configuration: read from the environment once, validated against schemas/config.schema.json,
// with operator-readable errors. Nothing else in the code base reads process.env.
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import configSchema from "../schemas/config.schema.json";
import { AGGREGATOR_COUNTRY, parsePeerList, type PeerInput } from "./domain/peers";
import { DEFAULT_LANE_WORKERS } from "./storage/store";

export interface Config {
  port: number;
  host?: string;
  /** Public origin without trailing slash, e.g. "https://ipn.example.gov". */
  origin: string;
  dataDir: string;
  /** "sqlite:<file>" or "mongodb://…". */
  store: string;
  country?: string;
  nodeName?: string;
  /** IPN_OCDS_PREFIX: the OCID prefix registered with the Open Contracting Partnership (default: a placeholder). */
  ocdsPrefix: string;
  /** IPN_DATA_LICENCE: URL of the licence the node's open data (OCDS, feeds) is published under. */
  dataLicence: string;
  /** Absent: a token is generated once and kept in <dataDir>/admin-token. */
  adminToken?: string;
  /** Test/demo only: plain-http origin, loopback and private-network peers. */
  allowPrivateNetwork: boolean;
  /** IPN_AUTHORIZED_FETCH: secure mode — the node's actors, objects and collections answer only signed GETs. */
  authorizedFetch: boolean;
  /** IPN_MEMORY_TRIM: give a burst's memory back once the process is quiet (node/ops/memory-trim.ts). */
  memoryTrim: boolean;
  logLevel: "debug" | "info" | "warning" | "error";
  role: "all" | "web" | "worker";
  /** IPN_ROLE: a member state's node (default) or the Commission's EEA-wide aggregator (ADR 0007). */
  nodeRole: "national" | "aggregator";
  scheduleCron: string;
  /** IPN_PEERS: allowlisted peer nodes from the configuration (more can be added through the API). */
  peers: PeerInput[];
  /** IPN_RECONCILE_CRON: when reconciliation with every peer runs (also once at start). */
  reconcileCron: string;
  /** How long a worker's claim on a queue message lasts before another worker may take it over (renewed while it works). */
  queueLeaseMs: number;
  /** IPN_INBOX_WORKERS / IPN_OUTBOX_WORKERS / IPN_FANOUT_WORKERS: concurrent handlers per queue lane in each worker process. */
  /** IPN_RATE_LIMIT_INBOX / _INBOX_SERVER / _API: requests per minute (0 = off). */
  rateLimitInbox: number;
  rateLimitInboxServer: number;
  rateLimitApi: number;
  /** IPN_TRUST_PROXY: Express's trust proxy (false, true, a hop count, or addresses/subnets). */
  trustProxy: boolean | number | string;
  /** IPN_REQUEST_TIMEOUT_MS: how long a client may take to send a whole request (headers: at most 15 s of it). */
  requestTimeoutMs: number;
  /** IPN_DELIVERY_TIMEOUT_MS: connect, headers and body timeout of each outgoing delivery. */
  deliveryTimeoutMs: number;
  inboxWorkers: number;
  outboxWorkers: number;
  fanoutWorkers: number;
  /** Bearer token protecting /metrics (absent: open — block it at the proxy). */
  metricsToken?: string;
  /** IPN_SMTP_URL: where invitation and reset links are mailed from (absent: they are only shown). */
  smtpUrl?: string;
  /** IPN_MAIL_FROM: the sender of those mails. */
  mailFrom?: string;
  /** IPN_OIDC_*: single sign-on through an OpenID Connect provider (EU Login, a national eID …). */
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  /** IPN_OIDC_NAME: what the sign-in button calls the provider. */
  oidcName?: string;
  /** How long readiness reports 503 before intake stops (lets a load balancer notice; 5000 on Kubernetes). */
  shutdownDelayMs: number;
  /** True when IPN_ORIGIN was not given and the node runs as a local try-out on http://localhost. */
  localDefaults: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const ENV_NAMES: Record<string, string> = {
  port: "PORT", host: "IPN_HOST", origin: "IPN_ORIGIN", dataDir: "IPN_DATA_DIR", store: "IPN_STORE",
  country: "IPN_COUNTRY", nodeName: "IPN_NODE_NAME", ocdsPrefix: "IPN_OCDS_PREFIX", dataLicence: "IPN_DATA_LICENCE", adminToken: "IPN_ADMIN_TOKEN",
  allowPrivateNetwork: "IPN_ALLOW_PRIVATE_NETWORK", authorizedFetch: "IPN_AUTHORIZED_FETCH", memoryTrim: "IPN_MEMORY_TRIM", logLevel: "IPN_LOG_LEVEL", role: "IPN_PROCESS_ROLE", nodeRole: "IPN_ROLE",
  scheduleCron: "IPN_SCHEDULE_CRON", peers: "IPN_PEERS", reconcileCron: "IPN_RECONCILE_CRON",
  metricsToken: "IPN_METRICS_TOKEN", smtpUrl: "IPN_SMTP_URL", mailFrom: "IPN_MAIL_FROM",
  oidcIssuer: "IPN_OIDC_ISSUER", oidcClientId: "IPN_OIDC_CLIENT_ID", oidcClientSecret: "IPN_OIDC_CLIENT_SECRET", oidcName: "IPN_OIDC_NAME", queueLeaseMs: "IPN_QUEUE_LEASE_MS", shutdownDelayMs: "IPN_SHUTDOWN_DELAY_MS",
  deliveryTimeoutMs: "IPN_DELIVERY_TIMEOUT_MS", requestTimeoutMs: "IPN_REQUEST_TIMEOUT_MS",
  rateLimitInbox: "IPN_RATE_LIMIT_INBOX", rateLimitInboxServer: "IPN_RATE_LIMIT_INBOX_SERVER", rateLimitApi: "IPN_RATE_LIMIT_API",
  trustProxy: "IPN_TRUST_PROXY", inboxWorkers: "IPN_INBOX_WORKERS", outboxWorkers: "IPN_OUTBOX_WORKERS", fanoutWorkers: "IPN_FANOUT_WORKERS",
};

/** A whole number as a number; anything else is left as it is for the schema to report. */
function int(v: string | undefined, fallback: number): number | string {
  if (v === undefined) return fallback;
  return /^\d+$/.test(v) ? Number(v) : v;
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(configSchema);

function bool(name: string, v: string | undefined, problems: string[]): boolean | undefined {
  if (v === undefined || v === "") return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  problems.push(`${name} must be true or false (got ${JSON.stringify(v)})`);
  return undefined;
}

export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const get = (k: string) => (env[k] === undefined || env[k] === "" ? undefined : env[k]!.trim());

  const portRaw = get("PORT");
  const port = portRaw === undefined ? 3000 : /^\d+$/.test(portRaw) ? Number(portRaw) : NaN;
  if (Number.isNaN(port)) problems.push(`PORT must be a number from 0 to 65535 (got ${JSON.stringify(portRaw)})`);

  const originRaw = get("IPN_ORIGIN");
  const localDefaults = originRaw === undefined;
  const origin = (originRaw ?? `http://localhost:${port}`).replace(/\/+$/, "");
  const dataDir = path.resolve(cwd, get("IPN_DATA_DIR") ?? "data");
  const allowExplicit = bool("IPN_ALLOW_PRIVATE_NETWORK", get("IPN_ALLOW_PRIVATE_NETWORK"), problems);

  const candidate: Record<string, unknown> = {
    port,
    host: get("IPN_HOST"),
    origin,
    dataDir,
    store: get("IPN_STORE") ?? `sqlite:${path.join(dataDir, "ipn.db")}`,
    country: get("IPN_COUNTRY")?.toUpperCase(),
    nodeName: get("IPN_NODE_NAME"),
    ocdsPrefix: get("IPN_OCDS_PREFIX") ?? "ocds-ipn000",
    dataLicence: get("IPN_DATA_LICENCE") ?? "https://creativecommons.org/licenses/by/4.0/",
    adminToken: get("IPN_ADMIN_TOKEN"),
    allowPrivateNetwork: allowExplicit ?? localDefaults,
    authorizedFetch: bool("IPN_AUTHORIZED_FETCH", get("IPN_AUTHORIZED_FETCH"), problems) ?? false,
    memoryTrim: bool("IPN_MEMORY_TRIM", get("IPN_MEMORY_TRIM"), problems) ?? true,
    logLevel: get("IPN_LOG_LEVEL") ?? "info",
    role: get("IPN_PROCESS_ROLE") ?? "all",
    nodeRole: get("IPN_ROLE")?.toLowerCase() ?? "national",
    scheduleCron: get("IPN_SCHEDULE_CRON") ?? "* * * * *",
    peers: [],
    reconcileCron: get("IPN_RECONCILE_CRON") ?? "*/10 * * * *",
    metricsToken: get("IPN_METRICS_TOKEN"),
    smtpUrl: get("IPN_SMTP_URL"),
    mailFrom: get("IPN_MAIL_FROM"),
    oidcIssuer: get("IPN_OIDC_ISSUER")?.replace(/\/+$/, ""),
    oidcClientId: get("IPN_OIDC_CLIENT_ID"),
    oidcClientSecret: get("IPN_OIDC_CLIENT_SECRET"),
    oidcName: get("IPN_OIDC_NAME"),
    queueLeaseMs: (() => {
      const v = get("IPN_QUEUE_LEASE_MS");
      if (v === undefined) return 60_000;
      return /^\d+$/.test(v) ? Number(v) : v;
    })(),
    shutdownDelayMs: (() => {
      const v = get("IPN_SHUTDOWN_DELAY_MS");
      if (v === undefined) return 0;
      return /^\d+$/.test(v) ? Number(v) : v;
    })(),
    deliveryTimeoutMs: int(get("IPN_DELIVERY_TIMEOUT_MS"), 10_000),
    requestTimeoutMs: int(get("IPN_REQUEST_TIMEOUT_MS"), 30_000),
    rateLimitInbox: int(get("IPN_RATE_LIMIT_INBOX"), 600),
    rateLimitInboxServer: int(get("IPN_RATE_LIMIT_INBOX_SERVER"), 3000),
    rateLimitApi: int(get("IPN_RATE_LIMIT_API"), 600),
    trustProxy: (() => {
      const v = get("IPN_TRUST_PROXY");
      if (v === undefined || /^(0|false|no|off)$/i.test(v)) return false;
      if (/^(true|yes|on)$/i.test(v)) return true;
      return /^\d+$/.test(v) ? Number(v) : v;
    })(),
    inboxWorkers: int(get("IPN_INBOX_WORKERS"), DEFAULT_LANE_WORKERS.inbox),
    outboxWorkers: int(get("IPN_OUTBOX_WORKERS"), DEFAULT_LANE_WORKERS.outbox),
    fanoutWorkers: int(get("IPN_FANOUT_WORKERS"), DEFAULT_LANE_WORKERS.fanout),
  };
  const peersRaw = get("IPN_PEERS");
  if (peersRaw !== undefined) {
    const parsed = parsePeerList(peersRaw, { allowHttp: (allowExplicit ?? localDefaults) === true, ownOrigin: origin });
    for (const p of parsed.problems) problems.push(`IPN_PEERS: ${p}`);
    candidate.peers = parsed.peers;
  }
  for (const k of Object.keys(candidate)) if (candidate[k] === undefined) delete candidate[k];

  if (!validate(candidate)) {
    for (const e of validate.errors ?? []) {
      const field = e.instancePath.slice(1);
      const name = ENV_NAMES[field] ?? field;
      const value = candidate[field];
      const shown = field === "adminToken" || field === "metricsToken" || field === "smtpUrl" || field === "oidcClientSecret" ? "(hidden)" : JSON.stringify(value);
      const hint = (configSchema.properties as Record<string, { description?: string }>)[field]?.description ?? "";
      problems.push(`${name} ${e.message ?? "is invalid"} (got ${shown}) — ${hint}`);
    }
  }

  if ((candidate.oidcIssuer === undefined) !== (candidate.oidcClientId === undefined)) {
    problems.push("IPN_OIDC_ISSUER and IPN_OIDC_CLIENT_ID go together: set both for single sign-on, or neither");
  }
  if (typeof candidate.oidcIssuer === "string" && candidate.oidcIssuer.startsWith("http:") && (allowExplicit ?? localDefaults) !== true) {
    problems.push(`IPN_OIDC_ISSUER ${candidate.oidcIssuer} is plain http; identity providers are reached over https (plain http only in the test mode, IPN_ALLOW_PRIVATE_NETWORK=true)`);
  }

  // The aggregator serves the whole EEA: "EU" (or no country) is its country, and only its.
  if (candidate.country === AGGREGATOR_COUNTRY && candidate.nodeRole !== "aggregator") {
    problems.push(`IPN_COUNTRY ${AGGREGATOR_COUNTRY} is for the aggregator only (IPN_ROLE=aggregator); a national node serves one EEA member state`);
  }

  if (problems.length === 0) {
    const url = new URL(origin);
    if (url.protocol === "https:" && candidate.allowPrivateNetwork === true) {
      problems.push("IPN_ALLOW_PRIVATE_NETWORK=true is for tests and demos only and is refused with an https (production) IPN_ORIGIN: it would let remote input make this node fetch private-network addresses");
    }
    if (url.protocol === "http:" && candidate.allowPrivateNetwork !== true) {
      problems.push(`IPN_ORIGIN ${origin} is plain http; fediverse servers only talk to https origins. Use an https origin behind a TLS proxy, or set IPN_ALLOW_PRIVATE_NETWORK=true for a local test or demo`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...(candidate as Omit<Config, "localDefaults">), localDefaults };
}
