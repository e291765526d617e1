// The public listing as a MongoDB filter, with the semantics of the SQLite listing: every filter
// AND-ed, values within one filter OR-ed, keyset pagination on (sort key, id) with the same opaque
// cursor format, so page N costs what page 1 costs and a concurrent insert never repeats a row.
import type { Filter, Sort } from "mongodb";
import type { ListingQuery } from "../../domain/ports";
import { decodeCursor, encodeCursor } from "../cursor";
import { cpvFilterKey } from "../listing-facets";
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

export interface ListingFind { filter: Filter<ChallengeDoc>; sort: Sort; limit: number; spec: SortSpec }

/** null when nothing can match (only drafts asked for). InvalidCursorError on a bad cursor. */
export function buildListing(q: ListingQuery): ListingFind | null {
  const spec = SORTS[q.sort ?? "deadline"];
  const limit = clampLimit(q.limit);
  // Decoded first: a bad cursor is an error even when the result would be empty.
  const after = q.cursor !== undefined && q.cursor !== null ? decodeCursor(q.cursor, spec.tag, ["int", "string"]) : null;
  const statuses = distinct(q.status?.length ? q.status : DEFAULT_STATUSES).filter((s) => s !== "draft");
  if (statuses.length === 0) return null;

  const and: Filter<ChallengeDoc>[] = [{ listed: true, status: { $in: statuses } }];
  const anyOf = (field: "instrument" | "hub" | "countries" | "focusAreas" | "facets", values: readonly string[] | undefined) => {
    if (values?.length) and.push({ [field]: { $in: distinct(values) } });
  };
  anyOf("instrument", q.instrument);
  anyOf("hub", q.hub);
  anyOf("countries", q.country?.map((c) => c.toUpperCase()));
  anyOf("focusAreas", q.focusArea);
  // The other facets share one array of "name:value" strings (one multikey index for all of them).
  anyOf("facets", q.cpv?.map((c) => `cpv:${cpvFilterKey(c)}`));
  anyOf("facets", q.nuts?.map((n) => `nuts:${n.toUpperCase()}`));
  anyOf("facets", q.language?.map((l) => `language:${l}`));
  anyOf("facets", q.procedureType?.map((p) => `procedureType:${p}`));
  if (q.sme) anyOf("facets", ["sme:true"]);
  if (q.euFunded) anyOf("facets", ["euFunded:true"]);
  const from = q.deadlineFrom ? Date.parse(q.deadlineFrom) : NaN;
  const to = q.deadlineTo ? Date.parse(q.deadlineTo) : NaN;
  // On deadlineKey: "no deadline" sorts above every instant, so an upper bound always excludes it.
  if (!Number.isNaN(from) || !Number.isNaN(to)) {
    and.push({ deadlineKey: { $gte: Number.isNaN(from) ? -NO_DEADLINE_KEY : from, $lte: Number.isNaN(to) ? NO_DEADLINE_KEY - 1 : to } });
  }
  const text = textFilter(q.q);
  if (text) and.push(...(text as Filter<ChallengeDoc>[]));
  if (after) {
    const [key, id] = after as [number, string];
    const beyond = spec.dir === 1 ? "$gt" : "$lt";
    and.push({ $or: [{ [spec.field]: { [beyond]: key } }, { [spec.field]: key, _id: { [beyond]: id } }] } as Filter<ChallengeDoc>);
  }
  return { filter: and.length === 1 ? and[0]! : { $and: and }, sort: { [spec.field]: spec.dir, _id: spec.dir }, limit, spec };
}

export function nextCursor(spec: SortSpec, last: Pick<ChallengeDoc, "_id" | "deadlineKey" | "publishedKey">): string {
  return encodeCursor([spec.tag, last[spec.field], last._id]);
}
