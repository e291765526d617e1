// Relevance on MongoDB, which (as FerretDB 1.x) has no text score: the matches are scored here from
// their stored words and word forms. Per search word, the best place it was found counts: a word in
// the title 10, one of its forms in the title 5, the word elsewhere 2, a form elsewhere 1; the last
// word also as a prefix, as it matched. The same order as SQLite's bm25 weights in spirit (title over
// text, a word over its forms), not the same numbers: bm25 also weighs how rare a word is.
import type { SearchTerm } from "../../domain/word-forms";

export interface RankedTokens { titleTokens?: string[]; tokens?: string[]; stems?: string[] }

export function relevanceScore(terms: readonly SearchTerm[], d: RankedTokens): number {
  const title = new Set(d.titleTokens ?? []);
  const words = new Set(d.tokens ?? []);
  const stems = new Set(d.stems ?? []);
  let score = 0;
  terms.forEach((t, i) => {
    const last = i === terms.length - 1;
    const has = (set: Set<string>) => set.has(t.word) || (last && [...set].some((w) => w.startsWith(t.word)));
    const form = (set: Set<string>) => t.stems.some((s) => set.has(s));
    score += has(title) ? 10 : form(title) ? 5 : has(words) ? 2 : form(stems) ? 1 : 0;
  });
  return score;
}
