// Full text without a text index (FerretDB 1.x has neither text indexes nor $text): each challenge
// stores the distinct words of its title, summary, description (every language) and hashtags,
// folded, and their word forms (word-forms.ts: stems tagged with their text's language), in indexed
// arrays. Same semantics as the SQLite FTS listing: every word must match, as itself or as one of its
// forms, the last one also as a prefix; letter case and accents ignored ("telesuivi" finds "Télésuivi").
import type { Challenge } from "../../domain/types";
import { searchTerms, searchWords, stemsOfTexts } from "../../domain/word-forms";

const languages = (m: Partial<Record<string, string>> | undefined) => Object.values(m ?? {}).filter((v): v is string => Boolean(v));

/** The searchable words of a challenge, each once. */
export function tokensOf(d: Challenge): string[] {
  const text = [...languages(d.title), ...languages(d.summary), ...languages(d.description), ...(d.hashtags ?? [])].join("\n");
  return [...new Set(searchWords(text))];
}

/** The word forms of a challenge's texts, each once. */
export function stemsOf(d: Challenge): string[] {
  return stemsOfTexts(d.title, d.summary, d.description);
}

/** The title's words and word forms: what relevance counts most (relevance.ts). */
export function titleTokensOf(d: Challenge): string[] {
  return [...new Set([...searchWords(languages(d.title).join("\n")), ...stemsOfTexts(d.title)])];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The filter for a search text, or null when it holds no word (zero words all match). Only words
 * reach the query, so operators and quotes typed by a user are plain text, never query syntax.
 */
export function textFilter(q: string | undefined): Record<string, unknown>[] | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  return terms.map((t, i) => {
    // The last word anchored as a prefix: an index range scan on the multikey index, not a scan of every word.
    const word = { tokens: i === terms.length - 1 ? { $regex: `^${escapeRegex(t.word)}` } : t.word };
    return t.stems.length ? { $or: [word, { stems: { $in: t.stems } }] } : word;
  });
}
