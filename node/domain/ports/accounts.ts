// Port of the people who use the workspace: users, their invitations and password resets.

/** A person with a workspace account. */
export interface StoredUser {
  /** Random, opaque, stable (never the email: people change address). */
  id: string;
  /** Lower-cased; unique per node. */
  email: string;
  displayName: string;
  /** UI language (BCP 47 primary subtag). */
  language: string;
  /** Node admin: users, hubs, peers, settings. */
  admin: boolean;
  /** Handles of the hubs this person edits. */
  hubs: string[];
  /** Argon2id PHC string; null until the invitation is accepted. */
  passwordHash: string | null;
  createdAt: string;
  updatedAt: string;
  /** Sessions started before this instant are refused (sign-out everywhere, password change). */
  sessionsValidAfter: string | null;
  /** TOTP secret (base32) once two-step verification is on; absent/null when off. */
  totpSecret?: string | null;
  /** A secret being set up, until the person proves their app has it with one code. */
  totpPending?: string | null;
  /** The last time step a code was accepted for: a code is never accepted twice. */
  totpLastStep?: number | null;
}

/** A one-time link: an invitation to create an account, or a password reset issued by an admin. */
export interface StoredInvitation {
  /** SHA-256 (hex) of the token in the link; the token itself is never stored. */
  tokenHash: string;
  kind: "invite" | "reset";
  email: string;
  /** What the account gets on acceptance (invitations); ignored for resets. */
  admin: boolean;
  hubs: string[];
  /** Who issued it (user id, or "cli"). */
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export interface UserRepository {
  /** DuplicateError when the email is taken. */
  insert(user: StoredUser): Promise<void>;
  getById(id: string): Promise<StoredUser | null>;
  /** `email` lower-cased by the caller. */
  getByEmail(email: string): Promise<StoredUser | null>;
  /** In creation order. */
  list(): Promise<StoredUser[]>;
  /** Replaces the user (same id); false when there is none. */
  update(user: StoredUser): Promise<boolean>;
}

export interface InvitationRepository {
  insert(invitation: StoredInvitation): Promise<void>;
  get(tokenHash: string): Promise<StoredInvitation | null>;
  /**
   * Marks the invitation used if it is unused and not expired at `now`, atomically, and returns it;
   * null otherwise. Two tabs submitting the same link: exactly one wins.
   */
  consume(tokenHash: string, now: string): Promise<StoredInvitation | null>;
  /** Unused, unexpired invitations at `now`, newest first. */
  listPending(now: string): Promise<StoredInvitation[]>;
}
