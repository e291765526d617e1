// A reader for OASIS Genericode 1.0 code lists as the eForms SDK writes them: one <Row> per code, one
// <Value ColumnRef="…"><SimpleValue>…</SimpleValue></Value> per filled column. The SDK's files are
// machine-written and regular, so a pattern reader suffices and keeps the generator dependency-free.

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m));
}

/** The rows of a Genericode document, each as column id → value. */
export function parseGenericode(xml: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const row of xml.matchAll(/<Row>([\s\S]*?)<\/Row>/g)) {
    const values: Record<string, string> = {};
    for (const v of row[1]!.matchAll(/<Value ColumnRef="([^"]+)">\s*<SimpleValue>([\s\S]*?)<\/SimpleValue>\s*<\/Value>/g)) values[v[1]!] = decode(v[2]!.trim());
    rows.push(values);
  }
  return rows;
}
