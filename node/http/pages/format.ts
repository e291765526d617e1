// Display helpers: language choice, code-list labels, dates and money. Pure functions of the
// canonical documents; nothing here touches the request or the store.
import { cpvLabel, cpvLabelLanguage, getCodeList, minorUnits } from "../../domain/codelists";
import type { Challenge, LanguageMap, LanguageTag, MonetaryAmount } from "../../domain/types";
import { catalogueEntry } from "../i18n";

/** The UI chrome's language (labels, headings); content keeps the language it was written in. */
export const UI_LANGUAGE = "en";

export interface LocalText { text: string; lang: string }

/** The text in `lang`, else in `fallback` (the document's default language), else any present. */
export function pick(map: LanguageMap | undefined, lang: string, fallback: string): LocalText | null {
  if (!map) return null;
  const m = map as Record<string, string | undefined>;
  for (const l of [lang, fallback]) {
    const t = m[l];
    if (typeof t === "string" && t !== "") return { text: t, lang: l };
  }
  for (const [l, t] of Object.entries(m)) if (typeof t === "string" && t !== "") return { text: t, lang: l };
  return null;
}

/** The languages a challenge is written in (those of its title), the default one first. */
export function docLanguages(doc: Challenge): LanguageTag[] {
  const others = Object.keys(doc.title).filter((l) => l !== doc.defaultLanguage).sort() as LanguageTag[];
  return [doc.defaultLanguage, ...others];
}

const labelCache = new Map<string, Map<string, LanguageMap>>();

/** A code's label from schemas/codelists (e.g. label("instruments", "ppi")), or the code itself. */
export function label(list: string, code: string, lang: string = UI_LANGUAGE): string {
  let byCode = labelCache.get(list);
  if (!byCode) {
    byCode = new Map((getCodeList(list)?.codes ?? []).map((c) => [c.code, c.label]));
    labelCache.set(list, byCode);
  }
  const l = byCode.get(code) as Record<string, string | undefined> | undefined;
  // Lists with labels in every EU language answer directly; IPN's own lists (status, instruments…) are
  // English, with translations in the interface catalogues.
  return l?.[lang] ?? catalogueEntry(lang, `codes.${list}.${code}`) ?? l?.[UI_LANGUAGE] ?? code;
}

/** A CPV code's label in `lang`, or in English when CPV has no labels in that language. */
export function cpvLabelIn(code: string, lang: string): { text: string; lang: string } | undefined {
  const text = cpvLabel(code, lang);
  return text === undefined ? undefined : { text, lang: cpvLabelLanguage(lang) };
}

/** EEA countries with their labels, for the filter form. */
export function countryOptions(lang: string = UI_LANGUAGE): { code: string; label: string }[] {
  return (getCodeList("countries")?.codes ?? [])
    .map((c) => ({ code: c.code, label: label("countries", c.code, lang) }))
    .sort((a, b) => a.label.localeCompare(b.label, lang));
}

const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

export interface DisplayDateTime {
  /** As stored: the publisher's wall-clock time and offset, e.g. "2027-01-29 12:00 UTC+01:00". */
  local: string;
  /** The same instant in UTC, e.g. "2027-01-29 11:00 UTC". */
  utc: string;
  /** The machine-readable value for <time datetime>. */
  iso: string;
}

export function displayDateTime(value: string | undefined | null): DisplayDateTime | null {
  if (!value) return null;
  const m = DATETIME_RE.exec(value);
  const t = Date.parse(value);
  if (!m || Number.isNaN(t)) return null;
  const seconds = m[3] && m[3] !== "00" ? `:${m[3]}` : "";
  const offset = m[4]!.toUpperCase() === "Z" || m[4] === "+00:00" ? "UTC" : `UTC${m[4]}`;
  const u = new Date(t).toISOString();
  const uSeconds = u.slice(17, 19) !== "00" ? u.slice(16, 19) : "";
  return {
    local: `${m[1]} ${m[2]}${seconds} ${offset}`,
    utc: `${u.slice(0, 10)} ${u.slice(11, 16)}${uSeconds} UTC`,
    iso: value,
  };
}

// Building an Intl.NumberFormat costs far more than using one (a listing page of 20 cards spent 8 % of
// its time here), so one is kept per language and currency. Bounded: cleared when full.
const MONEY_FORMATS_AT_MOST = 500;
const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(lang: string, currency: string): Intl.NumberFormat {
  const key = `${lang}\u0000${currency}`;
  let nf = moneyFormats.get(key);
  if (!nf) {
    const digits = minorUnits(currency) ?? 2;
    nf = new Intl.NumberFormat(lang, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    if (moneyFormats.size >= MONEY_FORMATS_AT_MOST) moneyFormats.clear();
    moneyFormats.set(key, nf);
  }
  return nf;
}

/** "120000.00 EUR" → "€120,000.00" (in `lang`'s way), exact (Intl formats decimal strings without going through a float). */
export function formatMoney(m: MonetaryAmount | undefined, lang: string = UI_LANGUAGE): string | null {
  if (!m || typeof m.amount !== "string" || typeof m.currency !== "string") return null;
  try {
    // Intl.NumberFormat v3 (ES2023) takes numeric strings as exact decimals; the lib typing lags behind.
    return moneyFormat(lang, m.currency).format(m.amount as unknown as number);
  } catch {
    return `${m.amount} ${m.currency}`;
  }
}

/** The exact sum of amounts in one currency (decimal strings, added as integers); null for none or mixed currencies. */
export function sumMoney(amounts: readonly (MonetaryAmount | undefined)[]): MonetaryAmount | null {
  const given = amounts.filter((a): a is MonetaryAmount => !!a && /^-?\d+(\.\d+)?$/.test(a.amount));
  if (given.length === 0 || new Set(given.map((a) => a.currency)).size !== 1) return null;
  const scale = Math.max(...given.map((a) => a.amount.split(".")[1]?.length ?? 0));
  const units = (a: string) => {
    const [whole, fraction = ""] = a.replace("-", "").split(".");
    const n = BigInt(whole! + fraction.padEnd(scale, "0"));
    return a.startsWith("-") ? -n : n;
  };
  const total = given.reduce((sum, a) => sum + units(a.amount), 0n);
  const digits = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
  const amount = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return { amount: total < 0n ? `-${amount}` : amount, currency: given[0]!.currency };
}

export function formatBytes(n: number | undefined): string | null {
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return null;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${s}`;
}
