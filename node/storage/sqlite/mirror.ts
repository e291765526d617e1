// MirrorRepository on SQLite: mirrored challenges live in the challenges table (key NULL, origin =
// the peer), so the listing, facets and full text serve them like local ones. A batch of writes is
// one immediate transaction (backfill pages: one commit per page, not per document).
//
// changeStamp() reads a counter that triggers on the challenges table bump on every insert, update
// and delete, whoever writes (local challenges, the mirror, the clock, another process on the same
// file): the sync digest is cached against it. The triggers are created here with IF NOT EXISTS,
// idempotently at every open, rather than as a numbered migration, so that they are also present in
// databases whose schema version other branches advance.
import type { Challenge } from "../../domain/types";
import type { MirrorEffectPlanner, MirrorOutcome, MirrorRepository, MirrorWrite, RevisionEntry, StoredChallenge } from "../../domain/ports";
import { CHALLENGE_COLUMNS, fromRow, toParams, type ChallengeRow } from "./challenge-rows";
import { ListingIndexes } from "./listing-indexes";
import type { Db } from "./database";
import { insertFeedEffect } from "./feed-effects";

interface Held { rid: number; key: string | null; origin: string; version: number; withdrawn_at: string | null; revision: number }

export class SqliteMirrorRepository implements MirrorRepository {
  private readonly s;
  private readonly indexes: ListingIndexes;

