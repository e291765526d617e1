// ActivityRepository on SQLite: the transactional outbox (rows are appended by the challenge
// repository, in the same transaction as the change they announce).
import type { ActivityRecord, ActivityRepository } from "../../domain/ports";
import { activityFromRow, type ActivityRow } from "./challenge-rows";
import { decodeCursor, encodeCursor } from "../cursor";
import type { Db } from "./database";

const MAX_PAGE = 1000;
const clamp = (n: number) => (Number.isFinite(n) ? Math.min(MAX_PAGE, Math.max(1, Math.trunc(n))) : 1);

export class SqliteActivityRepository implements ActivityRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      pending: db.prepare("SELECT * FROM activities WHERE federated_at IS NULL ORDER BY seq LIMIT ?"),
      mark: db.prepare("UPDATE activities SET federated_at = ? WHERE id = ?"),
      get: db.prepare("SELECT * FROM activities WHERE id = ?"),
      page: db.prepare("SELECT * FROM activities WHERE actor = ? AND seq < ? ORDER BY seq DESC LIMIT ?"),
      count: db.prepare("SELECT COUNT(*) AS n FROM activities WHERE actor = ?"),
      forObject: db.prepare("SELECT * FROM activities WHERE object_id = ? ORDER BY seq"),
    };
  }

  async pending(limit: number): Promise<ActivityRecord[]> {
    return (this.s.pending.all(clamp(limit)) as ActivityRow[]).map(activityFromRow);
  }

  async markFederated(id: string, at: string): Promise<void> {
    this.s.mark.run(at, id);
  }

  async get(id: string): Promise<ActivityRecord | null> {
    const r = this.s.get.get(id) as ActivityRow | undefined;
    return r ? activityFromRow(r) : null;
  }

  async pageByActor(actor: string, before: string | null, limit: number): Promise<{ items: ActivityRecord[]; next: string | null }> {
    const beforeSeq = before === null || before === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(before, "a", ["int"])[0] as number;
    const n = clamp(limit);
    const rows = this.s.page.all(actor, beforeSeq, n + 1) as ActivityRow[];
    const page = rows.slice(0, n);
    const last = page[page.length - 1];
    return { items: page.map(activityFromRow), next: rows.length > n && last ? encodeCursor(["a", last.seq]) : null };
  }

  async countByActor(actor: string): Promise<number> {
    return (this.s.count.get(actor) as { n: number }).n;
  }

  async forObject(objectId: string): Promise<ActivityRecord[]> {
    return (this.s.forObject.all(objectId) as ActivityRow[]).map(activityFromRow);
  }
}
