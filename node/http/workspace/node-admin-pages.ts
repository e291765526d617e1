// Node administration: hubs (create, API tokens), peers (add, remove, their sync status) and a
// read-only view of the configuration.
import type { FieldError } from "../../domain/errors";
import type { PeerRecord, StoredHub } from "../../domain/ports";
import { LANGUAGE_TAGS, getCodeList } from "../../domain/codelists";
import { countryOptions, label, pick } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { peersTable } from "../pages/network-page";
import { workspaceNav } from "./admin-pages";
import { actionButton, csrfField, errorSummary, input, select } from "./forms";
import type { Tw } from "./ws-i18n";
import { isUiLanguage } from "../i18n";

export interface HubForm { handle?: string; name?: string; hubType?: string; country?: string; language?: string; email?: string }
export interface PeerForm { origin?: string; country?: string; role?: string }

export function nodeAdminBody(o: {
  csrf: string; hubs: StoredHub[]; peers: PeerRecord[] | null; settings: [string, string][]; host: string;
  hubForm?: HubForm; hubErrors?: FieldError[]; peerForm?: PeerForm; peerErrors?: FieldError[]; tw: Tw; ui: string;
}): SafeHtml {
  const { tw, ui } = o;
  const hubErrors = o.hubErrors ?? [];
  const peerErrors = o.peerErrors ?? [];
  const hf = o.hubForm ?? {};
  const pf = o.peerForm ?? {};
  return html`<h1>${tw("Hubs, peers and settings")}</h1>
${workspaceNav("node", true, tw)}
<section aria-labelledby="hubs">
<h2 id="hubs">${tw("Hubs ({{count}})", { count: o.hubs.length })}</h2>
<div class="table-scroll"><table class="workspace-table">
<thead><tr><th scope="col">${tw("Hub")}</th><th scope="col">${tw("Fediverse handle")}</th><th scope="col">${tw("Country")}</th><th scope="col">${tw("API token")}</th></tr></thead>
<tbody>${o.hubs.map((h) => {
    const name = pick(h.doc.name, h.doc.defaultLanguage, h.doc.defaultLanguage);
    return html`<tr><th scope="row"><a href="/hubs/${h.handle}">${name?.text ?? h.handle}</a></th><td>@${h.handle}@${o.host}</td><td>${label("countries", h.doc.country, ui)}</td>
<td>${actionButton(`/workspace/node/hubs/${h.handle}/token`, tw("New API token for @{{handle}}", { handle: h.handle }), o.csrf, { secondary: true })}
${actionButton(`/workspace/node/hubs/${h.handle}/token/revoke`, tw("Revoke the API token of @{{handle}}", { handle: h.handle }), o.csrf, { secondary: true })}</td></tr>`;
  })}</tbody>
</table></div>
<h3 id="new-hub">${tw("Create a hub")}</h3>
${errorSummary(hubErrors, undefined, tw("There is a problem"))}
<form method="post" action="/workspace/node/hubs" class="stack" novalidate aria-labelledby="new-hub">
${csrfField(o.csrf)}
${input({ name: "handle", label: tw("Fediverse handle"), value: hf.handle, errors: hubErrors, hint: tw("Lower-case letters, digits and _; followers will know it as @handle@{{host}}. It cannot change later.", { host: o.host }) })}
${input({ name: "name", label: tw("Name"), value: hf.name, errors: hubErrors })}
${select({ name: "hubType", label: tw("Type"), value: hf.hubType ?? "innovation-procurement-hub", options: (getCodeList("hub-types")?.codes ?? []).map((c) => ({ value: c.code, label: label("hub-types", c.code, ui) })), errors: hubErrors })}
${select({ name: "country", label: tw("Country"), value: hf.country, options: countryOptions(ui).map((c) => ({ value: c.code, label: c.label })), errors: hubErrors })}
${select({ name: "language", label: tw("Main language"), value: hf.language ?? "en", options: LANGUAGE_TAGS.map((l) => ({ value: l, label: `${label("languages", l, ui)} (${l})` })), errors: hubErrors })}
${input({ name: "email", label: tw("Contact email"), type: "email", value: hf.email, errors: hubErrors, hint: tw("A functional mailbox of the hub, shown on its public page.") })}
<button type="submit">${tw("Create hub")}</button>
</form>
</section>
${o.peers === null ? "" : html`<section aria-labelledby="peers">
<h2 id="peers">${tw("Peer nodes ({{count}})", { count: o.peers.length })}</h2>
<p>${tw("This node mirrors the public challenges of these nodes, and they may mirror its own. Public sync status:")} <a href="/peers">/peers</a>.</p>
${peersTable(o.peers, new Date(), (p) => actionButton(`/workspace/node/peers/remove?origin=${encodeURIComponent(p.origin)}`, tw("Remove {{what}}", { what: p.origin }), o.csrf, { secondary: true }), isUiLanguage(ui) ? ui : "en")}
<h3 id="add-peer">${tw("Add a peer")}</h3>
${errorSummary(peerErrors, undefined, tw("There is a problem"))}
<form method="post" action="/workspace/node/peers" class="stack" novalidate aria-labelledby="add-peer">
${csrfField(o.csrf)}
${input({ name: "origin", label: tw("Origin of the peer node"), value: pf.origin, errors: peerErrors, hint: tw("https://… — its public address, without a path.") })}
${input({ name: "country", label: tw("Its country (ISO code, EU for the aggregator)"), value: pf.country, errors: peerErrors })}
${select({ name: "role", label: tw("Its role"), value: pf.role ?? "national", options: [{ value: "national", label: tw("National node") }, { value: "aggregator", label: tw("Aggregator") }], errors: peerErrors })}
<button type="submit">${tw("Add peer")}</button>
</form>
</section>`}
<section aria-labelledby="settings">
<h2 id="settings">${tw("Settings (read-only)")}</h2>
<p>${tw("Set by the operator in the environment (see the README’s Configuration); secrets are not shown.")}</p>
<div class="table-scroll"><table class="workspace-table"><tbody>${o.settings.map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${v}</code></td></tr>`)}</tbody></table></div>
</section>`;
}

export function tokenIssuedBody(o: { handle: string; token: string; tw: Tw }): SafeHtml {
  const { tw } = o;
  return html`<h1>${tw("New API token for @{{handle}}", { handle: o.handle })}</h1>
${workspaceNav("node", true, tw)}
<p role="status">${tw("The previous token stopped working. Copy this one now: it is shown only once and kept only as a hash.")}</p>
<p><label for="issued-token">${tw("Token")}</label><br><input id="issued-token" type="text" readonly value="${o.token}" class="wide"></p>
<p><a href="/workspace/node">${tw("Back to hubs, peers and settings")}</a></p>`;
}
