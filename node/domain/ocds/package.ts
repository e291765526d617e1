// OCDS 1.1 release packages of challenges: every public revision of one challenge (from the node's
// transactional outbox, which holds a snapshot of each), or the current release of many.
import type { ActivityRecord, StoredChallenge } from "../ports";
import { challengeRelease } from "./release";
import { changeOf, latestTags, releaseTags } from "./tags";

type Json = Record<string, unknown>;

export interface PackageMeta {
  /** The package's own URL. */
  uri: string;
  publishedDate: string;
  publisher: { name: string; uri?: string };
  /** URL of the licence of the data. */
  license?: string;
  publicationPolicy?: string;
}

export interface OcdsOptions {
  /** The OCID prefix registered with the Open Contracting Partnership ("ocds-xxxxxx"). */
  prefix: string;
  hubName?: (hubIri: string) => string | undefined;
}

/** The official OCDS extensions the releases use, declared in every package as OCDS requires. */
export const OCDS_EXTENSIONS = ["https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/v1.1.4/extension.json"];

export const ocidOf = (prefix: string, key: string) => `${prefix}-${key}`;

export function releasePackage(meta: PackageMeta, releases: Json[]): Json {
  return {
    uri: meta.uri,
    version: "1.1",
    publishedDate: meta.publishedDate,
    publisher: meta.publisher,
    extensions: OCDS_EXTENSIONS,
    ...(meta.license ? { license: meta.license } : {}),
    ...(meta.publicationPolicy ? { publicationPolicy: meta.publicationPolicy } : {}),
    releases,
  };
}

/** One release per public revision, oldest first. Without recorded activities: the current one. */
export function historyReleases(c: StoredChallenge, activities: readonly ActivityRecord[], opts: OcdsOptions): Json[] {
  const ocid = ocidOf(opts.prefix, c.key ?? c.id);
  const hubName = opts.hubName?.(c.doc.hub);
  if (activities.length === 0) return [currentRelease(c, opts)];
  let prev: ActivityRecord["object"] | null = null;
  return activities.map((a) => {
    const doc = a.object;
    const change = a.type === "Update" ? changeOf(doc) : undefined;
    const tag = releaseTags(prev, doc, a.type);
    const release = challengeRelease(doc, {
      ocid, date: a.published, tag, withdrawn: a.type === "Delete", hubName,
      amendment: tag[0] === "tenderAmendment" && change ? { date: change.date, rationale: change.description ? Object.values(change.description)[0] : change.reason } : undefined,
    });
    prev = doc;
    return release;
  });
}

/** The challenge as it is now, as one release (the bulk export). */
export function currentRelease(c: StoredChallenge, opts: OcdsOptions): Json {
  const ocid = ocidOf(opts.prefix, c.key ?? c.id);
  const withdrawn = c.withdrawnAt !== null;
  return challengeRelease(c.doc, {
    ocid, date: withdrawn ? c.withdrawnAt! : c.doc.updated, withdrawn, hubName: opts.hubName?.(c.doc.hub),
    tag: withdrawn ? ["tenderCancellation"] : latestTags(c.doc),
  });
}
