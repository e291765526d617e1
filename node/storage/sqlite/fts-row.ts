// The full-text row of a challenge: its words per field (every language, accents folded by the
// tokenizer) and its word forms (word-forms.ts: stems tagged with their text's language), the title's
// apart so that a title match ranks higher. Schema in migration 9 (schema.ts).
import type { Challenge } from "../../domain/types";
import { stemsOfTexts } from "../../domain/word-forms";

/**
 * bm25 weights, in the table's column order: a word in the title counts ten times one in the
 * description, a form of it in the title half as much. Forms in the other texts weigh nothing: they
 * make a challenge match, not rank. (bm25 sums the phrases a document matches, each saturating, so a
 * text holding the word itself, which also matches as its own form, would otherwise outrank a title
 * holding only a form of it.)
 */
export const BM25_WEIGHTS = "10.0, 4.0, 1.0, 4.0, 5.0, 0.0";

export const INSERT_FTS_SQL = `INSERT INTO challenges_fts (rowid, title, summary, description, hashtags, title_stems, stems)
  VALUES (@rid, @title, @summary, @description, @hashtags, @title_stems, @stems)`;

const allLanguages = (m: Partial<Record<string, string>> | undefined) => Object.values(m ?? {}).filter(Boolean).join("\n");

export function ftsOf(d: Challenge) {
  return {
    title: allLanguages(d.title), summary: allLanguages(d.summary), description: allLanguages(d.description),
    hashtags: (d.hashtags ?? []).join(" "),
    title_stems: stemsOfTexts(d.title).join(" "),
    stems: stemsOfTexts(d.summary, d.description).join(" "),
  };
}