  constructor(private readonly db: Db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS challenge_change_stamp (one INTEGER PRIMARY KEY CHECK (one = 1), n INTEGER NOT NULL);
      INSERT OR IGNORE INTO challenge_change_stamp (one, n) VALUES (1, 0);
      CREATE TRIGGER IF NOT EXISTS challenges_stamp_insert AFTER INSERT ON challenges BEGIN UPDATE challenge_change_stamp SET n = n + 1; END;
      CREATE TRIGGER IF NOT EXISTS challenges_stamp_update AFTER UPDATE ON challenges BEGIN UPDATE challenge_change_stamp SET n = n + 1; END;
      CREATE TRIGGER IF NOT EXISTS challenges_stamp_delete AFTER DELETE ON challenges BEGIN UPDATE challenge_change_stamp SET n = n + 1; END;
    `);
    this.indexes = new ListingIndexes(db);
    this.s = {
      held: db.prepare("SELECT rid, key, origin, version, withdrawn_at, json_extract(doc, '$.revision') AS revision FROM challenges WHERE id = ?"),
      insert: db.prepare(`INSERT INTO challenges (id, key, origin, country, doc, version, withdrawn_at, status, listed, hub,
          instrument, start_ms, deadline_ms, published_ms, deadline_key, published_key)
        VALUES (@id, @key, @origin, @country, @doc, @version, @withdrawn_at, @status, @listed, @hub,
          @instrument, @start_ms, @deadline_ms, @published_ms, @deadline_key, @published_key)`),
      update: db.prepare(`UPDATE challenges SET country = @country, doc = @doc, version = @version, withdrawn_at = @withdrawn_at,
          status = @status, listed = @listed, hub = @hub, instrument = @instrument, start_ms = @start_ms, deadline_ms = @deadline_ms,
          published_ms = @published_ms, deadline_key = @deadline_key, published_key = @published_key
        WHERE rid = @rid`),
      withdraw: db.prepare("UPDATE challenges SET withdrawn_at = @at, listed = 0, version = version + 1 WHERE id = @id AND origin = @origin AND key IS NULL AND withdrawn_at IS NULL RETURNING rid"),
      byRid: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.rid = ?`),
      revisions: db.prepare("SELECT id, json_extract(doc, '$.revision') AS revision FROM challenges WHERE origin = ? AND listed = 1 ORDER BY id"),
      revisionsFirst: db.prepare("SELECT id, json_extract(doc, '$.revision') AS revision FROM challenges WHERE origin = ? AND listed = 1 ORDER BY id LIMIT ?"),
      revisionsAfter: db.prepare("SELECT id, json_extract(doc, '$.revision') AS revision FROM challenges WHERE origin = ? AND listed = 1 AND id > ? ORDER BY id LIMIT ?"),
      stamp: db.prepare("SELECT n FROM challenge_change_stamp WHERE one = 1").pluck(),
      pageFirst: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.origin = ? AND c.listed = 1 ORDER BY c.id LIMIT ?`),
      pageAfter: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.origin = ? AND c.listed = 1 AND c.id > ? ORDER BY c.id LIMIT ?`),
      originRids: db.prepare("SELECT rid FROM challenges WHERE origin = ? AND key IS NULL"),
      deleteRid: db.prepare("DELETE FROM challenges WHERE rid = ?"),
    };
  }

  async upsertMany(writes: MirrorWrite[], effects?: MirrorEffectPlanner): Promise<MirrorOutcome[]> {
    // The batch's full-text rows are written after its other rows: one FTS5 segment a batch (listing-indexes.ts).
    return this.db.transaction(() => this.indexes.batched(() => writes.map((w) => {
      const outcome = this.upsertOne(w);
      // The feed effect of a stored change commits with it (issue 8: no boost lost on a crash).
      if (effects && (outcome === "created" || outcome === "updated")) {
        const effect = effects(outcome, { id: w.doc.id, key: null, origin: w.origin, country: w.country, doc: w.doc, version: 0, withdrawnAt: null });
        if (effect) insertFeedEffect(this.db, effect);
      }
      return outcome;
    }))).immediate();
  }

  private upsertOne(w: MirrorWrite): MirrorOutcome {
    const held = this.s.held.get(w.doc.id) as Held | undefined;
    const next = (version: number): StoredChallenge => ({ id: w.doc.id, key: null, origin: w.origin, country: w.country, doc: w.doc, version, withdrawnAt: null });
    if (!held) {
      const rid = Number(this.s.insert.run(toParams(next(1))).lastInsertRowid);
      this.indexes.write(rid, next(1));
      return "created";
    }
    if (held.key !== null || held.origin !== w.origin) return "conflict";
    // Withdrawn here, yet its origin serves it: a Delete its origin contradicts, or a withdrawal undone.
    if (held.withdrawn_at !== null ? held.revision > w.doc.revision : held.revision >= w.doc.revision) return "stale";
    const stored = next(held.version + 1);
    this.s.update.run({ ...toParams(stored), rid: held.rid });
    this.indexes.clear(held.rid);
    this.indexes.write(held.rid, stored);
    return held.withdrawn_at !== null ? "restored" : "updated";
  }

  async withdraw(origin: string, ids: string[], at: string, effects?: MirrorEffectPlanner): Promise<StoredChallenge[]> {
    return this.db.transaction(() => {
      const done: StoredChallenge[] = [];
      for (const id of ids) {
        const row = this.s.withdraw.get({ id, origin, at }) as { rid: number } | undefined;
        if (!row) continue;
        const stored = fromRow(this.s.byRid.get(row.rid) as ChallengeRow);
        done.push(stored);
        const effect = effects?.("withdrawn", stored);
        if (effect) insertFeedEffect(this.db, effect);
      }
      return done;
    }).immediate();
  }

  async revisions(origin: string): Promise<RevisionEntry[]> {
    return this.s.revisions.all(origin) as RevisionEntry[];
  }

  async revisionPage(origin: string, afterId: string | null, limit: number): Promise<RevisionEntry[]> {
    const n = Math.max(1, Math.trunc(limit));
    return (afterId === null ? this.s.revisionsFirst.all(origin, n) : this.s.revisionsAfter.all(origin, afterId, n)) as RevisionEntry[];
  }

  async changeStamp(): Promise<string> {
    return String(this.s.stamp.get());
  }

  async page(origin: string, afterId: string | null, limit: number): Promise<StoredChallenge[]> {
    const n = Math.max(1, Math.trunc(limit));
    const rows = (afterId === null ? this.s.pageFirst.all(origin, n) : this.s.pageAfter.all(origin, afterId, n)) as ChallengeRow[];
    return rows.map(fromRow);
  }

  async removeOrigin(origin: string): Promise<number> {
    // The full-text deletes go last, together, as a batch's writes do (listing-indexes.ts).
    return this.db.transaction(() => this.indexes.batched(() => {
      const rids = (this.s.originRids.all(origin) as { rid: number }[]).map((r) => r.rid);
      for (const rid of rids) {
        this.indexes.deleteText(rid);
        this.s.deleteRid.run(rid);
      }
      return rids.length;
    })).immediate();
  }

}
