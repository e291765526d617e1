// Search by word forms: "hospitals" finds "hospital", "Krankenhäuser" finds "Krankenhaus",
// "hôpitaux" finds "hôpital". A text is stemmed in ITS OWN language (a challenge's French title by the
// French stemmer), and each stem is stored tagged with that language ("fr" + stem), so a stem only ever
// meets stems of the same language: the Dutch stem of "data" never matches an English "date". A search
// word does not say its language, so it is stemmed in every language that has a stemmer and matches any
// of those tagged stems. Both stores index and query these same tokens (SQLite in an FTS column, MongoDB
// in an indexed array).
//
// Stemmers: @orama/stemmers (Snowball-derived, maintained, ~1 µs a word). It has none for Croatian,
// Czech, Estonian, Icelandic, Latvian, Maltese, Polish, Slovak and Slovenian, and its Bulgarian one
// throws on some words, so it is left out: texts in those languages match by whole words and the last
// word's prefix (accents folded), as before.
import { stemmer as danish } from "@orama/stemmers/danish";
import { stemmer as dutch } from "@orama/stemmers/dutch";
import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as finnish } from "@orama/stemmers/finnish";
import { stemmer as french } from "@orama/stemmers/french";
import { stemmer as german } from "@orama/stemmers/german";
import { stemmer as greek } from "@orama/stemmers/greek";
import { stemmer as hungarian } from "@orama/stemmers/hungarian";
import { stemmer as irish } from "@orama/stemmers/irish";
import { stemmer as italian } from "@orama/stemmers/italian";
import { stemmer as lithuanian } from "@orama/stemmers/lithuanian";
import { stemmer as norwegian } from "@orama/stemmers/norwegian";
import { stemmer as portuguese } from "@orama/stemmers/portuguese";
import { stemmer as romanian } from "@orama/stemmers/romanian";
import { stemmer as spanish } from "@orama/stemmers/spanish";
import { stemmer as swedish } from "@orama/stemmers/swedish";

type Stem = (word: string) => string;

/** Stemmers by the language codes challenges are written in (Norwegian under all three codes). */
const STEMMERS: Readonly<Record<string, Stem>> = {
  da: danish, nl: dutch, en: english, fi: finnish, fr: french, de: german, el: greek, hu: hungarian,
  ga: irish, it: italian, lt: lithuanian, no: norwegian, nb: norwegian, nn: norwegian, pt: portuguese,
  ro: romanian, es: spanish, sv: swedish,
};
/** One tag per stemmer: Norwegian texts under nb, nn or no share their stems. */
const TAG: Readonly<Record<string, string>> = { nb: "no", nn: "no" };

export const STEMMED_LANGUAGES = Object.keys(STEMMERS);

/** Longer "words" (base64 blobs, URLs without separators) are cut: nobody types them. */
export const MAX_WORD_LENGTH = 64;
/** A search reads at most this many words; the rest of a pasted paragraph is ignored. */
export const MAX_QUERY_WORDS = 16;

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Lowercase, decomposed, combining marks removed: "Télésuivi" → "telesuivi", "München" → "munchen". */
export function fold(word: string): string {
  return word.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** The words of a text as written (lowercase, accents kept: stemmers read them), each cut to length. */
function rawWords(text: string): string[] {
  // The match's own array, long words cut in place: indexing calls this for every text it stores.
  const words = text.normalize("NFC").toLowerCase().match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) if (words[i]!.length > MAX_WORD_LENGTH) words[i] = words[i]!.slice(0, MAX_WORD_LENGTH);
  return words;
}

/** The words of a text, folded: what whole-word and prefix matching compare. */
export function searchWords(text: string): string[] {
  return rawWords(text).map(fold).filter((w) => w.length > 0);
}

// Stemming is the costly part of indexing (a description has hundreds of words), and words repeat
// across challenges, so each language remembers its recent stems. Bounded: cleared when full.
const MEMO_LIMIT = 5_000;
/** Numbers, codes and model names ("2027", "72000000", "A320") have no other forms. */
const HAS_DIGIT = /\p{N}/u;
/** Per language: a word → its tagged stem, "" when nothing is left of it after folding. Numbers are not
 * kept: a text's amounts, dates and codes are mostly its own, and would push its words out. */
const memos = new Map<string, Map<string, string>>();

function memoOf(lang: string): Map<string, string> {
  let memo = memos.get(lang);
  if (!memo) {
    memo = new Map();
    memos.set(lang, memo);
  }
  return memo;
}

function stemIn(lang: string, word: string, memo: Map<string, string> = memoOf(lang)): string | null {
  const stem = STEMMERS[lang];
  if (!stem) return null;
  let out = memo.get(word);
  if (out === undefined) {
    if (HAS_DIGIT.test(word)) return null;
    out = tagged(lang, stem, word);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(word, out);
  }
  return out || null;
}

function tagged(lang: string, stem: Stem, word: string): string {
  let out: string;
  try {
    out = fold(stem(word));
  } catch {
    out = fold(word); // a stemmer that fails on a word leaves it whole
  }
  return out ? `${TAG[lang] ?? lang}${out}` : "";
}

/**
 * Adds the tagged stems of a text written in `lang` to `out` (nothing when the language has no
 * stemmer). Each word goes straight to its language's memo: a description repeats many of its words,
 * and for those the memo answers (a first pass collecting each word once cost more than it saved).
 */
function addStemsOf(text: string, lang: string, out: Set<string>): void {
  if (!STEMMERS[lang]) return;
  const memo = memoOf(lang);
  for (const w of rawWords(text)) {
    const s = stemIn(lang, w, memo);
    if (s) out.add(s);
  }
}

/** The tagged stems of a text written in `lang`, each once; none when the language has no stemmer. */
export function stemsOf(text: string, lang: string): string[] {
  const out = new Set<string>();
  addStemsOf(text, lang, out);
  return [...out];
}

/** The tagged stems of the texts of a language map ({en: "…", fr: "…"}), each once. */
export function stemsOfTexts(...maps: (Partial<Record<string, string>> | undefined)[]): string[] {
  const out = new Set<string>();
  for (const m of maps) {
    for (const [lang, text] of Object.entries(m ?? {})) {
      if (text) addStemsOf(text, lang, out);
    }
  }
  return [...out];
}

/** One word of a search: the word itself (folded) and its tagged stems in every stemmed language. */
export interface SearchTerm { word: string; stems: string[] }

/** The terms of a search text (at most MAX_QUERY_WORDS), in order; empty when it holds no word. */
export function searchTerms(text: string | undefined): SearchTerm[] {
  const seen = new Set<string>();
  const terms: SearchTerm[] = [];
  for (const raw of rawWords(text ?? "").slice(0, MAX_QUERY_WORDS)) {
    const word = fold(raw);
    if (!word || seen.has(word)) continue;
    seen.add(word);
    const stems = new Set<string>();
    for (const lang of Object.keys(STEMMERS)) {
      if (TAG[lang]) continue; // the shared tag is produced once
      const s = stemIn(lang, raw);
      if (s) stems.add(s);
    }
    terms.push({ word, stems: [...stems] });
  }
  return terms;
}
