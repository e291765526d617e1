// "My account": who I am, and two-step verification (set up with a QR code, or turned off with a code).
import type { StoredUser } from "../../domain/ports";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import { csrfField, errorSummary, input, select } from "./forms";
import { label } from "../pages/format";
import { WORKSPACE_LANGUAGES } from "../i18n";
import type { Tw } from "./ws-i18n";

export function accountBody(o: { user: StoredUser; csrf: string; setup?: { secret: string; qrSvgDataUri: string }; error?: string; notice?: string; tw: Tw; ui: string }): SafeHtml {
  const { tw, ui } = o;
  const on = Boolean(o.user.totpSecret);
  const errors = o.error ? [{ pointer: "/code", message: o.error }] : [];
  return html`<h1>${tw("My account")}</h1>
${workspaceNav("account", o.user.admin, tw)}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ""}
${errorSummary(errors, undefined, tw("There is a problem"))}
<div class="table-scroll"><table class="workspace-table"><tbody>
<tr><th scope="row">${tw("Name")}</th><td>${o.user.displayName}</td></tr>
<tr><th scope="row">${tw("Email (sign-in name)")}</th><td>${o.user.email}</td></tr>
<tr><th scope="row">${tw("Role")}</th><td>${o.user.admin ? tw("Administrator of this node") : tw("Editor of {{hubs}}", { hubs: o.user.hubs.map((h) => `@${h}`).join(", ") })}</td></tr>
<tr><th scope="row">${tw("Two-step verification")}</th><td>${on ? tw("On") : tw("Off")}</td></tr>
</tbody></table></div>
<section aria-labelledby="language">
<h2 id="language">${tw("Language of the workspace")}</h2>
<form method="post" action="/workspace/account/language" class="stack">
${csrfField(o.csrf)}
${select({ name: "language", label: tw("Language"), value: ui, options: WORKSPACE_LANGUAGES.map((l) => ({ value: l, label: label("languages", l, l) })) })}
<button type="submit" class="secondary">${tw("Save the language")}</button>
</form>
</section>
<section aria-labelledby="two-step">
<h2 id="two-step">${tw("Two-step verification")}</h2>
${on
    ? html`<p>${tw("Signing in asks for a code from your authenticator app after your password.")}</p>
<form method="post" action="/workspace/account/two-step/off" class="stack" novalidate>
${csrfField(o.csrf)}
${input({ name: "code", label: tw("Current code, to turn it off"), autocomplete: "one-time-code", errors })}
<button type="submit" class="secondary">${tw("Turn two-step verification off")}</button>
</form>`
    : o.setup
      ? html`<ol>
<li>${tw("Scan this code with an authenticator app (for example FreeOTP, Aegis, Google or Microsoft Authenticator):")}<br>
<img src="${o.setup.qrSvgDataUri}" alt="${tw("QR code that adds this account to an authenticator app")}" width="200" height="200" class="qr"></li>
<li>${tw("Or type this key into the app:")} <code class="secret">${o.setup.secret}</code></li>
<li>${tw("Enter the code the app shows:")}</li>
</ol>
<form method="post" action="/workspace/account/two-step/confirm" class="stack" novalidate>
${csrfField(o.csrf)}
${input({ name: "code", label: tw("Code from the app"), autocomplete: "one-time-code", errors })}
<button type="submit">${tw("Turn two-step verification on")}</button>
</form>`
      : html`<p>${o.user.admin ? html`<strong>${tw("Recommended for administrators.")}</strong> ` : ""}${tw("With it, a stolen password alone does not open your account.")}</p>
<form method="post" action="/workspace/account/two-step/start" class="stack">
${csrfField(o.csrf)}
<button type="submit">${tw("Set up two-step verification")}</button>
</form>`}
</section>`;
}
