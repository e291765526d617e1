// ChallengeRepository on SQLite. A write touches the challenge row, its facets, its full-text row
// and (when given) the outbox activity in ONE immediate transaction: all of it is stored, or none.
import type { Statement } from "better-sqlite3";
import {
  DuplicateError, type ActivityRecord, type ChallengeRepository, type ListingPage, type ListingQuery, type StoredChallenge,
} from "../../domain/ports";
import { activityParams, CHALLENGE_COLUMNS, fromRow, toParams, type ChallengeRow } from "./challenge-rows";
import { ListingIndexes } from "./listing-indexes";
import { isUniqueViolation, type Db } from "./database";
import { byLatestUpdate } from "../by-latest-update";
import { toFtsMatch, toFtsProbes } from "./fts-query";
import { buildListing, type CountSql, FACET_COLUMNS, FEW_TEXT_MATCHES, type TextFilter } from "./listing-sql";
import { facetFilters } from "../listing-facets";
import { listingPage } from "../cursor";
import { listingSortOf, RANK_AT_MOST } from "../../domain/listing-sort";
import { CountCache } from "./count-cache";
import type { BackgroundReader } from "./background-reader";
import { FACET_MAX_STALE_MS, type FacetCounts, type ListingFacet, withoutFacet } from "../../domain/listing-facets";

const STATEMENT_CACHE_SIZE = 256;

export class SqliteChallengeRepository implements ChallengeRepository {
  private readonly listingStatements = new Map<string, Statement<(string | number)[]>>();
  private readonly counts: CountCache;
  private readonly indexes: ListingIndexes;
  private readonly s;

