// Node administration in the workspace: people, their invitations, the audit log.
import type { FieldError } from "../../domain/errors";
import type { AuditEntry, StoredHub, StoredInvitation, StoredUser } from "../../domain/ports";
import { dateTime } from "../pages/components";
import { pick } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { actionButton, csrfField, errorsFor, errorSummary, input } from "./forms";
import type { Tw } from "./ws-i18n";

const role = (u: { admin: boolean; hubs: string[] }, tw: Tw) => (u.admin ? tw("Administrator") : tw("Editor of {{hubs}}", { hubs: u.hubs.map((h) => `@${h}`).join(", ") }));

export type WorkspaceSection = "hubs" | "users" | "node" | "audit" | "account";

export function workspaceNav(current: WorkspaceSection, admin: boolean, tw: Tw): SafeHtml {
  const link = (href: string, label: string, key: WorkspaceSection) => html`<li><a href="${href}"${key === current ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<nav aria-label="${tw("Workspace")}" class="workspace-nav"><ul>
${link("/workspace", tw("My hubs"), "hubs")}
${admin ? html`${link("/workspace/users", tw("People and invitations"), "users")}${link("/workspace/node", tw("Hubs, peers and settings"), "node")}${link("/workspace/audit", tw("Audit log"), "audit")}` : ""}
${link("/workspace/account", tw("My account"), "account")}
</ul></nav>`;
}

export interface InviteForm { email?: string; role?: string; hubs?: string[] }

export function usersBody(o: { csrf: string; users: StoredUser[]; pending: StoredInvitation[]; hubs: StoredHub[]; form?: InviteForm; errors?: FieldError[]; tw: Tw }): SafeHtml {
  const { tw } = o;
  const errors = o.errors ?? [];
  const form = o.form ?? {};
  const hubErrors = errorsFor(errors, "hubs");
  return html`<h1>${tw("People and invitations")}</h1>
${workspaceNav("users", true, tw)}
${errorSummary(errors, undefined, tw("There is a problem"))}
<section aria-labelledby="people">
<h2 id="people">${tw("People ({{count}})", { count: o.users.length })}</h2>
<div class="table-scroll"><table class="workspace-table">
<thead><tr><th scope="col">${tw("Name")}</th><th scope="col">${tw("Email")}</th><th scope="col">${tw("Role")}</th><th scope="col">${tw("Two-step")}</th><th scope="col">${tw("Since")}</th><th scope="col">${tw("Actions")}</th></tr></thead>
<tbody>${o.users.map((u) => html`<tr>
<th scope="row">${u.displayName}</th><td>${u.email}</td><td>${role(u, tw)}</td><td>${u.totpSecret ? tw("on") : tw("off")}</td><td>${dateTime(u.createdAt)}</td>
<td>${actionButton(`/workspace/users/${u.id}/reset-link`, tw("Password reset link for {{name}}", { name: u.displayName }), o.csrf, { secondary: true })}
${u.totpSecret ? actionButton(`/workspace/users/${u.id}/two-step/off`, tw("Turn two-step verification off for {{name}}", { name: u.displayName }), o.csrf, { secondary: true }) : ""}
${actionButton(`/workspace/users/${u.id}/sign-out-everywhere`, tw("Sign {{name}} out everywhere", { name: u.displayName }), o.csrf, { secondary: true })}</td>
</tr>`)}</tbody>
</table></div>
</section>
<section aria-labelledby="pending">
<h2 id="pending">${tw("Links not used yet ({{count}})", { count: o.pending.length })}</h2>
${o.pending.length === 0 ? html`<p>${tw("None.")}</p>` : html`<div class="table-scroll"><table class="workspace-table">
<thead><tr><th scope="col">${tw("Email")}</th><th scope="col">${tw("Kind")}</th><th scope="col">${tw("Role")}</th><th scope="col">${tw("Expires")}</th></tr></thead>
<tbody>${o.pending.map((i) => html`<tr><th scope="row">${i.email}</th><td>${i.kind === "invite" ? tw("Invitation") : tw("Password reset")}</td><td>${i.kind === "invite" ? role(i, tw) : "—"}</td><td>${dateTime(i.expiresAt)}</td></tr>`)}</tbody>
</table></div>`}
</section>
<section aria-labelledby="invite">
<h2 id="invite">${tw("Invite someone")}</h2>
<form method="post" action="/workspace/users/invitations" class="stack" novalidate>
${csrfField(o.csrf)}
${input({ name: "email", label: tw("Email address"), type: "email", value: form.email, autocomplete: "off", required: true, errors })}
<fieldset>
<legend>${tw("Role")}</legend>
<div class="choice"><input type="radio" id="f-role-editor" name="role" value="editor"${form.role !== "admin" ? html` checked` : ""}><label for="f-role-editor">${tw("Hub editor — publishes and edits the challenges of the hubs chosen below")}</label></div>
<div class="choice"><input type="radio" id="f-role-admin" name="role" value="admin"${form.role === "admin" ? html` checked` : ""}><label for="f-role-admin">${tw("Administrator — people, hubs, peers and settings of this node")}</label></div>
</fieldset>
<fieldset id="f-hubs"${hubErrors.length ? html` aria-describedby="f-hubs-error"` : ""}>
<legend>${tw("Hubs (for editors)")}</legend>
${hubErrors.length ? html`<span class="error-message" id="f-hubs-error">${hubErrors.map((e) => e.message).join("; ")}</span>` : ""}
${o.hubs.length === 0 ? html`<p>${tw("There are no hubs yet.")}</p>` : o.hubs.map((h) => {
    const name = pick(h.doc.name, h.doc.defaultLanguage, h.doc.defaultLanguage);
    return html`<div class="choice"><input type="checkbox" id="f-hub-${h.handle}" name="hubs" value="${h.handle}"${form.hubs?.includes(h.handle) ? html` checked` : ""}><label for="f-hub-${h.handle}">${name?.text ?? h.handle} (@${h.handle})</label></div>`;
  })}
</fieldset>
<button type="submit">${tw("Create invitation link")}</button>
</form>
</section>`;
}

