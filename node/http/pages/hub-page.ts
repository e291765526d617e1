// "/hubs/:handle": a hub's public profile, how to follow it, and its public challenges.
import type { StoredChallenge, StoredHub } from "../../domain/ports";
import { challengeCard, type HubLabel } from "./components";
import { label, pick, UI_LANGUAGE } from "./format";
import { html, linkOrText, mailtoHref, type SafeHtml } from "./html";
import { renderMarkdown } from "./markdown";
import { alternateLinks, subscribeControl, type SubscribeTargets } from "./subscribe";

export interface HubView {
  hub: StoredHub;
  actorId: string;
  host: string;
  challenges: StoredChallenge[];
  /** Link to the listing filtered to this hub, when there are more than shown here. */
  moreHref: string | null;
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
  return html`<article class="hub" lang="${lang}">
<h1>${name}</h1>
${summary ? html`<p class="summary">${summary.text}</p>` : ""}
<dl class="facts" lang="${UI_LANGUAGE}">
<dt>Fediverse</dt><dd><code class="handle">${handle}</code>
<p class="hint">Follow from your Mastodon, Misskey or GoToSocial account: search for <code>${handle}</code> there and press Follow.</p></dd>
<dt>Type</dt><dd>${label("hub-types", d.hubType)}</dd>
<dt>Country</dt><dd>${label("countries", d.country)}</dd>
${d.website ? html`<dt>Website</dt><dd>${linkOrText(d.website, d.website, { rel: "nofollow noopener" })}</dd>` : ""}
${email ? html`<dt>Contact</dt><dd>${mailto ? html`<a href="${mailto}">${email}</a>` : email}</dd>` : ""}
${(d.profileLinks ?? []).map((l) => {
    const text = pick(l.label, lang, lang)?.text ?? l.url;
    return html`<dt>${text}</dt><dd>${linkOrText(l.url, l.url, { rel: "nofollow noopener" })}</dd>`;
  })}
</dl>
${description ? html`<section class="markdown"><h2 lang="${UI_LANGUAGE}">About</h2><div lang="${description.lang}">${renderMarkdown(description.text)}</div></section>` : ""}
<section class="hub-challenges" lang="${UI_LANGUAGE}">
<h2>Challenges</h2>
${subscribeControl(hubSubscription(v, name))}
${v.challenges.length === 0
    ? html`<p class="empty">This hub has not published any challenges yet.</p>`
    : html`<ol class="cards">${v.challenges.map((c) => challengeCard(c, self, 3))}</ol>`}
${v.moreHref ? html`<p><a href="${v.moreHref}">All challenges of this hub</a></p>` : ""}
</section>
</article>`;
}
