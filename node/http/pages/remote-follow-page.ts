// "Follow from your fediverse account": the form on a hub's page and its own page (with the reason
// when the reader's server could not be asked), in the reader's interface language.
import { translator, type UiLanguage } from "../i18n";
import { html, type SafeHtml } from "./html";

/** Why the reader's server could not give a follow page. */
export type RemoteFollowFailure = "invalid-account" | "unreachable" | "no-follow-page";

/** `action`: the follow route of the followable page ("/hubs/lab/follow", "/topics/health/follow"). */
export function remoteFollowForm(o: { action: string; account?: string; error?: string; ui: UiLanguage }): SafeHtml {
  const t = translator(o.ui);
  const described = o.error ? "remote-account-hint remote-account-error" : "remote-account-hint";
  return html`<form method="get" action="${o.action}" class="remote-follow">
<label for="remote-account">${t("remoteFollow.label")}</label>
<span class="hint" id="remote-account-hint">${t("remoteFollow.hint")}</span>
${o.error ? html`<span class="error-message" id="remote-account-error">${o.error}</span>` : ""}
<span class="remote-follow-row"><input id="remote-account" name="account" type="text" value="${o.account ?? ""}" autocomplete="off" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : ""}>
<button type="submit">${t("remoteFollow.button")}</button></span>
</form>`;
}

export function remoteFollowBody(o: { name: string; page: string; fediverseHandle: string; account?: string; failure?: RemoteFollowFailure; server?: string; ui: UiLanguage }): SafeHtml {
  const t = translator(o.ui);
  const error = o.failure === "invalid-account" ? t("remoteFollow.invalid")
    : o.failure === "unreachable" ? t("remoteFollow.unreachable", { server: o.server, handle: o.fediverseHandle })
    : o.failure === "no-follow-page" ? t("remoteFollow.noPage", { server: o.server, handle: o.fediverseHandle }) : undefined;
  return html`<h1>${t("remoteFollow.title", { name: o.name })}</h1>
<p>${t("remoteFollow.intro", { handle: o.fediverseHandle })}</p>
${error ? html`<p class="notice" role="alert">${error}</p>` : ""}
${remoteFollowForm({ action: `${o.page}/follow`, account: o.account, error, ui: o.ui })}
<p><a href="${o.page}">${o.name}</a></p>`;
}
