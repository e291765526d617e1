// The name and link of the hub of each challenge: stored locally, mirrored from its peer (linking to
// this node's copy of the profile, readable while the peer is down), or else derived from the hub IRI.
// Shared by the pages and the feeds.
import type { Hub } from "../../domain/types";
import type { Repositories, StoredChallenge } from "../../domain/ports";
import { lastSegment, paths, uri } from "../../domain/uris";
import { mirroredHubPath, remoteHubLabel, type HubLabel } from "./components";
import { pick } from "./format";

export type HubLabels = (challenges: readonly StoredChallenge[]) => Promise<Map<string, HubLabel>>;

/** The label of a hub whose profile we hold, linking to `path` on this node. */
function profileLabel(doc: Hub, fallback: string, origin: string, path: string): HubLabel {
  const name = pick(doc.name, doc.defaultLanguage, doc.defaultLanguage);
  return { name: name?.text ?? fallback, lang: name?.lang, href: uri(origin, path) };
}

/** Without `mirroredHubs` (the workspace: local challenges only) peers' hubs are named from their IRI. */
export function createHubLabels(repos: Pick<Repositories, "hubs"> & Partial<Pick<Repositories, "mirroredHubs">>, origin: string): HubLabels {
  const localHubPrefix = uri(origin, "/hubs/");
  const mirrored = repos.mirroredHubs;
  return async (challenges) => {
    const labels = new Map<string, HubLabel>();
    for (const iri of new Set(challenges.map((c) => c.doc.hub))) {
      let found: HubLabel | null = null;
      if (iri.startsWith(localHubPrefix)) {
        const handle = lastSegment(iri);
        const hub = await repos.hubs.get(handle);
        if (hub) found = profileLabel(hub.doc, handle, origin, paths.hub(handle));
      } else if (mirrored) {
        const path = mirroredHubPath(iri);
        const hub = path ? await mirrored.getById(iri) : null;
        if (hub && path) found = profileLabel(hub.doc, hub.doc.preferredUsername, origin, path);
      }
      labels.set(iri, found ?? remoteHubLabel(iri));
    }
    return labels;
  };
}
