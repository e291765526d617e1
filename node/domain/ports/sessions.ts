// Port of the workspace's server-side sessions.

export interface StoredSession {
  /** SHA-256 (hex) of the session id in the cookie: a leaked database does not sign anyone in. */
  idHash: string;
  userId: string;
  /** The synchronizer token every state-changing form of this session carries. */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  /** Password checked, TOTP code still to come: such a session opens nothing but the code form. */
  secondFactorPending?: boolean;
  /** A single sign-on round trip under way (no user yet, userId ""): what the callback must match. */
  oidc?: { state: string; nonce: string; codeVerifier: string; next?: string };
}

export interface SessionRepository {
  insert(session: StoredSession): Promise<void>;
  get(idHash: string): Promise<StoredSession | null>;
  /** Records activity (idle timeout); false when the session is gone. */
  touch(idHash: string, lastSeenAt: string): Promise<boolean>;
  delete(idHash: string): Promise<void>;
  /** Sign-out everywhere; returns how many sessions ended. */
  deleteForUser(userId: string): Promise<number>;
  /** Removes sessions last seen before `before` (housekeeping); returns how many. */
  deleteIdleSince(before: string): Promise<number>;
}
