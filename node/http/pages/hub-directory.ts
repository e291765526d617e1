// Every hub known to the node for /hubs: its own and those mirrored from its peers, with their public
// challenge counts, filtered alike and ordered by name — so the directory is whole on any node, the
// aggregator's included, even while a peer is down.
import type { Repositories } from "../../domain/ports";
import { CHALLENGE_STATUSES } from "../../domain/types";
import { paths } from "../../domain/uris";
import type { UiLanguage } from "../i18n";
import { mirroredHubPath } from "./components";
import { pick } from "./format";
import { type HubEntry, type HubsFilter, matchesHubsFilter } from "./hubs-page";

/** Every status a reader may see (drafts never are). */
export const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");

export async function hubDirectory(repos: Pick<Repositories, "hubs" | "mirroredHubs" | "challenges">, f: HubsFilter, ui: UiLanguage): Promise<HubEntry[]> {
  const [local, mirrored] = await Promise.all([repos.hubs.list(), repos.mirroredHubs.list({ country: f.country, hubType: f.type })]);
  const entries = await Promise.all([
    ...local.filter((h) => matchesHubsFilter(h.doc, f)).map(async (h): Promise<HubEntry> => ({
      doc: h.doc, href: paths.hub(h.handle), node: null, challenges: await repos.challenges.countPublicByHub(h.doc.id),
    })),
    // countPublicByHub counts local challenges only; a peer's hub's are counted in the listing.
    ...mirrored.map(async (h): Promise<HubEntry | null> => {
      const href = mirroredHubPath(h.id);
      return href ? { doc: h.doc, href, node: new URL(h.id).host, challenges: await repos.challenges.count({ hub: [h.id], status: [...PUBLIC_STATUSES], limit: 1 }) } : null;
    }),
  ]);
  const collator = new Intl.Collator(ui);
  const nameOf = (e: HubEntry) => pick(e.doc.name, e.doc.defaultLanguage, e.doc.defaultLanguage)?.text ?? e.doc.preferredUsername;
  return entries.filter((e): e is HubEntry => e !== null).sort((a, b) => collator.compare(nameOf(a), nameOf(b)));
}
