// Port of the challenge store: the canonical documents of local challenges and their listing.
// Implemented by node/storage/sqlite and node/storage/mongo; every adapter passes test/contract/*.

import type { Challenge, ChallengeStatus } from "../types";
import type { ActivityRecord } from "./activities";

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

export interface ListingQuery {
  /** Default (when absent): ["open", "forthcoming"]. "draft" is never listed. */
  status?: ChallengeStatus[];
  /** Matches the hub's country or any place of performance. */
  country?: string[];
  focusArea?: string[];
  /** CPV codes; hierarchical: 72000000 matches every code of division 72 (trailing zeros and check digit ignored). */
  cpv?: string[];
  /** NUTS codes of places of performance; prefix: FR1 matches FR101. */
  nuts?: string[];
  /** Languages the challenge is written in (its title's). */
  language?: string[];
  procedureType?: string[];
  /** Only challenges marked suitable for SMEs / EU-funded. */
  sme?: boolean;
  euFunded?: boolean;
  instrument?: string[];
  /** Hub actor IRIs. */
  hub?: string[];
  /** Full-text words (all must match, each as written or as a word form, in any language of title, summary, description). */
  q?: string;
  /** The "closing within N days" the deadline range came from (kept for links; the range is what filters). */
  closingWithin?: number;
  /** ISO instants bounding submissionPeriod.end (inclusive). */
  deadlineFrom?: string;
  deadlineTo?: string;
  /**
   * "relevance": best match first (the default with search words; domain/listing-sort.ts);
   * "deadline": nearest deadline first (the default without); "newest": latest published first.
   */
  sort?: "deadline" | "newest" | "relevance";
  /** Opaque cursor from a previous page. */
  cursor?: string;
  /** 1..100 */
  limit: number;
}

/** The listing filters with a fixed set of values that can be counted value by value (domain/listing-facets.ts). */
export type ListingFacet = "status" | "country" | "focusArea" | "instrument" | "language" | "procedureType" | "sme" | "euFunded";
/** Per facet asked for: value → how many challenges; values with none are left out. sme and euFunded count "true". */
export type FacetCounts = Partial<Record<ListingFacet, Record<string, number>>>;

export interface ListingPage {
  items: StoredChallenge[];
  /** The cursor of the page after this one, or null on the last page. */
  nextCursor: string | null;
  /** The cursor of the page before this one, or null on the first page. */
  prevCursor: string | null;
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
  /** The challenges of these keys that exist, in no particular order: one query (a peer asks for up to 50 at once). */
  getManyByKeys(keys: readonly string[]): Promise<StoredChallenge[]>;
  /** Public challenges only: never drafts, never withdrawn ones. InvalidCursorError on a bad cursor. */
  list(query: ListingQuery): Promise<ListingPage>;
  /** How many public challenges match the query's filters (cursor and limit ignored). */
  count(query: ListingQuery): Promise<number>;
  /** Per facet, per value: how many public challenges match every filter but that facet's own (listing-facets.ts). */
  facetCounts(query: ListingQuery, facets: readonly ListingFacet[]): Promise<FacetCounts>;
  /** Local, non-withdrawn challenges whose status the clock may change: forthcoming with
   *  submissionPeriod.start <= now, or open with submissionPeriod.end <= now. */
  dueForStatusChange(now: Date, limit: number): Promise<StoredChallenge[]>;
  /** Every local challenge of a hub (drafts and withdrawn ones too), most recently updated first. */
  listByHub(hubId: string): Promise<StoredChallenge[]>;
  /** Number of public (non-draft, non-withdrawn) local challenges of a hub. */
  countPublicByHub(hubId: string): Promise<number>;
}
