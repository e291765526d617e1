// What a challenge row carries beside it for the listing: its facet rows, their share of the kept
// counts (listing_counts, schema migration 11) and its full-text row. One writer for the local
// challenges and the mirror, so that every facet row written is also counted.
//
// The counts of the facet rows written are added by one statement per challenge, not by a trigger per
// facet row: a trigger run per row made batched mirror writes 11 % slower, the statement 6 % (medians
// of six A/B runs of 10,000 documents). Everything else — a status, listed or instrument change, a
// deleted facet row, a deleted challenge — is counted by the triggers of migration 11, whoever writes.
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
      countFacets: db.prepare(`INSERT INTO listing_counts (facet, value, status, n)
        SELECT f.facet, f.value, c.status, 1 FROM challenge_facets f JOIN challenges c ON c.rid = f.rid WHERE f.rid = ? AND c.listed = 1
        ON CONFLICT DO UPDATE SET n = n + 1`),
      deleteFts: db.prepare("DELETE FROM challenges_fts WHERE rowid = ?"),
      insertFts: db.prepare(INSERT_FTS_SQL),
    };
  }

  /** After the challenge row is written (inserted, or updated after clear()). */
  write(rid: number, c: StoredChallenge): void {
    for (const f of facetsOf(c)) this.s.insertFacet.run(f.facet, f.value, rid);
    this.s.countFacets.run(rid);
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