/** The link, shown once: only its hash is stored. */
export function linkIssuedBody(o: { kind: "invite" | "reset"; email: string; url: string; expiresAt: string; mailed: boolean | null; tw: Tw }): SafeHtml {
  const { tw } = o;
  const mail = o.mailed === true ? html` ${tw("It was also emailed to")} <strong>${o.email}</strong>.`
    : o.mailed === false ? html` <strong>${tw("It could not be emailed")}</strong> ${tw("(the mail server refused or did not answer): send it yourself.")}` : "";
  return html`<h1>${o.kind === "invite" ? tw("Invitation created") : tw("Password reset link created")}</h1>
${workspaceNav("users", true, tw)}
<p role="status">${tw("Send this link to {{email}} through a channel you trust. It is shown only now, works once, and expires", { email: o.email })} ${dateTime(o.expiresAt)}.${mail}</p>
<p><label for="issued-link">${tw("Link")}</label><br><input id="issued-link" type="text" readonly value="${o.url}" class="wide"></p>
<p><a href="/workspace/users">${tw("Back to people and invitations")}</a></p>`;
}

export function auditBody(o: { items: AuditEntry[]; nextCursor: string | null; tw: Tw }): SafeHtml {
  const { tw } = o;
  return html`<h1>${tw("Audit log")}</h1>
${workspaceNav("audit", true, tw)}
<p>${tw("Every change made on this node, newest first: who, when, what, and the revision it produced.")}</p>
<div class="table-scroll"><table class="workspace-table">
<thead><tr><th scope="col">${tw("When")}</th><th scope="col">${tw("Who")}</th><th scope="col">${tw("What")}</th><th scope="col">${tw("Concerning")}</th><th scope="col">${tw("Revision")}</th><th scope="col">${tw("Detail")}</th></tr></thead>
<tbody>${o.items.map((e) => html`<tr><td>${dateTime(e.at)}</td><td>${e.actor}</td><td><code>${e.action}</code></td><td>${e.target}</td><td>${e.revision ?? ""}</td><td>${e.detail ?? ""}</td></tr>`)}</tbody>
</table></div>
${o.nextCursor ? html`<p><a href="/workspace/audit?cursor=${o.nextCursor}" rel="next">${tw("Older entries")}</a></p>` : ""}`;
}