  /** `reader`: where the counts that read every match run (background-reader.ts); null: here. */
  constructor(private readonly db: Db, private readonly reader: BackgroundReader | null = null) {
    this.counts = new CountCache(db);
    this.indexes = new ListingIndexes(db);
    this.s = {
      insert: db.prepare(`INSERT INTO challenges (id, key, origin, country, doc, version, withdrawn_at, status, listed, hub,
          instrument, start_ms, deadline_ms, published_ms, deadline_key, published_key)
        VALUES (@id, @key, @origin, @country, @doc, @version, @withdrawn_at, @status, @listed, @hub,
          @instrument, @start_ms, @deadline_ms, @published_ms, @deadline_key, @published_key)`),
      update: db.prepare(`UPDATE challenges SET origin = @origin, country = @country, doc = @doc, version = @version,
          withdrawn_at = @withdrawn_at, status = @status, listed = @listed, hub = @hub, instrument = @instrument,
          start_ms = @start_ms, deadline_ms = @deadline_ms, published_ms = @published_ms,
          deadline_key = @deadline_key, published_key = @published_key
        WHERE id = @id AND version = @expected RETURNING rid`),
      insertActivity: db.prepare(`INSERT INTO activities (id, type, actor, object_id, revision, published, object, federated_at)
        VALUES (@id, @type, @actor, @object_id, @revision, @published, @object, @federated_at)`),
      byId: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.id = ?`),
      byKey: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.key = ?`),
      byKeys: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.key IN (SELECT value FROM json_each(?))`),
      // Two index range scans (challenges_due_start / challenges_due_end), OR-ed.
      due: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c
        WHERE c.key IS NOT NULL AND c.withdrawn_at IS NULL
          AND ((c.status = 'forthcoming' AND c.start_ms <= @now) OR (c.status = 'open' AND c.deadline_ms <= @now))
        LIMIT @limit`),
      // How many matches, up to a bound: counted inside SQLite, no row handed to JavaScript (a common word
      // over 20,000 challenges: 0.55 ms against 2.7 for its 5,001 rows read as objects).
      ftsCountUpTo: db.prepare("SELECT count(*) FROM (SELECT 1 FROM challenges_fts WHERE challenges_fts MATCH ? LIMIT ?)").pluck(),
      ftsRids: db.prepare("SELECT rowid FROM challenges_fts WHERE challenges_fts MATCH ? LIMIT ?").pluck(),
      byHub: db.prepare(`SELECT ${CHALLENGE_COLUMNS} FROM challenges c WHERE c.hub = ? AND c.key IS NOT NULL`),
      countByHub: db.prepare(`SELECT COUNT(*) AS n FROM challenges c
        WHERE c.hub = ? AND c.listed = 1 AND c.key IS NOT NULL`),
    };
  }

  async insert(challenge: StoredChallenge, activity: ActivityRecord | null): Promise<void> {
    this.db.transaction(() => {
      let rid: number;
      try {
        rid = Number(this.s.insert.run(toParams(challenge)).lastInsertRowid);
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateError(`challenge ${challenge.key ?? challenge.id}`);
        throw err;
      }
      this.indexes.write(rid, challenge);
      if (activity) this.appendActivity(activity);
    }).immediate();
  }

  async update(challenge: StoredChallenge, expectedVersion: number, activity: ActivityRecord | null): Promise<boolean> {
    return this.db.transaction(() => {
      const row = this.s.update.get({ ...toParams(challenge), expected: expectedVersion }) as { rid: number } | undefined;
      if (!row) return false;
      this.indexes.clear(row.rid);
      this.indexes.write(row.rid, challenge);
      if (activity) this.appendActivity(activity);
      return true;
    }).immediate();
  }

  async getById(id: string): Promise<StoredChallenge | null> {
    const r = this.s.byId.get(id) as ChallengeRow | undefined;
    return r ? fromRow(r) : null;
  }

  async getByKey(key: string): Promise<StoredChallenge | null> {
    const r = this.s.byKey.get(key) as ChallengeRow | undefined;
    return r ? fromRow(r) : null;
  }

  async getManyByKeys(keys: readonly string[]): Promise<StoredChallenge[]> {
    if (keys.length === 0) return [];
    return (this.s.byKeys.all(JSON.stringify(keys)) as ChallengeRow[]).map(fromRow);
  }

  async count(query: ListingQuery): Promise<number> {
    const found = this.textFilter(query.q);
    if (found === "none") return 0;
    // Every match is counted: many matches are read as one set rather than probed row by row.
    const text = found?.kind === "probe" ? { kind: "set" as const, match: found.match } : found;
    const built = buildListing({ ...query, cursor: undefined }, text);
    if (!built) return 0;
    const { sql, params, kept } = built.count;
    const key = `${sql}\n${JSON.stringify(params)}`;
    // Kept totals are a few rows: read here. The others read every match (a common search word over
    // 100,000 challenges: ≈ 36 ms): in the reader thread, exact all the same (it reads the last commit).
    if (kept) return this.counts.get(key, () => (this.statement(sql).get(...params) as { n: number }).n);
    return this.counts.getAsync(key, async () => (await this.readAll<{ n: number }>(sql, params))[0]!.n);
  }

  async facetCounts(query: ListingQuery, facets: readonly ListingFacet[]): Promise<FacetCounts> {
    const found = this.textFilter(query.q);
    // Every match is counted: many matches are read as one set rather than probed row by row.
    const text = found !== null && found !== "none" && found.kind === "probe" ? { kind: "set" as const, match: found.match } : found;
    const counts = new Map<ListingFacet, Record<string, number>>();
    // The facets held as rows that the query does not filter by share its filters: counted together, in
    // one pass over the matches (or from the kept counts, with no filter at all).
    const built = text === "none" ? null : buildListing({ ...query, cursor: undefined }, text);
    const filtered = new Set(facetFilters(query).map((f) => f.facet));
    const together = built ? facets.filter((f) => !(f in FACET_COLUMNS) && !filtered.has(f)) : [];
    if (together.length > 0) {
      const rows = await this.facetRows<{ facet: ListingFacet; value: string; n: number }>(built!.facetRowCounts(together));
      for (const f of together) counts.set(f, {});
      for (const r of rows) counts.get(r.facet)![r.value] = r.n;
    }
    for (const facet of facets) {
      if (counts.has(facet)) continue;
      const built = text === "none" ? null : buildListing(withoutFacet(query, facet), text);
      if (!built) { counts.set(facet, {}); continue; }
      const rows = await this.facetRows<{ value: string; n: number }>(built.facetCount(facet));
      counts.set(facet, Object.fromEntries(rows.map((r) => [r.value, r.n])));
    }
    // In the order asked.
    return Object.fromEntries(facets.map((f) => [f, counts.get(f)!]));
  }

  async list(query: ListingQuery): Promise<ListingPage> {
    const ranked = listingSortOf(query) === "relevance" && (await this.count(query)) <= RANK_AT_MOST;
    const text = ranked ? this.rankedText(query.q) : this.narrowedByRareFacet(query, this.textFilter(query.q));
    if (text === "none") return { items: [], nextCursor: null, prevCursor: null };
    const built = buildListing(query, text);
    if (!built) return { items: [], nextCursor: null, prevCursor: null };
    type Row = ChallengeRow & { sort_key: number };
    // Many matches of search words (probed row by row, or all scored to rank them): tens of
    // milliseconds at 100k, read in the reader thread like the counts; the rest is a bounded index read.
    const rows = text !== null && text.kind !== "rids"
      ? await this.readAll<Row>(built.sql, built.params)
      : this.statement(built.sql).all(...built.params) as Row[];
    const page = listingPage(rows, { limit: built.limit, tag: built.sort.tag, from: built.from, positionOf: (r) => [r.sort_key, r.id] });
    return { ...page, items: page.items.map(fromRow) };
  }

  async dueForStatusChange(now: Date, limit: number): Promise<StoredChallenge[]> {
    const rows = this.s.due.all({ now: now.getTime(), limit: Math.max(1, Math.trunc(limit)) }) as ChallengeRow[];
    return rows.map(fromRow);
  }

  async listByHub(hubId: string): Promise<StoredChallenge[]> {
    return byLatestUpdate((this.s.byHub.all(hubId) as ChallengeRow[]).map(fromRow));
  }

  async countPublicByHub(hubId: string): Promise<number> {
    return (this.s.countByHub.get(hubId) as { n: number }).n;
  }

  /**
   * A rare facet value (a small country, a NUTS region) is cheapest as the list of its rows too: the
   * listing otherwise walks a status branch along the deadline index, probing each row, and finds few
   * or none to stop at (country=LI: 170 ms over 100k). One bounded index read per facet filter decides;
   * the smallest set under FEW_TEXT_MATCHES drives the page (intersected with rare text's rows). The
   * facet filters stay in the query, so the result is the same either way.
   */
  private narrowedByRareFacet(query: ListingQuery, text: TextFilter | null | "none"): TextFilter | null | "none" {
    if (text === "none" || (text && text.kind !== "rids")) return text;
    let best: number[] | null = null;
    for (const f of facetFilters(query)) {
      // pluck: bare numbers, no row objects (a common value reads 5,001 of them before giving up).
      const rids = this.statement(`SELECT DISTINCT rid FROM challenge_facets WHERE facet = ? AND value IN (${f.values.map(() => "?").join(", ")}) LIMIT ${FEW_TEXT_MATCHES + 1}`)
        .pluck().all(f.facet, ...f.values) as number[];
      if (rids.length === 0) return "none";
      if (rids.length <= FEW_TEXT_MATCHES && (!best || rids.length < best.length)) best = rids;
    }
    if (!best) return text;
    if (!text) return { kind: "rids", rids: best };
    const inFacet = new Set(best);
    const both = text.rids.filter((r) => inFacet.has(r));
    return both.length ? { kind: "rids", rids: both } : "none";
  }

  /**
   * A rare word is cheapest as the list of its rows; a common one (thousands of rows) as a probe
   * of each row met along the sort order, which stops after one page. One bounded FTS read decides.
   * FTS5 re-expands a prefix term on every probe (~2 ms at 100k rows), so probes use the exact last
   * word when it exists as a word: for text this common, a complete word is what was meant.
   */
  private textFilter(q: string | undefined): TextFilter | null | "none" {
    const probes = q ? toFtsProbes(q) : null;
    if (!probes) return null;
    // Asked up to four times for one listing page (its page, total and facet counts), and again by the next
    // visitor: remembered until the database changes.
    const many = (m: string) => this.counts.get(`more than ${FEW_TEXT_MATCHES} text matches\n${m}`, () => (this.s.ftsCountUpTo.get(m, FEW_TEXT_MATCHES + 1) as number) > FEW_TEXT_MATCHES);
    // The complete words alone (one phrase each, no prefix to expand) first tell a common text: then
    // it is probed as complete words. Otherwise the words with the last as a prefix, and only a rarer
    // text is read with its forms (a phrase per stemmed language), whose matches are a superset.
    const exact = toFtsProbes(q!, false)!;
    if (many(exact[0]!)) return { kind: "probe", match: exact.at(-1)!, probes: exact };
    const match = probes.at(-1)!;
    const rids = many(probes[0]!) ? null : this.s.ftsRids.all(match, FEW_TEXT_MATCHES + 1) as number[];
    if (rids?.length === 0) return "none";
    if (rids && rids.length <= FEW_TEXT_MATCHES) return { kind: "rids", rids };
    return { kind: "probe", match, probes };
  }

  /** Ranked, every match is scored: the matches as one set (none at all: an empty page at once). */
  private rankedText(q: string | undefined): TextFilter | "none" | null {
    const match = q ? toFtsMatch(q) : null;
    if (!match) return null;
    return this.s.ftsRids.get(match, 1) === undefined ? "none" : { kind: "rank", match };
  }

  private appendActivity(a: ActivityRecord): void {
    try {
      this.s.insertActivity.run(activityParams(a));
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateError(`activity ${a.id}`);
      throw err;
    }
  }

  /** Kept counts are exact and cheap: read here, never served stale. The others read every match: in the reader thread, up to a minute old. */
  private async facetRows<T>({ sql, params, kept }: CountSql): Promise<T[]> {
    const key = `${sql}\n${JSON.stringify(params)}`;
    return kept
      ? this.counts.get(key, () => this.statement(sql).all(...params) as T[])
      : await this.counts.getAsync(key, () => this.readAll<T>(sql, params), FACET_MAX_STALE_MS);
  }

  /** Rows of a count that reads every match: in the reader thread, or here when there is none (or it failed). */
  private async readAll<T>(sql: string, params: (string | number)[]): Promise<T[]> {
    if (this.reader?.usable) {
      try {
        return await this.reader.all(sql, params) as T[];
      } catch (err) {
        // The query failed, not the thread; or the store is closing (its connection is going too).
        if (this.reader.usable || this.reader.closed) throw err;
      }
    }
    return this.statement(sql).all(...params) as T[];
  }

  /** Listing SQL varies with the filters present; prepared statements are reused per shape. */
  private statement(sql: string) {
    let st = this.listingStatements.get(sql);
    if (!st) {
      if (this.listingStatements.size >= STATEMENT_CACHE_SIZE) this.listingStatements.clear();
      st = this.db.prepare<(string | number)[]>(sql);
      this.listingStatements.set(sql, st);
    }
    return st;
  }
}
