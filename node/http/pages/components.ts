// Fragments used by more than one page.
import type { FieldError } from "../../domain/errors";
import type { ChallengeStatus } from "../../domain/types";
import { lastSegment } from "../../domain/uris";
import type { StoredChallenge } from "../../domain/ports";
import { displayDateTime, formatMoney, label, pick, sumMoney, UI_LANGUAGE } from "./format";
import { html, linkOrText, safeHttpUrl, type SafeHtml } from "./html";
import { translator, type UiLanguage } from "../i18n";

export function statusBadge(status: ChallengeStatus, ui = UI_LANGUAGE): SafeHtml {
  return html`<span class="status status-${status}">${label("status", status, ui)}</span>`;
}

/** A date-time as the publisher wrote it (with its offset) and in UTC. */
export function dateTime(value: string | undefined): SafeHtml {
  const d = displayDateTime(value);
  if (!d) return html`${value ?? ""}`;
  return d.local === d.utc
    ? html`<time datetime="${d.iso}">${d.utc}</time>`
    : html`<time datetime="${d.iso}">${d.local}</time> <span class="utc">(${d.utc})</span>`;
}

/** Wraps text in a span carrying its language when it differs from the surrounding one. */
export function inLang(t: { text: string; lang: string } | null, around: string, tag: "span" | "p" | "div" = "span"): SafeHtml {
  if (!t) return html``;
  if (t.lang === around) return tag === "span" ? html`${t.text}` : tag === "p" ? html`<p>${t.text}</p>` : html`<div>${t.text}</div>`;
  return tag === "span" ? html`<span lang="${t.lang}">${t.text}</span>`
    : tag === "p" ? html`<p lang="${t.lang}">${t.text}</p>` : html`<div lang="${t.lang}">${t.text}</div>`;
}

export interface HubLabel { name: string; lang?: string; href: string | null }

/** How a hub IRI is shown when the hub is not stored here (mirrored challenges): its handle and host. */
export function remoteHubLabel(hubIri: string): HubLabel {
  const href = safeHttpUrl(hubIri);
  if (!href) return { name: hubIri, href: null };
  return { name: `@${lastSegment(href)}@${new URL(href).host}`, href };
}

export function hubLink(h: HubLabel): SafeHtml {
  const name = h.lang && h.lang !== UI_LANGUAGE ? html`<span lang="${h.lang}">${h.name}</span>` : html`${h.name}`;
  return linkOrText(h.href, name);
}

/** Where a challenge's HTML page lives: local ones here, mirrored ones at their origin (feeds link there). */
export function challengeHref(c: StoredChallenge): string | null {
  return safeHttpUrl(c.doc.url) ?? safeHttpUrl(c.id);
}

