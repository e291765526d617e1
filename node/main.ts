// The composition root: builds the store, the domain services, federation, the HTTP app and the jobs
// from a validated Config, and owns their start and orderly shutdown. Nothing else wires things together.
import "./runtime/shims";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Config } from "./config";
import { AccountService } from "./domain/accounts/accounts.service";
import { ChallengeService } from "./domain/challenges.service";
import { ScheduleService } from "./domain/schedule.service";
import { remoteFollowUrl } from "../federation/remote-follow";
import { HubService } from "./domain/hubs.service";
import { LocalSyncSet, MirrorService } from "./domain/mirror";
import { AGGREGATOR_COUNTRY, PeerService } from "./domain/peers";
import { warmUpValidators } from "./domain/validation";
import { federationMiddleware } from "./http/federation-mount";
import { rateLimits } from "./http/rate-limit";
import { createApp, createOperationsApp } from "./http/app";
import { peerView } from "./http/api/peers.routes";
import { healthRouter, watchRunning } from "./http/health";
import { metricsMiddleware, metricsRouter } from "./http/metrics";
import { ListingCache } from "./http/api/listing-cache";
import { createMetrics, type IpnMetrics } from "./ops/metrics";
import { fedifyMeterProvider } from "./ops/fedify-meter";
import { JobLeases, type HeldRole } from "./ops/job-lease";
import { createGracefulShutdown } from "./ops/shutdown";
import { OcdsService } from "./domain/ocds/ocds.service";
import { createPagesRouter } from "./http/pages/router";
import { workspaceRouter } from "./http/workspace/workspace.routes";
import { settingsView } from "./http/workspace/settings-view";
import { argon2Passwords } from "./runtime/argon2";
import { smtpMailer } from "./runtime/smtp-mailer";
import { startScheduler, type Scheduler } from "./jobs/scheduler";
import { getLogger } from "@logtape/logtape";
import { openStore } from "./storage/open-store";
import { totalQueueDepth, type Store } from "./storage/store";
import { createIpnFederation } from "../federation";
import { INSTANCE_IDENTIFIER } from "../federation/network/instance-actor";
import { isInboxPath } from "../federation/routes";
import { FEEDS, feedEffectPlanner, feedLabel } from "../federation/aggregator";

/** The aggregator's feed actors as the pages list them. */
function feedDirectory(origin: string) {
  const host = new URL(origin).host;
  return FEEDS.map((f) => ({ kind: f.kind, handle: `@${f.handle}@${host}`, actorUrl: new URL(f.path, origin).href, label: feedLabel(f) }));
}

const log = getLogger(["ipn", "node"]);

/** What the domain services ask of federation once it exists. */
interface FederationHooks {
  /** New activities are in the outbox: relay them now. */
  kick(): void;
  /** Tells a hub's followers of its new profile. */
  announceProfile(handle: string): Promise<void>;
  /** Makes what a new hub's actor needs (its keys) before its first publish or fetch. */
  prepareHub(handle: string): Promise<void>;
}

export const SOFTWARE = { name: "ipn", version: "0.1.0" } as const;
/** Scheduler job name of the reconciliation with every peer (scheduler.runNow). */
export const PEER_RECONCILIATION_JOB = "peer-reconciliation";
/** Lease of the outbox relay: one relaying worker per deployment (issue 8). */
export const RELAY_LEASE = "outbox-relay";

export interface RunningNode {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000 */
  listenUrl: string;
  origin: string;
  adminToken: string;
  /** Where the generated admin token is kept (when IPN_ADMIN_TOKEN is not set). */
  adminTokenFile: string | null;
  store: Store;
  hubs: HubService;
  challenges: ChallengeService;
  /** The allowlist of peer nodes (admin API, CLI, IPN_PEERS). */
  peers: PeerService;
  /** Challenges mirrored from peers; subscribe with mirror.onChange (aggregator topic actors). */
  mirror: MirrorService;
  federation: ReturnType<typeof createIpnFederation>;
  scheduler: Scheduler | null;
  metrics: IpnMetrics;
  /** Graceful: readiness turns 503, intake stops, in-flight work finishes, then everything closes in order. */
  close(): Promise<void>;
}

