// Fragments used by more than one page.
import type { FieldError } from "../../domain/errors";
import type { ChallengeStatus } from "../../domain/types";
import { lastSegment } from "../../domain/uris";
import type { StoredChallenge } from "../../domain/ports";
import { displayDateTime, label, pick, UI_LANGUAGE } from "./format";
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

/** Where a challenge's HTML page lives: local ones here, mirrored ones at their origin. */
export function challengeHref(c: StoredChallenge): string | null {
  return safeHttpUrl(c.doc.url) ?? safeHttpUrl(c.id);
}

/** `level` is the heading level of the card title (2 under the page's h1, 3 under a section's h2). */
export function challengeCard(c: StoredChallenge, hub: HubLabel, level: 2 | 3 = 2, ui: UiLanguage = "en"): SafeHtml {
  const t = translator(ui);
  const d = c.doc;
  const lang = d.defaultLanguage;
  const title = pick(d.title, lang, lang);
  const summary = pick(d.summary, lang, lang);
  const deadline = d.submissionPeriod?.end;
  return html`<li class="card">
<article lang="${lang}">
${level === 2
    ? html`<h2 class="card-title">${linkOrText(challengeHref(c), title?.text ?? c.id)}</h2>`
    : html`<h3 class="card-title">${linkOrText(challengeHref(c), title?.text ?? c.id)}</h3>`}
<p class="card-meta" lang="${ui}">${statusBadge(d.status, ui)}
<span class="instrument">${label("instruments", d.instrument, ui)}</span>
<span class="country">${label("countries", c.country, ui)}</span>
<span class="hub">${hubLink(hub)}</span></p>
<p class="focus" lang="${ui}">${d.focusAreas.map((f) => html`<span class="tag">${label("focus-areas", f, ui)}</span> `)}</p>
${deadline ? html`<p class="deadline" lang="${ui}">${t("card.deadline")} ${dateTime(deadline)}</p>` : ""}
${summary ? html`<p class="summary">${summary.text}</p>` : ""}
</article>
</li>`;
}

export function problemList(errors: readonly FieldError[]): SafeHtml {
  return html`<ul class="problems">${errors.map((e) => html`<li><code>${e.pointer.replace(/^\/query\//, "")}</code> ${e.message}</li>`)}</ul>`;
}
