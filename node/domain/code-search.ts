// Finding a CPV or NUTS code by what an officer types: the start of a code ("7226", "FR10") or words
// of its label in any order, accents and case ignored ("logiciel", "munchen" finds "München").
// Broader codes rank first, so "software" offers the software division before its 40 sub-codes.
import { allCpvCodes, allNuts, cpvLabel } from "./codelists";

export interface FoundCode { code: string; label: string }

/** Lower case without diacritics, for matching what people type against official labels. */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** How specific a code is: CPV 72000000 is 2, 72260000 is 4; NUTS FR1 is 3, FR101 is 5. */
const depthOf = (list: "cpv" | "nuts", code: string) => (list === "cpv" ? code.replace(/0+$/, "").length : code.length);

export function searchCodes(list: "cpv" | "nuts", query: string, lang: string, limit = 20): FoundCode[] {
  const q = fold(query.trim()).slice(0, 100);
  if (q === "") return [];
  const entries: [string, string][] = list === "cpv" ? allCpvCodes().map((c) => [c, cpvLabel(c, lang) ?? ""]) : [...allNuts()];
  const byCode = q.toUpperCase();
  const words = q.split(/\s+/).filter(Boolean);
  const found = entries.filter(([code, label]) => {
    if (code.startsWith(byCode)) return true;
    const l = fold(label);
    return words.every((w) => l.includes(w));
  });
  // Labels that begin with the first word, then whole-word matches, then partial ones; within each,
  // broader codes first, then code order.
  const wordStart = new RegExp(`(^|[^\\p{L}])${words[0]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "u");
  const rank = new Map(found.map(([code, label]) => [code, (fold(label).startsWith(words[0]!) ? 0 : wordStart.test(fold(label)) ? 50 : 100) + depthOf(list, code)]));
  found.sort(([a], [b]) => rank.get(a)! - rank.get(b)! || a.localeCompare(b));
  return found.slice(0, limit).map(([code, label]) => ({ code, label }));
}