/** The admin token: from the configuration, else generated once and kept (0600) in the data directory. */
function adminToken(config: Config): { token: string; file: string | null } {
  if (config.adminToken) return { token: config.adminToken, file: null };
  const file = path.join(config.dataDir, "admin-token");
  if (existsSync(file)) return { token: readFileSync(file, "utf8").trim(), file };
  const token = randomBytes(32).toString("base64url");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, file };
}

export async function openServices(config: Config, origin: string) {
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openStore({
    url: config.store,
    queue: { leaseMs: config.queueLeaseMs },
    laneWorkers: { inbox: config.inboxWorkers, outbox: config.outboxWorkers, fanout: config.fanoutWorkers },
  });
  // What the services ask of federation, which is built after them (connectFederation).
  const federated: FederationHooks = { kick: () => {}, announceProfile: async () => {}, prepareHub: async () => {} };
  const hubs = new HubService({
    hubs: store.hubs, origin, audit: store.audit,
    onCreated: (handle) => {
      federated.prepareHub(handle).catch((error) =>
        log.warning("could not make the keys of @{handle} yet (made at its first use): {error}", { handle, error: String(error) }));
    },
    onProfileChanged: (handle) => federated.announceProfile(handle).catch((error) =>
      log.warning("could not send the profile Update of @{handle} to its followers (they see it at their next fetch): {error}", { handle, error: String(error) })),
  });
  const challenges = new ChallengeService({ challenges: store.challenges, hubs: store.hubs, origin, onActivity: () => federated.kick(), audit: store.audit });
  const schedule = new ScheduleService({ schedules: store.schedules, challenges, repo: store.challenges, audit: store.audit });
  const mirror = new MirrorService({
    mirror: store.mirror, allowHttp: config.allowPrivateNetwork,
    // The aggregator's boosts and forwards are written with the mirror change that causes them (issue 8).
    effects: config.nodeRole === "aggregator" ? feedEffectPlanner() : undefined,
  });
  const peers = new PeerService({ peers: store.peers, mirror: store.mirror, mirroredHubs: store.mirroredHubs, rules: { allowHttp: config.allowPrivateNetwork, ownOrigin: origin } });
  const ocds = new OcdsService({ challenges: store.challenges, activities: store.activities, hubs: store.hubs, origin, prefix: config.ocdsPrefix });
  const host = new URL(origin).host;
  const accounts = new AccountService({
    users: store.users, invitations: store.invitations, sessions: store.sessions, audit: store.audit, hubs: store.hubs, passwords: argon2Passwords,
    mail: config.smtpUrl ? { mailer: smtpMailer(config.smtpUrl, config.mailFrom ?? `IPN <no-reply@${host.replace(/:\d+$/, "")}>`), origin, nodeName: config.nodeName ?? host } : undefined,
    onMailError: (error) => log.warning("could not mail a one-time link (it is still shown to whoever created it): {error}", { error: String(error) }),
  });
  return {
    store, hubs, challenges, schedule, mirror, peers, ocds, accounts,
    connectFederation: (hooks: FederationHooks) => { Object.assign(federated, hooks); },
  };
}

