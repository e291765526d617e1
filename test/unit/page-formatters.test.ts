// What a page prints must not depend on whether its words came from memory: the kept translators answer
// every key of every catalogue as i18next itself does, pass calls with options (interpolation, plurals)
// through, and money is formatted the same by a kept Intl.NumberFormat as by a new one.
import { readFileSync } from "node:fs";
import path from "node:path";
import i18next from "i18next";
import { translator, UI_LANGUAGES, type UiLanguage } from "../../node/http/i18n";
import { formatMoney } from "../../node/http/pages/format";

function keysOf(o: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === "object" && v !== null ? keysOf(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

const catalogueOf = (lang: string) => JSON.parse(readFileSync(path.join(__dirname, "..", "..", "locales", `${lang}.json`), "utf8")) as Record<string, unknown>;

async function reference(lang: UiLanguage) {
  const i18n = i18next.createInstance();
  const catalogue = catalogueOf(lang);
  const en = catalogueOf("en");
  await i18n.init({ resources: { [lang]: { translation: catalogue }, en: { translation: en } }, lng: lang, fallbackLng: "en", interpolation: { escapeValue: false }, initAsync: false });
  return { t: i18n.getFixedT(lang), keys: keysOf(en) };
}

it.each(UI_LANGUAGES)("%s: every key, asked twice, reads as i18next reads it", async (lang) => {
  const { t: fresh, keys } = await reference(lang);
  const kept = translator(lang);
  expect(keys.length).toBeGreaterThan(100);
  for (const key of keys) {
    expect(kept(key)).toBe(fresh(key));
    expect(kept(key)).toBe(fresh(key)); // the second answer comes from memory
  }
  expect(translator(lang)).toBe(kept);
});

it("answers calls with values (interpolation, plurals) as i18next does, each set of values apart", async () => {
  const { t: fresh } = await reference("pl");
  const t = translator("pl");
  for (let round = 0; round < 2; round++) {
    for (const count of [1, 2, 5, 22]) expect(t("listing.count", { count, n: String(count) })).toBe(fresh("listing.count", { count, n: String(count) }));
  }
  expect(t("listing.count", { count: 1, n: "1" })).not.toBe(t("listing.count", { count: 5, n: "5" }));
  // Values written by others cannot make two calls share an answer.
  const forged = t("listing.count", { count: 5, n: '1","count":1' });
  expect(forged).toBe(fresh("listing.count", { count: 5, n: '1","count":1' }));
  expect(t("listing.count", { count: 1, n: "1" })).toBe(fresh("listing.count", { count: 1, n: "1" }));
  // Options that are not plain values are never remembered.
  const withObject = { count: 3, n: "3", nested: { x: 1 } };
  expect(t("listing.count", withObject)).toBe(fresh("listing.count", withObject));
});

it("formats money as a new Intl.NumberFormat does, for each language and currency, again and again", () => {
  for (const lang of ["en", "de", "fr", "pl", "is"]) {
    for (const [amount, currency, digits] of [["120000.00", "EUR", 2], ["1500000", "ISK", 0], ["99.5", "SEK", 2]] as const) {
      const expected = new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount as unknown as number);
      expect(formatMoney({ amount, currency }, lang)).toBe(expected);
      expect(formatMoney({ amount, currency }, lang)).toBe(expected);
    }
  }
  expect(formatMoney({ amount: "12", currency: "NOT A CURRENCY" }, "en")).toBe("12 NOT A CURRENCY");
});
