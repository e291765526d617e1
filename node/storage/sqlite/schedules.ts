// ScheduleRepository on SQLite: one row per scheduled draft, found by time through its index.
import type { ScheduledPublication, ScheduleRepository } from "../../domain/ports";
import type { Db } from "./database";

interface Row { key: string; publish_at: string; by_actor: string }
const fromRow = (r: Row): ScheduledPublication => ({ key: r.key, publishAt: r.publish_at, by: r.by_actor });

export class SqliteScheduleRepository implements ScheduleRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      set: db.prepare("INSERT INTO schedules (key, publish_at, by_actor) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET publish_at = excluded.publish_at, by_actor = excluded.by_actor"),
      clear: db.prepare("DELETE FROM schedules WHERE key = ?"),
      get: db.prepare("SELECT key, publish_at, by_actor FROM schedules WHERE key = ?"),
      due: db.prepare("SELECT key, publish_at, by_actor FROM schedules WHERE publish_at <= ? ORDER BY publish_at, key LIMIT ?"),
    };
  }

  async set(s: ScheduledPublication): Promise<void> {
    this.s.set.run(s.key, s.publishAt, s.by);
  }

  async clear(key: string): Promise<void> {
    this.s.clear.run(key);
  }

  async get(key: string): Promise<ScheduledPublication | null> {
    const r = this.s.get.get(key) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  async due(now: Date, limit: number): Promise<ScheduledPublication[]> {
    return (this.s.due.all(now.toISOString(), limit) as Row[]).map(fromRow);
  }
}
