// Mapping between StoredChallenge and its rows: the challenge row with its derived listing columns,
// the facet rows and the full-text row. Derived values are recomputed from doc on every write.
import type { Challenge } from "../../domain/types";
import type { ActivityRecord, StoredChallenge } from "../../domain/ports";
import { listingFacets } from "../listing-facets";
import { NO_DEADLINE_KEY, NO_PUBLISHED_KEY } from "./schema";

export interface ChallengeRow {
  rid: number;
  id: string;
  key: string | null;
  origin: string;
  country: string;
  doc: string;
  version: number;
  withdrawn_at: string | null;
}

export const CHALLENGE_COLUMNS = "c.rid, c.id, c.key, c.origin, c.country, c.doc, c.version, c.withdrawn_at";

export function fromRow(r: ChallengeRow): StoredChallenge {
  return {
    id: r.id, key: r.key, origin: r.origin, country: r.country, doc: JSON.parse(r.doc) as Challenge,
    version: r.version, withdrawnAt: r.withdrawn_at,
  };
}

const epochMs = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

/** Named parameters of the challenge row (for INSERT and UPDATE). */
export function toParams(c: StoredChallenge) {
  const d = c.doc;
  const deadline = epochMs(d.submissionPeriod?.end);
  const published = epochMs(d.published);
  return {
    id: c.id, key: c.key, origin: c.origin, country: c.country, doc: JSON.stringify(d), version: c.version,
    withdrawn_at: c.withdrawnAt,
    status: d.status, listed: d.status !== "draft" && c.withdrawnAt === null ? 1 : 0,
    hub: d.hub, instrument: d.instrument,
    start_ms: epochMs(d.submissionPeriod?.start), deadline_ms: deadline, published_ms: published,
    deadline_key: deadline ?? NO_DEADLINE_KEY, published_key: published ?? NO_PUBLISHED_KEY,
  };
}

export function facetsOf(c: StoredChallenge): { facet: string; value: string }[] {
  return Object.entries(listingFacets(c)).flatMap(([facet, values]) => values.map((value) => ({ facet, value })));
}

export interface ActivityRow {
  seq: number; id: string; type: string; actor: string; object_id: string; revision: number;
  published: string; object: string; federated_at: string | null;
}

export function activityFromRow(r: ActivityRow): ActivityRecord {
  return {
    id: r.id, type: r.type as ActivityRecord["type"], actor: r.actor, objectId: r.object_id, revision: r.revision,
    published: r.published, object: JSON.parse(r.object) as Challenge, federatedAt: r.federated_at,
  };
}

export function activityParams(a: ActivityRecord) {
  return {
    id: a.id, type: a.type, actor: a.actor, object_id: a.objectId, revision: a.revision, published: a.published,
    object: JSON.stringify(a.object), federated_at: a.federatedAt,
  };
}
