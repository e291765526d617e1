// The name and link of the hub of each challenge: stored locally, or derived from a peer's hub IRI.
// Shared by the pages and the feeds.
import type { Repositories, StoredChallenge } from "../../domain/ports";
import { lastSegment, paths, uri } from "../../domain/uris";
import { remoteHubLabel, type HubLabel } from "./components";
import { pick } from "./format";

export type HubLabels = (challenges: readonly StoredChallenge[]) => Promise<Map<string, HubLabel>>;

export function createHubLabels(repos: Pick<Repositories, "hubs">, origin: string): HubLabels {
  const localHubPrefix = uri(origin, "/hubs/");
  return async (challenges) => {
    const labels = new Map<string, HubLabel>();
    for (const iri of new Set(challenges.map((c) => c.doc.hub))) {
      let found: HubLabel | null = null;
      if (iri.startsWith(localHubPrefix)) {
        const handle = lastSegment(iri);
        const hub = await repos.hubs.get(handle);
        if (hub) {
          const name = pick(hub.doc.name, hub.doc.defaultLanguage, hub.doc.defaultLanguage);
          found = { name: name?.text ?? handle, lang: name?.lang, href: uri(origin, paths.hub(handle)) };
        }
      }
      labels.set(iri, found ?? remoteHubLabel(iri));
    }
    return labels;
  };
}
