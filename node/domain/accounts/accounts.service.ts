// People of the workspace: one-time links (invitations and admin-issued password resets), sign-in,
// server-side sessions, and the audit log of all of it. The HTTP layer and the CLI call this; nothing
// here knows cookies or forms.
import { randomBytes, randomUUID } from "node:crypto";
import { type FieldError, fail, ok, type Result } from "../errors";
import type { AuditEntry, AuditRepository, HubRepository, InvitationRepository, SessionRepository, StoredInvitation, StoredSession, StoredUser, UserRepository } from "../ports";
import { DuplicateError } from "../ports";
import { hashToken } from "../tokens";
import { linkMessage, type Mailer } from "./mail";
import { type PasswordHasher, passwordProblems } from "./passwords";
import { type AccountPolicy, DEFAULT_ACCOUNT_POLICY, TOUCH_INTERVAL_MS } from "./policy";
import { acceptedStep, newTotpSecret, totpUri } from "./second-factor";
import type { Principal } from "../principal";

export interface AccountsDeps {
  users: UserRepository;
  invitations: InvitationRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  hubs: HubRepository;
  passwords: PasswordHasher;
  policy?: Partial<AccountPolicy>;
  clock?: () => Date;
  /** When SMTP is configured: links are mailed too (origin builds their URL). */
  mail?: { mailer: Mailer; origin: string; nodeName: string };
  /** Told when a mail could not be sent (the link still works and is shown). */
  onMailError?: (error: unknown) => void;
}

/** An issued link: its token (shown once), what it is, and whether it was also mailed (null: no SMTP). */
export interface IssuedLink { token: string; invitation: StoredInvitation; mailed: boolean | null }

export interface InviteInput { email: string; admin: boolean; hubs: string[] }

/** A user as signed in: the session (for its CSRF token) and the person. */
export interface SignedIn { user: StoredUser; session: StoredSession }

const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

export function normaliseEmail(email: unknown): string | null {
  if (typeof email !== "string") return null;
  const e = email.trim().toLowerCase();
  return e.length <= 254 && EMAIL.test(e) ? e : null;
}

/** "user:<id> <email>": the audit log's actor for a person (the email as it was then, the id forever). */
export const userActor = (u: Pick<StoredUser, "id" | "email">): string => `user:${u.id} ${u.email}`;

/** What a signed-in person may do to a hub (its challenges, its profile), as the domain's principal; null: nothing. */
export function principalFor(user: Pick<StoredUser, "id" | "email" | "admin" | "hubs">, handle: string): Principal | null {
  if (user.admin) return { kind: "admin", actor: userActor(user) };
  return user.hubs.includes(handle) ? { kind: "hub", handle, actor: userActor(user) } : null;
}

export class AccountService {
  private readonly policy: AccountPolicy;
  private readonly now: () => Date;
  /** A real Argon2id hash to verify against when the email is unknown: both paths take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AccountsDeps) {
    this.policy = { ...DEFAULT_ACCOUNT_POLICY, ...deps.policy };
    this.now = deps.clock ?? (() => new Date());
  }

  /** Appends to the audit log; the only writer of it (with the challenge and hub services). */
  audit(entry: Omit<AuditEntry, "at" | "revision" | "detail"> & Partial<Pick<AuditEntry, "revision" | "detail">>): Promise<void> {
    return this.deps.audit.append({ at: this.now().toISOString(), revision: null, detail: null, ...entry });
  }

