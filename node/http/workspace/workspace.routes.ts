// The workspace's HTTP side: sign-in (/login, /logout), one-time links (/invitations/:token) and the
// workspace itself (/workspace…). Server-rendered forms that work without JavaScript; every POST
// carries a CSRF token (the session's, or before sign-in a double-submit cookie) and a wrong or missing
// one is a 403 that changes nothing; every page is no-store.
import express, { type Request, type Response, type NextFunction } from "express";
import type { AccountService, SignedIn } from "../../domain/accounts/accounts.service";
import type { ChallengeService } from "../../domain/challenges.service";
import type { HubService } from "../../domain/hubs.service";
import { publishedStatusOf, type ScheduleService } from "../../domain/schedule.service";
import type { PeerService } from "../../domain/peers";
import { userActor } from "../../domain/accounts/accounts.service";
import type { FieldError } from "../../domain/errors";
import type { Repositories, StoredHub, StoredUser } from "../../domain/ports";
import { sameSecret } from "../../domain/tokens";
import { lastSegment, paths, uri } from "../../domain/uris";
import type { RateLimiterFactory } from "../../storage/rate-limits";
import { challengeBody } from "../pages/challenge-page";
import { createHubLabels } from "../pages/hub-labels";
import { html, type SafeHtml } from "../pages/html";
import { sanitizedHtml } from "../pages/markdown";
import { challengeDigest } from "../../../federation/challenge-digest";
import { layout, type SiteInfo } from "../pages/layout";
import { auditBody, linkIssuedBody, usersBody, type InviteForm } from "./admin-pages";
import { codePage, forbiddenPage, linkGonePage, linkPage, type Page, signInPage, tooManyPage } from "./auth-pages";
import { accountBody } from "./account-page";
import QRCode from "qrcode";
import { clearCookie, cookieNames, readCookie, setCookie } from "./cookies";
import { actionButton } from "./forms";
import { dashboardBody } from "./dashboard-page";
import { codeFinderRoutes } from "./codes.routes";
import { editorRoutes } from "./editor.routes";
import { hubProfileRoutes } from "./hub-profile.routes";
import { nodeAdminRoutes } from "./node-admin.routes";
import { type OidcSettings, oidcRoutes } from "./oidc.routes";
import { isWorkspaceLanguage, type Tw, workspaceLanguage, workspaceText } from "./ws-i18n";
import { type UiLanguage, uiLanguageAmong, WORKSPACE_LANGUAGES } from "../i18n";
import { randomBytes } from "node:crypto";

export interface WorkspaceDeps {
  accounts: AccountService;
  challenges: ChallengeService;
  /** Drafts published at a later time. */
  schedule: ScheduleService;
  hubs: HubService;
  peers?: PeerService;
  /** The read-only settings admins see (no secrets). */
  settings: [string, string][];
  repos: Pick<Repositories, "hubs" | "challenges">;
  origin: string;
  site: SiteInfo;
  limiter: RateLimiterFactory;
  /** Single sign-on through an OpenID Connect provider, when configured. */
  oidc?: OidcSettings;
  /** Sign-in attempts per 15 minutes: per client IP and per account (email). */
  signInLimits?: { perIp: number; perAccount: number };
}

const FORM_LIMIT = "512kb";

/** Notices after a save (translated where shown). */
export const SAVED_NOTICES: Record<string, string> = {
  draft: "Draft saved. It is not public yet.",
  published: "Published. It is on the public listing and on its way to the hub's followers.",
  revision: "New revision published. Followers receive the update.",
  scheduled: "Draft saved and scheduled. It becomes public, and reaches the hub's followers, at the time you chose.",
  unscheduled: "Draft saved. It is no longer scheduled, and stays private until you publish it.",
};
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

type Locals = { signedIn: SignedIn };

