// The multi-valued listing filters a challenge answers to, derived from its canonical document the
// same way for both stores (SQLite facet rows, MongoDB arrays), recomputed on every write.
//
// Hierarchical codes are stored with all their prefixes, so a filter is one equality match:
// CPV 72212100 answers to 72, 722, 7221, 72212, 722121, 7221210 and 72212100 (a query code loses its
// check digit and trailing zeros: 72000000 → 72, every code of division 72); NUTS FR101 to FR1, FR10
// and FR101.
import type { ListingQuery, StoredChallenge } from "../domain/ports";

export type FacetName = "country" | "focusArea" | "cpv" | "nuts" | "language" | "procedureType" | "sme" | "euFunded";

/** Every prefix of an 8-digit CPV code from its division (2 digits) on; [] for anything else. */
export function cpvPrefixes(code: string): string[] {
  const digits = code.split("-")[0]!;
  if (!/^[0-9]{8}$/.test(digits)) return [];
  return Array.from({ length: 7 }, (_, i) => digits.slice(0, i + 2));
}

/** The prefix a CPV filter value stands for: 72000000 and 72000000-5 → "72"; 72212000 → "72212". */
export function cpvFilterKey(code: string): string {
  const digits = code.split("-")[0]!;
  const trimmed = digits.replace(/0+$/, "");
  return trimmed.length >= 2 ? trimmed : digits.slice(0, 2);
}

/** FR101 → FR1, FR10, FR101 (levels 1–3 under the country prefix). */
export function nutsPrefixes(code: string): string[] {
  const c = code.toUpperCase();
  if (!/^[A-Z]{2}[0-9A-Z]{1,3}$/.test(c)) return [];
  return Array.from({ length: c.length - 2 }, (_, i) => c.slice(0, i + 3));
}

export function listingFacets(c: StoredChallenge): Record<FacetName, string[]> {
  const d = c.doc;
  const countries = new Set<string>([c.country.toUpperCase()]);
  const nuts = new Set<string>();
  for (const p of d.placeOfPerformance ?? []) {
    if (p.country) countries.add(p.country.toUpperCase());
    if (p.nuts) for (const n of nutsPrefixes(p.nuts)) nuts.add(n);
  }
  const cpv = new Set<string>();
  for (const code of [d.cpv?.main, ...(d.cpv?.additional ?? [])]) if (code) for (const p of cpvPrefixes(code)) cpv.add(p);
  return {
    country: [...countries],
    focusArea: [...new Set(d.focusAreas ?? [])],
    cpv: [...cpv],
    nuts: [...nuts],
    // The languages the challenge is written in (its title's), which readers filter by.
    language: Object.keys(d.title ?? {}).sort(),
    procedureType: d.procedureType ? [d.procedureType] : [],
    sme: d.smeSuitable ? ["true"] : [],
    euFunded: d.euFunded ? ["true"] : [],
  };
}

/** The facet filters of a query as stored facets match them (codes normalised, CPV by its prefix key), for both stores. */
export function facetFilters(q: ListingQuery): { facet: string; values: string[] }[] {
  const out: { facet: string; values: string[] }[] = [];
  const add = (facet: string, values: readonly string[] | undefined) => {
    if (values?.length) out.push({ facet, values: [...new Set(values)] });
  };
  add("country", q.country?.map((c) => c.toUpperCase()));
  add("focusArea", q.focusArea);
  add("cpv", q.cpv?.map(cpvFilterKey));
  add("nuts", q.nuts?.map((n) => n.toUpperCase()));
  add("language", q.language);
  add("procedureType", q.procedureType);
  if (q.sme) add("sme", ["true"]);
  if (q.euFunded) add("euFunded", ["true"]);
  return out;
}
