// What a challenge row carries beside it for the listing: its facet rows and its full-text row. One
// writer for the local challenges and the mirror. The kept listing counts follow these rows by
// triggers (schema migrations 11 and 12), whoever writes them.
import type { StoredChallenge } from "../../domain/ports";
import { facetsOf } from "./challenge-rows";
import type { Db } from "./database";
import { ftsOf, INSERT_FTS_SQL } from "./fts-row";

export class ListingIndexes {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      deleteFacets: db.prepare("DELETE FROM challenge_facets WHERE rid = ?"),
      insertFacet: db.prepare("INSERT OR IGNORE INTO challenge_facets (facet, value, rid) VALUES (?, ?, ?)"),
      deleteFts: db.prepare("DELETE FROM challenges_fts WHERE rowid = ?"),
      insertFts: db.prepare(INSERT_FTS_SQL),
    };
  }

  /** After the challenge row is written (inserted, or updated after clear()). */
  write(rid: number, c: StoredChallenge): void {
    for (const f of facetsOf(c)) this.s.insertFacet.run(f.facet, f.value, rid);
    this.s.insertFts.run({ rid, ...ftsOf(c.doc) });
  }

  /** Before write() again; the facet rows' counts go with them (trigger). */
  clear(rid: number): void {
    this.s.deleteFacets.run(rid);
    this.s.deleteFts.run(rid);
  }

  /** Before the challenge row is deleted: contentless FTS rows are not covered by any cascade. */
  deleteText(rid: number): void {
    this.s.deleteFts.run(rid);
  }
}
