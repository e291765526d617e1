// npm run codelists — regenerates the CPV 2008 and NUTS 2024 code lists (and the labels of countries,
// languages and currencies) from the eForms SDK on Maven Central (eu.europa.ted.eforms:eforms-sdk,
// CC BY 4.0), pinned below, into schemas/codelists/cpv.json and nuts.json (codes, loaded for validation;
// NUTS with the regions' official names) and schemas/codelists/cpv/<lang>.json (CPV labels, one file per
// language, read only when a label in that language is asked for). Needs `mvn` (to fetch the SDK into
// ~/.m2 when it is not there yet) and `unzip`. Reproducible: the same SDK version gives the
// same files byte for byte.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseGenericode } from "./genericode";

const SDK_VERSION = "1.15.1";
const ARTIFACT = `eu.europa.ted.eforms:eforms-sdk:${SDK_VERSION}`;
const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "schemas", "codelists");
// eForms label columns are ISO 639-2/B; the node speaks BCP 47 (ISO 639-1).
const LANGS: Record<string, string> = {
  bul: "bg", ces: "cs", dan: "da", deu: "de", ell: "el", eng: "en", est: "et", fin: "fi", fra: "fr", gle: "ga",
  hrv: "hr", hun: "hu", ita: "it", lav: "lv", lit: "lt", mlt: "mt", nld: "nl", pol: "pl", por: "pt", ron: "ro",
  slk: "sk", slv: "sl", spa: "es", swe: "sv",
};
const LICENCE = {
  licence: "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
  attribution: "Contains data from the eForms SDK, © European Union, Publications Office of the European Union, licensed under CC BY 4.0; codes unchanged, labels selected.",
};
const PROVENANCE = {
  source: `eForms SDK ${SDK_VERSION} (${ARTIFACT}), codelists/cpv.gc: CPV 2008 (Commission Regulation (EC) No 213/2008), main vocabulary`,
  ...LICENCE,
};
const NUTS_PROVENANCE = {
  source: `eForms SDK ${SDK_VERSION} (${ARTIFACT}), codelists/nuts.gc: NUTS 2024 (Commission Delegated Regulation (EU) 2023/674, Eurostat via the EU Vocabularies authority table); levels 1–3 of the EEA countries; extra-regio codes (…Z, …ZZ, …ZZZ) are left out, as no challenge takes place there`,
  ...LICENCE,
};

function sdkJar(): string {
  const jar = path.join(os.homedir(), ".m2", "repository", "eu", "europa", "ted", "eforms", "eforms-sdk", SDK_VERSION, `eforms-sdk-${SDK_VERSION}.jar`);
  if (!fs.existsSync(jar)) execFileSync("mvn", ["-q", "dependency:get", `-Dartifact=${ARTIFACT}`], { stdio: "inherit" });
  return jar;
}

type Row = ReturnType<typeof parseGenericode>[number];

