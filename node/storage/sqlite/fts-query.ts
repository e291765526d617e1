// Turns a user's search text into an FTS5 MATCH expression that cannot fail to parse: only the
// words are kept (word-forms.ts: letters, digits, accents folded), each one quoted, so operators
// (AND, NEAR(, *, ^, quotes, parentheses, column filters) in the input are plain words.
import { searchTerms } from "../../domain/word-forms";
import { STEM_COLUMNS, WORD_COLUMNS } from "./fts-row";

/**
 * null when the text holds no searchable word (then there is no text filter: zero words all match).
 * All words must match (AND), each as itself or as one of its word forms. With `prefix`, the last
 * word also matches longer words, so results follow typing.
 */
export function toFtsMatch(text: string, prefix = true): string | null {
  const alternatives = toFtsAlternatives(text, prefix);
  if (!alternatives) return null;
  return alternatives.map((a) => (a.length > 1 ? `(${a.join(" OR ")})` : a[0]!)).join(" AND ");
}

/**
 * The same search as one MATCH per alternative of each word: the word itself, then its forms.
 * Probing a row, the word alone is checked first and its forms only when it is missing: a form is
 * one phrase per stemmed language (16), which made every probe of a common word several times dearer.
 */
export function toFtsAlternatives(text: string, prefix = true): string[][] | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms.map((t, i) => {
    const word = `${WORD_COLUMNS} : "${t.word}"${prefix && i === terms.length - 1 ? "*" : ""}`;
    return t.stems.length ? [word, `${STEM_COLUMNS} : (${t.stems.map((s) => `"${s}"`).join(" OR ")})`] : [word];
  });
}