// A peer's challenge ids are <origin>/challenges/<key>; its copy here is /mirror/<host>/<key>.
const MIRRORED_ID = /^https?:\/\/([^/?#@]+)\/challenges\/([A-Za-z0-9_.~-]{1,200})$/;

/** This node's page of a mirrored challenge (readable while its origin is down), or null for other ids. */
export function mirroredPath(c: Pick<StoredChallenge, "id" | "key">): string | null {
  const m = c.key === null ? MIRRORED_ID.exec(c.id) : null;
  return m ? `/mirror/${encodeURIComponent(m[1]!)}/${m[2]}` : null;
}

/** The ids a mirrored page's address can stand for (the origin's scheme is not in the address). */
export function mirroredIds(host: string, key: string, collection: "challenges" | "hubs" = "challenges"): string[] {
  return [`https://${host}/${collection}/${key}`, `http://${host}/${collection}/${key}`];
}

// A peer's hub ids are <origin>/hubs/<handle> (the only ones mirrored, domain/mirrored-hubs.ts); the
// copy of its profile here is /mirror/<host>/hubs/<handle>.
const MIRRORED_HUB_ID = /^https?:\/\/([^/?#@]+)\/hubs\/([a-z0-9_]{1,30})$/;

/** This node's page of a mirrored hub profile, or null for an id no peer's hub can have. */
export function mirroredHubPath(hubId: string): string | null {
  const m = MIRRORED_HUB_ID.exec(hubId);
  return m ? `/mirror/${encodeURIComponent(m[1]!)}/hubs/${m[2]}` : null;
}

/** On a peer's challenge or hub kept here: `says` whose it is; the link leads to the original. */
export function mirroredNote(says: string, original: string | null, ui: UiLanguage): SafeHtml {
  return html`<p class="mirrored" lang="${ui}">${says}${original ? html` <a href="${original}">${translator(ui)("challenge.original")}</a>` : ""}</p>`;
}

/** Where a card links: local pages, and this node's copy of a mirrored challenge. */
export function readableHref(c: StoredChallenge): string | null {
  return mirroredPath(c) ?? challengeHref(c);
}

/** `level` is the heading level of the card title (2 under the page's h1, 3 under a section's h2). */
const DAY_MS = 86_400_000;
/** Cards flag challenges closing sooner than this. */
export const CLOSING_SOON_DAYS = 7;

/** "closes in 3 days" (or "in less than a day") until a deadline; null once it has passed. */
export function timeLeft(end: string | undefined, ui: UiLanguage, now: number = Date.now()): string | null {
  const t = end ? Date.parse(end) : NaN;
  if (Number.isNaN(t) || t <= now) return null;
  const days = Math.floor((t - now) / DAY_MS);
  const tr = translator(ui);
  return days < 1 ? tr("time.closesWithinDay") : tr("time.closesIn", { count: days });
}

/** The figure a supplier scans a card for: the estimated value, else the prize money in total. */
function cardMoney(c: StoredChallenge, ui: UiLanguage): string | null {
  const t = translator(ui);
  const value = formatMoney(c.doc.estimatedValue, ui);
  if (value) return `${t("challenge.value")}: ${value}`;
  const prizes = formatMoney(sumMoney((c.doc.prizes ?? []).map((p) => p.amount)) ?? undefined, ui);
  return prizes ? `${t("challenge.prizes")}: ${prizes}` : null;
}

/** `level` is the heading level of the card title (2 under the page's h1, 3 under a section's h2). */
export function challengeCard(c: StoredChallenge, hub: HubLabel, level: 2 | 3 = 2, ui: UiLanguage = "en", now: number = Date.now()): SafeHtml {
  const t = translator(ui);
  const d = c.doc;
  const lang = d.defaultLanguage;
  const title = pick(d.title, lang, lang);
  const summary = pick(d.summary, lang, lang);
  const deadline = d.submissionPeriod?.end;
  // Who buys: the first buyer's name where the document names one (mirrored challenges included), else the hub.
  const buyer = d.buyers?.[0] ? pick(d.buyers[0].name, lang, lang) : null;
  const left = d.status === "open" || d.status === "forthcoming" ? timeLeft(deadline, ui, now) : null;
  const soon = left !== null && Date.parse(deadline!) - now < CLOSING_SOON_DAYS * DAY_MS;
  const money = cardMoney(c, ui);
  const href = readableHref(c);
  const titleLink = href?.startsWith("/") ? html`<a href="${href}">${title?.text ?? c.id}</a>` : linkOrText(href, title?.text ?? c.id);
  return html`<li class="card">
<article lang="${lang}">
${level === 2
    ? html`<h2 class="card-title">${titleLink}</h2>`
    : html`<h3 class="card-title">${titleLink}</h3>`}
<p class="card-meta" lang="${ui}">${statusBadge(d.status, ui)}${soon ? html` <strong class="badge closing-soon">${left}</strong>` : ""}
<span class="buyer">${buyer ? inLang(buyer, ui) : hubLink(hub)}</span>
<span class="country">${label("countries", c.country, ui)}</span>
<span class="instrument">${label("instruments", d.instrument, ui)}</span></p>
${money ? html`<p class="money" lang="${ui}">${money}</p>` : ""}
<p class="focus" lang="${ui}">${d.focusAreas.map((f) => html`<span class="tag">${label("focus-areas", f, ui)}</span> `)}</p>
${deadline ? html`<p class="deadline" lang="${ui}">${t("card.deadline")} ${dateTime(deadline)}${left && !soon ? html` · ${left}` : ""}</p>` : ""}
${summary ? html`<p class="summary">${summary.text}</p>` : ""}
</article>
</li>`;
}

export function problemList(errors: readonly FieldError[]): SafeHtml {
  return html`<ul class="problems">${errors.map((e) => html`<li><code>${e.pointer.replace(/^\/query\//, "")}</code> ${e.message}</li>`)}</ul>`;
}
