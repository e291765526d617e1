// Facet counts: beside each choice of a listing filter, how many challenges that choice would give.
// A facet is counted over every other filter in force but not its own (choosing Germany does not make
// France's count 0: the country filter is "any of"), which is what a reader weighing a second value
// needs, and what TED's and most catalogues' facets do.
import type { FacetCounts, ListingFacet, ListingQuery } from "./ports/challenges";
import { CHALLENGE_STATUSES } from "./types";

export type { FacetCounts, ListingFacet };

/** Every facet, in the order pages show them. */
export const LISTING_FACETS = ["status", "country", "focusArea", "instrument", "language", "procedureType", "sme", "euFunded"] as const satisfies readonly ListingFacet[];

/**
 * How stale facet counts may be served. Counting every value of eight facets reads every matching row
 * (0.1–1.3 s over 100,000 challenges on SQLite for a filtered selection), and a busy node (an aggregator
 * mirroring the EEA) changes every few seconds: the numbers beside the choices are recounted at most
 * once a minute per selection, while the listing's own total stays exact. (SQLite keeps the counts of
 * the unfiltered listing on every write: those are always exact.)
 */
export const FACET_MAX_STALE_MS = 60_000;

const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");

/** The query a facet is counted over: the same filters without the facet's own (no cursor, no limit). */
export function withoutFacet(q: ListingQuery, facet: ListingFacet): ListingQuery {
  const rest: ListingQuery = { ...q, cursor: undefined };
  if (facet === "status") rest.status = [...PUBLIC_STATUSES];
  else delete rest[facet];
  return rest;
}

// Compile-time check that LISTING_FACETS names every ListingFacet.
const _everyFacet: Record<Exclude<ListingFacet, (typeof LISTING_FACETS)[number]>, never> = {};
void _everyFacet;
