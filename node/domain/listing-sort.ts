// The order of a listing. A search is ranked by relevance unless another order is asked for; without
// search words there is nothing to rank, so "relevance" falls back to the nearest deadline.
import type { ListingQuery } from "./ports";
import { searchTerms } from "./word-forms";

export type ListingSort = "deadline" | "newest" | "relevance";

export function listingSortOf(q: Pick<ListingQuery, "sort" | "q">): ListingSort {
  const words = searchTerms(q.q).length > 0;
  if (q.sort === "relevance" || q.sort === undefined) return words ? "relevance" : "deadline";
  return q.sort;
}

/**
 * The most matches a search ranks. Beyond it the matches come nearest deadline first: words found in
 * over a thousand challenges say little about any one of them (bm25 gives a word in every document
 * no weight at all), and ranking means scoring every match (~200 ms for 100,000 on SQLite; on MongoDB
 * every match is read). Both stores apply the same limit to the filtered matches.
 */
export const RANK_AT_MOST = 1000;