  /** A one-time invitation link's token (shown once). The person must not have an account yet. */
  async invite(input: InviteInput, by: string): Promise<Result<IssuedLink>> {
    const errors: FieldError[] = [];
    const email = normaliseEmail(input.email);
    if (!email) errors.push({ pointer: "/email", message: "enter an email address such as name@authority.example" });
    if (!input.admin && input.hubs.length === 0) errors.push({ pointer: "/hubs", message: "an editor needs at least one hub (or make the person an admin)" });
    for (const [i, handle] of input.hubs.entries()) {
      if (!(await this.deps.hubs.get(handle))) errors.push({ pointer: `/hubs/${i}`, message: `there is no hub "${handle}" on this node` });
    }
    if (errors.length) return fail({ kind: "validation", errors });
    if (await this.deps.users.getByEmail(email!)) {
      return fail({ kind: "conflict", message: `${email} already has an account; issue a password reset instead`, errors: [{ pointer: "/email", message: "already has an account" }] });
    }
    const issued = await this.issue({ kind: "invite", email: email!, admin: input.admin, hubs: [...new Set(input.hubs)] }, by);
    const role = input.admin ? "admin" : `editor of ${issued.invitation.hubs.join(", ")}`;
    await this.audit({ actor: by, action: "user.invite", target: email!, detail: role });
    return ok({ ...issued, mailed: await this.mailLink(issued, input.admin ? "an administrator" : `an editor of ${issued.invitation.hubs.map((h) => `@${h}`).join(", ")}`) });
  }

  /** A one-time password-reset link for an existing account (works without any mail server). */
  async issueReset(emailInput: string, by: string): Promise<Result<IssuedLink>> {
    const email = normaliseEmail(emailInput);
    const user = email ? await this.deps.users.getByEmail(email) : null;
    if (!user) return fail({ kind: "not-found", what: `an account for ${emailInput}` });
    const issued = await this.issue({ kind: "reset", email: user.email, admin: false, hubs: [] }, by);
    await this.audit({ actor: by, action: "user.reset-link", target: user.email });
    return ok({ ...issued, mailed: await this.mailLink(issued) });
  }

  private async mailLink(issued: { token: string; invitation: StoredInvitation }, role?: string): Promise<boolean | null> {
    const mail = this.deps.mail;
    if (!mail) return null;
    const i = issued.invitation;
    try {
      await mail.mailer.send(linkMessage({ kind: i.kind, to: i.email, url: new URL(`/invitations/${issued.token}`, mail.origin).href, expiresAt: i.expiresAt, nodeName: mail.nodeName, role }));
      return true;
    } catch (error) {
      this.deps.onMailError?.(error);
      return false;
    }
  }

