// Repository ports: what the domain needs from storage, in database-neutral terms.
// Implemented by node/storage/sqlite (embedded default) and node/storage/mongo (production).
// No driver, Express or Fedify type appears here. Every adapter must pass test/contract/*.

import type { Challenge, ChallengeStatus, Hub } from "../domain/types";
import type { MirrorRepository, PeerRepository } from "./ports-network";

export type * from "./ports-network";
export { initialSyncState } from "./ports-network";

/** A challenge as stored: the canonical document plus what the node needs to find and guard it. */
export interface StoredChallenge {
  /** The canonical id (https IRI); primary key; never reused. */
  id: string;
  /** Last path segment of the id; unique among local challenges; null for mirrored ones. */
  key: string | null;
  /** Origin of the home node (e.g. "https://de.ipn.example"); equals our own origin for local ones. */
  origin: string;
  /** ISO 3166-1 alpha-2 of the publishing hub (listing facet alongside places of performance). */
  country: string;
  /** The canonical document (for drafts too). After withdrawal: the last public version. */
  doc: Challenge;
  /** Optimistic-concurrency counter: +1 on every stored write, drafts included. */
  version: number;
  /** ISO instant of withdrawal (Delete + Tombstone), or null. */
  withdrawnAt: string | null;
}

export type ActivityType = "Create" | "Update" | "Delete";

/**
 * An outgoing activity, written in the same atomic step as the challenge change it announces
 * (transactional outbox): a crash after the write can never lose the federation of it.
 */
export interface ActivityRecord {
  /** The activity's IRI. */
  id: string;
  type: ActivityType;
  /** Hub actor IRI that performs it. */
  actor: string;
  /** Challenge IRI it is about. */
  objectId: string;
  revision: number;
  /** ISO instant. */
  published: string;
  /** Snapshot of the canonical document at this revision (the last public one for Delete). */
  object: Challenge;
  /** ISO instant when handed to the delivery queue; null while pending. */
  federatedAt: string | null;
}

export interface ListingQuery {
  /** Default (when absent): ["open", "forthcoming"]. "draft" is never listed. */
  status?: ChallengeStatus[];
  /** Matches the hub's country or any place of performance. */
  country?: string[];
  focusArea?: string[];
  instrument?: string[];
  /** Hub actor IRIs. */
  hub?: string[];
  /** Full-text words (all must match, in any language of title, summary, description). */
  q?: string;
  /** ISO instants bounding submissionPeriod.end (inclusive). */
  deadlineFrom?: string;
  deadlineTo?: string;
  /** "deadline": nearest deadline first (default); "newest": latest published first. */
  sort?: "deadline" | "newest";
  /** Opaque cursor from a previous page. */
  cursor?: string;
  /** 1..100 */
  limit: number;
}

export interface ListingPage { items: StoredChallenge[]; nextCursor: string | null }

export class DuplicateError extends Error {
  constructor(what: string) { super(`${what} already exists`); this.name = "DuplicateError"; }
}

export class InvalidCursorError extends Error {
  constructor() { super("invalid cursor"); this.name = "InvalidCursorError"; }
}

export interface ChallengeRepository {
  /** Insert a new challenge and (if public) its Create activity atomically. DuplicateError on id/key. */
  insert(challenge: StoredChallenge, activity: ActivityRecord | null): Promise<void>;
  /**
   * Replace a challenge if its stored version is still `expectedVersion` (the stored version becomes
   * challenge.version), appending `activity` atomically. Returns false when the version moved on.
   */
  update(challenge: StoredChallenge, expectedVersion: number, activity: ActivityRecord | null): Promise<boolean>;
  getById(id: string): Promise<StoredChallenge | null>;
  getByKey(key: string): Promise<StoredChallenge | null>;
  /** Public challenges only: never drafts, never withdrawn ones. InvalidCursorError on a bad cursor. */
  list(query: ListingQuery): Promise<ListingPage>;
  /** Local, non-withdrawn challenges whose status the clock may change: forthcoming with
   *  submissionPeriod.start <= now, or open with submissionPeriod.end <= now. */
  dueForStatusChange(now: Date, limit: number): Promise<StoredChallenge[]>;
  /** Number of public (non-draft, non-withdrawn) local challenges of a hub. */
  countPublicByHub(hubId: string): Promise<number>;
}

export interface ActivityRepository {
  /** Activities not yet handed to the delivery queue, oldest first. */
  pending(limit: number): Promise<ActivityRecord[]>;
  markFederated(id: string, at: string): Promise<void>;
  get(id: string): Promise<ActivityRecord | null>;
  /** Newest first; `before` is an opaque cursor from a previous page. */
  pageByActor(actor: string, before: string | null, limit: number): Promise<{ items: ActivityRecord[]; next: string | null }>;
  countByActor(actor: string): Promise<number>;
}

