// How SQLite reads the counts that read every match (node/storage/sqlite/listing-sql.ts): a count that
// filters by a facet value or by words starts from that list of row ids and looks each challenge up by
// its id; without such a list it walks the statuses' listing index. The first is what keeps a filtered
// selection's facet counts from reading every listed challenge (over 100k: country=FR 70 → 34 ms,
// focusArea=health 257 → 152 ms); the second is what a deadline window needs. Asked of SQLite's own
// planner on the real schema.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ListingQuery } from "../../node/domain/ports";
import { openDatabase } from "../../node/storage/sqlite/database";
import { buildListing, type CountSql, type TextFilter } from "../../node/storage/sqlite/listing-sql";

let dir: string;
let db: ReturnType<typeof openDatabase>;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-plan-"));
  db = openDatabase(path.join(dir, "ipn.db"));
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const plan = ({ sql, params }: CountSql) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join("\n");

type Selection = Omit<ListingQuery, "limit">;

function counts(q: Selection, text: TextFilter | null = null): CountSql[] {
  const built = buildListing({ ...q, limit: 20 }, text)!;
  return [built.count, built.facetRowCounts(["language", "sme"]), built.facetCount("instrument"), built.facetCount("status")];
}

it("starts a count filtered by facet values or words from their rows' ids", () => {
  const selections: [Selection, TextFilter | null][] = [
    [{ country: ["FR"], focusArea: ["digital"] }, null],
    [{ focusArea: ["health"], instrument: ["challenge-prize", "ppi"] }, null],
    [{ q: "hospital", country: ["DE"] }, { kind: "set", match: "hospital" }],
    [{ q: "hospital" }, { kind: "rids", rids: [1, 2, 3] }],
  ];
  for (const [q, text] of selections) {
    for (const count of counts(q, text)) {
      if (count.kept) continue;
      const p = plan(count);
      expect({ q, sql: count.sql, plan: p }).toEqual({ q, sql: count.sql, plan: expect.stringMatching(/SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\)/) });
      expect(p).not.toMatch(/challenges_by_(newest|deadline)/);
    }
  }
});

it("walks the statuses' listing index when there is no such list (a deadline window)", () => {
  const p = plan(buildListing({ limit: 20, deadlineTo: "2027-02-01T00:00:00Z" })!.count);
  expect(p).toMatch(/USING (COVERING )?INDEX challenges_by_(deadline|newest)/);
});
