// The code lists of schemas/codelists/ as lookups for validation and display. The JSON files are
// the single source (served to clients as they are); this module only indexes them.

import fs from "node:fs";
import path from "node:path";
import applicantTypes from "../../schemas/codelists/applicant-types.json";
import buyerLegalTypes from "../../schemas/codelists/buyer-legal-types.json";
import changeReasons from "../../schemas/codelists/change-reasons.json";
import contractNatures from "../../schemas/codelists/contract-natures.json";
import countries from "../../schemas/codelists/countries.json";
import cpvDivisions from "../../schemas/codelists/cpv-divisions.json";
import currencies from "../../schemas/codelists/currencies.json";
import documentTypes from "../../schemas/codelists/document-types.json";
import focusAreas from "../../schemas/codelists/focus-areas.json";
import hubTypes from "../../schemas/codelists/hub-types.json";
import innovationTypes from "../../schemas/codelists/innovation-types.json";
import instruments from "../../schemas/codelists/instruments.json";
import languages from "../../schemas/codelists/languages.json";
import mainActivities from "../../schemas/codelists/main-activities.json";
import milestoneTypes from "../../schemas/codelists/milestone-types.json";
import nonAwardReasons from "../../schemas/codelists/non-award-reasons.json";
import nuts from "../../schemas/codelists/nuts.json";
import procedureTypes from "../../schemas/codelists/procedure-types.json";
import status from "../../schemas/codelists/status.json";
import submissionTypes from "../../schemas/codelists/submission-types.json";
import type { CountryCode, LanguageMap, LanguageTag } from "./types";

/** One entry of a code list file: the code, labels per language, and list-specific extras. */
export interface CodeListEntry { code: string; label: LanguageMap; [extra: string]: unknown }
/** A code list file of schemas/codelists/ (nuts.json has `codesByCountry` instead of `codes`). */
export interface CodeList { id: string; title: string; source: string; codes?: CodeListEntry[]; [extra: string]: unknown }

export interface CountryInfo {
  code: CountryCode;
  alpha3: string;
  /** Country prefix inside NUTS codes: "EL" for Greece, otherwise the alpha-2 code. */
  nutsPrefix: string;
  currency: string;
  eu: boolean;
  timeZones: string[];
  label: LanguageMap;
}

// Served at /schemas/codelists/{name}.json; the names are the file names without extension.
const LISTS: Readonly<Record<string, CodeList>> = {
  "applicant-types": applicantTypes,
  "buyer-legal-types": buyerLegalTypes,
  "change-reasons": changeReasons,
  "contract-natures": contractNatures,
  countries,
  "cpv-divisions": cpvDivisions,
  currencies,
  "document-types": documentTypes,
  "focus-areas": focusAreas,
  "hub-types": hubTypes,
  "innovation-types": innovationTypes,
  instruments,
  languages,
  "main-activities": mainActivities,
  "milestone-types": milestoneTypes,
  "non-award-reasons": nonAwardReasons,
  nuts,
  "procedure-types": procedureTypes,
  status,
  "submission-types": submissionTypes,
};

export const CODE_LIST_NAMES: readonly string[] = Object.freeze([...Object.keys(LISTS), "cpv"]);

/** The code list file `name` (e.g. "countries"), or undefined for an unknown name. */
export function getCodeList(name: string): CodeList | undefined {
  if (name === "cpv") return cpv().list as unknown as CodeList;
  return Object.hasOwn(LISTS, name) ? LISTS[name] : undefined;
}

const COUNTRY_BY_CODE = new Map<string, CountryInfo>(countries.codes.map((c) => [c.code, c as CountryInfo]));
const COUNTRY_BY_NUTS_PREFIX = new Map<string, CountryInfo>(countries.codes.map((c) => [c.nutsPrefix, c as CountryInfo]));

export const COUNTRY_CODES: readonly CountryCode[] = Object.freeze(countries.codes.map((c) => c.code));
export const LANGUAGE_TAGS: readonly LanguageTag[] = Object.freeze(languages.codes.map((l) => l.code as LanguageTag));

export function countryInfo(code: string): CountryInfo | undefined {
  return COUNTRY_BY_CODE.get(code);
}