export interface StoredHub {
  /** preferredUsername; unique per node. */
  handle: string;
  doc: Hub;
  /** SHA-256 (hex) of the hub's bearer token; the token itself is never stored. */
  tokenHash: string;
}

export interface HubRepository {
  /** DuplicateError when the handle exists. */
  insert(hub: StoredHub): Promise<void>;
  get(handle: string): Promise<StoredHub | null>;
  list(): Promise<StoredHub[]>;
  setTokenHash(handle: string, tokenHash: string): Promise<boolean>;
}

export interface Follower {
  /** Follower actor IRI. */
  actorId: string;
  inbox: string;
  sharedInbox: string | null;
  /** The Follow activity's id (Undo(Follow) refers to it). */
  followId: string | null;
}

export interface FollowerRepository {
  /** Upsert by (hub handle, actorId). */
  add(hub: string, follower: Follower): Promise<void>;
  /** Returns whether a follower was removed. */
  remove(hub: string, actorId: string): Promise<boolean>;
  /** Remove every follower whose inbox or shared inbox is this URL (permanent delivery failure). */
  removeByInbox(inbox: string): Promise<number>;
  all(hub: string): Promise<Follower[]>;
  /** Oldest first; cursor is opaque. */
  page(hub: string, cursor: string | null, limit: number): Promise<{ items: Follower[]; next: string | null }>;
  count(hub: string): Promise<number>;
}

export type KeyAlgorithm = "RSASSA-PKCS1-v1_5" | "Ed25519";
export interface StoredKeyPair { publicKey: JsonWebKey; privateKey: JsonWebKey }

export interface KeyRepository {
  get(owner: string, algorithm: KeyAlgorithm): Promise<StoredKeyPair | null>;
  /** Insert if absent; returns the pair that is stored afterwards (the existing one wins a race). */
  putIfAbsent(owner: string, algorithm: KeyAlgorithm, pair: StoredKeyPair): Promise<StoredKeyPair>;
}

// --- Feed effects (issue 8, principle 7): the aggregator's federation side effects as a durable outbox.

/** What a feed effect is about: a mirrored change (boost, re-boost, undo) or a hub-signed activity to forward. */
export type FeedEffectKind = "created" | "updated" | "withdrawn" | "forward";

/**
 * A federation side effect of the aggregator's feed actors, written in the same store step as the
 * change that causes it (the mirror write, or for a forward the inbox step that received it) and
 * relayed by the worker that holds the relay lease, at least once. Its id is stable, so a second
 * write of the same effect (a retried inbox job, a concurrent writer) is a no-op.
 */
export interface FeedEffect {
  /** Unique: "<kind> <challenge id> <revision>" for mirror changes, "forward <activity id>" for forwards. */
  id: string;
  kind: FeedEffectKind;
  challengeId: string;
  /** The revision the change stored (0 for a forward). */
  revision: number;
  /** Country of the peer the challenge came from (its country feed). */
  country: string;
  /** The canonical document as stored (mirror changes); null for a forward. */
  doc: Challenge | null;
  /** The hub-signed Update or Delete exactly as received (forward); null otherwise. */
  activity: unknown;
  /** ISO instant the effect was recorded: also the `published` of the Announce it causes (re-sends are identical). */
  createdAt: string;
  /** ISO instant it was handed to the delivery queue; null while pending. */
  doneAt: string | null;
}

export interface FeedEffectRepository {
  /** Inserts the effect unless one with its id exists; returns whether it was inserted. */
  record(effect: FeedEffect): Promise<boolean>;
  /** Effects not yet handed to the delivery queue, in the order they were written. */
  pending(limit: number): Promise<FeedEffect[]>;
  markDone(id: string, at: string): Promise<void>;
  get(id: string): Promise<FeedEffect | null>;
}

/** Given to a mirror write: the feed effect a stored change implies (null: none), written in the same store step. */
export type MirrorEffectPlanner = (kind: "created" | "updated" | "withdrawn", stored: StoredChallenge) => FeedEffect | null;

// --- end feed effects

/** Storage of the node's domain data. */
export interface Repositories {
  challenges: ChallengeRepository;
  activities: ActivityRepository;
  hubs: HubRepository;
  followers: FollowerRepository;
  keys: KeyRepository;
  /** Allowlisted peer nodes and their sync state (ports-network.ts). */
  peers: PeerRepository;
  /** Challenges mirrored from peers (ports-network.ts). */
  mirror: MirrorRepository;
  /** The aggregator's feed effects outbox (issue 8). */
  feedEffects: FeedEffectRepository;
}
