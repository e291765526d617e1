// The public interface's catalogues (locales/<lang>.json), one per language of the site: the 24 official
// EU languages, Icelandic and Norwegian. Every English message is there in every language, with the
// plural forms that language's rules ask for (Intl.PluralRules, as i18next picks them), no placeholder
// lost, invented or translated, IPN's own code lists translated in full, and the keys marked for review
// real keys. The workspace section (en, de, fr only) is checked by workspace-catalogue.test.ts.
import fs from "node:fs";
import path from "node:path";
import { LANGUAGE_NAMES, UI_LANGUAGES } from "../../node/http/i18n";

type Tree = { [k: string]: string | Tree | string[] };
const read = (l: string): Tree => JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../locales/${l}.json`), "utf8"));
const flatten = (o: Tree, prefix = ""): Map<string, string> => new Map(Object.entries(o).flatMap(([k, v]) => {
  if (typeof v === "string") return [[`${prefix}${k}`, v] as [string, string]];
  if (Array.isArray(v)) return [];
  return [...flatten(v, `${prefix}${k}.`)];
}));
const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (s: string) => new Set(s.match(/\{\{\w+\}\}/g) ?? []);
const OWN_LISTS = ["status", "focus-areas", "instruments", "hub-types", "applicant-types", "document-types", "milestone-types", "submission-types"];
const codesOf = (list: string): string[] => JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../schemas/codelists/${list}.json`), "utf8")).codes.map((c: { code: string }) => c.code);

const english = flatten(read("en"));
/** English messages by base key (plural keys without their suffix): every placeholder any form uses. */
const englishBase = new Map<string, Set<string>>();
for (const [k, v] of english) {
  const base = k.replace(PLURAL, "");
  englishBase.set(base, new Set([...(englishBase.get(base) ?? []), ...placeholders(v)]));
}
const isPlural = (base: string) => english.has(`${base}_other`);

it("offers 26 interface languages, each named in its own language, each with a catalogue", () => {
  expect(UI_LANGUAGES).toHaveLength(26);
  expect(new Set(UI_LANGUAGES)).toEqual(new Set(["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "is", "nb"]));
  expect(new Set(Object.values(LANGUAGE_NAMES)).size).toBe(26);
  for (const l of UI_LANGUAGES) expect(fs.existsSync(path.resolve(__dirname, `../../locales/${l}.json`))).toBe(true);
});

describe.each(UI_LANGUAGES.filter((l) => l !== "en"))("the %s catalogue", (lang) => {
  const tree = read(lang);
  const { workspace: _w, workspaceReview: _r, ...publicTree } = tree;
  const catalogue = flatten(publicTree as Tree);
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];

  it("has every English message, plural ones in exactly the forms its plural rules use", () => {
    const missing: string[] = [];
    for (const base of englishBase.keys()) {
      if (base.startsWith("codes.")) continue;
      const wanted = isPlural(base) ? categories.map((c) => `${base}_${c}`) : [base];
      missing.push(...wanted.filter((k) => !catalogue.has(k)));
    }
    expect(missing).toEqual([]);
    const unknown = [...catalogue.keys()].filter((k) => !k.startsWith("codes.") && !englishBase.has(k.replace(PLURAL, "")));
    expect(unknown).toEqual([]);
    const strayForms = [...catalogue.keys()].filter((k) => PLURAL.test(k) && isPlural(k.replace(PLURAL, "")) && !categories.includes(PLURAL.exec(k)![1]!));
    expect(strayForms).toEqual([]);
  });

  it("keeps every placeholder and invents none", () => {
    const broken: string[] = [];
    for (const [k, v] of catalogue) {
      if (k.startsWith("codes.")) continue;
      const base = k.replace(PLURAL, "");
      const allowed = englishBase.get(base) ?? new Set<string>();
      const used = placeholders(v);
      const invented = [...used].filter((p) => !allowed.has(p));
      // A plural form may say the number instead of a name for it; other messages keep all of theirs.
      const lost = isPlural(base) ? [] : [...allowed].filter((p) => !used.has(p));
      if (invented.length || lost.length || v.trim() === "") broken.push(`${k}: ${[...invented, ...lost].join(" ")}`);
    }
    expect(broken).toEqual([]);
  });

  it("says how many in every plural form that covers more than the number 1", () => {
    const rules = new Intl.PluralRules(lang);
    // French and Portuguese "one" covers 0, Croatian or Icelandic 21, Slovenian 101: those say the number too.
    const oneIsOnlyOne = [0, 21, 31, 101].every((n) => rules.select(n) !== "one");
    const silent = [...englishBase.keys()].filter(isPlural)
      .flatMap((base) => categories.filter((c) => c !== "one" || !oneIsOnlyOne).map((c) => `${base}_${c}`))
      .filter((k) => placeholders(catalogue.get(k) ?? "").size === 0);
    expect(silent).toEqual([]);
  });

  it("translates IPN's own code lists in full", () => {
    const codes = (tree.codes ?? {}) as Record<string, Record<string, string>>;
    for (const list of OWN_LISTS) expect({ list, missing: codesOf(list).filter((c) => !codes[list]?.[c]) }).toEqual({ list, missing: [] });
  });

  it("marks for review only keys it has", () => {
    const review = (tree.review ?? []) as string[];
    expect(Array.isArray(review)).toBe(true);
    expect(review.filter((k) => !catalogue.has(k) && !catalogue.has(`${k}_other`))).toEqual([]);
  });
});

it("names countries and languages in Icelandic and Norwegian, which the EU code lists do not cover", () => {
  for (const lang of ["is", "nb"]) {
    const codes = read(lang).codes as Record<string, Record<string, string>>;
    expect(codesOf("countries").filter((c) => !codes.countries?.[c])).toEqual([]);
    expect(codesOf("languages").filter((c) => !codes.languages?.[c])).toEqual([]);
  }
});
