// Port of the aggregator's feed effects (issue 8, principle 7): its federation side effects as a durable outbox.

import type { Challenge } from "../types";
import type { StoredChallenge } from "./challenges";

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