function readCodeList(jar: string, file: string): Row[] {
  const xml = execFileSync("unzip", ["-p", jar, `eforms-sdk/codelists/${file}`], { maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
  return parseGenericode(xml).sort((a, b) => (a.code! < b.code! ? -1 : 1));
}

/** One labels file per language: { code: label } in that language (the SDK's Name where it has none). */
function writeLabels(list: string, rows: Row[], provenance: object): void {
  fs.mkdirSync(path.join(OUT, list), { recursive: true });
  for (const [col, lang] of Object.entries(LANGS)) {
    const labels = Object.fromEntries(rows.map((r) => [r.code!, r[`${col}_label`] ?? r.Name ?? ""]));
    fs.writeFileSync(path.join(OUT, list, `${lang}.json`), `${JSON.stringify({ id: `${list}-labels-${lang}`, language: lang, ...provenance, labels })}\n`);
  }
}

function cpv(jar: string): void {
  const rows = readCodeList(jar, "cpv.gc");
  if (rows.length < 9000) throw new Error(`cpv.gc holds ${rows.length} codes; expected about 9,450`);
  const codes = rows.map((r) => (r.parentCode ? { code: r.code!, parent: r.parentCode } : { code: r.code! }));
  const list = { id: "cpv", title: "CPV 2008 main vocabulary", version: "CPV 2008", ...PROVENANCE, labels: "/schemas/codelists/cpv/{lang}.json", languages: Object.values(LANGS).sort(), codes };
  fs.writeFileSync(path.join(OUT, "cpv.json"), `${JSON.stringify(list)}\n`);
  writeLabels("cpv", rows, PROVENANCE);
  console.log(`wrote ${codes.length} CPV codes and labels in ${Object.keys(LANGS).length} languages to ${path.relative(ROOT, OUT)}`);
}

// NUTS codes start with the country's NUTS prefix (EL for Greece); countries.json maps them to ISO codes.
function nuts(jar: string): void {
  const countries = (JSON.parse(fs.readFileSync(path.join(OUT, "countries.json"), "utf8")) as { codes: { code: string; nutsPrefix: string }[] }).codes;
  const isoByPrefix = new Map(countries.map((c) => [c.nutsPrefix, c.code]));
  const rows = readCodeList(jar, "nuts.gc").filter((r) => {
    const code = r.code!;
    return code.length >= 3 && code.length <= 5 && isoByPrefix.has(code.slice(0, 2)) && !/^[A-Z]{2}Z/.test(code);
  });
  const codesByCountry: Record<string, string[]> = {};
  for (const c of [...countries].sort((a, b) => (a.code < b.code ? -1 : 1))) codesByCountry[c.code] = [];
  for (const r of rows) codesByCountry[isoByPrefix.get(r.code!.slice(0, 2))!]!.push(r.code!);
  if (rows.length < 1400) throw new Error(`nuts.gc holds ${rows.length} EEA regions of levels 1–3; expected about 1,530`);
  // NUTS names are official names in the region's own language(s), not translated: the SDK repeats the
  // same name in every label column. One `names` map therefore serves every reader; should a future SDK
  // translate them, stop here rather than silently keep one language.
  const names: Record<string, string> = {};
  for (const r of rows) {
    const name = r.eng_label ?? r.Name ?? "";
    const other = Object.keys(LANGS).find((col) => (r[`${col}_label`] ?? name) !== name);
    if (other) throw new Error(`NUTS ${r.code} has a ${other} label that differs from its name: write labels per language`);
    names[r.code!] = name;
  }
  const list = { id: "nuts", title: "NUTS regions of the EEA (levels 1-3)", version: "NUTS 2024", ...NUTS_PROVENANCE, codesByCountry, names };
  // One country per line: the file is also read by people reviewing a regeneration's diff.
  const perLine = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(",\n");
  const head = JSON.stringify({ ...list, codesByCountry: undefined, names: undefined }, null, 2).replace(/\n}$/, "");
  fs.writeFileSync(path.join(OUT, "nuts.json"), `${head},\n  "codesByCountry": {\n${perLine(codesByCountry)}\n  },\n  "names": {\n${perLine(names)}\n  }\n}\n`);
  console.log(`wrote ${rows.length} NUTS regions with their names to ${path.relative(ROOT, OUT)}`);
}

// countries, languages and currencies keep what IPN curates (which codes, NUTS prefixes, time zones,
// minor units…); their labels in the 24 languages come from the SDK, matched by the EU authority code.
function relabel(jar: string, file: string, sdkFile: string, sdkCode: (entry: Record<string, unknown>) => string): void {
  const target = path.join(OUT, `${file}.json`);
  const list = JSON.parse(fs.readFileSync(target, "utf8")) as { codes: Record<string, unknown>[] };
  const rows = new Map(readCodeList(jar, sdkFile).map((r) => [r.code!, r]));
  for (const entry of list.codes) {
    const row = rows.get(sdkCode(entry));
    if (!row) {
      // BGN left the SDK when Bulgaria adopted the euro; documents written before may still name it.
      console.log(`${file}: ${String(entry.code)} is no longer in ${sdkFile}; its labels are kept`);
      continue;
    }
    entry.label = Object.fromEntries(Object.entries(LANGS).map(([col, lang]) => [lang, row[`${col}_label`] ?? row.Name ?? ""]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)));
  }
  // Arrays of plain values stay on one line, as in the hand-written files.
  const text = JSON.stringify(list, null, 2).replace(/\[\n\s*((?:"[^"\n]*"|[\d.]+|true|false)(?:,\n\s*(?:"[^"\n]*"|[\d.]+|true|false))*)\n\s*\]/g, (_m, items: string) => `[${items.split(/,\n\s*/).join(", ")}]`);
  fs.writeFileSync(target, `${text}\n`);
  console.log(`relabelled ${list.codes.length} ${file} from ${sdkFile}`);
}

const jar = sdkJar();
cpv(jar);
nuts(jar);
relabel(jar, "countries", "country.gc", (c) => String(c.alpha3));
relabel(jar, "languages", "language.gc", (l) => String(l.euCode));
relabel(jar, "currencies", "currency.gc", (c) => String(c.code));