export function workspaceRouter(deps: WorkspaceDeps): express.Router {
  const router = express.Router();
  const secure = deps.origin.startsWith("https:");
  const names = cookieNames(secure);
  const limits = deps.signInLimits ?? { perIp: 30, perAccount: 10 };
  const perIp = deps.limiter({ keyPrefix: "signin-ip", points: limits.perIp, durationSec: 900 });
  const perAccount = deps.limiter({ keyPrefix: "signin-account", points: limits.perAccount, durationSec: 900 });
  const hubLabels = createHubLabels(deps.repos, deps.origin);
  const sso = deps.oidc ? { name: deps.oidc.name, href: "/login/oidc" } : undefined;
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 2000 });

  /** The page's language (the signed-in person's, else the browser's) and its words. */
  const ui = (res: Response): UiLanguage => (res.locals as { ui?: UiLanguage }).ui ?? "en";
  const twOf = (res: Response): Tw => workspaceText(ui(res));
  router.use(["/login", "/logout", "/invitations", "/workspace"], (req, res, next) => {
    (res.locals as { ui?: UiLanguage }).ui = uiLanguageAmong(req, WORKSPACE_LANGUAGES);
    next();
  });

  const render = (res: Response, page: Page) => {
    res.status(page.status);
    res.set("Cache-Control", "no-store");
    res.set("X-Robots-Tag", "noindex");
    // The editor's one script (suggestions in the code pickers) comes from this origin; no page gets
    // inline script, and pages without it keep script-src 'none'.
    const csp = page.script ? res.get("Content-Security-Policy") : undefined;
    if (csp) res.set("Content-Security-Policy", csp.replace("script-src 'none'", "script-src 'self'"));
    res.set("Content-Language", ui(res));
    res.type("text/html; charset=utf-8").send(layout({ site: deps.site, title: page.title, body: page.body, ui: ui(res) }).value);
  };
  const page = (title: string, body: SafeHtml, status = 200): Page => ({ status, title, body });
  const field = (req: Request, name: string): string => {
    const v = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof v === "string" ? v : "";
  };
  const list = (req: Request, name: string): string[] => {
    const v = (req.body as Record<string, unknown> | undefined)?.[name];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
  };
  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

  /** Consumes one attempt of each limit; the seconds to wait when one is spent, else 0. */
  async function throttle(req: Request, email: string): Promise<number> {
    for (const [limiter, key] of [[perIp, ip(req)], [perAccount, email.trim().toLowerCase() || "-"]] as const) {
      try {
        await limiter.consume(key);
      } catch (rejection) {
        const ms = (rejection as { msBeforeNext?: unknown }).msBeforeNext;
        if (typeof ms === "number") return Math.max(1, Math.ceil(ms / 1000));
        // The store cannot count (down): sign-in goes on; the password check still protects the account.
      }
    }
    return 0;
  }

  // ---- sign-in ----------------------------------------------------------------------------------
  const loginToken = (req: Request, res: Response): string => {
    const existing = readCookie(req, names.loginCsrf);
    if (existing && TOKEN_RE.test(existing)) return existing;
    const token = randomBytes(32).toString("base64url");
    setCookie(res, names.loginCsrf, token, secure, { sameSite: "strict", maxAgeSec: 3600 });
    return token;
  };
  const safeNext = (v: unknown): string | undefined => (typeof v === "string" && /^\/workspace(\/[A-Za-z0-9_./-]*)?$/.test(v) ? v : undefined);

  router.get("/login", async (req, res) => {
    const current = await signedIn(req);
    if (current) return res.redirect(303, "/workspace");
    const tw = twOf(res);
    const notice = req.query.signedOut === "1" ? tw("You are signed out.") : req.query.expired === "1" ? tw("Please sign in to continue.") : undefined;
    render(res, signInPage({ csrf: loginToken(req, res), next: safeNext(req.query.next), notice, sso, tw }));
  });

  router.post("/login", form, async (req, res) => {
    const cookieToken = readCookie(req, names.loginCsrf);
    const email = field(req, "email");
    if (!cookieToken || !sameSecret(cookieToken, field(req, "_csrf"))) {
      return render(res, forbiddenPage(twOf(res)("The sign-in form expired or did not come from this site. Reload the sign-in page and try again (your browser must accept cookies from this site)."), twOf(res)));
    }
    const wait = await throttle(req, email);
    if (wait > 0) {
      res.set("Retry-After", String(wait));
      return render(res, tooManyPage(wait, twOf(res)));
    }
    const user = await deps.accounts.checkPassword(email, field(req, "password"));
    if (!user) {
      const errors: FieldError[] = [{ pointer: "/email", message: twOf(res)("The email address or the password is not right") }];
      return render(res, signInPage({ csrf: cookieToken, email, next: safeNext(field(req, "next")), errors, sso, tw: twOf(res) }));
    }
    // Rotation: whatever session this browser had ends; the new one gets a new id.
    const old = readCookie(req, names.session);
    if (old) {
      const previous = await deps.accounts.resume(old);
      if (previous) await deps.accounts.endSession(previous);
    }
    clearCookie(res, names.loginCsrf, secure);
    await finishSignIn(res, user, null, safeNext(field(req, "next")));
  });

  /** After the first factor (password or identity provider): the code form if two-step is on, else in. */
  async function finishSignIn(res: Response, user: StoredUser, via: string | null, next: string | undefined): Promise<void> {
    if (deps.accounts.needsSecondFactor(user)) {
      const { sessionId } = await deps.accounts.startSession(user, { pendingSecondFactor: true });
      setCookie(res, names.session, sessionId, secure);
      return res.redirect(303, `/login/code${next ? `?next=${encodeURIComponent(next)}` : ""}`);
    }
    const { sessionId } = await deps.accounts.startSession(user, via ? { via } : {});
    setCookie(res, names.session, sessionId, secure);
    res.redirect(303, next ?? "/workspace");
  }

  if (deps.oidc) {
    oidcRoutes(router, {
      oidc: deps.oidc, accounts: deps.accounts, origin: deps.origin, render, safeNext, twOf,
      readSessionCookie: (req) => readCookie(req, names.session),
      setSessionCookie: (res, value) => setCookie(res, names.session, value, secure),
      finishSignIn: async (res, userId, via, next) => {
        const user = await deps.accounts.getUser(userId);
        if (!user) return render(res, forbiddenPage(twOf(res)("This account no longer exists."), twOf(res)));
        await finishSignIn(res, user, via, next);
      },
    });
  }

  // Second step: the pending session (password checked) opens only this form, for 5 minutes.
  const pendingOf = (req: Request) => {
    const id = readCookie(req, names.session);
    return id ? deps.accounts.resumePending(id) : Promise.resolve(null);
  };
  router.get("/login/code", async (req, res) => {
    const pending = await pendingOf(req);
    if (!pending) return res.redirect(303, "/login?expired=1");
    render(res, codePage({ csrf: pending.session.csrfToken, next: safeNext(req.query.next), tw: twOf(res) }));
  });
  router.post("/login/code", form, async (req, res) => {
    const pending = await pendingOf(req);
    if (!pending) return res.redirect(303, "/login?expired=1");
    if (!sameSecret(pending.session.csrfToken, field(req, "_csrf"))) return render(res, forbiddenPage(twOf(res)("This form did not come from your sign-in. Nothing was changed; sign in again."), twOf(res)));
    const wait = await throttle(req, pending.user.email);
    if (wait > 0) {
      res.set("Retry-After", String(wait));
      return render(res, tooManyPage(wait, twOf(res)));
    }
    const full = await deps.accounts.completeSecondFactor(pending, field(req, "code"));
    const next = safeNext(field(req, "next"));
    if (!full) return render(res, codePage({ csrf: pending.session.csrfToken, next, error: twOf(res)("That code is not right, has expired, or was used already; enter the one your app shows now"), tw: twOf(res) }));
    setCookie(res, names.session, full.sessionId, secure);
    res.redirect(303, next ?? "/workspace");
  });

  async function signedIn(req: Request): Promise<SignedIn | null> {
    const id = readCookie(req, names.session);
    return id ? deps.accounts.resume(id) : null;
  }

  /** Signed-in only; a POST must carry the session's CSRF token. */
  const requireSession = async (req: Request, res: Response, next: NextFunction) => {
    const s = await signedIn(req);
    if (!s) {
      // Half-way through signing in (password checked, code due): back to the code form, nothing else.
      if (req.method === "GET" && (await pendingOf(req))) return res.redirect(303, "/login/code");
      if (readCookie(req, names.session)) clearCookie(res, names.session, secure);
      if (req.method === "GET") return res.redirect(303, `/login?expired=1&next=${encodeURIComponent(req.originalUrl.split("?")[0]!)}`);
      return render(res, forbiddenPage(twOf(res)("Your session has ended. Sign in again; nothing was changed."), twOf(res)));
    }
    (res.locals as Locals).signedIn = s;
    (res.locals as { ui?: UiLanguage }).ui = workspaceLanguage(req, res);
    if (req.method === "POST" && !sameSecret(s.session.csrfToken, field(req, "_csrf"))) {
      return render(res, forbiddenPage(twOf(res)("This form did not come from your current session (it may be stale, or from another site). Nothing was changed; reload the page and try again."), twOf(res)));
    }
    next();
  };
  const requireAdmin = (_req: Request, res: Response, next: NextFunction) => {
    if (!(res.locals as Locals).signedIn.user.admin) return render(res, forbiddenPage(twOf(res)("Only administrators of this node can do this."), twOf(res)));
    next();
  };
  const me = (res: Response) => (res.locals as Locals).signedIn;

  router.post("/logout", form, requireSession, async (_req, res) => {
    await deps.accounts.endSession(me(res));
    clearCookie(res, names.session, secure);
    res.redirect(303, "/login?signedOut=1");
  });

  // ---- one-time links ---------------------------------------------------------------------------
  router.get("/invitations/:token", async (req, res) => {
    const token = String(req.params.token);
    const link = await deps.accounts.openLink(token);
    res.set("Referrer-Policy", "no-referrer"); // the token is in the URL: never leak it to linked sites
    if (!link) return render(res, linkGonePage(twOf(res)));
    render(res, linkPage({ link, token, tw: twOf(res) }));
  });

  router.post("/invitations/:token", form, async (req, res) => {
    const token = String(req.params.token);
    res.set("Referrer-Policy", "no-referrer");
    // The link itself is the secret that authorises this form; SameSite cookies are not involved.
    // The new account keeps the language its invitation page was read in.
    const result = await deps.accounts.acceptLink(token, { password: field(req, "password"), displayName: field(req, "displayName"), language: ui(res) });
    const tw = twOf(res);
    if (!result.ok) {
      const link = await deps.accounts.openLink(token);
      if (result.error.kind === "validation" && link) return render(res, linkPage({ link, token, errors: result.error.errors, displayName: field(req, "displayName"), tw }));
      return render(res, linkGonePage(tw));
    }
    render(res, signInPage({ csrf: loginToken(req, res), email: result.value.email, notice: tw("Your password is set. Sign in with it now."), status: 200, tw }));
  });

  // ---- the workspace ----------------------------------------------------------------------------
  const ws = express.Router();
  ws.use(form, requireSession);

  /** The hubs the user may edit: every hub for an admin. */
  const hubsOf = async (user: StoredUser): Promise<StoredHub[]> => {
    const all = await deps.repos.hubs.list();
    return user.admin ? all : all.filter((h) => user.hubs.includes(h.handle));
  };

  ws.get("/", async (_req, res) => {
    const { user, session } = me(res);
    const hubs = await hubsOf(user);
    const withChallenges = await Promise.all(hubs.map(async (hub) => ({ hub, challenges: await deps.repos.challenges.listByHub(hub.doc.id) })));
    const tw = twOf(res);
    render(res, page(tw("Workspace"), dashboardBody({ user, csrf: session.csrfToken, hubs: withChallenges, now: Date.now(), tw, ui: ui(res) })));
  });

  ws.get("/challenges/:key", async (req, res) => {
    const { user } = me(res);
    const c = await deps.repos.challenges.getByKey(String(req.params.key));
    const handle = c ? lastSegment(c.doc.hub) : "";
    if (!c || !(user.admin || user.hubs.includes(handle))) {
      // The same answer whether it exists in another hub or not at all: nothing to learn by probing.
      return render(res, forbiddenPage(twOf(res)("This challenge does not exist or belongs to a hub you do not edit."), twOf(res)));
    }
    const tw = twOf(res);
    const hub = (await hubLabels([c])).get(c.doc.hub)!;
    const saved = Object.hasOwn(SAVED_NOTICES, String(req.query.saved)) ? tw(SAVED_NOTICES[String(req.query.saved)]!) : undefined;
    const { session } = me(res);
    const banner = html`${saved ? html`<p class="notice" role="status">${saved}</p>` : ""}<p>${c.withdrawnAt ? "" : html`<a href="/workspace/challenges/${c.key}/edit">${tw("Edit")}</a> · `}<a href="/workspace">${tw("Back to the workspace")}</a></p>
${actionButton(`/workspace/challenges/${c.key}/duplicate`, tw("Duplicate as a new draft"), session.csrfToken, { secondary: true })}${bannerOf(c, handle, tw, (await deps.schedule.get(c.key!))?.publishAt)}`;
    // The post followers will see: the same digest the Note carries (federation/challenge-digest.ts).
    // A draft is shown as it will read once published (open, or forthcoming when submissions open later).
    const asPublished = c.doc.status === "draft" ? { ...c.doc, status: publishedStatusOf(c.doc, new Date()) } : c.doc;
    const post = challengeDigest(asPublished, c.doc.defaultLanguage, { tagHref: (n) => uri(deps.origin, paths.tag(n)), country: c.country });
    const fediverse = html`<section class="fediverse-preview" aria-labelledby="fediverse-preview">
<h2 id="fediverse-preview">${tw("As the fediverse post will read")}</h2>
<p class="hint">${c.doc.status === "draft"
      ? tw("What followers of @{{handle}} see on Mastodon, GoToSocial or Misskey once it is published (in {{language}}; other languages go as translations).", { handle, language: c.doc.defaultLanguage })
      : tw("What followers of @{{handle}} see on Mastodon, GoToSocial or Misskey (in {{language}}; other languages go as translations).", { handle, language: c.doc.defaultLanguage })}</p>
<div class="post" lang="${c.doc.defaultLanguage}">${sanitizedHtml(post)}</div>
</section>`;
    render(res, page(tw("Preview: {{key}}", { key: c.key! }), html`${banner}${challengeBody({ challenge: c, lang: c.doc.defaultLanguage, hub, pageUrl: uri(deps.origin, paths.challenge(c.key!)) })}${fediverse}`));
  });

  const bannerOf = (c: { doc: { status: string }; withdrawnAt: string | null; key: string | null }, handle: string, tw: Tw, scheduledFor?: string) => {
    return c.doc.status === "draft" && !c.withdrawnAt
      ? html`<p class="notice" role="status"><strong>${tw("Preview of a draft.")}</strong> ${tw("Only editors of @{{handle}} can see it; it is not public and has not been sent to the fediverse.", { handle })}${scheduledFor ? html` ${tw("It is scheduled to be published at")} <time datetime="${scheduledFor}">${scheduledFor.replace("T", " ").replace(/:00\.000Z$/, " UTC")}</time>.` : ""}</p>`
      : html`<p class="notice">${c.withdrawnAt ? tw("Withdrawn: this was its last public version.") : html`${tw("Public at")} <a href="${uri(deps.origin, paths.challenge(c.key!))}">${tw("its page")}</a>.`}</p>`;
  };

  ws.post("/sign-out-everywhere", async (_req, res) => {
    const { user } = me(res);
    await deps.accounts.endAllSessions(user, userActor(user));
    clearCookie(res, names.session, secure);
    res.redirect(303, "/login?signedOut=1");
  });

  // People and invitations (admins).
  const usersPage = async (res: Response, extra: { form?: InviteForm; errors?: FieldError[] } = {}, status = 200) => {
    const [users, pending, hubs] = await Promise.all([deps.accounts.listUsers(), deps.accounts.pendingLinks(), deps.repos.hubs.list()]);
    const tw = twOf(res);
    render(res, page(tw("People and invitations"), usersBody({ csrf: me(res).session.csrfToken, users, pending, hubs, ...extra, tw }), status));
  };
  ws.get("/users", requireAdmin, (_req, res) => usersPage(res));

  ws.post("/users/invitations", requireAdmin, async (req, res) => {
    const formValues: InviteForm = { email: field(req, "email"), role: field(req, "role"), hubs: list(req, "hubs") };
    const r = await deps.accounts.invite({ email: formValues.email!, admin: formValues.role === "admin", hubs: formValues.role === "admin" ? [] : formValues.hubs! }, userActor(me(res).user));
    if (!r.ok) {
      const errors = r.error.kind === "validation" ? r.error.errors : r.error.kind === "conflict" ? r.error.errors ?? [{ pointer: "/email", message: r.error.message }] : [{ pointer: "/email", message: twOf(res)("could not create the invitation") }];
      return usersPage(res, { form: formValues, errors }, 422);
    }
    render(res, page(twOf(res)("Invitation created"), linkIssuedBody({ kind: "invite", email: r.value.invitation.email, url: uri(deps.origin, `/invitations/${r.value.token}`), expiresAt: r.value.invitation.expiresAt, mailed: r.value.mailed, tw: twOf(res) })));
  });

  ws.post("/users/:id/reset-link", requireAdmin, async (req, res) => {
    const user = await deps.accounts.getUser(String(req.params.id));
    if (!user) return render(res, forbiddenPage(twOf(res)("There is no such person on this node."), twOf(res)));
    const r = await deps.accounts.issueReset(user.email, userActor(me(res).user));
    if (!r.ok) return render(res, forbiddenPage(twOf(res)("There is no such person on this node."), twOf(res)));
    render(res, page(twOf(res)("Password reset link created"), linkIssuedBody({ kind: "reset", email: user.email, url: uri(deps.origin, `/invitations/${r.value.token}`), expiresAt: r.value.invitation.expiresAt, mailed: r.value.mailed, tw: twOf(res) })));
  });

  ws.post("/users/:id/two-step/off", requireAdmin, async (req, res) => {
    const user = await deps.accounts.getUser(String(req.params.id));
    if (!user) return render(res, forbiddenPage(twOf(res)("There is no such person on this node."), twOf(res)));
    await deps.accounts.resetTotp(user, userActor(me(res).user));
    res.redirect(303, "/workspace/users");
  });

  ws.post("/users/:id/sign-out-everywhere", requireAdmin, async (req, res) => {
    const user = await deps.accounts.getUser(String(req.params.id));
    if (!user) return render(res, forbiddenPage(twOf(res)("There is no such person on this node."), twOf(res)));
    await deps.accounts.endAllSessions(user, userActor(me(res).user));
    if (user.id === me(res).user.id) {
      clearCookie(res, names.session, secure);
      return res.redirect(303, "/login?signedOut=1");
    }
    res.redirect(303, "/workspace/users");
  });

  ws.get("/audit", requireAdmin, async (req, res) => {
    const cursor = typeof req.query.cursor === "string" ? req.query.cursor : undefined;
    try {
      render(res, page(twOf(res)("Audit log"), auditBody({ ...(await deps.accounts.auditLog({ limit: 50, cursor })), tw: twOf(res) })));
    } catch {
      const tw = twOf(res);
      render(res, page(tw("Audit log"), html`<h1>${tw("Audit log")}</h1><p>${tw("That page of the log does not exist.")} <a href="/workspace/audit">${tw("Newest entries")}</a></p>`, 400));
    }
  });

  // My account: two-step verification.
  const account = (res: Response, extra: { setup?: { secret: string; qrSvgDataUri: string }; error?: string; notice?: string } = {}, status = 200) =>
    render(res, page(twOf(res)("My account"), accountBody({ user: me(res).user, csrf: me(res).session.csrfToken, ...extra, tw: twOf(res), ui: ui(res) }), status));
  ws.get("/account", (_req, res) => account(res));
  ws.post("/account/language", async (req, res) => {
    const { user } = me(res);
    const language = field(req, "language");
    if (!isWorkspaceLanguage(language)) return account(res, { error: twOf(res)("Choose one of the languages offered") }, 422);
    (res.locals as Locals).signedIn.user = await deps.accounts.setLanguage(user, language);
    (res.locals as { ui?: UiLanguage }).ui = language;
    account(res, { notice: twOf(res)("The workspace now speaks your language.") });
  });
  ws.post("/account/two-step/start", async (_req, res) => {
    const { user } = me(res);
    if (user.totpSecret) return account(res);
    const setup = await deps.accounts.beginTotp(user, `IPN ${deps.site.nodeName}`);
    const svg = await QRCode.toString(setup.uri, { type: "svg", margin: 2 });
    account(res, { setup: { secret: setup.secret, qrSvgDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` } });
  });
  ws.post("/account/two-step/confirm", async (req, res) => {
    const { user } = me(res);
    if (await deps.accounts.confirmTotp(user, field(req, "code"))) {
      (res.locals as Locals).signedIn.user = (await deps.accounts.getUser(user.id)) ?? user;
      return account(res, { notice: twOf(res)("Two-step verification is on. Signing in will ask for a code from your app.") });
    }
    account(res, { error: twOf(res)("That code does not match the key shown; set up again and enter the code your app shows now") }, 422);
  });
  ws.post("/account/two-step/off", async (req, res) => {
    const { user } = me(res);
    const probe = { user, session: me(res).session };
    if (!user.totpSecret || !(await deps.accounts.completeSecondFactorCheck(probe, field(req, "code")))) {
      return account(res, { error: twOf(res)("That code is not right; enter the one your app shows now") }, 422);
    }
    await deps.accounts.resetTotp(user, userActor(user));
    (res.locals as Locals).signedIn.user = { ...user, totpSecret: null };
    account(res, { notice: twOf(res)("Two-step verification is off.") });
  });

  const words = (res: Response) => ({ tw: twOf(res), ui: ui(res) });
  codeFinderRoutes(ws, { render, words });
  hubProfileRoutes(ws, { hubs: deps.hubs, render, me, words });
  editorRoutes(ws, { challenges: deps.challenges, schedule: deps.schedule, repos: deps.repos, render, me, words });
  const adminOnly = express.Router();
  adminOnly.use(requireAdmin);
  nodeAdminRoutes(adminOnly, {
    hubs: deps.hubs, peers: deps.peers, settings: deps.settings, origin: deps.origin, render, me, words,
    audit: (actor, action, target) => deps.accounts.audit({ actor, action, target }),
  });
  ws.use("/node", adminOnly);

  ws.use((_req, res) => {
    const tw = twOf(res);
    render(res, page(tw("Not found"), html`<h1>${tw("Not found")}</h1><p>${tw("There is no such page in the workspace.")} <a href="/workspace">${tw("Back to the workspace")}</a></p>`, 404));
  });

  router.use("/workspace", ws);
  return router;
}
