// Users, one-time links, sessions and the audit log on SQLite (migration 7). Each row keeps the port's
// object as JSON in `doc`, with the columns queries need beside it.
import {
  type AuditEntry, type AuditRepository, DuplicateError, type InvitationRepository, type SessionRepository,
  type StoredInvitation, type StoredSession, type StoredUser, type UserRepository,
} from "../../domain/ports";
import { decodeCursor, encodeCursor } from "../cursor";
import { isUniqueViolation, type Db } from "./database";

const parse = <T>(r: { doc: string } | undefined): T | null => (r ? (JSON.parse(r.doc) as T) : null);

export class SqliteUserRepository implements UserRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare("INSERT INTO users (id, email, doc) VALUES (?, ?, ?)"),
      byId: db.prepare("SELECT doc FROM users WHERE id = ?"),
      byEmail: db.prepare("SELECT doc FROM users WHERE email = ?"),
      list: db.prepare("SELECT doc FROM users ORDER BY seq"),
      update: db.prepare("UPDATE users SET email = ?, doc = ? WHERE id = ?"),
    };
  }

  async insert(user: StoredUser): Promise<void> {
    try {
      this.s.insert.run(user.id, user.email, JSON.stringify(user));
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateError(`user ${user.email}`);
      throw err;
    }
  }

  async getById(id: string): Promise<StoredUser | null> {
    return parse(this.s.byId.get(id) as { doc: string } | undefined);
  }

  async getByEmail(email: string): Promise<StoredUser | null> {
    return parse(this.s.byEmail.get(email) as { doc: string } | undefined);
  }

  async list(): Promise<StoredUser[]> {
    return (this.s.list.all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredUser);
  }

  async update(user: StoredUser): Promise<boolean> {
    try {
      return this.s.update.run(user.email, JSON.stringify(user), user.id).changes > 0;
    } catch (err) {
      if (isUniqueViolation(err)) throw new DuplicateError(`user ${user.email}`);
      throw err;
    }
  }
}

export class SqliteInvitationRepository implements InvitationRepository {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare("INSERT INTO invitations (token_hash, expires_at, used_at, doc) VALUES (?, ?, ?, ?)"),
      get: db.prepare("SELECT doc FROM invitations WHERE token_hash = ?"),
      use: db.prepare("UPDATE invitations SET used_at = ?, doc = json_set(doc, '$.usedAt', ?) WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"),
      pending: db.prepare("SELECT doc FROM invitations WHERE used_at IS NULL AND expires_at > ? ORDER BY json_extract(doc, '$.createdAt') DESC"),
    };
  }

  async insert(i: StoredInvitation): Promise<void> {
    this.s.insert.run(i.tokenHash, i.expiresAt, i.usedAt, JSON.stringify(i));
  }

  async get(tokenHash: string): Promise<StoredInvitation | null> {
    return parse(this.s.get.get(tokenHash) as { doc: string } | undefined);
  }

  async consume(tokenHash: string, now: string): Promise<StoredInvitation | null> {
    return this.db.transaction(() => {
      if (this.s.use.run(now, now, tokenHash, now).changes === 0) return null;
      return parse<StoredInvitation>(this.s.get.get(tokenHash) as { doc: string } | undefined);
    })();
  }

  async listPending(now: string): Promise<StoredInvitation[]> {
    return (this.s.pending.all(now) as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredInvitation);
  }
}

export class SqliteSessionRepository implements SessionRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare("INSERT INTO sessions (id_hash, user_id, last_seen_at, doc) VALUES (?, ?, ?, ?)"),
      get: db.prepare("SELECT doc FROM sessions WHERE id_hash = ?"),
      touch: db.prepare("UPDATE sessions SET last_seen_at = ?, doc = json_set(doc, '$.lastSeenAt', ?) WHERE id_hash = ?"),
      delete: db.prepare("DELETE FROM sessions WHERE id_hash = ?"),
      deleteForUser: db.prepare("DELETE FROM sessions WHERE user_id = ?"),
      deleteIdle: db.prepare("DELETE FROM sessions WHERE last_seen_at < ?"),
    };
  }

  async insert(x: StoredSession): Promise<void> {
    this.s.insert.run(x.idHash, x.userId, x.lastSeenAt, JSON.stringify(x));
  }

  async get(idHash: string): Promise<StoredSession | null> {
    return parse(this.s.get.get(idHash) as { doc: string } | undefined);
  }

  async touch(idHash: string, lastSeenAt: string): Promise<boolean> {
    return this.s.touch.run(lastSeenAt, lastSeenAt, idHash).changes > 0;
  }

  async delete(idHash: string): Promise<void> {
    this.s.delete.run(idHash);
  }

  async deleteForUser(userId: string): Promise<number> {
    return this.s.deleteForUser.run(userId).changes;
  }

  async deleteIdleSince(before: string): Promise<number> {
    return this.s.deleteIdle.run(before).changes;
  }
}

interface AuditRow { seq: number; at: string; actor: string; action: string; target: string; revision: number | null; detail: string | null }

export class SqliteAuditRepository implements AuditRepository {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      append: db.prepare("INSERT INTO audit_log (at, actor, action, target, revision, detail) VALUES (@at, @actor, @action, @target, @revision, @detail)"),
      first: db.prepare("SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?"),
      after: db.prepare("SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?"),
    };
  }

  async append(e: AuditEntry): Promise<void> {
    this.s.append.run(e);
  }

  async list(opts: { limit: number; cursor?: string }): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const before = opts.cursor ? (decodeCursor(opts.cursor, "audit", ["int"])[0] as number) : null;
    const rows = (before === null ? this.s.first.all(opts.limit + 1) : this.s.after.all(before, opts.limit + 1)) as AuditRow[];
    const page = rows.slice(0, opts.limit);
    return {
      items: page.map(({ seq: _seq, ...e }) => e),
      nextCursor: rows.length > opts.limit ? encodeCursor(["audit", page[page.length - 1]!.seq]) : null,
    };
  }
}
