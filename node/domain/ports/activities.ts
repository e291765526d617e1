// Port of the transactional outbox: the activities written with the challenge changes they announce.

import type { Challenge } from "../types";

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

export interface ActivityRepository {
  /** Activities not yet handed to the delivery queue, oldest first. */
  pending(limit: number): Promise<ActivityRecord[]>;
  markFederated(id: string, at: string): Promise<void>;
  get(id: string): Promise<ActivityRecord | null>;
  /** Newest first; `before` is an opaque cursor from a previous page. */
  pageByActor(actor: string, before: string | null, limit: number): Promise<{ items: ActivityRecord[]; next: string | null }>;
  countByActor(actor: string): Promise<number>;
  /** Every activity about one challenge, oldest first: its public history (the OCDS releases). */
  forObject(objectId: string): Promise<ActivityRecord[]>;
}
