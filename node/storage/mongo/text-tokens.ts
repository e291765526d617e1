// Full text without a text index (FerretDB 1.x has neither text indexes nor $text): each challenge
// stores the distinct words of its title, summary, description (every language) and hashtags,
// normalized, in an indexed array. Same semantics as the SQLite FTS listing: all words must match,
// the last one as a prefix, letter case and accents ignored ("telesuivi" finds "Télésuivi").
import type { Challenge } from "../../domain/types";

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_QUERY_WORDS = 16;
/** Longer "words" (base64 blobs, URLs without separators) are cut: nobody types them. */
const MAX_WORD_LENGTH = 64;

/** Lowercase, decomposed, combining marks removed: "Télésuivi" → "telesuivi", "München" → "munchen". */
function normalize(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

export function words(text: string): string[] {
  return (normalize(text).match(WORD) ?? []).map((w) => w.slice(0, MAX_WORD_LENGTH));
}

const languages = (m: Partial<Record<string, string>> | undefined) => Object.values(m ?? {}).filter((v): v is string => Boolean(v));

/** The searchable words of a challenge, each once. */
export function tokensOf(d: Challenge): string[] {
  const text = [...languages(d.title), ...languages(d.summary), ...languages(d.description), ...(d.hashtags ?? [])].join("\n");
  return [...new Set(words(text))];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The filter for a search text, or null when it holds no word (zero words all match). Only words
 * reach the query, so operators and quotes typed by a user are plain text, never query syntax.
 */
export function textFilter(q: string | undefined): Record<string, unknown>[] | null {
  const ws = words(q ?? "").slice(0, MAX_QUERY_WORDS);
  if (ws.length === 0) return null;
  const last = ws[ws.length - 1]!;
  const exact = [...new Set(ws.slice(0, -1))].map((w) => ({ tokens: w }));
  // Anchored: an index range scan on the multikey index, not a scan of every word.
  return [...exact, { tokens: { $regex: `^${escapeRegex(last)}` } }];
}
