// Sign-in and the one-time link pages (accept an invitation, choose a new password).
import type { FieldError } from "../../domain/errors";
import type { StoredInvitation } from "../../domain/ports";
import { MIN_PASSWORD_LENGTH } from "../../domain/accounts/passwords";
import { html, type SafeHtml } from "../pages/html";
import { errorSummary, input } from "./forms";
import type { Tw } from "./ws-i18n";

export interface Page {
  status: number;
  title: string;
  body: SafeHtml;
  /** The page loads the workspace's own script (the challenge editor's code suggestions). */
  script?: boolean;
}

export function signInPage(o: { csrf: string; email?: string; next?: string; errors?: FieldError[]; notice?: string; status?: number; sso?: { name: string; href: string }; tw: Tw }): Page {
  const { tw } = o;
  const errors = o.errors ?? [];
  return {
    status: o.status ?? (errors.length ? 401 : 200),
    title: tw("Sign in"),
    body: html`<h1>${tw("Sign in to the workspace")}</h1>
${errorSummary(errors, undefined, tw("There is a problem"))}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
<p>${tw("For hub editors and administrators of this node. Accounts are created by invitation: ask your node's administrator.")}</p>
${o.sso ? html`<p><a class="button-link" href="${o.sso.href}${o.next ? `?next=${encodeURIComponent(o.next)}` : ""}">${tw("Sign in with {{provider}}", { provider: o.sso.name })}</a></p>
<p>${tw("Or with your email address and password:")}</p>` : ""}
<form method="post" action="/login" class="stack" novalidate>
<input type="hidden" name="_csrf" value="${o.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
${input({ name: "email", label: tw("Email address"), type: "email", value: o.email, autocomplete: "username", required: true, errors })}
${input({ name: "password", label: tw("Password"), type: "password", autocomplete: "current-password", required: true, errors })}
<button type="submit">${tw("Sign in")}</button>
</form>
<p>${tw("Forgot your password? An administrator of this node can give you a link to choose a new one.")}</p>`,
  };
}

export function linkPage(o: { link: StoredInvitation; token: string; errors?: FieldError[]; displayName?: string; tw: Tw }): Page {
  const { tw } = o;
  const errors = o.errors ?? [];
  const invite = o.link.kind === "invite";
  const title = invite ? tw("Create your account") : tw("Choose a new password");
  const role = o.link.admin ? tw("an administrator of this node") : tw("an editor of {{hubs}}", { hubs: o.link.hubs.map((h) => `@${h}`).join(", ") });
  return {
    status: errors.length ? 422 : 200,
    title,
    body: html`<h1>${title}</h1>
${errorSummary(errors, undefined, tw("There is a problem"))}
<p>${invite ? tw("You were invited as {{role}}. Your account will be {{email}}.", { role, email: o.link.email }) : tw("For {{email}}. Every session of this account will be signed out.", { email: o.link.email })}</p>
<form method="post" action="/invitations/${o.token}" class="stack" novalidate>
<input type="text" name="username" value="${o.link.email}" autocomplete="username" hidden>
${invite ? input({ name: "displayName", label: tw("Your name"), value: o.displayName, autocomplete: "name", hint: tw("As colleagues know you; shown in the audit log."), required: true, errors }) : ""}
${input({ name: "password", label: invite ? tw("Password") : tw("New password"), type: "password", autocomplete: "new-password", required: true, errors,
    hint: tw("At least {{min}} characters. A few unrelated words are easy to remember and hard to guess; a password manager is better still.", { min: MIN_PASSWORD_LENGTH }) })}
<button type="submit">${invite ? tw("Create account") : tw("Set password")}</button>
</form>
<p class="hint">${tw("This link works once and expires")} ${html`<time datetime="${o.link.expiresAt}">${o.link.expiresAt.slice(0, 16).replace("T", " ")} UTC</time>`}.</p>`,
  };
}

export function linkGonePage(tw: Tw): Page {
  return {
    status: 410,
    title: tw("Link no longer valid"),
    body: html`<h1>${tw("This link can no longer be used")}</h1>
<p>${tw("It was used already, has expired, or was never issued. Links to create an account or to choose a new password work once and for a limited time.")}</p>
<p>${tw("Ask an administrator of this node for a new one, or sign in if you have an account.")} <a href="/login">${tw("Sign in")}</a></p>`,
  };
}

export function forbiddenPage(message: string, tw: Tw): Page {
  return {
    status: 403,
    title: tw("Not allowed"),
    body: html`<h1>${tw("Not allowed")}</h1>
<p>${message}</p>
<p><a href="/workspace">${tw("Back to the workspace")}</a></p>`,
  };
}

export function tooManyPage(seconds: number, tw: Tw): Page {
  return {
    status: 429,
    title: tw("Too many attempts"),
    body: html`<h1>${tw("Too many sign-in attempts")}</h1>
<p>${tw("To protect accounts, sign-in is paused. Minutes to wait before trying again: {{minutes}}.", { minutes: Math.ceil(seconds / 60) })}</p>`,
  };
}

export function codePage(o: { csrf: string; next?: string; error?: string; tw: Tw }): Page {
  const { tw } = o;
  const errors: FieldError[] = o.error ? [{ pointer: "/code", message: o.error }] : [];
  return {
    status: o.error ? 401 : 200,
    title: tw("Two-step verification"),
    body: html`<h1>${tw("Two-step verification")}</h1>
${errorSummary(errors, undefined, tw("There is a problem"))}
<p>${tw("Open the authenticator app you set up for this account and enter the 6-digit code it shows now.")}</p>
<form method="post" action="/login/code" class="stack" novalidate>
<input type="hidden" name="_csrf" value="${o.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ""}
${input({ name: "code", label: tw("Code"), value: "", autocomplete: "one-time-code", required: true, errors, hint: tw("6 digits; a new one every 30 seconds.") })}
<button type="submit">${tw("Verify")}</button>
</form>
<p>${tw("Lost your phone? An administrator of this node can turn two-step verification off for your account.")}</p>`,
  };
}
