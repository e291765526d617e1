// Builds the public listing query. Every filter is AND-ed; values within one filter are OR-ed.
// Pagination is keyset on (sort key, id), so page N costs the same as page 1 and a row inserted
// while someone pages never makes them see another row twice.
import type { ListingQuery } from "../../domain/ports";
import type { ListingFacet } from "../../domain/listing-facets";
import { listingSortOf } from "../../domain/listing-sort";
import { CHALLENGE_COLUMNS } from "./challenge-rows";
import { decodeListingCursor, type ListingPosition } from "../cursor";
import { facetFilters } from "../listing-facets";
import { BM25_WEIGHTS } from "./fts-row";
import { NO_DEADLINE_KEY } from "./schema";

export const MAX_LIMIT = 100;
const DEFAULT_STATUSES = ["open", "forthcoming"];

type Param = string | number;

interface Sort { tag: string; column: string; dir: "ASC" | "DESC" }
const SORTS: Record<"deadline" | "newest" | "relevance", Sort> = {
  deadline: { tag: "d", column: "c.deadline_key", dir: "ASC" },
  newest: { tag: "n", column: "c.published_key", dir: "DESC" },
  // bm25: the lower, the better the match.
  relevance: { tag: "r", column: "h.score", dir: "ASC" },
};

export interface ListingSql {
  sql: string; params: Param[]; limit: number; sort: Sort;
  /** Where the page starts (the cursor), and which way it reads; null on the first page. */
  from: ListingPosition | null;
  /** The total of the same filters (no cursor, no limit). */
  count: CountSql;
  /** Per value of a facet, the total of the same filters (pass the query withoutFacet(q, facet)). */
  facetCount(facet: ListingFacet): CountSql;
  /**
   * Per value of several facets held as facet rows, the total of the same filters, in one pass over the
   * matching challenges (rows: facet, value, n): for facets the query does not filter by, whose counts
   * share its filters. Eight facets counted apart read every match eight times.
   */
  facetRowCounts(facets: readonly ListingFacet[]): CountSql;
}

/** `kept`: read from the counts kept on every write (listing_counts), exact at every commit and cheap. */
export interface CountSql { sql: string; params: Param[]; kept: boolean }

// Facets held in a column of challenges; the others are rows of challenge_facets.
export const FACET_COLUMNS = { status: "status", instrument: "instrument" } as const;

/**
 * How the text filter joins the listing, decided from the number of matches (see textFilter):
 * few matches drive the query from their rowids; many are probed row by row along the sort order.
 * Ranked by relevance, every match is scored (bm25), so the matches drive the query as one set.
 */
export type TextFilter = { kind: "rids"; rids: number[] } | { kind: "set" | "rank"; match: string }
  | { kind: "probe"; match: string; probes: string[] };
export const FEW_TEXT_MATCHES = 5000;

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");
const distinct = (xs: readonly string[]) => [...new Set(xs)];

export function clampLimit(limit: number): number {
  return Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit))) : 20;
}

/**
 * One branch per requested status, each an ordered index range scan that stops after limit+1 rows,
 * merged by an outer ORDER BY: "status IN (a, b) ORDER BY deadline" would otherwise sort every
 * matching row before applying LIMIT.
 */
