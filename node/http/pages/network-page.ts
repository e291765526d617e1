// "/peers": the public sync status of this node's copy of every peer (ADR 0007: transparency over
// secrecy — the figures say how current the mirrored listings are; nothing in them is a secret), and
// on the aggregator "/feeds": the topic and country actors a fediverse user can follow.
import type { PeerRecord } from "../../domain/ports";
import { peerView } from "../api/peers.routes";
import { label } from "./format";
import { html, type SafeHtml } from "./html";
import type { TFunction } from "i18next";
import { translator, type UiLanguage } from "../i18n";

export interface FeedEntry {
  kind: "topic" | "country";
  /** "@health@eu.ipn.example" */
  handle: string;
  actorUrl: string;
  label: string;
}

const dash = "—";

function ago(iso: string | null, now: Date, t: TFunction): string {
  if (!iso) return t("peers.never");
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  // SI-style unit symbols read the same in every language.
  const span = s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
  return t("peers.ago", { span });
}

function countryName(code: string, ui: UiLanguage, t: TFunction): string {
  return code === "EU" ? t("peers.aggregator") : label("countries", code, ui);
}

/** The sync-status table of the peers (the public /peers page and the workspace's peer administration). */
export function peersTable(peers: readonly PeerRecord[], now: Date = new Date(), actions?: (p: PeerRecord) => SafeHtml, ui: UiLanguage = "en"): SafeHtml {
  const t = translator(ui);
  const rows = peers.map((p) => {
    const v = peerView(p, now);
    const s = v.sync;
    const state = s.lastError ? t("peers.error") : s.lastSyncAt ? t("peers.inSync") : t("peers.notYet");
    return html`<tr class="peer" data-origin="${p.origin}">
<th scope="row"><a href="${p.origin}/">${p.origin}</a></th>
<td>${countryName(p.country, ui, t)}</td>
<td>${p.role}</td>
<td>${s.followState}</td>
<td><time datetime="${s.lastSyncAt ?? ""}">${ago(s.lastSyncAt, now, t)}</time></td>
<td>${s.held ?? dash} / ${s.announced ?? dash}</td>
<td>${s.lagSeconds === null ? dash : `${s.lagSeconds} s`}</td>
<td>${s.backfill.done ? t("peers.complete") : t("peers.soFar", { count: s.backfill.fetched })}</td>
<td class="sync-state">${state}${s.lastError ? html`: <span class="sync-error">${s.lastError}</span> (${ago(s.lastErrorAt, now, t)})` : ""}</td>
${actions ? html`<td>${actions(p)}</td>` : ""}
</tr>`;
  });
  if (peers.length === 0) return html`<p class="empty">${t("peers.none")}</p>`;
  return html`<table class="sync-status">
<thead><tr><th scope="col">${t("peers.node")}</th><th scope="col">${t("peers.country")}</th><th scope="col">${t("peers.role")}</th><th scope="col">${t("peers.follow")}</th><th scope="col">${t("peers.lastSync")}</th><th scope="col">${t("peers.held")}</th><th scope="col">${t("peers.lag")}</th><th scope="col">${t("peers.backfill")}</th><th scope="col">${t("peers.state")}</th>${actions ? html`<th scope="col">Actions</th>` : ""}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

export function peersBody(peers: readonly PeerRecord[], now: Date = new Date(), ui: UiLanguage = "en"): SafeHtml {
  const t = translator(ui);
  return html`<h1>${t("peers.title")}</h1>
<p>${t("peers.intro")}</p>
${peersTable(peers, now, undefined, ui)}`;
}

/** A hub to follow: its name, its page (with the remote-follow form) and its fediverse handle. */
export interface FollowableHub { name: string; lang?: string; href: string; handle: string }

/**
 * "/feeds", Follow & feeds: every way to be told of new and changed challenges — the node's feeds and
 * calendar, each hub's fediverse account, and on the aggregator its topic and country accounts.
 */
export function feedsBody(v: { feeds: readonly FeedEntry[]; hubs: readonly FollowableHub[]; subscribe: SafeHtml; ui?: UiLanguage }): SafeHtml {
  const ui = v.ui ?? "en";
  const t = translator(ui);
  const list = (kind: FeedEntry["kind"]) => v.feeds.filter((f) => f.kind === kind)
    .map((f) => html`<li><a href="${new URL(f.actorUrl).pathname}">${feedName(f, ui)}</a> <code class="handle">${f.handle}</code></li>`);
  return html`<h1>${t("site.nav.follow")}</h1>
<h2>${t("feed.nodeTitle")}</h2>
${v.subscribe}
<h2>${t("feed.hubsTitle")}</h2>
<p>${t("feed.hubsIntro")}</p>
${v.hubs.length ? html`<ul class="feeds">${v.hubs.map((h) => html`<li><a href="${h.href}"${h.lang && h.lang !== ui ? html` lang="${h.lang}"` : ""}>${h.name}</a> <code class="handle">${h.handle}</code></li>`)}</ul>` : html`<p>${t("feed.noHubs")}</p>`}
${v.feeds.length ? html`<h2>${t("feed.listTitle")}</h2>
<p>${t("feed.listIntro")}</p>
<h3>${t("feed.byTopic")}</h3>
<ul class="feeds">${list("topic")}</ul>
<h3>${t("feed.byCountry")}</h3>
<ul class="feeds">${list("country")}</ul>` : ""}`;
}

/** A topic's or country's name in the reader's language. */
export function feedName(f: FeedEntry, ui: UiLanguage): string {
  const code = new URL(f.actorUrl).pathname.split("/").pop()!;
  return f.kind === "topic" ? label("focus-areas", code, ui) : label("countries", code.toUpperCase(), ui);
}

/** A topic or country actor's profile page: what it boosts, how to follow it, where its challenges are. */
export function feedProfileBody(f: FeedEntry, form: SafeHtml, ui: UiLanguage): SafeHtml {
  const t = translator(ui);
  const name = feedName(f, ui);
  const path = new URL(f.actorUrl).pathname;
  const code = path.split("/").pop()!;
  const listing = f.kind === "topic" ? `/?focusArea=${code}` : `/?country=${code.toUpperCase()}`;
  return html`<h1>${f.kind === "topic" ? t("feed.topicTitle", { name }) : t("feed.countryTitle", { name })}</h1>
<p><code class="handle">${f.handle}</code></p>
<p>${t("feed.intro", { handle: f.handle, what: t(f.kind === "topic" ? "feed.topic" : "feed.country") })}</p>
${form}
<p><a href="${listing}">${t("feed.see")}</a> · <a href="/feeds">${t("feed.all")}</a></p>`;
}
