// The node's challenges as OCDS 1.1 (docs/ocds.md): one challenge's every public revision, or the
// current release of each local challenge a listing query matches. Only challenges published here:
// a mirrored challenge is published in OCDS by its own node, under that node's OCID prefix.
import { fail, ok, type Result } from "../errors";
import type { ActivityRepository, ChallengeRepository, HubRepository, ListingQuery, StoredChallenge } from "../ports";
import { paths, uri } from "../uris";
import { currentRelease, historyReleases, type OcdsOptions } from "./package";

type Json = Record<string, unknown>;

export interface OcdsServiceDeps {
  challenges: ChallengeRepository;
  activities: ActivityRepository;
  hubs: HubRepository;
  origin: string;
  /** The registered OCID prefix (IPN_OCDS_PREFIX). */
  prefix: string;
}

export class OcdsService {
  constructor(private readonly deps: OcdsServiceDeps) {}

  /** Names of this node's hubs by actor IRI (parties and the procuring entity carry them). */
  private async options(): Promise<OcdsOptions> {
    const names = new Map<string, string>();
    for (const h of await this.deps.hubs.list()) {
      const lang = h.doc.defaultLanguage;
      names.set(uri(this.deps.origin, paths.hub(h.handle)), (h.doc.name as Record<string, string>)[lang] ?? h.handle);
    }
    return { prefix: this.deps.prefix, hubName: (iri) => names.get(iri) };
  }

  /** Every public revision of a local challenge, oldest first; a withdrawn one ends with its cancellation. */
  async history(key: string): Promise<Result<{ challenge: StoredChallenge; releases: Json[] }>> {
    const c = await this.deps.challenges.getByKey(key);
    if (!c || c.key === null || c.doc.status === "draft") return fail({ kind: "not-found", what: `challenge ${key}` });
    const activities = await this.deps.activities.forObject(c.id);
    return ok({ challenge: c, releases: historyReleases(c, activities, await this.options()) });
  }

  /** The latest release of each local challenge on one listing page (mirrored ones are skipped). */
  async current(query: ListingQuery): Promise<{ releases: Json[]; nextCursor: string | null }> {
    const page = await this.deps.challenges.list(query);
    const opts = await this.options();
    const releases: Json[] = [];
    for (const c of page.items) {
      if (c.key === null) continue;
      const history = historyReleases(c, await this.deps.activities.forObject(c.id), opts);
      releases.push(history[history.length - 1] ?? currentRelease(c, opts));
    }
    return { releases, nextCursor: page.nextCursor };
  }
}
