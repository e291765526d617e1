// Port of the operator's allowlist of peer nodes and this node's sync state with each (issue 3).
// Database-neutral: objects in, objects out; every adapter passes test/contract/store-contract.ts.

import type { RevisionEntry } from "./mirror";

export type PeerRole = "national" | "aggregator";

/** One allowlist entry: only these origins can put challenges into the mirror. */
export interface Peer {
  /** "https://fr.ipn.example" (scheme, host, port; no path). Primary key. */
  origin: string;
  /** ISO 3166-1 alpha-2 of the member state the peer serves, or "EU" for the Commission's aggregator. */
  country: string;
  role: PeerRole;
  /** Where the entry came from: IPN_PEERS (re-applied at every start) or the admin API / CLI. */
  source: "config" | "api";
  /** ISO instant. */
  addedAt: string;
}

export type FollowState = "none" | "pending" | "accepted" | "rejected";

export interface BackfillProgress {
  /** Opaque cursor of the next page to fetch from the peer; null before the first page. */
  cursor: string | null;
  /** Documents received so far in this run. */
  fetched: number;
  done: boolean;
  startedAt: string | null;
  finishedAt: string | null;
}

/** What this node knows about its replication from one peer; shown to operators. */
export interface PeerSyncState {
  followState: FollowState;
  /** Id of our last Follow of the peer's instance actor (Undo refers to it). */
  followActivityId: string | null;
  /** The peer's instance actor IRI, once resolved. */
  actorId: string | null;
  /** ISO instant of the last reconciliation that ended with both sides equal. */
  lastSyncAt: string | null;
  /** ISO instant of the last reconciliation attempt. */
  lastAttemptAt: string | null;
  /** Live challenges of the peer held in our mirror, as counted at the last attempt. */
  held: number | null;
  /** Live challenges the peer announced (its digest count) at the last attempt. */
  announced: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
  backfill: BackfillProgress;
  /** ISO instant before which the peer asked (429/503 with Retry-After) to be left alone; null: no such wish. */
  retryAfter: string | null;
  /**
   * Revisions the peer announced whose documents we refused (invalid, or against the origin rules):
   * reconciliation does not fetch them again until the peer announces another revision.
   */
  refused: RevisionEntry[];
}

export interface PeerRecord extends Peer { sync: PeerSyncState }

export const initialSyncState = (): PeerSyncState => ({
  followState: "none", followActivityId: null, actorId: null, lastSyncAt: null, lastAttemptAt: null,
  held: null, announced: null, lastError: null, lastErrorAt: null,
  backfill: { cursor: null, fetched: 0, done: false, startedAt: null, finishedAt: null },
  retryAfter: null, refused: [],
});

/** What is left to do on the network after a peer was removed: undo our follow of its instance actor. */
export interface PendingUnfollow {
  origin: string;
  /** The peer's instance actor and the id of our Follow of it (the Undo refers to it). */
  actorId: string;
  followActivityId: string;
  /** ISO instant of the removal. */
  removedAt: string;
}

export interface PeerRepository {
  /** Inserts the peer with an initial sync state, or updates country/role/source of an existing one (its sync state stays). */
  upsert(peer: Peer): Promise<PeerRecord>;
  get(origin: string): Promise<PeerRecord | null>;
  /** Ordered by origin. */
  list(): Promise<PeerRecord[]>;
  /**
   * Removes the entry and its sync state; returns whether it existed. When `unfollow` is given, the
   * entry leaves the allowlist in the same store step but stays behind as a pending unfollow (see
   * pendingUnfollows) until unfollowed() — so the Undo survives a crash and reaches the worker
   * process whichever process removed the peer. Adding the origin again cancels it.
   */
  remove(origin: string, unfollow?: Omit<PendingUnfollow, "origin">): Promise<boolean>;
  /** Removed peers whose Undo(Follow) has not been sent yet, oldest first. */
  pendingUnfollows(): Promise<PendingUnfollow[]>;
  /** The Undo of a pending unfollow was sent: forget it (no-op when the origin was added again meanwhile). */
  unfollowed(origin: string, followActivityId: string): Promise<void>;
  /** Shallow-merges `patch` into the stored sync state (backfill is replaced as a whole); no-op for an unknown origin. */
  patchSync(origin: string, patch: Partial<PeerSyncState>): Promise<void>;
}
