// FeedEffectRepository on SQLite: the aggregator's feed effects outbox. Mirror writes insert their
// effect inside their own transaction through `insertFeedEffect` (mirror.ts); forwards are recorded
// on their own. AUTOINCREMENT gives the write order the relay follows.
import type { FeedEffect, FeedEffectRepository } from "../../domain/ports";
import type { Db } from "./database";

interface Row {
  seq: number; id: string; kind: FeedEffect["kind"]; challenge_id: string; revision: number; country: string;
  doc: string | null; activity: string | null; created_at: string; done_at: string | null;
}

const MAX_PAGE = 1000;
const clamp = (n: number) => (Number.isFinite(n) ? Math.min(MAX_PAGE, Math.max(1, Math.trunc(n))) : 1);

const INSERT = `INSERT OR IGNORE INTO feed_effects (id, kind, challenge_id, revision, country, doc, activity, created_at, done_at)
  VALUES (@id, @kind, @challenge_id, @revision, @country, @doc, @activity, @created_at, NULL)`;

function toParams(e: FeedEffect) {
  return {
    id: e.id, kind: e.kind, challenge_id: e.challengeId, revision: e.revision, country: e.country,
    doc: e.doc === null ? null : JSON.stringify(e.doc),
    activity: e.activity === null || e.activity === undefined ? null : JSON.stringify(e.activity),
    created_at: e.createdAt,
  };
}

function fromRow(r: Row): FeedEffect {
  return {
    id: r.id, kind: r.kind, challengeId: r.challenge_id, revision: r.revision, country: r.country,
    doc: r.doc === null ? null : JSON.parse(r.doc), activity: r.activity === null ? null : JSON.parse(r.activity),
    createdAt: r.created_at, doneAt: r.done_at,
  };
}

/** Inserts an effect unless its id exists; call inside the caller's transaction. Returns whether inserted. */
export function insertFeedEffect(db: Db, effect: FeedEffect): boolean {
  let insert = inserts.get(db);
  if (!insert) {
    insert = db.prepare(INSERT);
    inserts.set(db, insert);
  }
  return insert.run(toParams(effect)).changes > 0;
}

const inserts = new WeakMap<Db, ReturnType<Db["prepare"]>>();

export class SqliteFeedEffectRepository implements FeedEffectRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(INSERT),
      pending: db.prepare("SELECT * FROM feed_effects WHERE done_at IS NULL ORDER BY seq LIMIT ?"),
      mark: db.prepare("UPDATE feed_effects SET done_at = ? WHERE id = ?"),
      get: db.prepare("SELECT * FROM feed_effects WHERE id = ?"),
    };
  }

  async record(effect: FeedEffect): Promise<boolean> {
    return this.s.insert.run(toParams(effect)).changes > 0;
  }

  async pending(limit: number): Promise<FeedEffect[]> {
    return (this.s.pending.all(clamp(limit)) as Row[]).map(fromRow);
  }

  async markDone(id: string, at: string): Promise<void> {
    this.s.mark.run(at, id);
  }

  async get(id: string): Promise<FeedEffect | null> {
    const r = this.s.get.get(id) as Row | undefined;
    return r ? fromRow(r) : null;
  }
}
