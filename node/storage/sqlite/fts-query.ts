// Turns a user's search text into an FTS5 MATCH expression that cannot fail to parse: only the
// words are kept (word-forms.ts: letters, digits, accents folded), each one quoted, so operators
// (AND, NEAR(, *, ^, quotes, parentheses, column filters) in the input are plain words.
import { searchTerms } from "../../domain/word-forms";

const TEXT_COLUMNS = "{title summary description hashtags}";

/**
 * null when the text holds no searchable word (then there is no text filter: zero words all match).
 * All words must match (AND), each as itself or as one of its word forms. With `prefix`, the last
 * word also matches longer words, so results follow typing.
 */
export function toFtsMatch(text: string, prefix = true): string | null {
  return toFtsProbes(text, prefix)?.at(-1) ?? null;
}

/**
 * The same search as MATCH expressions to try in order on a row: every word as itself, then every
 * word as itself or one of its forms (the whole search). A form is one phrase per stemmed language
 * (16), which made each probe of a common word several times dearer; most rows that match at all
 * hold the words themselves, and for them the first, cheap expression decides.
 */
export function toFtsProbes(text: string, prefix = true): string[] | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  // Words and tagged forms ("en" + stem) are different tokens, so a whole word only meets words and a
  // form only forms: no column filter, which would make FTS5 read every position list. A prefix could
  // meet forms ("en"* every English one), so it is kept to the text columns.
  const word = (t: (typeof terms)[number], i: number) => (prefix && i === terms.length - 1 ? `${TEXT_COLUMNS} : "${t.word}"*` : `"${t.word}"`);
  const words = terms.map(word).join(" AND ");
  if (terms.every((t) => t.stems.length === 0)) return [words];
  const full = terms.map((t, i) => (t.stems.length ? `(${word(t, i)} OR ${t.stems.map((s) => `"${s}"`).join(" OR ")})` : word(t, i))).join(" AND ");
  return [words, full];
}
