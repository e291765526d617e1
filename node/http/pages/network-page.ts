// "/peers": the public sync status of this node's copy of every peer (ADR 0007: transparency over
// secrecy — the figures say how current the mirrored listings are; nothing in them is a secret), and
// on the aggregator "/feeds": the topic and country actors a fediverse user can follow.
import type { PeerRecord } from "../../domain/ports";
import { peerView } from "../api/peers.routes";
import { label } from "./format";
import { html, type SafeHtml } from "./html";

export interface FeedEntry {
  kind: "topic" | "country";
  /** "@health@eu.ipn.example" */
  handle: string;
  actorUrl: string;
  label: string;
}

const dash = "—";

function ago(iso: string | null, now: Date): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  const span = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} days`;
  return `${span} ago`;
}

function countryName(code: string): string {
  return code === "EU" ? "EEA (aggregator)" : label("countries", code);
}

/** The sync-status table of the peers (the public /peers page and the workspace's peer administration). */
export function peersTable(peers: readonly PeerRecord[], now: Date = new Date(), actions?: (p: PeerRecord) => SafeHtml): SafeHtml {
  const rows = peers.map((p) => {
    const v = peerView(p, now);
    const s = v.sync;
    const state = s.lastError ? "error" : s.lastSyncAt ? "in sync" : "not yet synced";
    return html`<tr class="peer" data-origin="${p.origin}">
<th scope="row"><a href="${p.origin}/">${p.origin}</a></th>
<td>${countryName(p.country)}</td>
<td>${p.role}</td>
<td>${s.followState}</td>
<td><time datetime="${s.lastSyncAt ?? ""}">${ago(s.lastSyncAt, now)}</time></td>
<td>${s.held ?? dash} / ${s.announced ?? dash}</td>
<td>${s.lagSeconds === null ? dash : `${s.lagSeconds} s`}</td>
<td>${s.backfill.done ? "complete" : `${s.backfill.fetched} so far`}</td>
<td class="sync-state">${state}${s.lastError ? html`: <span class="sync-error">${s.lastError}</span> (${ago(s.lastErrorAt, now)})` : ""}</td>
${actions ? html`<td>${actions(p)}</td>` : ""}
</tr>`;
  });
  if (peers.length === 0) return html`<p class="empty">No peers configured.</p>`;
  return html`<table class="sync-status">
<thead><tr><th scope="col">Node</th><th scope="col">Country</th><th scope="col">Role</th><th scope="col">Follow</th><th scope="col">Last sync</th><th scope="col">Held / announced</th><th scope="col">Lag</th><th scope="col">Backfill</th><th scope="col">State</th>${actions ? html`<th scope="col">Actions</th>` : ""}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

export function peersBody(peers: readonly PeerRecord[], now: Date = new Date()): SafeHtml {
  return html`<h1>Peer nodes and sync status</h1>
<p>This node mirrors the public challenges of the nodes below and lists them alongside its own. A copy is
<em>in sync</em> when its last reconciliation found it equal to the peer's; <em>held / announced</em> counts the
live challenges held here against those the peer lists. Operators manage peers with <code>ipn peer</code> or
<code>/api/v1/peers</code>.</p>
${peersTable(peers, now)}`;
}

export function feedsBody(feeds: readonly FeedEntry[]): SafeHtml {
  const list = (kind: FeedEntry["kind"]) => feeds.filter((f) => f.kind === kind).map((f) => html`<li><a href="${f.actorUrl}">${f.label}</a> <code class="handle">${f.handle}</code></li>`);
  return html`<h1>Follow challenges from the fediverse</h1>
<p>Each account below boosts every new innovation challenge of its focus area or country from every national node
of the network, and boosts it again when it changes. Search for the handle in Mastodon (or any ActivityPub
software) and follow it.</p>
<h2>By focus area</h2>
<ul class="feeds">${list("topic")}</ul>
<h2>By country</h2>
<ul class="feeds">${list("country")}</ul>`;
}
