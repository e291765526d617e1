// "/hubs/:handle": a hub's public profile, how to follow it, and its public challenges; the same page
// shows a peer's hub kept here ("/mirror/:host/hubs/:handle"), with the way to its original.
import type { StoredChallenge, StoredHub } from "../../domain/ports";
import { challengeCard, type HubLabel, mirroredNote } from "./components";
import { label, pick } from "./format";
import { translator, type UiLanguage } from "../i18n";
import { html, linkOrText, mailtoHref, type SafeHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { alternateLinks, subscribeControl, type SubscribeTargets } from "./subscribe";
import { remoteFollowForm } from "./remote-follow-page";

export interface HubView {
  hub: Pick<StoredHub, "handle" | "doc">;
  actorId: string;
  /** The host of the hub's home node (its fediverse handle's domain). */
  host: string;
  challenges: StoredChallenge[];
  /** Link to the listing filtered to this hub, when there are more than shown here. */
  moreHref: string | null;
  ui?: UiLanguage;
  /** A peer's hub: this node's page of it, and its original (it has no feeds or follow form here). */
  mirrored?: { page: string; original: string };
}

/** The hub's feeds and calendar. */
export function hubSubscription(v: HubView, name: string): SubscribeTargets {
  const path = new URL(v.actorId).pathname;
  return { base: `${path}/feed`, calendar: `${path}/calendar.ics`, query: "", title: name };
}

export function hubHead(v: HubView, title: string, summary: string | null): SafeHtml {
  return html`<link rel="alternate" type="application/activity+json" href="${v.actorId}">
${v.mirrored ? "" : alternateLinks(hubSubscription(v, title))}
<meta property="og:type" content="profile">
<meta property="og:title" content="${title}">
<meta property="og:url" content="${v.actorId}">
${summary ? html`<meta property="og:description" content="${summary}">
<meta name="description" content="${summary}">` : ""}`;
}

/** A lang attribute where a text's language is not the surrounding one. */
const langIfNot = (l: string, around: string): SafeHtml => (l === around ? html`` : html` lang="${l}"`);

export function hubBody(v: HubView): SafeHtml {
  const d = v.hub.doc;
  const lang = d.defaultLanguage;
  const ui = v.ui ?? "en";
  const t = translator(ui);
  // Name, summary and description in the reader's language where the hub wrote them in it.
  const name = pick(d.name, ui, lang) ?? { text: v.hub.handle, lang };
  const summary = pick(d.summary, ui, lang);
  const description = pick(d.description, ui, lang);
  const handle = `@${v.hub.handle}@${v.host}`;
  const self: HubLabel = { name: name.text, lang: name.lang, href: v.mirrored?.page ?? v.actorId };
  const email = d.contact?.email;
  const mailto = mailtoHref(email);
  return html`<article class="hub" lang="${lang}">
<h1${langIfNot(name.lang, lang)}>${name.text}</h1>
${v.mirrored ? mirroredNote(t("hub.mirrored", { node: v.host }), v.mirrored.original, ui) : ""}
${summary ? html`<p class="summary"${langIfNot(summary.lang, lang)}>${summary.text}</p>` : ""}
<dl class="facts" lang="${ui}">
<dt>${t("hub.fediverse")}</dt><dd><code class="handle">${handle}</code>
<p class="hint">${t("hub.follow", { handle })}</p>
${v.mirrored ? "" : remoteFollowForm({ action: `/hubs/${v.hub.handle}/follow`, ui })}</dd>
<dt>${t("hub.type")}</dt><dd>${label("hub-types", d.hubType, ui)}</dd>
<dt>${t("hub.country")}</dt><dd>${label("countries", d.country, ui)}</dd>
${d.website ? html`<dt>${t("hub.website")}</dt><dd>${linkOrText(d.website, d.website, { rel: "nofollow noopener" })}</dd>` : ""}
${email ? html`<dt>${t("hub.contact")}</dt><dd>${mailto ? html`<a href="${mailto}">${email}</a>` : email}</dd>` : ""}
${(d.profileLinks ?? []).map((l) => {
    const text = pick(l.label, lang, lang)?.text ?? l.url;
    return html`<dt>${text}</dt><dd>${linkOrText(l.url, l.url, { rel: "nofollow noopener" })}</dd>`;
  })}
</dl>
${description ? html`<section class="markdown"><h2 lang="${ui}">${t("hub.about")}</h2><div lang="${description.lang}">${renderMarkdown(description.text)}</div></section>` : ""}
<section class="hub-challenges" lang="${ui}">
<h2>${t("hub.challenges")}</h2>
${v.mirrored ? "" : subscribeControl(hubSubscription(v, name.text), ui)}
${v.challenges.length === 0
    ? html`<p class="empty">${t("hub.none")}</p>`
    : html`<ol class="cards">${v.challenges.map((c) => challengeCard(c, self, 3, ui))}</ol>`}
${v.moreHref ? html`<p><a href="${v.moreHref}">${t("hub.all")}</a></p>` : ""}
</section>
</article>`;
}
