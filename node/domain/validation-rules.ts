// Cross-field rules that JSON Schema cannot express (domain-model §3.7). They read the document as
// `unknown` and skip whatever has the wrong shape, so they are safe to run on a document that
// failed the schema; the schema reports the shape problems.

import { countryOfNuts, isKnownCpv, isKnownCpvDivision, isKnownNuts, nutsPrefixFor } from "./codelists";
import type { FieldError } from "./errors";
import { escapePointerSegment as esc, SCHEMAS } from "./validation-schema";

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

// ---------------------------------------------------------------------------------------------
// Where in a document the shared definitions occur, derived from the schema itself so a new
// language-map field is covered without touching this file.

type PathPattern = readonly string[]; // property names, "*" = every array entry

function findDefUses(root: Json, defs: Json, wanted: ReadonlySet<string>): Map<string, PathPattern[]> {
  const found = new Map<string, PathPattern[]>();
  const walk = (node: unknown, path: string[], via: ReadonlySet<string>) => {
    if (!isObj(node)) return;
    const ref = str(node.$ref);
    const def = ref?.match(/#\/\$defs\/([A-Za-z0-9]+)$/)?.[1];
    if (def !== undefined) {
      if (wanted.has(def)) {
        const list = found.get(def) ?? [];
        list.push([...path]);
        found.set(def, list);
      }
      // a wanted definition may hold others (an OrganizationRef has a name map)
      if (!via.has(def)) walk(defs[def], path, new Set([...via, def]));
    }
    if (isObj(node.properties)) for (const [k, v] of Object.entries(node.properties)) walk(v, [...path, k], via);
    if (node.items !== undefined) walk(node.items, [...path, "*"], via);
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(node[key])) for (const s of node[key]) walk(s, path, via);
    if (node.then !== undefined) walk(node.then, path, via);
  };
  walk(root, [], new Set());
  return found;
}

function* expand(doc: unknown, pattern: PathPattern, i = 0, pointer = ""): Generator<[string, unknown]> {
  if (i === pattern.length) {
    yield [pointer, doc];
    return;
  }
  const seg = pattern[i]!;
  if (seg === "*") {
    if (Array.isArray(doc)) for (let n = 0; n < doc.length; n++) yield* expand(doc[n], pattern, i + 1, `${pointer}/${n}`);
  } else if (isObj(doc) && doc[seg] !== undefined) {
    yield* expand(doc[seg], pattern, i + 1, `${pointer}/${esc(seg)}`);
  }
}

const WANTED = new Set(["LanguageMap", "Location", "OrganizationRef"]);
const commonDefs = (SCHEMAS.common as { $defs: Json }).$defs;
let usesCache: Record<"challenge" | "hub", Map<string, PathPattern[]>> | undefined;
function uses(kind: "challenge" | "hub"): Map<string, PathPattern[]> {
  usesCache ??= {
    challenge: findDefUses(SCHEMAS.challenge, commonDefs, WANTED),
    hub: findDefUses(SCHEMAS.hub, commonDefs, WANTED),
  };
  return usesCache[kind];
}

/** Every language map present in the document, with its JSON Pointer. */
export function languageMaps(kind: "challenge" | "hub", doc: unknown): [string, Json][] {
  const out: [string, Json][] = [];
  for (const pattern of uses(kind).get("LanguageMap") ?? []) {
    for (const [ptr, v] of expand(doc, pattern)) if (isObj(v)) out.push([ptr, v]);
  }
  return out;
}

