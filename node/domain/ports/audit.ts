// Port of the audit log: who changed what, when, at which revision. Append-only.

export interface AuditEntry {
  /** ISO instant. */
  at: string;
  /** Who: "user:<id> <email>", "hub-token:<handle>", "admin-token", "cli", "system". */
  actor: string;
  /** What, as a dotted verb: "challenge.create", "user.invite", "session.sign-in" … */
  action: string;
  /** On what: a challenge id, a hub handle, an email. */
  target: string;
  /** The challenge revision the change produced, when there is one. */
  revision: number | null;
  /** A short human-readable detail (change reason, role given…). */
  detail: string | null;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first; `before` pages back from an earlier page's last `at`+position (opaque cursor). */
  list(opts: { limit: number; cursor?: string }): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
}
