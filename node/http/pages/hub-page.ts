// "/hubs/:handle": a hub's public profile, how to follow it, and its public challenges.
import type { StoredChallenge, StoredHub } from "../../domain/ports";
import { challengeCard, type HubLabel } from "./components";
import { label, pick } from "./format";
import { translator, type UiLanguage } from "../i18n";
import { html, linkOrText, mailtoHref, type SafeHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { alternateLinks, subscribeControl, type SubscribeTargets } from "./subscribe";
import { remoteFollowForm } from "./remote-follow-page";

export interface HubView {
  hub: StoredHub;
  actorId: string;
  host: string;
  challenges: StoredChallenge[];
  /** Link to the listing filtered to this hub, when there are more than shown here. */
  moreHref: string | null;
  ui?: UiLanguage;
}

/** The hub's feeds and calendar. */
export function hubSubscription(v: HubView, name: string): SubscribeTargets {
  const path = new URL(v.actorId).pathname;
  return { base: `${path}/feed`, calendar: `${path}/calendar.ics`, query: "", title: name };
}

export function hubHead(v: HubView, title: string, summary: string | null): SafeHtml {
  return html`<link rel="alternate" type="application/activity+json" href="${v.actorId}">
${alternateLinks(hubSubscription(v, title))}
<meta property="og:type" content="profile">
<meta property="og:title" content="${title}">
<meta property="og:url" content="${v.actorId}">
${summary ? html`<meta property="og:description" content="${summary}">
<meta name="description" content="${summary}">` : ""}`;
}

export function hubBody(v: HubView): SafeHtml {
  const d = v.hub.doc;
  const lang = d.defaultLanguage;
  const name = pick(d.name, lang, lang)?.text ?? v.hub.handle;
  const summary = pick(d.summary, lang, lang);
  const description = pick(d.description, lang, lang);
  const handle = `@${v.hub.handle}@${v.host}`;
  const self: HubLabel = { name, lang, href: v.actorId };
  const email = d.contact?.email;
  const mailto = mailtoHref(email);
  const ui = v.ui ?? "en";
  const t = translator(ui);
  return html`<article class="hub" lang="${lang}">
<h1>${name}</h1>
${summary ? html`<p class="summary">${summary.text}</p>` : ""}
<dl class="facts" lang="${ui}">
<dt>${t("hub.fediverse")}</dt><dd><code class="handle">${handle}</code>
<p class="hint">${t("hub.follow", { handle })}</p>
${remoteFollowForm({ action: `/hubs/${v.hub.handle}/follow`, ui })}</dd>
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
${subscribeControl(hubSubscription(v, name), ui)}
${v.challenges.length === 0
    ? html`<p class="empty">${t("hub.none")}</p>`
    : html`<ol class="cards">${v.challenges.map((c) => challengeCard(c, self, 3, ui))}</ol>`}
${v.moreHref ? html`<p><a href="${v.moreHref}">${t("hub.all")}</a></p>` : ""}
</section>
</article>`;
}
