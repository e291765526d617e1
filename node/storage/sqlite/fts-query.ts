// Turns a user's search text into an FTS5 MATCH expression that cannot fail to parse: only the
// words are kept (the same letters/digits the unicode61 tokenizer indexes), each one quoted, so
// operators (AND, NEAR(, *, ^, quotes, parentheses, column filters) in the input are plain words.

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const MAX_WORDS = 16;

/**
 * null when the text holds no searchable word (then there is no text filter: zero words all match).
 * All words must match (implicit AND). With `prefix`, the last word also matches longer words, so
 * results follow typing.
 */
export function toFtsMatch(text: string, prefix = true): string | null {
  const words = (text.normalize("NFC").match(WORD) ?? []).slice(0, MAX_WORDS);
  if (words.length === 0) return null;
  return words.map((w, i) => `"${w}"${prefix && i === words.length - 1 ? "*" : ""}`).join(" ");
}
