// npm run codelists — regenerates the CPV 2008 code list from the eForms SDK on Maven Central
// (eu.europa.ted.eforms:eforms-sdk, CC BY 4.0), pinned below, into schemas/codelists/cpv.json (codes
// and parents, loaded for validation) and schemas/codelists/cpv/<lang>.json (labels, one file per
// language, read only when a label in that language is asked for). Needs `mvn` (to fetch the SDK
// into ~/.m2 when it is not there yet) and `unzip`. Reproducible: the same SDK version gives the
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
const PROVENANCE = {
  source: `eForms SDK ${SDK_VERSION} (${ARTIFACT}), codelists/cpv.gc: CPV 2008 (Commission Regulation (EC) No 213/2008), main vocabulary`,
  licence: "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)",
  attribution: "Contains data from the eForms SDK, © European Union, Publications Office of the European Union, licensed under CC BY 4.0; codes unchanged, labels selected.",
};

function sdkJar(): string {
  const jar = path.join(os.homedir(), ".m2", "repository", "eu", "europa", "ted", "eforms", "eforms-sdk", SDK_VERSION, `eforms-sdk-${SDK_VERSION}.jar`);
  if (!fs.existsSync(jar)) execFileSync("mvn", ["-q", "dependency:get", `-Dartifact=${ARTIFACT}`], { stdio: "inherit" });
  return jar;
}

function main(): void {
  const xml = execFileSync("unzip", ["-p", sdkJar(), "eforms-sdk/codelists/cpv.gc"], { maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
  const rows = parseGenericode(xml).sort((a, b) => (a.code! < b.code! ? -1 : 1));
  if (rows.length < 9000) throw new Error(`cpv.gc holds ${rows.length} codes; expected about 9,450`);
  const codes = rows.map((r) => (r.parentCode ? { code: r.code!, parent: r.parentCode } : { code: r.code! }));
  const list = { id: "cpv", title: "CPV 2008 main vocabulary", version: "CPV 2008", ...PROVENANCE, labels: "/schemas/codelists/cpv/{lang}.json", languages: Object.values(LANGS).sort(), codes };
  fs.writeFileSync(path.join(OUT, "cpv.json"), `${JSON.stringify(list)}\n`);
  fs.mkdirSync(path.join(OUT, "cpv"), { recursive: true });
  for (const [col, lang] of Object.entries(LANGS)) {
    const labels = Object.fromEntries(rows.map((r) => [r.code!, r[`${col}_label`] ?? r.Name ?? ""]));
    fs.writeFileSync(path.join(OUT, "cpv", `${lang}.json`), `${JSON.stringify({ id: `cpv-labels-${lang}`, language: lang, ...PROVENANCE, labels })}\n`);
  }
  console.log(`wrote ${codes.length} CPV codes and labels in ${Object.keys(LANGS).length} languages to ${path.relative(ROOT, OUT)}`);
}

main();
