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
