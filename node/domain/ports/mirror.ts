// Port of the mirror: challenges of peer nodes, obtained authentically from their origins.

import type { Challenge } from "../types";
import type { StoredChallenge } from "./challenges";
import type { MirrorEffectPlanner } from "./feed-effects";

/** A canonical document obtained authentically from its origin, to be kept in the mirror. */
export interface MirrorWrite {
  doc: Challenge;
  /** The peer's origin; must equal the origin of doc.id. */
  origin: string;
  /** The peer's country (allowlist entry). */
  country: string;
}

/**
 * created / updated: stored. stale: we hold a higher (or, live, an equal) revision. restored: we held
 * it as withdrawn, but its origin serves it again (or never stopped: a spurious Delete), so it is live
 * again. conflict: the id belongs to a local challenge or another origin (never overwritten).
 */
export type MirrorOutcome = "created" | "updated" | "stale" | "restored" | "conflict";

export interface RevisionEntry { id: string; revision: number }

export interface MirrorRepository {
  /**
   * Applies every write in one atomic batch, in order; an outcome per write. `effects` (aggregator)
   * names the feed effect of each created/updated write, recorded in the same store step.
   */
  upsertMany(writes: MirrorWrite[], effects?: MirrorEffectPlanner): Promise<MirrorOutcome[]>;
  /** Marks mirrored challenges of `origin` withdrawn (gone from listings); returns those newly withdrawn. */
  withdraw(origin: string, ids: string[], at: string, effects?: MirrorEffectPlanner): Promise<StoredChallenge[]>;
  /** (id, revision) of every live (public, not withdrawn) challenge of an origin, ordered by id. Our own origin gives the local set. */
  revisions(origin: string): Promise<RevisionEntry[]>;
  /** Live challenges of an origin ordered by id, starting after `afterId`. */
  page(origin: string, afterId: string | null, limit: number): Promise<StoredChallenge[]>;
  /** One keyset page of revisions(origin): at most `limit` entries with id > afterId, in id order (index walk, O(page)). */
  revisionPage(origin: string, afterId: string | null, limit: number): Promise<RevisionEntry[]>;
  /**
   * An opaque value that changes whenever a challenge row (local or mirrored) is written; cheap to read
   * (no scan of the challenges). Caches of per-origin figures (the sync digest) compare it.
   */
  changeStamp(): Promise<string>;
  /** Deletes every mirrored (keyless) challenge of an origin; returns how many. Never touches local ones. */
  removeOrigin(origin: string): Promise<number>;
}
