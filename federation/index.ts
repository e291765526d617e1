// createIpnFederation: everything ActivityPub of an IPN node, wired on one Fedify instance —
// hub actors, challenge objects and activities, inbox, NodeInfo, delivery settings and the outbox
// relay — plus the Express middleware that exposes it. The composition root owns the store.
import { createExponentialBackoffPolicy, createFederation, type Federation, type FederationOptions } from "@fedify/fedify";
import { getUserAgent } from "@fedify/vocab-runtime";
import type { Store } from "../node/storage/store";
import { registerHubActors } from "./actors";
import { createSafeLoaderFactories } from "./document-loader";
import type { SigningIdentity } from "./fetch-signer";
import { registerInbox } from "./inbox";
import { createInboundGate, type InboundGate } from "./inbound/gate";
import { createPeerFastPath, peerOnAllowlist, type PeerFastPath } from "./inbound/peer-fast-path";
import type { NetworkInbox } from "./inbox/deps";
import { hintMessage, withPeerHints } from "./inbox/peer-hints";
import { ActorKeys } from "./keys";
import { federationLogger } from "./log";
import { registerNodeInfo } from "./nodeinfo";
import { registerObjectDispatchers } from "./objects";
import type { MirrorService } from "../node/domain/mirror";
import { nodeInfoLinksDocument } from "./network/discovery";
import type { NodeInfoMetadata } from "./nodeinfo";
import { createInstanceActorProvider, INSTANCE_IDENTIFIER } from "./network/instance-actor";
import { PeerNetwork } from "./network/peer-network";
import { createAggregator, type Aggregator } from "./aggregator";
import { announceProfile } from "./profile-update";
import { createOutboxRelay, type OutboxRelay } from "./relay";
import { checkRoutesMatchUris, isInboxPath, routes } from "./routes";
import { createLeanDelivery } from "./transport/lean-delivery";
import { registerTransport, transportForgive, transportPost } from "./transport/outgoing";
import { createPeerRecovery, type HeardFrom, sharedBackoffs } from "./transport/peer-recovery";
import { interceptedLane } from "./queues/intercepted-lane";
import { createActivitySender } from "./transport/outgoing-activity";
import { registerUserAgent } from "./user-agent";

export type { OutboxRelay } from "./relay";
export type { PeerNetwork } from "./network/peer-network";
export type { Aggregator } from "./aggregator";
export { challengeToNote, challengeToTombstone } from "./challenge-note";

const log = federationLogger();

export interface IpnFederationOptions {
  /** Fedify's OpenTelemetry meters (node/ops/fedify-meter.ts turns them into Prometheus counters). */
  meterProvider?: FederationOptions<void>["meterProvider"];
  /** Public origin, e.g. "https://de.ipn.example" (or http://127.0.0.1:PORT in test mode). */
  origin: string;
  store: Store;
  /** Test/demo mode only: lets Fedify fetch actors and keys on loopback and private addresses. */
  allowPrivateNetwork: boolean;
  /** Connect, headers and body timeout of deliveries (IPN_DELIVERY_TIMEOUT_MS; default 10 s). */
  deliveryTimeoutMs?: number;
  nodeInfo: { software: string; version: string; metadata?: NodeInfoMetadata };
  /** Web processes that only enqueue set this; workers call startQueue(). */
  manuallyStartQueue?: boolean;
  /** Relay poll interval (default 2 s). */
  relayPollMs?: number;
  /** Node-to-node replication: the instance actor, peers' follows, the mirror (issue 3). */
  network?: { mirror: MirrorService; nodeName: string };
  /** IPN_ROLE=aggregator: topic and country feed actors that boost mirrored challenges (ADR 0007). Needs `network`. */
  aggregator?: boolean;
  /** IPN_AUTHORIZED_FETCH: hubs, challenges and collections answer only signed GETs (secure mode). */
  authorizedFetch?: boolean;
  /** Counts incoming activities the fast path takes and applies (Fedify's own are counted by meterProvider). */
  onInboxActivity?: (type: string, outcome: "queued" | "processed" | "retried" | "abandoned") => void;
  /** Counts deliveries the lean path made (Fedify's own are counted by meterProvider). */
  onDelivery?: () => void;
}