/** Starts a node: listens first (so port 0 works), then builds everything on the known origin. */
export async function startNode(config: Config): Promise<RunningNode> {
  // Slow clients are cut off: headers must arrive within 15 s (or the request timeout, if shorter) and
  // the whole request within IPN_REQUEST_TIMEOUT_MS, checked every second (Node's default interval
  // is 30 s); a slow-loris client that trickles its headers or body gets a 408 and a closed socket.
  const server = http.createServer({ connectionsCheckingInterval: 1000 });
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = Math.min(15_000, config.requestTimeoutMs);
  // Above the idle timeouts of the usual load balancers (60 s), so they close idle connections first.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => { server.off("error", reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  const anyInterface = address.address === "::" || address.address === "0.0.0.0";
  const host = anyInterface ? "localhost" : address.family === "IPv6" ? `[${address.address}]` : address.address;
  const listenUrl = `http://${host}:${address.port}`;
  // A local try-out (no IPN_ORIGIN) is reachable where it listens, whatever port it got.
  const origin = config.localDefaults ? `http://${config.host ?? "localhost"}:${address.port}` : config.origin;

  const { store, hubs, challenges, schedule, mirror, peers, ocds, accounts, connectFederation } = await openServices(config, origin);
  const nodeName = config.nodeName ?? new URL(origin).host;
  warmUpValidators(origin.startsWith("http:"));
  const admin = adminToken(config);
  const metrics = createMetrics({
    queueDepth: () => totalQueueDepth(store),
    peerLags: async () => (await peers.list()).map((p) => ({ origin: p.origin, lagSeconds: peerView(p).sync.lagSeconds })),
  });
  const federation = createIpnFederation({
    origin,
    store,
    allowPrivateNetwork: config.allowPrivateNetwork,
    deliveryTimeoutMs: config.deliveryTimeoutMs,
    nodeInfo: { software: SOFTWARE.name, version: SOFTWARE.version, metadata: { nodeName, country: config.country ?? "EU", role: config.nodeRole } },
    // Every process enqueues; only processes that work (all, worker) consume. Starting the queue
    // explicitly matters: Fedify would otherwise only listen after this process enqueued something.
    manuallyStartQueue: true,
    network: { mirror, nodeName },
    aggregator: config.nodeRole === "aggregator",
    authorizedFetch: config.authorizedFetch,
    // Fedify's own delivery and inbox counters, exported as Prometheus metrics.
    meterProvider: fedifyMeterProvider(metrics),
    // The peers' activities the fast path takes never reach Fedify's counters: counted here.
    onInboxActivity: (type, outcome) => {
      metrics.inboxActivity(type, outcome);
      if (outcome === "queued") metrics.inboxFastPath(type);
    },
    onDelivery: () => metrics.leanDelivery(),
  });
  const network = federation.network!;
  connectFederation({
    kick: () => federation.relay.kick(),
    announceProfile: (handle) => federation.announceProfile(handle),
    prepareHub: (handle) => federation.prepareHub(handle),
  });
  const queueStop = new AbortController();
  let queueDone: Promise<void> = Promise.resolve();
  let queue: { running(): boolean } | undefined;
  const leases = new JobLeases(store.kv);
  let relayRole: HeldRole | null = null;
  if (config.role !== "web") {
    // One relay per deployment however many workers run: the holder of the relay lease relays, the
    // others stand by and take over once a dead holder's lease lapses (one queue lease, the same
    // "how long until a dead worker's work is taken over" setting).
    relayRole = leases.hold(RELAY_LEASE, {
      ttlMs: config.queueLeaseMs,
      onGain: () => federation.relay.start(),
      // Waits for the pass in progress: whatever it took from the outbox is in the queue before the lease goes.
      onLose: () => federation.relay.stop(),
    });
    // Only processes that work talk to peers; a web process records allowlist changes, and the
    // worker's reconciliation follows and backfills them.
    peers.setHooks(network);
    queueDone = federation.startQueue(queueStop.signal).catch((error) => log.error("queue stopped: {error}", { error }));
    queue = watchRunning(queueDone);
  }

  let scheduler: Scheduler | null = null;
  const shutdown = createGracefulShutdown({
    server,
    readinessDelayMs: config.shutdownDelayMs,
    requestGraceMs: 10_000,
    hardTimeoutMs: 25_000, // under the CLI's 30 s forced exit
    steps: [
      { name: "stop scheduler", run: () => scheduler?.stop() },
      // The relay finishes its pass (outbox entries are marked only once queued), then its lease goes.
      { name: "stop relay", run: () => relayRole?.stop() },
      { name: "release job leases", run: () => leases.close() },
      { name: "stop federation", run: () => federation.close() },
      { name: "stop queue listeners", run: async () => { queueStop.abort(); await queueDone; } },
      { name: "close store", run: () => store.close() },
    ],
  });

  const measure = metricsMiddleware(metrics);
  const probes = [
    healthRouter({ pingStore: () => store.ping(), queueRunning: queue?.running, draining: shutdown.draining }),
    metricsRouter(metrics.registry, { token: config.metricsToken }),
  ];
  const operations = [measure, ...probes];
  // A worker answers only probes and metrics: the API, pages and inbox are the web processes' job.
  const app = config.role === "worker" ? createOperationsApp(operations) : createApp({
    origin,
    adminToken: admin.token,
    hubs,
    challenges,
    listingCache: new ListingCache({ stamp: () => store.mirror.changeStamp() }),
    federation: federationMiddleware(federation.federation, federation.mount, origin),
    isInboxPath,
    measure,
    probes,
    limits: rateLimits(store.rateLimiter, {
      inboxPerIp: config.rateLimitInbox, inboxPerServer: config.rateLimitInboxServer, apiPerIp: config.rateLimitApi,
    }, isInboxPath),
    trustProxy: config.trustProxy,
    // The workspace (issue 10): sign-in, one-time links, the editors' and admins' pages.
    extra: [workspaceRouter({
      accounts, challenges, schedule, hubs, peers, settings: settingsView(config, origin), repos: store, origin, limiter: store.rateLimiter,
      oidc: config.oidcIssuer && config.oidcClientId ? {
        issuer: config.oidcIssuer, clientId: config.oidcClientId, clientSecret: config.oidcClientSecret, name: config.oidcName ?? "single sign-on", allowHttp: config.allowPrivateNetwork,
      } : undefined,
      site: { nodeName, country: config.country === AGGREGATOR_COUNTRY ? "" : config.country ?? "" },
    })],
    pages: createPagesRouter({
      repos: store, origin, nodeName,
      remoteFollow: (account, actorId) => remoteFollowUrl(account, actorId, { allowPrivateNetwork: config.allowPrivateNetwork, allowHttp: config.allowPrivateNetwork }),
      country: config.country === AGGREGATOR_COUNTRY ? "" : config.country ?? "",
      // Public sync status: which nodes this one mirrors and how current each copy is (ADR 0007).
      peers: () => peers.list(),
      feeds: federation.aggregator ? feedDirectory(origin) : undefined,
      dataLicence: config.dataLicence,
    }),
    ocds: { ocds, origin, publisher: { name: nodeName, uri: origin }, license: config.dataLicence },
    network: {
      peers,
      sync: new LocalSyncSet({
        mirror: store.mirror, origin,
        byKeys: (keys) => store.challenges.getManyByKeys(keys),
        isInstanceFollower: async (actorId) => (await store.followers.all(INSTANCE_IDENTIFIER)).some((f) => f.actorId === actorId),
      }),
    },
  });
  server.on("request", app);

  await peers.applyConfigured(config.peers);
  // Several worker processes may share a store: a lease in the store lets one run each job at a time.
  scheduler = config.role === "web" ? null : startScheduler([
    // Scheduled drafts first: one published a minute ago may already be due to open or close.
    { name: "challenge-status-clock", cron: config.scheduleCron, run: async () => (await schedule.publishDue()) + (await challenges.applyClock()) },
    { name: "session-sweep", cron: "17 * * * *", run: () => accounts.sweepSessions() },
    { name: PEER_RECONCILIATION_JOB, cron: config.reconcileCron, run: () => network.reconcileAll() },
  ].map((job) => leases.guard(job)));

  const close = async () => {
    log.info("shutting down: stop intake, drain, close the store");
    await shutdown.run("close");
  };

  return { listenUrl, origin, adminToken: admin.token, adminTokenFile: admin.file, store, hubs, challenges, peers, mirror, federation, scheduler, metrics, close };
}
