// What the parts of the node-to-node network (follows, mirror inbox rules, backfill, reconciliation)
// share: the options the composition root gives, one PeerClient, the clock and the shutdown flag.
import type { Context, Federation } from "@fedify/fedify";
import type { MirrorService } from "../../node/domain/mirror";
import type { PeerRecord, Repositories } from "../../node/domain/ports";
import type { FetchSigner } from "../fetch-signer";
import { federationLogger } from "../log";
import { instanceActorUri } from "./instance-actor";
import { PeerClient } from "./peer-client";
import { DEFAULT_SYNC_BOUNDS, type SyncBounds } from "./sync-bounds";

export const log = federationLogger("network");

export interface PeerNetworkOptions {
  federation: Federation<void>;
  repos: Repositories;
  mirror: MirrorService;
  origin: string;
  allowPrivateNetwork: boolean;
  userAgent: string;
  /** Signs the sync API and canonical-document fetches (the instance actor). */
  signer?: FetchSigner;
  now?: () => Date;
  /** How far a sync round follows a peer's paging (sync-bounds.ts); tests tighten it. */
  bounds?: Partial<SyncBounds>;
  /** How long one GET to a peer may take in all (default 30 s); tests shorten it. */
  fetchTimeoutMs?: number;
}

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

export class NetworkContext {
  readonly client: PeerClient;
  readonly instanceActor: string;
  readonly bounds: SyncBounds;
  closed = false;

  constructor(readonly o: PeerNetworkOptions) {
    this.client = new PeerClient({ allowPrivateNetwork: o.allowPrivateNetwork, userAgent: o.userAgent, signer: o.signer, timeoutMs: o.fetchTimeoutMs });
    this.instanceActor = instanceActorUri(o.origin);
    this.bounds = { ...DEFAULT_SYNC_BOUNDS, ...o.bounds };
  }

  get repos(): Repositories {
    return this.o.repos;
  }

  now(): Date {
    return this.o.now?.() ?? new Date();
  }

  stamp(): string {
    return this.now().toISOString();
  }

  fedify(): Context<void> {
    return this.o.federation.createContext(new URL(this.o.origin), undefined);
  }

  /** The peer asked (429/503 Retry-After) to be left alone and that time has not come yet. */
  resting(peer: PeerRecord): boolean {
    return peer.sync.retryAfter !== null && Date.parse(peer.sync.retryAfter) > this.now().getTime();
  }
}