export interface IpnFederation {
  federation: Federation<void>;
  /** What the HTTP layer needs to mount Fedify (node/http/federation-mount.ts), before any body parser. */
  mount: {
    /** Which POST paths are ActivityPub inboxes. */
    isInboxPath: (pathname: string) => boolean;
    /** Key ownership, signature coverage and well-formed headers, checked before Fedify verifies. */
    gate: InboundGate;
    /** Allowlisted peers' challenge activities, verified without JSON-LD (after the gate); null: all go to Fedify. */
    fastPath: PeerFastPath | null;
    /** Told of each activity an inbox accepted: deliveries held for its server go now (./transport/peer-recovery.ts). */
    heardFrom: HeardFrom;
    /** Body of /.well-known/nodeinfo with the FEP-2677 link (network nodes); null: Fedify's own answer. */
    nodeInfoLinks: string | null;
  };
  /** Not started: call relay.start() where activities should be relayed (worker or all-in-one). */
  relay: OutboxRelay;
  /** Sends an Update of the hub's actor to its followers (after a profile change). */
  announceProfile(handle: string): Promise<void>;
  /**
   * Makes a new hub's keys now rather than at its first publish or actor fetch: an RSA-2048 pair took
   * ≈ 0.1–0.5 s here, which the first challenge's delivery waited for (issue 13, P4).
   */
  prepareHub(handle: string): Promise<void>;
  /** Consumes Fedify's queues until the signal aborts (for manuallyStartQueue). */
  startQueue(signal: AbortSignal): Promise<void>;
  /** Node-to-node replication, when options.network was given. */
  network: PeerNetwork | null;
  /** The feed actors of an aggregator, when options.aggregator was set. */
  aggregator: Aggregator | null;
  /** Stops the relay (the store is closed by its owner). */
  close(): Promise<void>;
}

