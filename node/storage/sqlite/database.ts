// Opening the SQLite file and bringing its schema up to date.
// better-sqlite3 is synchronous: every statement blocks the event loop for its duration, so every
// query the node runs on a hot path must be served by an index (see schema.ts).
import Database from "better-sqlite3";
import { MIGRATIONS } from "./schema";

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Milliseconds a writer waits for another process's write lock before failing (default 5000). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/** Opens (creating if needed) the database file and applies pending migrations. ":memory:" works for throwaway stores. */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false });
  try {
    // WAL: readers never block the writer, and several processes (web + workers) share one file.
    if (file !== ":memory:" && file !== "") db.pragma("journal_mode = WAL");
    // FULL: a commit is on disk before we answer 202 ("a 202 means stored"), even on power loss.
    db.pragma("synchronous = FULL");
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma("foreign_keys = ON");
    if (!opts.readonly) migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Applies the migrations whose number is above PRAGMA user_version, each in its own IMMEDIATE
 * transaction that re-reads the version: two processes opening a fresh file at once migrate it once.
 */
export function migrate(db: Db): void {
  const current = () => db.pragma("user_version", { simple: true }) as number;
  if (current() > MIGRATIONS.length) {
    throw new Error(`the database schema is version ${current()}, newer than this software knows (${MIGRATIONS.length}); upgrade IPN or use another database file`);
  }
  for (let version = 1; version <= MIGRATIONS.length; version++) {
    const step = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      if (current() >= version) return;
      step(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

/** True for SQLite's UNIQUE / PRIMARY KEY violations (better-sqlite3 puts the extended code on `code`). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
