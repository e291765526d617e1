// Word forms for search (node/domain/word-forms.ts): each text stemmed in its own language, stems
// tagged with it; a search word stemmed in every language; bounded and safe on any input.
import { fold, MAX_QUERY_WORDS, searchTerms, searchWords, stemsOf, stemsOfTexts, STEMMED_LANGUAGES } from "../../node/domain/word-forms";

describe("word forms", () => {
  it("stems a text in its own language and tags each stem with it", () => {
    expect(stemsOf("Hospitals and hospital", "en")).toEqual(["enhospit", "enand"]);
    expect(stemsOf("Krankenhäuser", "de")).toEqual(["dekrankenhaus"]);
    expect(stemsOf("Hôpitaux", "fr")).toEqual(["frhopital"]); // stemmed with its accent, then folded
    // The same word in another language gives another tag: it never meets the first one.
    expect(stemsOf("data", "nl")[0]).toMatch(/^nl/);
    expect(stemsOf("data", "en")[0]).toMatch(/^en/);
  });

  it("gives Norwegian under nb, nn and no one tag, and no stems where there is no stemmer", () => {
    expect(stemsOf("sykehusene", "nb")).toEqual(stemsOf("sykehusene", "no"));
    expect(stemsOf("sykehusene", "nn")).toEqual(stemsOf("sykehusene", "no"));
    for (const lang of ["pl", "cs", "hr", "et", "lv", "mt", "sk", "sl", "is", "bg", "xx"]) expect(stemsOf("szpitale nemocnice", lang)).toEqual([]);
    expect(STEMMED_LANGUAGES).toEqual(expect.arrayContaining(["en", "de", "fr", "it", "es", "el", "lt", "fi", "sv", "da", "nl", "pt", "ro", "hu", "ga"]));
  });

  it("leaves numbers and codes without forms", () => {
    expect(stemsOf("2027 72000000 A320", "en")).toEqual([]);
    expect(searchTerms("A320")[0]).toEqual({ word: "a320", stems: [] });
  });

  it("answers the same from memory as the first time", () => {
    // Each word is stemmed once per text and remembered per language: a second reading, and a text
    // repeating its words, give what the first reading gave, in first-seen order.
    const text = "Hospitals 2027 hospital A320 clinics hospitals 2027";
    const first = stemsOf(text, "en");
    expect(first).toEqual(["enhospit", "enclinic"]);
    expect(stemsOf(text, "en")).toEqual(first);
    expect(stemsOf(`${text} ${text}`, "en")).toEqual(first);
    // Remembered per language, with its tag: the French form of a word is French.
    expect(stemsOf("hospitals hôpitaux 2027", "fr")).toEqual([stemsOf("hospitals", "fr")[0], "frhopital"]);
    expect(stemsOf("hospitals", "fr")[0]).toMatch(/^fr/);
  });

  it("collects the stems of language maps once each", () => {
    expect(stemsOfTexts({ en: "hospitals", de: "Krankenhäuser" }, { en: "hospital" }, undefined)).toEqual(["enhospit", "dekrankenhaus"]);
  });

  it("turns a search into folded words, each with its stems in every stemmed language", () => {
    const [t] = searchTerms("Hôpitaux");
    expect(t!.word).toBe("hopitaux");
    expect(t!.stems).toEqual(expect.arrayContaining(["frhopital"]));
    // One tag per stemmer (Norwegian once), no duplicates.
    expect(new Set(t!.stems).size).toBe(t!.stems.length);
    expect(t!.stems.filter((s) => s.startsWith("no")).length).toBeLessThanOrEqual(1);
    expect(searchTerms("Battery battery BATTERY").map((x) => x.word)).toEqual(["battery"]);
  });

  it("reads any input without failing, bounded in words and length", () => {
    expect(searchTerms(undefined)).toEqual([]);
    expect(searchTerms("\"*() : ^ - 🙂 \u0000")).toEqual([]);
    expect(searchTerms(Array.from({ length: 40 }, (_, i) => `w${i}`).join(" "))).toHaveLength(MAX_QUERY_WORDS);
    expect(searchTerms("a".repeat(500))[0]!.word).toHaveLength(64);
    expect(searchWords("Télésuivi à München")).toEqual(["telesuivi", "a", "munchen"]);
    expect(fold("ÅNGSTRÖM")).toBe("angstrom");
  });
});
