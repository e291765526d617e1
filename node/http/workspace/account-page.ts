// "My account": who I am, and two-step verification (set up with a QR code, or turned off with a code).
import type { StoredUser } from "../../domain/ports";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import { csrfField, errorSummary, input } from "./forms";

export function accountBody(o: { user: StoredUser; csrf: string; setup?: { secret: string; qrSvgDataUri: string }; error?: string; notice?: string }): SafeHtml {
  const on = Boolean(o.user.totpSecret);
  const errors = o.error ? [{ pointer: "/code", message: o.error }] : [];
  return html`<h1>My account</h1>
${workspaceNav("account", o.user.admin)}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
${errorSummary(errors)}
<table class="workspace-table"><tbody>
<tr><th scope="row">Name</th><td>${o.user.displayName}</td></tr>
<tr><th scope="row">Email (sign-in name)</th><td>${o.user.email}</td></tr>
<tr><th scope="row">Role</th><td>${o.user.admin ? "Administrator of this node" : `Editor of ${o.user.hubs.map((h) => `@${h}`).join(", ")}`}</td></tr>
<tr><th scope="row">Two-step verification</th><td>${on ? "On" : "Off"}</td></tr>
</tbody></table>
<section aria-labelledby="two-step">
<h2 id="two-step">Two-step verification</h2>
${on
    ? html`<p>Signing in asks for a code from your authenticator app after your password.</p>
<form method="post" action="/workspace/account/two-step/off" class="stack" novalidate>
${csrfField(o.csrf)}
${input({ name: "code", label: "Current code, to turn it off", autocomplete: "one-time-code", errors })}
<button type="submit" class="secondary">Turn two-step verification off</button>
</form>`
    : o.setup
      ? html`<ol>
<li>Scan this code with an authenticator app (for example FreeOTP, Aegis, Google or Microsoft Authenticator):<br>
<img src="${o.setup.qrSvgDataUri}" alt="QR code that adds this account to an authenticator app" width="200" height="200" class="qr"></li>
<li>Or type this key into the app: <code class="secret">${o.setup.secret}</code></li>
<li>Enter the code the app shows:</li>
</ol>
<form method="post" action="/workspace/account/two-step/confirm" class="stack" novalidate>
${csrfField(o.csrf)}
${input({ name: "code", label: "Code from the app", autocomplete: "one-time-code", errors })}
<button type="submit">Turn two-step verification on</button>
</form>`
      : html`<p>${o.user.admin ? html`<strong>Recommended for administrators.</strong> ` : ""}With it, a stolen password alone does not open your account.</p>
<form method="post" action="/workspace/account/two-step/start" class="stack">
${csrfField(o.csrf)}
<button type="submit">Set up two-step verification</button>
</form>`}
</section>`;
}