  private async issue(i: Pick<StoredInvitation, "kind" | "email" | "admin" | "hubs">, by: string) {
    const token = randomBytes(32).toString("base64url");
    const now = this.now();
    const invitation: StoredInvitation = {
      ...i, tokenHash: hashToken(token), createdBy: by, createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.policy.linkTtlMs).toISOString(), usedAt: null,
    };
    await this.deps.invitations.insert(invitation);
    return { token, invitation };
  }

  /** The link behind `token` if it can still be used (for the page that asks for a password). */
  async openLink(token: string): Promise<StoredInvitation | null> {
    if (typeof token !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const i = await this.deps.invitations.get(hashToken(token));
    return i && i.usedAt === null && i.expiresAt > this.now().toISOString() ? i : null;
  }

  /**
   * Uses a link: an invitation creates the account, a reset sets a new password and ends every session
   * of the account. The password is checked before the link is spent, so a refused password leaves the
   * link usable.
   */
  async acceptLink(token: string, input: { password: unknown; displayName?: unknown; language?: unknown }): Promise<Result<StoredUser>> {
    const link = await this.openLink(token);
    if (!link) return fail({ kind: "gone", what: "this link (it was used already, has expired, or never existed)" });
    const errors = passwordProblems(input.password, link.email);
    const displayName = typeof input.displayName === "string" ? input.displayName.trim() : "";
    if (link.kind === "invite" && (displayName.length === 0 || displayName.length > 100)) {
      errors.unshift({ pointer: "/displayName", message: "enter your name as colleagues know it (at most 100 characters)" });
    }
    if (errors.length) return fail({ kind: "validation", errors });
    const hash = await this.deps.passwords.hash(input.password as string);
    const used = await this.deps.invitations.consume(link.tokenHash, this.now().toISOString());
    if (!used) return fail({ kind: "gone", what: "this link (it was used a moment ago)" });
    const at = this.now().toISOString();
    if (used.kind === "invite") {
      const user: StoredUser = {
        id: randomUUID(), email: used.email, displayName, language: typeof input.language === "string" && /^[a-z]{2}$/.test(input.language) ? input.language : "en",
        admin: used.admin, hubs: used.hubs, passwordHash: hash, createdAt: at, updatedAt: at, sessionsValidAfter: null,
      };
      try {
        await this.deps.users.insert(user);
      } catch (err) {
        if (err instanceof DuplicateError) return fail({ kind: "conflict", message: `${used.email} already has an account` });
        throw err;
      }
      await this.audit({ actor: userActor(user), action: "user.create", target: user.email, detail: used.admin ? "admin" : `editor of ${used.hubs.join(", ")}` });
      return ok(user);
    }
    const user = await this.deps.users.getByEmail(used.email);
    if (!user) return fail({ kind: "not-found", what: `an account for ${used.email}` });
    const updated: StoredUser = { ...user, passwordHash: hash, updatedAt: at, sessionsValidAfter: at };
    await this.deps.users.update(updated);
    await this.deps.sessions.deleteForUser(user.id);
    await this.audit({ actor: userActor(user), action: "user.password-reset", target: user.email, detail: "every session ended" });
    return ok(updated);
  }

  /** The user whose email and password these are, or null; takes as long for an unknown email. */
  async checkPassword(emailInput: string, password: string): Promise<StoredUser | null> {
    const email = normaliseEmail(emailInput);
    const user = email ? await this.deps.users.getByEmail(email) : null;
    if (!user?.passwordHash) {
      this.dummyHash ??= this.deps.passwords.hash(randomBytes(16).toString("hex"));
      await this.deps.passwords.verify(await this.dummyHash, password);
      return null;
    }
    return (await this.deps.passwords.verify(user.passwordHash, password)) ? user : null;
  }

  /**
   * A new session for the user: the cookie's value (shown once) and the stored session. With
   * `pendingSecondFactor` the session only lets its holder enter a TOTP code (see completeSecondFactor).
   */
  async startSession(user: StoredUser, opts: { pendingSecondFactor?: boolean; via?: string } = {}): Promise<{ sessionId: string; session: StoredSession }> {
    const sessionId = randomBytes(32).toString("base64url");
    const at = this.now().toISOString();
    const session: StoredSession = {
      idHash: hashToken(sessionId), userId: user.id, csrfToken: randomBytes(32).toString("base64url"), createdAt: at, lastSeenAt: at,
      ...(opts.pendingSecondFactor ? { secondFactorPending: true } : {}),
    };
    await this.deps.sessions.insert(session);
    if (!opts.pendingSecondFactor) await this.audit({ actor: userActor(user), action: "session.sign-in", target: user.email, detail: opts.via ? `through ${opts.via}` : null });
    return { sessionId, session };
  }

  /** Remembers a single sign-on round trip (PKCE verifier, state, nonce) behind a new cookie value. */
  async startOidcAttempt(oidc: NonNullable<StoredSession["oidc"]>): Promise<string> {
    const sessionId = randomBytes(32).toString("base64url");
    const at = this.now().toISOString();
    await this.deps.sessions.insert({ idHash: hashToken(sessionId), userId: "", csrfToken: randomBytes(32).toString("base64url"), createdAt: at, lastSeenAt: at, oidc });
    return sessionId;
  }

  /** The round trip behind a cookie, once (it is deleted), if it started less than 10 minutes ago. */
  async takeOidcAttempt(sessionId: string): Promise<NonNullable<StoredSession["oidc"]> | null> {
    if (typeof sessionId !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const session = await this.deps.sessions.get(hashToken(sessionId));
    if (!session?.oidc) return null;
    await this.deps.sessions.delete(session.idHash);
    return this.now().getTime() - Date.parse(session.createdAt) > 10 * 60_000 ? null : session.oidc;
  }

  /**
   * The account an identity provider vouches for, by its verified email: an existing account, or the
   * one a pending invitation for that email creates (no password: this person signs in through the
   * provider). Anyone else is refused — sign-in never creates uninvited accounts.
   */
  async accountForVerifiedEmail(emailInput: string, name: string, provider: string): Promise<Result<StoredUser>> {
    const email = normaliseEmail(emailInput);
    if (!email) return fail({ kind: "validation", errors: [{ pointer: "/email", message: "the identity provider gave no usable email address" }] });
    const existing = await this.deps.users.getByEmail(email);
    if (existing) return ok(existing);
    const invitation = (await this.deps.invitations.listPending(this.now().toISOString())).find((i) => i.kind === "invite" && i.email === email);
    const used = invitation ? await this.deps.invitations.consume(invitation.tokenHash, this.now().toISOString()) : null;
    if (!used) return fail({ kind: "not-found", what: `an account or invitation for ${email}` });
    const at = this.now().toISOString();
    const user: StoredUser = {
      id: randomUUID(), email, displayName: name.trim().slice(0, 100) || email, language: "en", admin: used.admin, hubs: used.hubs,
      passwordHash: null, createdAt: at, updatedAt: at, sessionsValidAfter: null,
    };
    await this.deps.users.insert(user);
    await this.audit({ actor: userActor(user), action: "user.create", target: email, detail: `${used.admin ? "admin" : `editor of ${used.hubs.join(", ")}`}, through ${provider}` });
    return ok(user);
  }

  /** Whether signing in needs a code after the password. */
  needsSecondFactor(user: StoredUser): boolean {
    return typeof user.totpSecret === "string" && user.totpSecret.length > 0;
  }

  /** The half-signed-in state behind a cookie (password checked, code due within 5 minutes), or null. */
  async resumePending(sessionId: string): Promise<SignedIn | null> {
    if (typeof sessionId !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const session = await this.deps.sessions.get(hashToken(sessionId));
    if (!session?.secondFactorPending) return null;
    const user = await this.deps.users.getById(session.userId);
    if (!user || this.now().getTime() - Date.parse(session.createdAt) > 5 * 60_000) {
      await this.deps.sessions.delete(session.idHash);
      return null;
    }
    return { user, session };
  }

  /** Checks the code of a pending sign-in; on success the pending session is replaced by a full one. */
  async completeSecondFactor(pending: SignedIn, code: string): Promise<{ sessionId: string; session: StoredSession } | null> {
    const user = pending.user;
    const step = user.totpSecret ? acceptedStep(user.totpSecret, code, this.now().getTime(), user.totpLastStep) : null;
    if (step === null) {
      await this.audit({ actor: userActor(user), action: "session.code-refused", target: user.email });
      return null;
    }
    await this.deps.users.update({ ...user, totpLastStep: step });
    await this.deps.sessions.delete(pending.session.idHash);
    return this.startSession(user);
  }

  /** Checks a current code of a signed-in person (to turn two-step verification off); remembers its step. */
  async completeSecondFactorCheck(signedIn: SignedIn, code: string): Promise<boolean> {
    const user = signedIn.user;
    const step = user.totpSecret ? acceptedStep(user.totpSecret, code, this.now().getTime(), user.totpLastStep) : null;
    if (step === null) return false;
    await this.deps.users.update({ ...user, totpLastStep: step });
    return true;
  }

  /** Starts setting up an authenticator app: a new secret, kept pending until a code proves it. */
  async beginTotp(user: StoredUser, issuer: string): Promise<{ secret: string; uri: string }> {
    const secret = newTotpSecret();
    await this.deps.users.update({ ...user, totpPending: secret, updatedAt: this.now().toISOString() });
    return { secret, uri: totpUri(secret, user.email, issuer) };
  }

  /** Turns two-step verification on if `code` comes from the pending secret. */
  async confirmTotp(user: StoredUser, code: string): Promise<boolean> {
    const step = user.totpPending ? acceptedStep(user.totpPending, code, this.now().getTime(), null) : null;
    if (step === null) return false;
    await this.deps.users.update({ ...user, totpSecret: user.totpPending, totpPending: null, totpLastStep: step, updatedAt: this.now().toISOString() });
    await this.audit({ actor: userActor(user), action: "user.two-step-on", target: user.email });
    return true;
  }

  /** Turns it off (the person, or an admin for someone who lost their phone). */
  /** The person's interface language (a two-letter code the caller has checked it offers). */
  async setLanguage(user: StoredUser, language: string): Promise<StoredUser> {
    const next = { ...user, language, updatedAt: this.now().toISOString() };
    await this.deps.users.update(next);
    return next;
  }

  async resetTotp(user: StoredUser, by: string): Promise<void> {
    await this.deps.users.update({ ...user, totpSecret: null, totpPending: null, totpLastStep: null, updatedAt: this.now().toISOString() });
    await this.audit({ actor: by, action: "user.two-step-off", target: user.email });
  }

  /** The signed-in user of a session cookie, or null when it is unknown, timed out or revoked. */
  async resume(sessionId: string): Promise<SignedIn | null> {
    if (typeof sessionId !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const session = await this.deps.sessions.get(hashToken(sessionId));
    if (!session || session.secondFactorPending || session.oidc) return null;
    const now = this.now().getTime();
    const user = await this.deps.users.getById(session.userId);
    const expired = now - Date.parse(session.lastSeenAt) > this.policy.sessionIdleMs
      || now - Date.parse(session.createdAt) > this.policy.sessionAbsoluteMs
      || !user
      || (user.sessionsValidAfter !== null && session.createdAt < user.sessionsValidAfter);
    if (expired) {
      await this.deps.sessions.delete(session.idHash);
      return null;
    }
    if (now - Date.parse(session.lastSeenAt) > TOUCH_INTERVAL_MS) {
      const lastSeenAt = new Date(now).toISOString();
      await this.deps.sessions.touch(session.idHash, lastSeenAt);
      session.lastSeenAt = lastSeenAt;
    }
    return { user: user!, session };
  }

  async endSession(signedIn: SignedIn): Promise<void> {
    await this.deps.sessions.delete(signedIn.session.idHash);
    await this.audit({ actor: userActor(signedIn.user), action: "session.sign-out", target: signedIn.user.email });
  }

  /** Sign-out everywhere: every session of the user, this one included. */
  async endAllSessions(user: StoredUser, by: string): Promise<number> {
    const at = this.now().toISOString();
    await this.deps.users.update({ ...user, sessionsValidAfter: at, updatedAt: at });
    const n = await this.deps.sessions.deleteForUser(user.id);
    await this.audit({ actor: by, action: "session.sign-out-everywhere", target: user.email, detail: `${n} session(s) ended` });
    return n;
  }

  /** Housekeeping: removes sessions idle for longer than the idle timeout. */
  async sweepSessions(): Promise<number> {
    return this.deps.sessions.deleteIdleSince(new Date(this.now().getTime() - this.policy.sessionIdleMs).toISOString());
  }

  getUser(id: string): Promise<StoredUser | null> {
    return this.deps.users.getById(id);
  }

  listUsers(): Promise<StoredUser[]> {
    return this.deps.users.list();
  }

  pendingLinks(): Promise<StoredInvitation[]> {
    return this.deps.invitations.listPending(this.now().toISOString());
  }

  auditLog(opts: { limit: number; cursor?: string }) {
    return this.deps.audit.list(opts);
  }
}
