// Prometheus metrics (prom-client) on a registry of their own, so tests and several nodes in one
// process never share counters. Every label has a bounded set of values: paths become route
// templates, methods and outcomes outside known lists become "other". Unbounded labels would make
// each challenge key or remote actor a new time series and exhaust the Prometheus server.
//
// This module is the registry and its series (ops); node/http/metrics.ts holds the Express side: the
// middleware that times every request and the GET /metrics route.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { QueueDepth } from "../storage/store";

/** delivered: the remote inbox accepted it; failed: this attempt failed (Fedify retries); abandoned: given up for good. */
export type DeliveryOutcome = "delivered" | "failed" | "abandoned";
/** Fedify's inbox lifecycle results. */
export type InboxOutcome = "queued" | "processed" | "retried" | "rejected" | "abandoned";

const DELIVERY_OUTCOMES: readonly string[] = ["delivered", "failed", "abandoned"];
const INBOX_OUTCOMES: readonly string[] = ["queued", "processed", "retried", "rejected", "abandoned"];
const METHODS: readonly string[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Activity types worth a series of their own; anything else (extensions, garbage) is "other". */
const ACTIVITY_TYPES: readonly string[] = [
  "Accept", "Add", "Announce", "Block", "Create", "Delete", "Dislike", "Flag", "Follow", "Like", "Move",
  "Reject", "Remove", "Undo", "Update", "EmojiReact",
];

/** Every path the node serves, as a template; anything else is "other". Anchored: the whole path must match. */
const ROUTES: [RegExp, string][] = [
  [/^\/$/, "/"],
  [/^\/api\/openapi\.json$/, "/api/openapi.json"],
  [/^\/api\/v1\/challenges\/?$/, "/api/v1/challenges"],
  [/^\/api\/v1\/challenges\/[^/]+$/, "/api/v1/challenges/:key"],
  [/^\/api\/v1\/hubs\/?$/, "/api/v1/hubs"],
  [/^\/api\/v1\/hubs\/[^/]+$/, "/api/v1/hubs/:handle"],
  [/^\/api\/v1\/hubs\/[^/]+\/(token|challenges)$/, "/api/v1/hubs/:handle/$1"],
  [/^\/api\/v1\/peers\/?$/, "/api/v1/peers"],
  [/^\/api\/v1\/sync\/(digest|revisions|challenges)$/, "/api/v1/sync/$1"],
  [/^\/actor(\/(inbox|outbox|followers|following))?$/, "/actor$1"],
  [/^\/hubs\/[^/]+$/, "/hubs/:handle"],
  [/^\/(feed\.(atom|rss|json)|calendar\.ics)$/, "/$1"],
  [/^\/hubs\/[^/]+\/(feed\.(atom|rss|json)|calendar\.ics)$/, "/hubs/:handle/$1"],
  [/^\/challenges\/[^/]+\/calendar\.ics$/, "/challenges/:key/calendar.ics"],
  [/^\/hubs\/[^/]+\/(inbox|outbox|followers|following)$/, "/hubs/:handle/$1"],
  [/^\/inbox$/, "/inbox"],
  [/^\/challenges\/[^/]+$/, "/challenges/:key"],
  [/^\/challenges\/[^/]+\/activities\/[^/]+$/, "/challenges/:key/activities/:activity"],
  [/^\/tags\/[^/]+$/, "/tags/:name"],
  [/^\/\.well-known\/(webfinger|nodeinfo|host-meta)$/, "/.well-known/$1"],
  [/^\/nodeinfo\/2\.[01]$/, "/nodeinfo/:version"],
  [/^\/schemas\/codelists\/[^/]+$/, "/schemas/codelists/:list"],
  [/^\/schemas\/[^/]+$/, "/schemas/:file"],
  [/^\/static\/[^/]+$/, "/static/:file"],
  [/^\/(healthz|readyz|metrics)$/, "/$1"],
];

/** Maps a request path (without query) to its route template, e.g. /challenges/de-x-1 → /challenges/:key. */
export function routeTemplate(path: string): string {
  for (const [re, template] of ROUTES) if (re.test(path)) return path.replace(re, template);
  return "other";
}

/** The local name of an ActivityStreams type (IRI or bare name) if it is a known one, else "other". */
export function activityTypeLabel(type: string): string {
  const local = type.startsWith("https://www.w3.org/ns/activitystreams#") ? type.slice(type.indexOf("#") + 1) : type;
  return ACTIVITY_TYPES.includes(local) ? local : "other";
}

export interface MetricsOptions {
  /** Read at every scrape (e.g. () => store.queue.getDepth()). */
  queueDepth?: () => Promise<QueueDepth>;
  /** Node's process metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean;
  /** Read at every scrape: seconds since each peer was last in sync (null: never), for ipn_mirror_lag_seconds. */
  peerLags?: () => Promise<{ origin: string; lagSeconds: number | null }[]>;
}

export interface IpnMetrics {
  registry: Registry;
  /** One answered (or aborted) HTTP request: `path` without query; labels are bounded here. */
  request(method: string, path: string, statusClass: string, seconds: number): void;
  delivery(outcome: DeliveryOutcome): void;
  /** type: the activity type as a name ("Follow") or ActivityStreams IRI. */
  inboxActivity(type: string, outcome: InboxOutcome): void;
  /** A delivery the lean first-attempt path made (also counted in ipn_deliveries_total). */
  leanDelivery(): void;
  /** A peer's activity verified and queued by the plain-JSON fast path (federation/inbound/peer-fast-path.ts). */
  inboxFastPath(type: string): void;
  /** How far this node's mirror of a peer lags behind it, per peer origin. */
  setPeerLag(origin: string, seconds: number): void;
  /** Stops reporting a peer that was removed. */
  removePeer(origin: string): void;
}

/** Peers are labelled by origin only (scheme, host, port): a path or query would split one peer into many series. */
function peerLabel(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return "invalid";
  }
}

