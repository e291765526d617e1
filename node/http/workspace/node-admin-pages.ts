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

export interface HubForm { handle?: string; name?: string; hubType?: string; country?: string; language?: string; email?: string }
export interface PeerForm { origin?: string; country?: string; role?: string }

export function nodeAdminBody(o: {
  csrf: string; hubs: StoredHub[]; peers: PeerRecord[] | null; settings: [string, string][]; host: string;
  hubForm?: HubForm; hubErrors?: FieldError[]; peerForm?: PeerForm; peerErrors?: FieldError[];
}): SafeHtml {
  const hubErrors = o.hubErrors ?? [];
  const peerErrors = o.peerErrors ?? [];
  const hf = o.hubForm ?? {};
  const pf = o.peerForm ?? {};
  return html`<h1>Hubs, peers and settings</h1>
${workspaceNav("node", true)}
<section aria-labelledby="hubs">
<h2 id="hubs">Hubs (${o.hubs.length})</h2>
<table class="workspace-table">
<thead><tr><th scope="col">Hub</th><th scope="col">Fediverse handle</th><th scope="col">Country</th><th scope="col">API token</th></tr></thead>
<tbody>${o.hubs.map((h) => {
    const name = pick(h.doc.name, h.doc.defaultLanguage, h.doc.defaultLanguage);
    return html`<tr><th scope="row"><a href="/hubs/${h.handle}">${name?.text ?? h.handle}</a></th><td>@${h.handle}@${o.host}</td><td>${label("countries", h.doc.country)}</td>
<td>${actionButton(`/workspace/node/hubs/${h.handle}/token`, `New API token for @${h.handle}`, o.csrf, { secondary: true })}
${actionButton(`/workspace/node/hubs/${h.handle}/token/revoke`, `Revoke the API token of @${h.handle}`, o.csrf, { secondary: true })}</td></tr>`;
  })}</tbody>
</table>
<h3 id="new-hub">Create a hub</h3>
${errorSummary(hubErrors)}
<form method="post" action="/workspace/node/hubs" class="stack" novalidate aria-labelledby="new-hub">
${csrfField(o.csrf)}
${input({ name: "handle", label: "Fediverse handle", value: hf.handle, errors: hubErrors, hint: `Lower-case letters, digits and _; followers will know it as @handle@${o.host}. It cannot change later.` })}
${input({ name: "name", label: "Name", value: hf.name, errors: hubErrors })}
${select({ name: "hubType", label: "Type", value: hf.hubType ?? "innovation-procurement-hub", options: (getCodeList("hub-types")?.codes ?? []).map((c) => ({ value: c.code, label: label("hub-types", c.code) })), errors: hubErrors })}
${select({ name: "country", label: "Country", value: hf.country, options: countryOptions().map((c) => ({ value: c.code, label: c.label })), errors: hubErrors })}
${select({ name: "language", label: "Main language", value: hf.language ?? "en", options: LANGUAGE_TAGS.map((l) => ({ value: l, label: `${label("languages", l)} (${l})` })), errors: hubErrors })}
${input({ name: "email", label: "Contact email", type: "email", value: hf.email, errors: hubErrors, hint: "A functional mailbox of the hub, shown on its public page." })}
<button type="submit">Create hub</button>
</form>
</section>
${o.peers === null ? "" : html`<section aria-labelledby="peers">
<h2 id="peers">Peer nodes (${o.peers.length})</h2>
<p>This node mirrors the public challenges of these nodes, and they may mirror its own. Public sync status: <a href="/peers">/peers</a>.</p>
${peersTable(o.peers, new Date(), (p) => actionButton(`/workspace/node/peers/remove?origin=${encodeURIComponent(p.origin)}`, `Remove ${p.origin}`, o.csrf, { secondary: true }))}
<h3 id="add-peer">Add a peer</h3>
${errorSummary(peerErrors)}
<form method="post" action="/workspace/node/peers" class="stack" novalidate aria-labelledby="add-peer">
${csrfField(o.csrf)}
${input({ name: "origin", label: "Origin of the peer node", value: pf.origin, errors: peerErrors, hint: "https://… — its public address, without a path." })}
${input({ name: "country", label: "Its country (ISO code, EU for the aggregator)", value: pf.country, errors: peerErrors })}
${select({ name: "role", label: "Its role", value: pf.role ?? "national", options: [{ value: "national", label: "National node" }, { value: "aggregator", label: "Aggregator" }], errors: peerErrors })}
<button type="submit">Add peer</button>
</form>
</section>`}
<section aria-labelledby="settings">
<h2 id="settings">Settings (read-only)</h2>
<p>Set by the operator in the environment (see the README's Configuration); secrets are not shown.</p>
<table class="workspace-table"><tbody>${o.settings.map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${v}</code></td></tr>`)}</tbody></table>
</section>`;
}

export function tokenIssuedBody(o: { handle: string; token: string }): SafeHtml {
  return html`<h1>New API token for @${o.handle}</h1>
${workspaceNav("node", true)}
<p role="status">The previous token stopped working. Copy this one now: it is shown only once and kept only as a hash.</p>
<p><label for="issued-token">Token</label><br><input id="issued-token" type="text" readonly value="${o.token}" class="wide"></p>
<p><a href="/workspace/node">Back to hubs, peers and settings</a></p>`;
}
