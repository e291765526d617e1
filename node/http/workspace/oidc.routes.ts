// Single sign-on for public authorities: OpenID Connect authorization code flow with PKCE
// (openid-client), as EU Login and national eID providers speak it. The provider vouches for an email;
// the account is the one with that verified email, or the one a pending invitation for it creates —
// nobody gets in uninvited. The round trip's state, nonce and PKCE verifier are kept server-side behind
// the session cookie, and are good for one callback within 10 minutes.
import type { Request, Response, Router } from "express";
import * as client from "openid-client";
import type { AccountService } from "../../domain/accounts/accounts.service";
import type { Page } from "./auth-pages";
import { forbiddenPage } from "./auth-pages";
import type { Tw } from "./ws-i18n";
import { html } from "../pages/html";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Shown on the button: "Sign in with EU Login". */
  name: string;
  /** Test mode only: a plain-http issuer on loopback. */
  allowHttp: boolean;
}

export interface OidcRouteDeps {
  oidc: OidcSettings;
  accounts: AccountService;
  origin: string;
  render: (res: Response, page: Page) => void;
  readSessionCookie: (req: Request) => string | undefined;
  /** Starts the signed-in (or code-pending) session and redirects, as the password sign-in does. */
  finishSignIn: (res: Response, userId: string, via: string, next: string | undefined) => Promise<void>;
  setSessionCookie: (res: Response, value: string) => void;
  safeNext: (v: unknown) => string | undefined;
  twOf: (res: Response) => Tw;
}

export function oidcRoutes(router: Router, deps: OidcRouteDeps): void {
  const callbackUrl = new URL("/login/oidc/callback", deps.origin).href;
  // Discovery on first use (the provider may be down when the node starts), again after a failure.
  let loaded: Promise<{ client: typeof client; config: client.Configuration }> | undefined;
  const provider = () => {
    loaded ??= (async () => {
      const o = deps.oidc;
      const config = await client.discovery(new URL(o.issuer), o.clientId, o.clientSecret, o.clientSecret ? undefined : client.None(),
        o.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined);
      return { client, config };
    })().catch((error) => {
      loaded = undefined; // try discovery again at the next sign-in
      throw error;
    });
    return loaded;
  };
  const unavailable = (res: Response) => {
    const tw = deps.twOf(res);
    const provider = deps.oidc.name;
    deps.render(res, { status: 502, title: tw("Sign-in unavailable"), body: html`<h1>${tw("{{provider}} is not reachable", { provider })}</h1>
<p>${tw("Signing in through {{provider}} does not work right now. Try again in a few minutes, or sign in with your password.", { provider })}</p><p><a href="/login">${tw("Back to sign-in")}</a></p>` });
  };

  router.get("/login/oidc", async (req, res) => {
    let p: Awaited<ReturnType<typeof provider>>;
    try {
      p = await provider();
    } catch {
      return unavailable(res);
    }
    const codeVerifier = p.client.randomPKCECodeVerifier();
    const state = p.client.randomState();
    const nonce = p.client.randomNonce();
    const next = deps.safeNext(req.query.next);
    deps.setSessionCookie(res, await deps.accounts.startOidcAttempt({ state, nonce, codeVerifier, ...(next ? { next } : {}) }));
    const url = p.client.buildAuthorizationUrl(p.config, {
      redirect_uri: callbackUrl, scope: "openid email profile", state, nonce,
      code_challenge: await p.client.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: "S256",
    });
    res.set("Cache-Control", "no-store");
    res.redirect(303, url.href);
  });

  router.get("/login/oidc/callback", async (req, res) => {
    const cookie = deps.readSessionCookie(req);
    const attempt = cookie ? await deps.accounts.takeOidcAttempt(cookie) : null;
    if (!attempt) return deps.render(res, forbiddenPage(deps.twOf(res)("This sign-in through {{provider}} expired or did not start here. Start again from the sign-in page.", { provider: deps.oidc.name }), deps.twOf(res)));
    let p: Awaited<ReturnType<typeof provider>>;
    try {
      p = await provider();
    } catch {
      return unavailable(res);
    }
    let claims: Record<string, unknown> | undefined;
    try {
      const current = new URL(req.originalUrl, deps.origin);
      const tokens = await p.client.authorizationCodeGrant(p.config, current, { pkceCodeVerifier: attempt.codeVerifier, expectedState: attempt.state, expectedNonce: attempt.nonce });
      const idClaims = tokens.claims() as Record<string, unknown> | undefined;
      // Providers put email and name in the ID token or only behind the userinfo endpoint (the OpenID
      // default for scope claims); ask the latter when the former lacks them, for the same subject.
      claims = idClaims && typeof idClaims.email === "string"
        ? idClaims
        : idClaims ? { ...idClaims, ...(await p.client.fetchUserInfo(p.config, tokens.access_token, String(idClaims.sub))) } : undefined;
    } catch {
      // A wrong state or nonce, a refused code, a provider error: nothing is learned by the details.
      return deps.render(res, forbiddenPage(deps.twOf(res)("{{provider}} did not confirm this sign-in. Start again from the sign-in page.", { provider: deps.oidc.name }), deps.twOf(res)));
    }
    if (!claims || typeof claims.email !== "string" || claims.email_verified !== true) {
      return deps.render(res, forbiddenPage(deps.twOf(res)("{{provider}} did not give a verified email address, which this node needs to find your account.", { provider: deps.oidc.name }), deps.twOf(res)));
    }
    const name = typeof claims.name === "string" ? claims.name : "";
    const account = await deps.accounts.accountForVerifiedEmail(claims.email, name, deps.oidc.name);
    if (!account.ok) {
      return deps.render(res, forbiddenPage(deps.twOf(res)("There is no account and no invitation for {{email}} on this node. Ask an administrator of this node to invite this address.", { email: claims.email }), deps.twOf(res)));
    }
    await deps.finishSignIn(res, account.value.id, deps.oidc.name, attempt.next);
  });
}