export function buildListing(q: ListingQuery, text: TextFilter | null = null): ListingSql | null {
  // Ranked only when the caller found the matches few enough to rank (RANK_AT_MOST): text "rank".
  const ranked = listingSortOf(q) === "relevance" && text?.kind === "rank";
  const sort = SORTS[ranked ? "relevance" : q.sort === "newest" ? "newest" : "deadline"];
  const limit = clampLimit(q.limit);
  const statuses = distinct(q.status?.length ? q.status : DEFAULT_STATUSES).filter((s) => s !== "draft");

  const where: string[] = [];
  const params: Param[] = [];
  // The filters that are one value of a facet (listing_counts can count those alone); null: any other.
  const single: ({ facet: string; value: string } | null)[] = [];
  const inList = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    const v = distinct(values);
    single.push(column === "instrument" && v.length === 1 ? { facet: column, value: v[0]! } : null);
    where.push(`c.${column} IN (${placeholders(v.length)})`);
    params.push(...v);
  };
  // Counts read every match, so a facet filter is the list of its rows there (a bloom filter over
  // the status walk: country=FR 342 → 12 ms, cpv=72000000 745 → 94 ms over 100k); the page stops at
  // its limit, so there it stays a probe per row (rare values drive the page instead, challenges.ts).
  const countForm = new Map<number, string>();
  const facet = (name: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    const v = distinct(values);
    single.push(v.length === 1 ? { facet: name, value: v[0]! } : null);
    countForm.set(where.length, `c.rid IN (SELECT f.rid FROM challenge_facets f WHERE f.facet = '${name}' AND f.value IN (${placeholders(v.length)}))`);
    where.push(`EXISTS (SELECT 1 FROM challenge_facets f WHERE f.facet = '${name}' AND f.value IN (${placeholders(v.length)}) AND f.rid = c.rid)`);
    params.push(...v);
  };
  inList("instrument", q.instrument);
  inList("hub", q.hub);
  for (const f of facetFilters(q)) facet(f.facet, f.values);
  const fromMs = q.deadlineFrom ? Date.parse(q.deadlineFrom) : NaN;
  const toMs = q.deadlineTo ? Date.parse(q.deadlineTo) : NaN;
  // On deadline_key, not deadline_ms: the window is then a range of the ordered listing index.
  // "No deadline" sorts above every instant, so the upper bound always excludes it.
  if (!Number.isNaN(fromMs) || !Number.isNaN(toMs)) {
    single.push(null);
    where.push("c.deadline_key >= ? AND c.deadline_key <= ?");
    params.push(Number.isNaN(fromMs) ? -NO_DEADLINE_KEY : fromMs, Number.isNaN(toMs) ? NO_DEADLINE_KEY - 1 : toMs);
  }
  if (text) single.push(null);
  if (text?.kind === "rids") { where.push("c.rid IN (SELECT value FROM json_each(?))"); params.push(JSON.stringify(text.rids)); }
  if (text?.kind === "probe") {
    // The cheap expression first: SQLite stops at the first that holds (fts-query.ts toFtsProbes).
    const probe = "EXISTS (SELECT 1 FROM challenges_fts WHERE challenges_fts MATCH ? AND rowid = c.rid)";
    where.push(`(${text.probes.map(() => probe).join(" OR ")})`);
    params.push(...text.probes);
  }
  // Counts and facets read every match: the matches of the text as one set beat a probe per row.
  const textSet = ["set", "rank"].includes(text?.kind ?? "") ? (text as { match: string }).match : null;
  const counting = where.map((w, i) => countForm.get(i) ?? w);
  const countWhere = textSet ? [...counting, "c.rid IN (SELECT rowid FROM challenges_fts WHERE challenges_fts MATCH ?)"] : counting;
  const countParams = textSet ? [...params, textSet] : [...params];
  if (text?.kind === "set") { where.push(countWhere[countWhere.length - 1]!); params.push(text.match); }
  const filters = { where: countWhere, params: countParams };
  const from = q.cursor !== undefined && q.cursor !== null ? decodeListingCursor(q.cursor, sort.tag, ranked ? "number" : "int") : null;
  // Paging back reads the rows before the position, in the reverse order (list() turns them round).
  const dir = from?.back ? (sort.dir === "ASC" ? "DESC" : "ASC") : sort.dir;
  if (from) {
    where.push(`(${sort.column}, c.id) ${dir === "ASC" ? ">" : "<"} (?, ?)`);
    params.push(from.key, from.id);
  }

  // Only "draft" asked for: drafts are never listed.
  if (statuses.length === 0) return null;
  // No filter but the statuses, or one value of one facet: the totals are sums of kept counts (schema
  // migration 11), a few rows instead of every listed challenge (100k, after every write: the front
  // page's eight facets took 0.4 s to count, a country's or a CPV division's listing 13–27 ms).
  const counter = single.length === 0 ? { facet: "*", value: "*" } : single.length === 1 ? single[0]! : null;
  const inStatuses = `status IN (${placeholders(statuses.length)})`;
  const counted = filters.where.length ? ` AND ${filters.where.join(" AND ")}` : "";
  // A count that filters by a facet value or by words has a list of row ids to start from: "+" keeps
  // SQLite from walking every listed row of the statuses instead (its status index), checking each
  // against the lists — the facet counts of country=FR 70 → 34 ms, focusArea=health 257 → 152 ms over
  // 100k (the instrument's count read the row of every listed challenge). Without such a list the
  // status index is the way in, and stays.
  const fromRids = countForm.size > 0 || textSet !== null || text?.kind === "rids";
  const countedRows = `${fromRids ? "+" : ""}c.listed = 1 AND ${fromRids ? "+" : ""}c.status IN (${placeholders(statuses.length)})`;
  const facetCount = (facet: ListingFacet) => {
    if (single.length === 0) {
      return {
        sql: `SELECT value, SUM(n) AS n FROM listing_counts WHERE facet = ? AND ${inStatuses} GROUP BY value HAVING SUM(n) > 0`,
        params: [facet, ...statuses],
        kept: true,
      };
    }
    const column = FACET_COLUMNS[facet as keyof typeof FACET_COLUMNS];
    const value = column ? `c.${column}` : "f.value";
    const join = column ? "" : " JOIN challenge_facets f ON f.rid = c.rid";
    const onFacet = column ? "" : ` AND f.facet = '${facet}'`;
    return {
      sql: `SELECT ${value} AS value, COUNT(*) AS n FROM challenges c${join} WHERE ${countedRows}${onFacet}${counted} GROUP BY ${value}`,
      params: [...statuses, ...filters.params],
      kept: false,
    };
  };
  const facetRowCounts = (facets: readonly ListingFacet[]): CountSql => single.length === 0
    ? {
      sql: `SELECT facet, value, SUM(n) AS n FROM listing_counts WHERE facet IN (${placeholders(facets.length)}) AND ${inStatuses} GROUP BY facet, value HAVING SUM(n) > 0`,
      params: [...facets, ...statuses],
      kept: true,
    }
    : {
      sql: `SELECT f.facet AS facet, f.value AS value, COUNT(*) AS n FROM challenges c JOIN challenge_facets f ON f.rid = c.rid
        WHERE ${countedRows} AND f.facet IN (${placeholders(facets.length)})${counted}
        GROUP BY f.facet, f.value`,
      params: [...statuses, ...facets, ...filters.params],
      kept: false,
    };
  const count = counter
    ? { sql: `SELECT COALESCE(SUM(n), 0) AS n FROM listing_counts WHERE facet = ? AND value = ? AND ${inStatuses}`, params: [counter.facet, counter.value, ...statuses], kept: true }
    : {
      sql: `SELECT COUNT(*) AS n FROM challenges c WHERE ${countedRows}${counted}`,
      params: [...statuses, ...filters.params],
      kept: false,
    };
  const common = where.length ? ` AND ${where.join(" AND ")}` : "";
  if (ranked) {
    // Every match is scored once and ordered by score (no index gives that order); only the page's
    // rows are then read whole: sorting the documents along with their scores costs a third more.
    const sql = `SELECT ${CHALLENGE_COLUMNS}, r.score AS sort_key FROM (
        SELECT c.rid, h.score FROM (SELECT rowid AS rid, bm25(challenges_fts, ${BM25_WEIGHTS}) AS score FROM challenges_fts WHERE challenges_fts MATCH ?) h
        JOIN challenges c ON c.rid = h.rid
        WHERE c.listed = 1 AND c.status IN (${placeholders(statuses.length)})${common}
        ORDER BY h.score ${dir}, c.id ${dir} LIMIT ${limit + 1}
      ) r JOIN challenges c ON c.rid = r.rid ORDER BY r.score ${dir}, c.id ${dir}`;
    return { sql, params: [textSet!, ...statuses, ...params], limit, sort, from, count, facetCount, facetRowCounts };
  }
  const branch = `SELECT ${CHALLENGE_COLUMNS}, ${sort.column} AS sort_key FROM challenges c
    WHERE c.listed = 1 AND c.status = ?${common} ORDER BY ${sort.column} ${dir}, c.id ${dir} LIMIT ${limit + 1}`;
  const order = `sort_key ${dir}, id ${dir}`;
  const branches = statuses.map(() => `SELECT * FROM (${branch})`);
  const allParams = statuses.flatMap((s) => [s, ...params]);
  const sql = branches.length === 1 ? branch : `${branches.join(" UNION ALL ")} ORDER BY ${order} LIMIT ${limit + 1}`;
  return { sql, params: allParams, limit, sort, from, count, facetCount, facetRowCounts };
}