export function createMetrics(opts: MetricsOptions = {}): IpnMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "ipn_http_requests_total",
    help: "HTTP requests answered, by method, route template and status class.",
    labelNames: ["method", "route", "status_class"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "ipn_http_request_duration_seconds",
    help: "Time from receiving an HTTP request to the end of its response.",
    labelNames: ["method", "route", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "ipn_deliveries_total",
    help: "Outgoing ActivityPub deliveries to remote inboxes, by outcome.",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const inbox = new Counter({
    name: "ipn_inbox_activities_total",
    help: "Incoming ActivityPub activities, by activity type and outcome.",
    labelNames: ["type", "outcome"] as const,
    registers: [registry],
  });
  const lean = new Counter({
    name: "ipn_deliveries_lean_total",
    help: "Deliveries made by the lean first attempt (federation/transport/lean-delivery.ts); also counted in ipn_deliveries_total. The rest (retries, refused or failed first attempts) go through Fedify.",
    registers: [registry],
  });
  const fastPath = new Counter({
    name: "ipn_inbox_fast_path_total",
    help: "Allowlisted peers' activities verified and queued without JSON-LD (the fast path), by activity type; the rest go through Fedify.",
    labelNames: ["type"] as const,
    registers: [registry],
  });
  const readLags = opts.peerLags;
  const peerLag: Gauge<"peer"> = new Gauge({
    name: "ipn_mirror_lag_seconds",
    help: "How far behind each peer this node's mirror of it is (seconds since it was last in sync).",
    labelNames: ["peer"] as const,
    registers: [registry],
    async collect() {
      if (!readLags) return;
      try {
        const lags = await readLags();
        peerLag.reset();
        for (const { origin, lagSeconds } of lags) if (lagSeconds !== null) peerLag.set({ peer: peerLabel(origin) }, lagSeconds);
      } catch {
        peerLag.reset(); // store down: no figures rather than stale ones
      }
    },
  });
  const readDepth = opts.queueDepth;
  if (readDepth) {
    new Gauge({
      name: "ipn_queue_depth",
      help: "Messages in the durable queue (queued: all waiting; ready: due now; delayed: due later).",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        // A scrape while the store is down must still answer; stale numbers would mislead, so none.
        this.reset();
        try {
          const d = await readDepth();
          this.set({ state: "queued" }, d.queued);
          if (d.ready !== undefined) this.set({ state: "ready" }, d.ready);
          if (d.delayed !== undefined) this.set({ state: "delayed" }, d.delayed);
          else if (d.ready !== undefined) this.set({ state: "delayed" }, Math.max(0, d.queued - d.ready));
        } catch {
          // reported by /readyz; nothing to expose here
        }
      },
    });
  }

  return {
    registry,
    request(method, path, statusClass, seconds) {
      const labels = { method: METHODS.includes(method) ? method : "other", route: routeTemplate(path), status_class: statusClass };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    delivery(outcome) {
      deliveries.inc({ outcome: DELIVERY_OUTCOMES.includes(outcome) ? outcome : "other" });
    },
    inboxActivity(type, outcome) {
      inbox.inc({ type: activityTypeLabel(type), outcome: INBOX_OUTCOMES.includes(outcome) ? outcome : "other" });
    },
    leanDelivery() {
      deliveries.inc({ outcome: "delivered" });
      lean.inc();
    },
    inboxFastPath(type) {
      fastPath.inc({ type: activityTypeLabel(type) });
    },
    setPeerLag(origin, seconds) {
      if (Number.isFinite(seconds)) peerLag.set({ peer: peerLabel(origin) }, Math.max(0, seconds));
    },
    removePeer(origin) {
      peerLag.remove({ peer: peerLabel(origin) });
    },
  };
}
