// The workspace home: my hubs, and each hub's challenges by state, drafts first (what needs work).
import type { StoredChallenge, StoredHub, StoredUser } from "../../domain/ports";
import { dateTime, statusBadge } from "../pages/components";
import { pick } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import { actionButton } from "./forms";
import type { Tw } from "./ws-i18n";

export const CLOSING_SOON_DAYS = 14;

/** The dashboard's groups, in the order an editor works through them. */
export const DASHBOARD_GROUPS = ["drafts", "closing soon", "open", "forthcoming", "closed", "awarded", "withdrawn"] as const;
export type DashboardGroup = (typeof DASHBOARD_GROUPS)[number];

/** The group titles (translated where shown), for the test that finds messages missing from the catalogues. */
export const dashboardMessages = (): string[] => Object.values(GROUP_TITLES);

export function groupOf(c: StoredChallenge, now: number): DashboardGroup {
  if (c.withdrawnAt) return "withdrawn";
  const s = c.doc.status;
  if (s === "draft") return "drafts";
  if (s === "forthcoming") return "forthcoming";
  if (s === "open") {
    const end = c.doc.submissionPeriod?.end ? Date.parse(c.doc.submissionPeriod.end) : Number.NaN;
    return end - now <= CLOSING_SOON_DAYS * 86_400_000 ? "closing soon" : "open";
  }
  if (s === "awarded") return "awarded";
  return "closed"; // closed, evaluation, unsuccessful, cancelled, suspended: no longer taking submissions
}

const GROUP_TITLES: Record<DashboardGroup, string> = {
  drafts: "Drafts",
  "closing soon": "Closing within 14 days",
  open: "Open",
  forthcoming: "Forthcoming",
  closed: "Closed (no longer taking submissions)",
  awarded: "Awarded",
  withdrawn: "Withdrawn",
};

function row(c: StoredChallenge, ui: string): SafeHtml {
  const d = c.doc;
  const title = pick(d.title, d.defaultLanguage, d.defaultLanguage);
  const href = `/workspace/challenges/${c.key}`;
  return html`<tr>
<th scope="row"><a href="${href}"${title && title.lang !== "en" ? html` lang="${title.lang}"` : ""}>${title?.text ?? c.key}</a></th>
<td>${statusBadge(d.status, ui)}</td>
<td>${d.submissionPeriod?.end ? dateTime(d.submissionPeriod.end) : "—"}</td>
<td>${dateTime(d.updated)}</td>
<td>${d.revision}</td>
</tr>`;
}

export function dashboardBody(o: { user: StoredUser; csrf: string; hubs: { hub: StoredHub; challenges: StoredChallenge[] }[]; now: number; tw: Tw; ui: string }): SafeHtml {
  const { tw, ui } = o;
  return html`<h1>${tw("Workspace")}</h1>
<p>${tw("Signed in as")} <strong>${o.user.displayName}</strong> (${o.user.email}) — ${o.user.admin ? tw("administrator of this node") : tw("hub editor")}.</p>
${workspaceNav("hubs", o.user.admin, tw)}
${o.user.admin && !o.user.totpSecret ? html`<p class="notice">${tw("Your administrator account is protected by a password only.")} <a href="/workspace/account">${tw("Set up two-step verification")}</a>.</p>` : ""}
<div class="account-actions">
${actionButton("/logout", tw("Sign out"), o.csrf, { secondary: true })}
${actionButton("/workspace/sign-out-everywhere", tw("Sign out everywhere"), o.csrf, { secondary: true })}
</div>
${o.hubs.length === 0 ? html`<p>${tw("You do not edit any hub yet.")} ${o.user.admin ? html`${tw("Create one under “Hubs, peers and settings”, with the API or with")} <code>ipn hub create</code>.` : tw("Ask an administrator to add you to a hub.")}</p>` : ""}
${o.hubs.map(({ hub, challenges }) => {
    const name = pick(hub.doc.name, hub.doc.defaultLanguage, hub.doc.defaultLanguage);
    const groups = DASHBOARD_GROUPS.map((g) => ({ g, items: challenges.filter((c) => groupOf(c, o.now) === g) })).filter((x) => x.items.length > 0);
    return html`<section class="hub-section" aria-labelledby="hub-${hub.handle}">
<h2 id="hub-${hub.handle}"><span${name && name.lang !== "en" ? html` lang="${name.lang}"` : ""}>${name?.text ?? hub.handle}</span> <span class="handle">@${hub.handle}</span></h2>
<p>${tw("Challenges: {{count}}", { count: challenges.length })} — ${groups.length ? groups.map((x, i) => html`${i ? ", " : ""}${tw(GROUP_TITLES[x.g])}: ${x.items.length}`) : tw("none yet")}. <a href="/hubs/${hub.handle}">${tw("Public page")}</a></p>
<p><a class="button-link" href="/workspace/hubs/${hub.handle}/challenges/new">${tw("New challenge for @{{handle}}", { handle: hub.handle })}</a> <a href="/workspace/hubs/${hub.handle}/profile">${tw("Edit the profile of @{{handle}}", { handle: hub.handle })}</a></p>
${groups.map((x) => html`<div class="table-scroll"><table class="workspace-table">
<caption>${tw(GROUP_TITLES[x.g])} (${x.items.length})</caption>
<thead><tr><th scope="col">${tw("Title")}</th><th scope="col">${tw("Status")}</th><th scope="col">${tw("Deadline")}</th><th scope="col">${tw("Last change")}</th><th scope="col">${tw("Revision")}</th></tr></thead>
<tbody>${x.items.map((c) => row(c, ui))}</tbody>
</table></div>`)}
</section>`;
  })}`;
}