/** The NUTS prefix a code of `country` must start with (GR → EL), or undefined for a non-EEA code. */
export function nutsPrefixFor(country: string): string | undefined {
  return COUNTRY_BY_CODE.get(country)?.nutsPrefix;
}

/** The ISO country a NUTS code belongs to (EL301 → GR), from its two-letter prefix. */
export function countryOfNuts(code: string): CountryCode | undefined {
  return COUNTRY_BY_NUTS_PREFIX.get(code.slice(0, 2))?.code;
}

const NUTS_CODES = new Set<string>(Object.values(nuts.codesByCountry).flat());
/** The NUTS version the list holds; nodes keep it at node level (domain-model §2.4). */
export const NUTS_VERSION: string = nuts.version;

/** Whether `code` is a current NUTS region of level 1–3 in the EEA (extra-regio codes excluded). */
export function isKnownNuts(code: string): boolean {
  return NUTS_CODES.has(code);
}

const NUTS_NAMES: Readonly<Record<string, string>> = nuts.names;

/**
 * The official name of a NUTS region (FR101 → "Paris"), or undefined for an unknown code. NUTS names are
 * not translated: every reader sees the name in the region's own language, as Eurostat publishes it.
 */
export function nutsName(code: string): string | undefined {
  return Object.hasOwn(NUTS_NAMES, code) ? NUTS_NAMES[code] : undefined;
}

const CPV_DIVISIONS = new Set<string>(cpvDivisions.codes.map((d) => d.division));

/** Whether an 8-digit CPV code lies in one of the 45 CPV 2008 divisions. */
export function isKnownCpvDivision(code: string): boolean {
  return CPV_DIVISIONS.has(code.slice(0, 2));
}

// The full CPV 2008 list (npm run codelists, from the eForms SDK) is read on first use, and its labels
// one language at a time: a node that never shows a CPV label in Maltese never loads them.
const CODELIST_DIR = path.resolve(__dirname, "..", "..", "schemas", "codelists");
const readList = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(CODELIST_DIR, file), "utf8"));
let cpvList: { codes: { code: string; parent?: string }[]; languages: string[] } | undefined;
let cpvCodes: Set<string> | undefined;
const cpvLabels = new Map<string, Record<string, string>>();

function cpv() {
  cpvList ??= readList("cpv.json") as NonNullable<typeof cpvList>;
  cpvCodes ??= new Set(cpvList.codes.map((c) => c.code));
  return { list: cpvList, codes: cpvCodes };
}

/** Whether `code` (8 digits) is a code of the CPV 2008 main vocabulary. */
export function isKnownCpv(code: string): boolean {
  return cpv().codes.has(code);
}

/** Every code of the CPV 2008 main vocabulary, in the list's order. */
export function allCpvCodes(): readonly string[] {
  return cpv().list.codes.map((c) => c.code);
}

/** Every NUTS region of levels 1–3 with its official name. */
export function allNuts(): readonly [string, string][] {
  return Object.entries(NUTS_NAMES).filter(([code]) => NUTS_CODES.has(code));
}

/** The language CPV labels are given in for a reader of `lang`: itself, or English where CPV has none. */
export function cpvLabelLanguage(lang: string): string {
  return cpv().list.languages.includes(lang) ? lang : "en";
}

/** The label of a CPV code in `lang` (English when the list has no such language), or undefined. */
export function cpvLabel(code: string, lang: string): string | undefined {
  const language = cpvLabelLanguage(lang);
  let labels = cpvLabels.get(language);
  if (!labels) {
    labels = (readList(`cpv/${language}.json`) as { labels: Record<string, string> }).labels;
    cpvLabels.set(language, labels);
  }
  return Object.hasOwn(labels, code) ? labels[code] : undefined;
}

/** The CPV labels of one language as served at /schemas/codelists/cpv/{lang}.json, or undefined. */
export function getCpvLabelFile(lang: string): unknown {
  return cpv().list.languages.includes(lang) ? readList(`cpv/${lang}.json`) : undefined;
}

/** Minor units of a currency (ISK 0, the others 2); undefined for a non-EEA currency. */
export function minorUnits(currency: string): number | undefined {
  return currencies.codes.find((c) => c.code === currency)?.minorUnits;
}
