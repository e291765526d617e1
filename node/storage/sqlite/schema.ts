// The schema as an append-only list of migrations: migration N brings PRAGMA user_version from N-1
// to N. Never edit a released step; add a new one (later features append their tables here).
import type Database from "better-sqlite3";
import type { Challenge } from "../../domain/types";
import { listingFacets } from "../listing-facets";
import { ftsOf, INSERT_FTS_SQL } from "./fts-row";

type Migration = (db: Database.Database) => void;

/** listing_counts (migration 11) counted again from the rows: the kept counts are these by construction. */
export const RECOUNT_LISTING_SQL = `
    DELETE FROM listing_counts;
    INSERT INTO listing_counts (facet, value, status, n)
      SELECT '*', '*', status, COUNT(*) FROM challenges WHERE listed = 1 GROUP BY status
      UNION ALL SELECT 'status', status, status, COUNT(*) FROM challenges WHERE listed = 1 GROUP BY status
      UNION ALL SELECT 'instrument', instrument, status, COUNT(*) FROM challenges WHERE listed = 1 GROUP BY instrument, status
      UNION ALL SELECT f.facet, f.value, c.status, COUNT(*) FROM challenge_facets f JOIN challenges c ON c.rid = f.rid WHERE c.listed = 1 GROUP BY f.facet, f.value, c.status;`;

/** Sort key for "no deadline": after every real instant (Date's range ends at 8.64e15 ms). */
export const NO_DEADLINE_KEY = 8_640_000_000_000_001;
/** Sort key for "never published": before every real instant. */
export const NO_PUBLISHED_KEY = -8_640_000_000_000_001;

