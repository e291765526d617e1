// Sign-in and the one-time link pages (accept an invitation, choose a new password).
import type { FieldError } from "../../domain/errors";
import type { StoredInvitation } from "../../domain/ports";
import { MIN_PASSWORD_LENGTH } from "../../domain/accounts/passwords";
import { html, type SafeHtml } from "../pages/html";
import { errorSummary, input } from "./forms";

export interface Page {
  status: number;
  title: string;
  body: SafeHtml;
  /** The page loads the workspace's own script (the challenge editor's code suggestions). */
  script?: boolean;
}

export function signInPage(o: { csrf: string; email?: string; next?: string; errors?: FieldError[]; notice?: string; status?: number; sso?: { name: string; href: string } }): Page {
  const errors = o.errors ?? [];
  return {
    status: o.status ?? (errors.length ? 401 : 200),
    title: "Sign in",
    body: html`<h1>Sign in to the workspace</h1>
${errorSummary(errors)}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
<p>For hub editors and administrators of this node. Accounts are created by invitation: ask your node's administrator.</p>
${o.sso ? html`<p><a class="button-link" href="${o.sso.href}${o.next ? `?next=${encodeURIComponent(o.next)}` : ""}">Sign in with ${o.sso.name}</a></p>
<p>Or with your email address and password:</p>` : ""}
<form method="post" action="/login" class="stack" novalidate>
<input type="hidden" name="_csrf" value="${o.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
${input({ name: "email", label: "Email address", type: "email", value: o.email, autocomplete: "username", required: true, errors })}
${input({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true, errors })}
<button type="submit">Sign in</button>
</form>
<p>Forgot your password? An administrator of this node can give you a link to choose a new one.</p>`,
  };
}

export function linkPage(o: { link: StoredInvitation; token: string; errors?: FieldError[]; displayName?: string }): Page {
  const errors = o.errors ?? [];
  const invite = o.link.kind === "invite";
  const title = invite ? "Create your account" : "Choose a new password";
  const role = o.link.admin ? "an administrator of this node" : `an editor of ${o.link.hubs.map((h) => `@${h}`).join(", ")}`;
  return {
    status: errors.length ? 422 : 200,
    title,
    body: html`<h1>${title}</h1>
${errorSummary(errors)}
<p>${invite ? html`You were invited as ${role}. Your account will be <strong>${o.link.email}</strong>.` : html`For <strong>${o.link.email}</strong>. Every session of this account will be signed out.`}</p>
<form method="post" action="/invitations/${o.token}" class="stack" novalidate>
<input type="text" name="username" value="${o.link.email}" autocomplete="username" hidden>
${invite ? input({ name: "displayName", label: "Your name", value: o.displayName, autocomplete: "name", hint: "As colleagues know you; shown in the audit log.", required: true, errors }) : ""}
${input({ name: "password", label: invite ? "Password" : "New password", type: "password", autocomplete: "new-password", required: true, errors,
    hint: `At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words are easy to remember and hard to guess; a password manager is better still.` })}
<button type="submit">${invite ? "Create account" : "Set password"}</button>
</form>
<p class="hint">This link works once and expires ${html`<time datetime="${o.link.expiresAt}">${o.link.expiresAt.slice(0, 16).replace("T", " ")} UTC</time>`}.</p>`,
  };
}

export function linkGonePage(): Page {
  return {
    status: 410,
    title: "Link no longer valid",
    body: html`<h1>This link can no longer be used</h1>
<p>It was used already, has expired, or was never issued. Links to create an account or to choose a new password work once and for a limited time.</p>
<p>Ask an administrator of this node for a new one, or <a href="/login">sign in</a> if you have an account.</p>`,
  };
}

export function forbiddenPage(message: string): Page {
  return {
    status: 403,
    title: "Not allowed",
    body: html`<h1>Not allowed</h1>
<p>${message}</p>
<p><a href="/workspace">Back to the workspace</a></p>`,
  };
}

export function tooManyPage(seconds: number): Page {
  return {
    status: 429,
    title: "Too many attempts",
    body: html`<h1>Too many sign-in attempts</h1>
<p>To protect accounts, sign-in is paused. Try again in ${Math.ceil(seconds / 60)} minute(s).</p>`,
  };
}

export function codePage(o: { csrf: string; next?: string; error?: string }): Page {
  const errors: FieldError[] = o.error ? [{ pointer: "/code", message: o.error }] : [];
  return {
    status: o.error ? 401 : 200,
    title: "Two-step verification",
    body: html`<h1>Two-step verification</h1>
${errorSummary(errors)}
<p>Open the authenticator app you set up for this account and enter the 6-digit code it shows now.</p>
<form method="post" action="/login/code" class="stack" novalidate>
<input type="hidden" name="_csrf" value="${o.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
${input({ name: "code", label: "Code", value: "", autocomplete: "one-time-code", required: true, errors, hint: "6 digits; a new one every 30 seconds." })}
<button type="submit">Verify</button>
</form>
<p>Lost your phone? An administrator of this node can turn two-step verification off for your account.</p>`,
  };
}
