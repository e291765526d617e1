// The public listing as a MongoDB filter, with the semantics of the SQLite listing: every filter
// AND-ed, values within one filter OR-ed, keyset pagination on (sort key, id) with the same opaque
// cursor format, so page N costs what page 1 costs and a concurrent insert never repeats a row.
import type { Filter, Sort } from "mongodb";
import type { ListingQuery } from "../../domain/ports";
import { decodeListingCursor, type ListingPosition } from "../cursor";
import { facetFilters } from "../listing-facets";
import { NO_DEADLINE_KEY, type ChallengeDoc } from "./challenge-docs";
import { textFilter } from "./text-tokens";

export const MAX_LIMIT = 100;
const DEFAULT_STATUSES = ["open", "forthcoming"];

interface SortSpec { tag: string; field: "deadlineKey" | "publishedKey"; dir: 1 | -1 }
const SORTS: Record<"deadline" | "newest", SortSpec> = {
  deadline: { tag: "d", field: "deadlineKey", dir: 1 },
  newest: { tag: "n", field: "publishedKey", dir: -1 },
};

export function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit))) : 20;
}

const distinct = (xs: readonly string[]) => [...new Set(xs)];

export interface ListingFind {
  filter: Filter<ChallengeDoc>; sort: Sort; limit: number; spec: SortSpec;
  /** Where the page starts (the cursor), and which way it reads; null on the first page. */
  from: ListingPosition | null;
}

/** null when nothing can match (only drafts asked for). InvalidCursorError on a bad cursor. */
export function buildListing(q: ListingQuery): ListingFind | null {
  // Relevance is ranked by the caller (relevance.ts) over the matches in deadline order.
  const spec = SORTS[q.sort === "newest" ? "newest" : "deadline"];
  const limit = clampLimit(q.limit);
  // Decoded first: a bad cursor is an error even when the result would be empty.
  const from = q.cursor !== undefined && q.cursor !== null ? decodeListingCursor(q.cursor, spec.tag) : null;
  // Paging back reads the documents before the position, in the reverse order (list() turns them round).
  const dir = from?.back ? (-spec.dir as 1 | -1) : spec.dir;
  const statuses = distinct(q.status?.length ? q.status : DEFAULT_STATUSES).filter((s) => s !== "draft");
  if (statuses.length === 0) return null;

  const and: Filter<ChallengeDoc>[] = [{ listed: true, status: { $in: statuses } }];
  const anyOf = (field: "instrument" | "hub" | "countries" | "focusAreas" | "facets", values: readonly string[] | undefined) => {
    if (values?.length) and.push({ [field]: { $in: distinct(values) } });
  };
  anyOf("instrument", q.instrument);
  anyOf("hub", q.hub);
  // Countries and focus areas have fields of their own; the other facets share one array of
  // "name:value" strings (one multikey index for all of them).
  for (const f of facetFilters(q)) {
    if (f.facet === "country") anyOf("countries", f.values);
    else if (f.facet === "focusArea") anyOf("focusAreas", f.values);
    else anyOf("facets", f.values.map((v) => `${f.facet}:${v}`));
  }
  const fromMs = q.deadlineFrom ? Date.parse(q.deadlineFrom) : NaN;
  const toMs = q.deadlineTo ? Date.parse(q.deadlineTo) : NaN;
  // On deadlineKey: "no deadline" sorts above every instant, so an upper bound always excludes it.
  if (!Number.isNaN(fromMs) || !Number.isNaN(toMs)) {
    and.push({ deadlineKey: { $gte: Number.isNaN(fromMs) ? -NO_DEADLINE_KEY : fromMs, $lte: Number.isNaN(toMs) ? NO_DEADLINE_KEY - 1 : toMs } });
  }
  const text = textFilter(q.q);
  if (text) and.push(...(text as Filter<ChallengeDoc>[]));
  if (from) {
    const beyond = dir === 1 ? "$gt" : "$lt";
    and.push({ $or: [{ [spec.field]: { [beyond]: from.key } }, { [spec.field]: from.key, _id: { [beyond]: from.id } }] } as Filter<ChallengeDoc>);
  }
  return { filter: and.length === 1 ? and[0]! : { $and: and }, sort: { [spec.field]: dir, _id: dir }, limit, spec, from };
}