export function createIpnFederation(options: IpnFederationOptions): IpnFederation {
  checkRoutesMatchUris();
  const origin = new URL(options.origin).origin;
  const { store } = options;
  const userAgent = getUserAgent({ software: `${options.nodeInfo.software}/${options.nodeInfo.version}`, url: origin });
  // The instance actor signs every fetch that is not made for one hub (principle 1: GoToSocial and
  // Mastodon in secure mode answer unsigned ones with 401). Its keys are loaded lazily, on first use.
  let identity: Promise<SigningIdentity | null> | null = null;
  const signAs = (): Promise<SigningIdentity | null> => {
    identity ??= (async () => {
      const pairs = await federation.createContext(new URL(origin), undefined).getActorKeyPairs(INSTANCE_IDENTIFIER);
      const rsa = pairs.find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5");
      return rsa ? { keyId: rsa.keyId, privateKey: rsa.privateKey } : null;
    })();
    // A failed load (the store was briefly unavailable) is tried again next time.
    identity.catch(() => { identity = null; });
    return identity;
  };

  // The inbox lane also carries the fast path's peer hints (./inbox/peer-hints.ts), applied by the
  // network once it exists (below); Fedify's own messages go to Fedify's handler as before.
  const inboxLane = withPeerHints(store.queues.inbox, {
    network: () => networkInbox ?? null,
    onOutcome: options.onInboxActivity,
  });
  // The outbox lane sends each delivery's first attempt itself (./transport/lean-delivery.ts) and
  // hands Fedify only what did not succeed.
  const outboxLane = interceptedLane(store.queues.outbox, createLeanDelivery({
    kv: store.kv,
    post: transportPost,
    userAgent,
    onDelivered: options.onDelivery,
  }));
  const federation = createFederation<void>({
    meterProvider: options.meterProvider,
    kv: store.kv,
    // Separate lanes (incoming, deliveries, fan-out), each with its own workers: a backlog or a
    // hanging server in one never holds up the others.
    queue: { ...store.queues, inbox: inboxLane, outbox: outboxLane },
    manuallyStartQueue: options.manuallyStartQueue ?? false,
    origin,
    // Every fetch Fedify makes for us (actors, keys, objects, contexts) goes through safeFetch. These
    // factories exclude Fedify's allowPrivateAddress/userAgent options (fedify-notes P4): the private-
    // network switch (never on in production: the config refuses it with an https origin) and the
    // User-Agent live in the factories instead.
    ...createSafeLoaderFactories({
      kv: store.kv,
      allowPrivateNetwork: options.allowPrivateNetwork,
      userAgent,
      signAs,
    }),
    // Mastodon retries for 2–3 days; Fedify's default gives up after ~10 attempts. 30 s doubling to
    // a 12 h cap over 16 attempts spans about three days.
    outboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { seconds: 30 }, maxDelay: { hours: 12 }, maxAttempts: 16 }),
    inboxRetryPolicy: createExponentialBackoffPolicy({ initialDelay: { seconds: 10 }, maxDelay: { hours: 1 }, maxAttempts: 10 }),
    // Most of the fediverse (Mastodon < 4.7 outbound, many others) speaks draft-cavage: saves a 401 round trip.
    firstKnock: "draft-cavage-http-signatures-12",
  });

  // Each activity the relay and the feeds send is serialised and signed once (./transport/outgoing-activity.ts).
  const sender = createActivitySender({
    federation, origin, outbox: outboxLane,
    startQueue: options.manuallyStartQueue ? undefined : () => void federation.startQueue(undefined).catch((error) => log.error("queue stopped: {error}", { error })),
  });

  federation.setOutboxPermanentFailureHandler(async (_ctx, { reason, inbox, statusCode }) => {
    // Only a 404/410 from the inbox itself is final; a long outage (circuit breaker) is not.
    if (reason !== "http") return;
    const removed = await store.followers.removeByInbox(inbox.href);
    log.info("inbox {inbox} answered {status}: removed {removed} follower(s)", { inbox: inbox.href, status: statusCode, removed });
  });

  const keys = new ActorKeys(store.keys);
  // Fedify's deliveries and WebFinger lookups use the global fetch: one guarded transport (vetted
  // addresses per connection, timeouts, per-host caps and backoff), and they name the node too.
  // The transport goes in first so that the User-Agent wrapper wraps it.
  const unregisterTransport = registerTransport({ allowPrivateNetwork: options.allowPrivateNetwork, timeoutMs: options.deliveryTimeoutMs, ...sharedBackoffs(store.kv) });
  const unregisterUserAgent = registerUserAgent(origin, userAgent);
  const network = options.network
    ? new PeerNetwork({
      federation, repos: store, mirror: options.network.mirror, origin, allowPrivateNetwork: options.allowPrivateNetwork, userAgent,
      signer: { kv: store.kv, identity: signAs },
    })
    : null;
  // The relay is created below; the aggregator wakes it when it records an effect.
  let kickRelay = () => {};
  const aggregator = options.network && options.aggregator
    ? createAggregator({ federation, kv: store.kv, repos: store, mirror: options.network.mirror, origin, nodeName: options.network.nodeName, kick: () => kickRelay(), authorizedFetch: options.authorizedFetch, sender })
    : null;
  // The instance actor exists on every node: it is the identity that signs the node's fetches.
  const providers = [createInstanceActorProvider({ origin, name: options.network?.nodeName ?? new URL(origin).host })];
  if (aggregator) providers.push(aggregator.provider);
  const authorizedFetch = options.authorizedFetch ?? false;
  registerHubActors(federation, { repos: store, keys, providers, authorizedFetch });
  registerObjectDispatchers(federation, { repos: store, origin, authorizedFetch });
  const networkInbox: NetworkInbox | undefined = network
    ? {
      isFollowable: (identifier) => identifier === INSTANCE_IDENTIFIER || (aggregator?.isFollowable(identifier) ?? false),
      received: (kind, actorId, objectId) => network.received(kind, actorId, objectId),
      deleted: (actorId, objectId) => network.deleted(actorId, objectId),
      followAnswered: (actorId, accepted) => network.followAnswered(actorId, accepted),
      forward: aggregator ? (ctx, activity) => aggregator.forward(ctx, activity) : undefined,
    }
    : undefined;
  registerInbox(federation, { repos: store, kv: store.kv, allowPrivateNetwork: options.allowPrivateNetwork, network: networkInbox });
  registerNodeInfo(federation, { repos: store, ...options.nodeInfo });

  // Started by the caller in processes that relay (not in web-only processes).
  const relay = createOutboxRelay({
    federation, repos: store, origin, pollMs: options.relayPollMs, sender,
    extraRecipients: network ? () => network.instanceFollowers() : undefined,
    // The aggregator's feed effects go through the same relay, hence under the same lease.
    effects: aggregator ? { relay: (shouldStop) => aggregator.announcer.relay(shouldStop), hasPending: () => aggregator.announcer.hasPending() } : undefined,
  });
  kickRelay = () => relay.kick();

  // Key ownership, signature coverage and well-formed headers, checked before Fedify verifies.
  const loadDocument = async (url: string) => (await federation.createContext(new URL(origin), undefined).documentLoader(url)).document;
  const gate = createInboundGate({ loadDocument });
  const fastPath = network
    ? createPeerFastPath({
      inboxPath: routes.sharedInbox,
      isPeer: peerOnAllowlist(store.peers),
      loadDocument,
      enqueue: async (hint) => {
        await inboxLane.enqueue(hintMessage(hint));
        options.onInboxActivity?.(hint.kind, "queued");
      },
      // The aggregator forwards a peer's Update and Delete as received (signed): it needs them whole.
      fullPathKinds: aggregator ? ["Update", "Delete"] : [],
    })
    : null;
  // A server that sends us a signed activity is up: what was held for it goes now (./transport/peer-recovery.ts).
  const heardFrom = createPeerRecovery({ kv: store.kv, hasten: (needles) => store.queues.outbox.hasten(needles), forgive: transportForgive });
  return {
    federation,
    mount: { isInboxPath, gate, fastPath, heardFrom, nodeInfoLinks: network ? nodeInfoLinksDocument(origin, routes.nodeInfo) : null },
    relay,
    announceProfile: (handle) => announceProfile(federation, store.hubs, origin, handle),
    prepareHub: async (handle) => {
      await keys.pairsFor(federation.createContext(new URL(origin), undefined).getActorUri(handle).href);
    },
    network,
    aggregator,
    startQueue: (signal) => federation.startQueue(undefined, { signal }),
    close: async () => {
      unregisterUserAgent();
      unregisterTransport();
      await relay.stop();
      await network?.close();
      await aggregator?.close();
    },
  };
}