function places(kind: "challenge" | "hub", doc: unknown): [string, Json][] {
  const out: [string, Json][] = [];
  for (const def of ["Location", "OrganizationRef"]) {
    for (const pattern of uses(kind).get(def) ?? []) for (const [ptr, v] of expand(doc, pattern)) if (isObj(v)) out.push([ptr, v]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Individual rules

function checkDefaultLanguage(kind: "challenge" | "hub", doc: Json, errors: FieldError[]): void {
  const lang = str(doc.defaultLanguage);
  if (!lang) return;
  for (const [ptr, map] of languageMaps(kind, doc)) {
    if (!(lang in map)) errors.push({ pointer: ptr, message: `must contain the default language "${lang}"` });
  }
}

/** Checks a NUTS code's list membership and that it belongs to `country` (GR ↔ EL). */
function checkNuts(pointer: string, nuts: string, country: string | undefined, errors: FieldError[]): void {
  const prefix = country ? nutsPrefixFor(country) : undefined;
  if (prefix && !nuts.startsWith(prefix)) {
    const hint = country === "GR" ? ' (Greek NUTS codes start with "EL")' : "";
    errors.push({ pointer, message: `must be a NUTS region of ${country}: start with "${prefix}"${hint}` });
    return;
  }
  if (countryOfNuts(nuts) && !isKnownNuts(nuts)) {
    errors.push({ pointer, message: "is not a current NUTS region of level 1–3 (NUTS 2024)" });
  }
}

function checkPlaces(kind: "challenge" | "hub", doc: Json, errors: FieldError[]): void {
  for (const [ptr, place] of places(kind, doc)) {
    const nuts = str(place.nuts);
    if (nuts) checkNuts(`${ptr}/nuts`, nuts, str(place.country), errors);
  }
}

// Only RFC 3339 values with an offset are compared: Date.parse would read one without an offset
// as local time of this server, and the schema already reports it.
const instant = (v: unknown): number | undefined => {
  const s = str(v);
  if (!s || !/^\d{4}-\d{2}-\d{2}T[\s\S]*(Z|[+-]\d{2}:\d{2})$/i.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
// Calendar dates compare as strings once they match YYYY-MM-DD.
const day = (v: unknown): string | undefined => {
  const s = str(v);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
};

function checkChallengeDates(doc: Json, errors: FieldError[]): void {
  const sub = isObj(doc.submissionPeriod) ? doc.submissionPeriod : undefined;
  const subStart = instant(sub?.start);
  const subEnd = instant(sub?.end);
  if (subStart !== undefined && subEnd !== undefined && !(subStart < subEnd)) {
    errors.push({ pointer: "/submissionPeriod/end", message: "must be after submissionPeriod.start" });
  }
  const enq = isObj(doc.enquiryPeriod) ? doc.enquiryPeriod : undefined;
  const enqStart = instant(enq?.start);
  const enqEnd = instant(enq?.end);
  if (enqStart !== undefined && enqEnd !== undefined && !(enqStart < enqEnd)) {
    errors.push({ pointer: "/enquiryPeriod/end", message: "must be after enquiryPeriod.start" });
  }
  if (enqEnd !== undefined && subEnd !== undefined && enqEnd > subEnd) {
    errors.push({ pointer: "/enquiryPeriod/end", message: "must not be after the submission deadline (submissionPeriod.end)" });
  }
  const cp = isObj(doc.contractPeriod) ? doc.contractPeriod : undefined;
  const cpStart = day(cp?.startDate);
  const cpEnd = day(cp?.endDate);
  if (cpStart && cpEnd && cpEnd < cpStart) {
    errors.push({ pointer: "/contractPeriod/endDate", message: "must not be before contractPeriod.startDate" });
  }
  if (Array.isArray(doc.milestones)) {
    doc.milestones.forEach((m, i) => {
      if (!isObj(m)) return;
      const from = instant(m.dateTime);
      const to = instant(m.endTime);
      if (from !== undefined && to !== undefined && to < from) {
        errors.push({ pointer: `/milestones/${i}/endTime`, message: "must not be before dateTime" });
      }
    });
  }
  if (Array.isArray(doc.phases)) {
    const ids = new Map<string, number>();
    doc.phases.forEach((ph, i) => {
      if (!isObj(ph)) return;
      const from = day(ph.startDate);
      const to = day(ph.endDate);
      if (from && to && to < from) errors.push({ pointer: `/phases/${i}/endDate`, message: "must not be before startDate" });
      const id = str(ph.id);
      if (id !== undefined) {
        const first = ids.get(id);
        if (first !== undefined) errors.push({ pointer: `/phases/${i}/id`, message: `is already used by phase ${first}` });
        else ids.set(id, i);
      }
    });
  }
  const published = instant(doc.published);
  const updated = instant(doc.updated);
  if (published !== undefined && updated !== undefined && updated < published) {
    errors.push({ pointer: "/updated", message: "must not be before published" });
  }
}

function checkPrizes(doc: Json, errors: FieldError[]): void {
  if (!Array.isArray(doc.prizes)) return;
  const ranks = new Map<number, number>();
  doc.prizes.forEach((p, i) => {
    if (!isObj(p) || typeof p.rank !== "number") return;
    const first = ranks.get(p.rank);
    if (first !== undefined) errors.push({ pointer: `/prizes/${i}/rank`, message: `rank ${p.rank} is already given to prize ${first}` });
    else ranks.set(p.rank, i);
  });
}

/**
 * changeLog: optional (a node may trim history, imports may lack it), but when present its
 * revisions increase strictly and the last one is the document's `revision`. A first revision
 * has no changes, so revision 1 with entries is an error too (the entries are all ≥ 2).
 */
function checkChangeLog(doc: Json, errors: FieldError[]): void {
  if (!Array.isArray(doc.changeLog) || doc.changeLog.length === 0) return;
  let previous = -Infinity;
  let last: { index: number; revision: number } | undefined;
  doc.changeLog.forEach((c, i) => {
    if (!isObj(c) || typeof c.revision !== "number") return;
    if (c.revision <= previous) {
      errors.push({ pointer: `/changeLog/${i}/revision`, message: `must be greater than the revision of the entry before (${previous})` });
    }
    previous = c.revision;
    last = { index: i, revision: c.revision };
  });
  const revision = doc.revision;
  if (last && typeof revision === "number" && last.revision !== revision) {
    errors.push({
      pointer: `/changeLog/${last.index}/revision`,
      message: revision === 1
        ? "a document at revision 1 has no changes yet; changeLog must be empty"
        : `the last change must carry the document revision (${revision})`,
    });
  }
}

function checkCpv(doc: Json, errors: FieldError[]): void {
  if (!isObj(doc.cpv)) return;
  const check = (pointer: string, v: unknown) => {
    const code = str(v);
    if (code && /^[0-9]{8}$/.test(code) && !isKnownCpv(code)) {
      errors.push({ pointer, message: isKnownCpvDivision(code)
        ? `is not a code of the CPV 2008 main vocabulary (see /schemas/codelists/cpv.json)`
        : `is not a CPV 2008 code (no division ${code.slice(0, 2)})` });
    }
  };
  check("/cpv/main", doc.cpv.main);
  if (Array.isArray(doc.cpv.additional)) doc.cpv.additional.forEach((c, i) => { check(`/cpv/additional/${i}`, c); });
}

// ---------------------------------------------------------------------------------------------
// Entry points

export function challengeRuleErrors(doc: unknown): FieldError[] {
  if (!isObj(doc)) return [];
  const errors: FieldError[] = [];
  checkDefaultLanguage("challenge", doc, errors);
  checkChallengeDates(doc, errors);
  checkPlaces("challenge", doc, errors);
  checkPrizes(doc, errors);
  checkChangeLog(doc, errors);
  checkCpv(doc, errors);
  return errors;
}

export function hubRuleErrors(doc: unknown): FieldError[] {
  if (!isObj(doc)) return [];
  const errors: FieldError[] = [];
  const languages = Array.isArray(doc.languages) ? doc.languages.filter((l): l is string => typeof l === "string") : undefined;
  const lang = str(doc.defaultLanguage);
  if (lang && languages && !languages.includes(lang)) {
    errors.push({ pointer: "/defaultLanguage", message: `must be one of the hub's languages (${languages.join(", ")})` });
  }
  checkDefaultLanguage("hub", doc, errors);
  if (languages) {
    for (const [ptr, map] of languageMaps("hub", doc)) {
      for (const key of Object.keys(map)) {
        if (!languages.includes(key)) {
          errors.push({ pointer: `${ptr}/${esc(key)}`, message: `is not one of the hub's languages (${languages.join(", ")})` });
        }
      }
    }
  }
  const country = str(doc.country);
  if (Array.isArray(doc.nuts)) doc.nuts.forEach((n, i) => {
    if (typeof n === "string") checkNuts(`/nuts/${i}`, n, country, errors);
  });
  if (isObj(doc.address) && country && str(doc.address.country) && doc.address.country !== country) {
    errors.push({ pointer: "/address/country", message: `must be the hub's country (${country})` });
  }
  checkPlaces("hub", doc, errors);
  const published = instant(doc.published);
  const updated = instant(doc.updated);
  if (published !== undefined && updated !== undefined && updated < published) {
    errors.push({ pointer: "/updated", message: "must not be before published" });
  }
  return errors;
}