export const MIGRATIONS: readonly Migration[] = [
  // 1: domain repositories, full text, Fedify's KV and queue.
  (db) => db.exec(`
    CREATE TABLE challenges (
      rid           INTEGER PRIMARY KEY,          -- rowid: joins facets and the FTS index
      id            TEXT NOT NULL UNIQUE,
      key           TEXT UNIQUE,                  -- NULL for mirrored challenges
      origin        TEXT NOT NULL,
      country       TEXT NOT NULL,
      version       INTEGER NOT NULL,
      withdrawn_at  TEXT,
      -- derived from doc on every write, for listing and the clock:
      status        TEXT NOT NULL,
      listed        INTEGER NOT NULL,             -- 1 = public: not a draft and not withdrawn
      hub           TEXT NOT NULL,
      instrument    TEXT NOT NULL,
      start_ms      INTEGER,                      -- submissionPeriod.start
      deadline_ms   INTEGER,                      -- submissionPeriod.end
      published_ms  INTEGER,
      deadline_key  INTEGER NOT NULL,             -- deadline_ms, or NO_DEADLINE_KEY (nulls sort last)
      published_key INTEGER NOT NULL,             -- published_ms, or NO_PUBLISHED_KEY
      doc           TEXT NOT NULL                 -- canonical JSON; last, so the small columns
                                                  -- above are read without its overflow pages
    );
    -- No ANALYZE statistics are ever gathered: with them the planner picked skip-scans over the
    -- hub index for plain listings (100x slower); without, it prefers these equality+range plans.
    -- Keyset listing: one ordered index per sort, led by status (the filter every listing has).
    CREATE INDEX challenges_by_deadline ON challenges(status, deadline_key, id) WHERE listed = 1;
    CREATE INDEX challenges_by_newest ON challenges(status, published_key, id) WHERE listed = 1;
    CREATE INDEX challenges_by_hub ON challenges(hub, status, deadline_key, id) WHERE listed = 1;
    CREATE INDEX challenges_by_instrument ON challenges(instrument, status, deadline_key, id) WHERE listed = 1;
    -- The clock's work list: local, not withdrawn.
    CREATE INDEX challenges_due_start ON challenges(status, start_ms) WHERE key IS NOT NULL AND withdrawn_at IS NULL;
    CREATE INDEX challenges_due_end ON challenges(status, deadline_ms) WHERE key IS NOT NULL AND withdrawn_at IS NULL;

    -- Multi-valued listing facets: country (hub ∪ places of performance), focusArea.
    CREATE TABLE challenge_facets (
      facet TEXT NOT NULL,
      value TEXT NOT NULL,
      rid   INTEGER NOT NULL REFERENCES challenges(rid) ON DELETE CASCADE,
      PRIMARY KEY (facet, value, rid)
    ) WITHOUT ROWID;
    CREATE INDEX challenge_facets_by_rid ON challenge_facets(rid);

    -- Full text over every language; rowid = challenges.rid. Contentless: the text lives in doc.
    -- remove_diacritics 2: "Munchen" finds "München", "telesuivi" finds "télésuivi".
    CREATE VIRTUAL TABLE challenges_fts USING fts5(
      title, summary, description, hashtags,
      content = '', contentless_delete = 1,
      tokenize = 'unicode61 remove_diacritics 2'
    );

    -- Transactional outbox: written in the same transaction as the challenge change it announces.
    CREATE TABLE activities (
      seq          INTEGER PRIMARY KEY AUTOINCREMENT,
      id           TEXT NOT NULL UNIQUE,
      type         TEXT NOT NULL,
      actor        TEXT NOT NULL,
      object_id    TEXT NOT NULL,
      revision     INTEGER NOT NULL,
      published    TEXT NOT NULL,
      object       TEXT NOT NULL,
      federated_at TEXT
    );
    CREATE INDEX activities_pending ON activities(seq) WHERE federated_at IS NULL;
    CREATE INDEX activities_by_actor ON activities(actor, seq);

    CREATE TABLE hubs (
      seq        INTEGER PRIMARY KEY AUTOINCREMENT,
      handle     TEXT NOT NULL UNIQUE,
      doc        TEXT NOT NULL,
      token_hash TEXT NOT NULL
    );

    CREATE TABLE followers (
      seq          INTEGER PRIMARY KEY AUTOINCREMENT,  -- paging order; kept on upsert
      hub          TEXT NOT NULL,
      actor_id     TEXT NOT NULL,
      inbox        TEXT NOT NULL,
      shared_inbox TEXT,
      follow_id    TEXT,
      UNIQUE (hub, actor_id)
    );
    CREATE INDEX followers_by_hub ON followers(hub, seq);
    CREATE INDEX followers_by_inbox ON followers(inbox);
    CREATE INDEX followers_by_shared_inbox ON followers(shared_inbox) WHERE shared_inbox IS NOT NULL;

    CREATE TABLE key_pairs (
      owner       TEXT NOT NULL,
      algorithm   TEXT NOT NULL,
      public_key  TEXT NOT NULL,
      private_key TEXT NOT NULL,
      PRIMARY KEY (owner, algorithm)
    ) WITHOUT ROWID;

    CREATE TABLE fedify_kv (
      key     TEXT PRIMARY KEY,   -- JSON.stringify(KvKey)
      value   TEXT NOT NULL,      -- JSON
      expires INTEGER             -- epoch ms, NULL = forever
    ) WITHOUT ROWID;
    CREATE INDEX fedify_kv_expires ON fedify_kv(expires) WHERE expires IS NOT NULL;

    -- Holds outbox messages with private keys (JWK): protect the file like a secret.
    CREATE TABLE fedify_mq (
      seq          INTEGER PRIMARY KEY AUTOINCREMENT,
      message      TEXT NOT NULL,
      ordering_key TEXT,
      deliver_at   INTEGER NOT NULL,
      locked_until INTEGER NOT NULL DEFAULT 0,
      lock_token   TEXT
    );
    CREATE INDEX fedify_mq_due ON fedify_mq(deliver_at, seq);
    CREATE INDEX fedify_mq_ordering ON fedify_mq(ordering_key, seq) WHERE ordering_key IS NOT NULL;
  `),
  // 2: the node-to-node network: allowlisted peers with their sync state, and per-origin mirror reads.
  (db) => db.exec(`
    CREATE TABLE peers (
      origin   TEXT PRIMARY KEY,
      country  TEXT NOT NULL,
      role     TEXT NOT NULL,
      source   TEXT NOT NULL,
      added_at TEXT NOT NULL,
      sync     TEXT NOT NULL            -- JSON of PeerSyncState: read and written whole
    ) WITHOUT ROWID;
    -- Digest, revision list and sync pages: the live challenges of one origin in id order.
    CREATE INDEX challenges_by_origin ON challenges(origin, id) WHERE listed = 1;
  `),
  // 3 (issue 8): separate queue lanes (inbox, outbox, fan-out) in the one table, and each message's
  // place in line per ordering key (a retry keeps its original's place; see mq.ts). Messages queued
  // before the split go to the lane of their Fedify message type.
  (db) => db.exec(`
    ALTER TABLE fedify_mq ADD COLUMN lane TEXT NOT NULL DEFAULT 'outbox';
    ALTER TABLE fedify_mq ADD COLUMN pos INTEGER;
    UPDATE fedify_mq SET pos = seq,
      lane = CASE json_extract(message, '$.type') WHEN 'inbox' THEN 'inbox' WHEN 'fanout' THEN 'fanout' ELSE 'outbox' END;
    DROP INDEX fedify_mq_due;
    DROP INDEX fedify_mq_ordering;
    CREATE INDEX fedify_mq_due ON fedify_mq(lane, deliver_at, seq);
    CREATE INDEX fedify_mq_ordering ON fedify_mq(lane, ordering_key, pos, seq) WHERE ordering_key IS NOT NULL;
  `),
  // 4 (issue 8; after the queue lanes): the aggregator's feed effects, written in the transaction of
  // the mirror change that causes them and relayed in seq order (feed-effects.ts).
  (db) => db.exec(`
    CREATE TABLE feed_effects (
      seq          INTEGER PRIMARY KEY AUTOINCREMENT,
      id           TEXT NOT NULL UNIQUE,
      kind         TEXT NOT NULL,
      challenge_id TEXT NOT NULL,
      revision     INTEGER NOT NULL,
      country      TEXT NOT NULL,
      doc          TEXT,                -- JSON of the challenge as stored (mirror changes)
      activity     TEXT,                -- JSON of the hub-signed activity as received (forwards)
      created_at   TEXT NOT NULL,
      done_at      TEXT
    );
    CREATE INDEX feed_effects_pending ON feed_effects(seq) WHERE done_at IS NULL;
  `),
  // 5 (issue 11): more listing facets (CPV and NUTS with their prefixes, languages, procedure type,
  // SME-suitable, EU-funded), recomputed for every stored challenge from its document.
  (db) => {
    db.exec("DELETE FROM challenge_facets");
    const insert = db.prepare("INSERT OR IGNORE INTO challenge_facets (facet, value, rid) VALUES (?, ?, ?)");
    // Pages of 500 rows (a statement cannot write while another iterates on the same connection).
    const page = db.prepare("SELECT rid, id, key, origin, country, doc, version, withdrawn_at FROM challenges WHERE rid > ? ORDER BY rid LIMIT 500");
    type Row = { rid: number; id: string; key: string | null; origin: string; country: string; doc: string; version: number; withdrawn_at: string | null };
    for (let after = 0, rows = page.all(after) as Row[]; rows.length > 0; after = rows[rows.length - 1]!.rid, rows = page.all(after) as Row[]) {
      for (const r of rows) {
        const facets = listingFacets({ id: r.id, key: r.key, origin: r.origin, country: r.country, doc: JSON.parse(r.doc) as Challenge, version: r.version, withdrawnAt: r.withdrawn_at });
        for (const [facet, values] of Object.entries(facets)) for (const v of values) insert.run(facet, v, r.rid);
      }
    }
  },
  // 6 (issue 12): a challenge's public history in order (its OCDS releases).
  // IF NOT EXISTS: re-running the migrations from an earlier user_version (as the upgrade tests do) must not fail.
  (db) => db.exec("CREATE INDEX IF NOT EXISTS activities_by_object ON activities(object_id, seq)"),
  // Workspace accounts (issue 10): users, one-time links, sessions, the audit log; a hub's own
  // challenges for its editors' dashboard (drafts included).
  (db) => db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      seq       INTEGER PRIMARY KEY,
      id        TEXT NOT NULL UNIQUE,
      email     TEXT NOT NULL UNIQUE,
      doc       TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS invitations (
      token_hash TEXT PRIMARY KEY,
      expires_at TEXT NOT NULL,
      used_at    TEXT,
      doc        TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sessions (
      id_hash      TEXT PRIMARY KEY,
      user_id      TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      doc          TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);
    CREATE INDEX IF NOT EXISTS sessions_by_last_seen ON sessions(last_seen_at);
    CREATE TABLE IF NOT EXISTS audit_log (
      seq      INTEGER PRIMARY KEY,
      at       TEXT NOT NULL,
      actor    TEXT NOT NULL,
      action   TEXT NOT NULL,
      target   TEXT NOT NULL,
      revision INTEGER,
      detail   TEXT
    );
    CREATE INDEX IF NOT EXISTS challenges_local_by_hub ON challenges(hub) WHERE key IS NOT NULL;
  `),
  // 8 (issue 10): drafts to publish at a later time, found by time.
  (db) => db.exec(`
    CREATE TABLE IF NOT EXISTS schedules (
      key        TEXT PRIMARY KEY,
      publish_at TEXT NOT NULL,
      by_actor   TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS schedules_by_time ON schedules(publish_at);
  `),
  // 9 (issue 11): the full-text index learns word forms (fts-row.ts): each text's stems in its own
  // language, the title's apart for ranking. FTS5 cannot add columns, so the table is rebuilt from
  // the stored documents (contentless: the text lives in challenges.doc).
  (db) => {
    db.exec(`
      DROP TABLE IF EXISTS challenges_fts;
      CREATE VIRTUAL TABLE challenges_fts USING fts5(
        title, summary, description, hashtags, title_stems, stems,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2'
      );
    `);
    const insert = db.prepare(INSERT_FTS_SQL);
    // In pages: the connection cannot write while a statement iterates, and 100k documents at once
    // would not fit the memory budget.
    const page = db.prepare("SELECT rid, doc FROM challenges WHERE rid > ? ORDER BY rid LIMIT 500");
    for (let after = 0; ;) {
      const rows = page.all(after) as { rid: number; doc: string }[];
      if (rows.length === 0) break;
      for (const r of rows) insert.run({ rid: r.rid, ...ftsOf(JSON.parse(r.doc) as Challenge) });
      after = rows[rows.length - 1]!.rid;
    }
  },
  // 10 (issue 11): mirrored hub profiles — the hub documents of peers, replaced per origin at every
  // sync (mirrored-hubs.ts).
  (db) => db.exec(`
    CREATE TABLE IF NOT EXISTS mirrored_hubs (
      id        TEXT PRIMARY KEY,   -- the hub's actor IRI on its origin
      origin    TEXT NOT NULL,
      country   TEXT NOT NULL,      -- doc.country and doc.hubType, for the directory's filters
      hub_type  TEXT NOT NULL,
      synced_at TEXT NOT NULL,
      doc       TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS mirrored_hubs_by_origin ON mirrored_hubs(origin);
  `),
  // 11 (issue 13): listed challenges counted per status — in all, per status and instrument, per facet
  // value — kept in the write's own transaction, whoever writes (local, mirror, clock, another process):
  // by triggers, except the facet rows written, which their one writer counted (listing-indexes.ts) until
  // migration 12 gave them a trigger too. The front page's total and facet counts (and a one-value filter's
  // total) are then sums of a few rows instead of a walk over every listed challenge (listing-sql.ts).
  // Re-runnable: an upgrade test may run the migrations again from an earlier version.
  (db) => db.exec(`
    CREATE TABLE IF NOT EXISTS listing_counts (
      facet  TEXT NOT NULL,       -- '*' (every listed challenge), 'status', 'instrument' or a challenge_facets facet
      value  TEXT NOT NULL,
      status TEXT NOT NULL,       -- the counted challenges' status
      n      INTEGER NOT NULL,
      PRIMARY KEY (facet, value, status)
    ) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS listing_counts_insert AFTER INSERT ON challenges WHEN NEW.listed = 1 BEGIN
      INSERT INTO listing_counts (facet, value, status, n)
        SELECT k.facet, k.value, NEW.status, 1 FROM (SELECT '*' AS facet, '*' AS value UNION ALL SELECT 'status', NEW.status UNION ALL SELECT 'instrument', NEW.instrument) k WHERE true
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    -- A status, instrument or listed change moves the challenge's own counts and those of the facet
    -- rows it has at that moment; facet rows written later count themselves (the triggers below).
    CREATE TRIGGER IF NOT EXISTS listing_counts_update AFTER UPDATE OF status, listed, instrument ON challenges
      WHEN OLD.listed IS NOT NEW.listed OR (NEW.listed = 1 AND (OLD.status IS NOT NEW.status OR OLD.instrument IS NOT NEW.instrument)) BEGIN
      UPDATE listing_counts SET n = n - 1
        FROM (SELECT '*' AS facet, '*' AS value UNION ALL SELECT 'status', OLD.status UNION ALL SELECT 'instrument', OLD.instrument
              UNION ALL SELECT facet, value FROM challenge_facets WHERE rid = OLD.rid) k
        WHERE OLD.listed = 1 AND listing_counts.facet = k.facet AND listing_counts.value = k.value AND listing_counts.status = OLD.status;
      INSERT INTO listing_counts (facet, value, status, n)
        SELECT k.facet, k.value, NEW.status, 1
        FROM (SELECT '*' AS facet, '*' AS value UNION ALL SELECT 'status', NEW.status UNION ALL SELECT 'instrument', NEW.instrument
              UNION ALL SELECT facet, value FROM challenge_facets WHERE rid = NEW.rid) k
        WHERE NEW.listed = 1
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    -- Before the row goes: its facet rows are deleted while it still says what they counted (the
    -- cascade would delete them after, when it no longer can).
    CREATE TRIGGER IF NOT EXISTS listing_counts_delete BEFORE DELETE ON challenges BEGIN
      DELETE FROM challenge_facets WHERE rid = OLD.rid;
      UPDATE listing_counts SET n = n - 1
        FROM (SELECT '*' AS facet, '*' AS value UNION ALL SELECT 'status', OLD.status UNION ALL SELECT 'instrument', OLD.instrument) k
        WHERE OLD.listed = 1 AND listing_counts.facet = k.facet AND listing_counts.value = k.value AND listing_counts.status = OLD.status;
    END;
    -- Facet rows written were counted by their writer, one statement per challenge; by a trigger since 12.
    CREATE TRIGGER IF NOT EXISTS listing_counts_facet_delete AFTER DELETE ON challenge_facets BEGIN
      UPDATE listing_counts SET n = n - 1
        WHERE facet = OLD.facet AND value = OLD.value AND status = (SELECT c.status FROM challenges c WHERE c.rid = OLD.rid AND c.listed = 1);
    END;
    ${RECOUNT_LISTING_SQL}
  `),
  // 12 (issue 13): the facet rows written are counted by a trigger too, like every other change of
  // listing_counts. Migration 11 left that to the one writer in this code (listing-indexes.ts), one
  // statement per challenge; a process of an earlier version still running during a rolling update
  // (old and new processes share the file for a while) writes facet rows without it, and each of its
  // edits lost one count per facet value for good. Costs ≈ 5 % more per batched mirror write than the
  // statement (ADR 0017); recounts once, which also repairs what such a process may already have lost.
  (db) => db.exec(`
    CREATE TRIGGER IF NOT EXISTS listing_counts_facet_insert AFTER INSERT ON challenge_facets BEGIN
      INSERT INTO listing_counts (facet, value, status, n)
        SELECT NEW.facet, NEW.value, c.status, 1 FROM challenges c WHERE c.rid = NEW.rid AND c.listed = 1
        ON CONFLICT DO UPDATE SET n = n + 1;
    END;
    ${RECOUNT_LISTING_SQL}
  `),
  // 13 (issue 13, ADR 0020): what the messages of one fan-out share (the signed activity, the sender's
  // keys) is stored once, in fedify_mq_parts, instead of in each message's row; a part is deleted with
  // the last message that names it. Re-runnable: an upgrade test may run the migrations again.
  (db) => {
    const columns = db.prepare("SELECT name FROM pragma_table_info('fedify_mq')").pluck().all();
    if (!columns.includes("part_id")) db.exec("ALTER TABLE fedify_mq ADD COLUMN part_id INTEGER");
    db.exec(`
      -- AUTOINCREMENT: an id is never used again, so a part read by a message is the one it was queued with.
      CREATE TABLE IF NOT EXISTS fedify_mq_parts (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS fedify_mq_part ON fedify_mq(part_id) WHERE part_id IS NOT NULL;
    `);
  },
];
