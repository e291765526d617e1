// The documents of the challenge and activity collections: the port's records plus the derived
// fields the listing and the clock query (recomputed from doc on every write). The canonical
// document is kept as a JSON string: the round trip is exact, and JSON-LD keys ("@context") or
// keys with dots, which MongoDB-compatible servers may refuse as field names, are no issue.
import type { Challenge } from "../../domain/types";
import type { ActivityRecord, StoredChallenge } from "../../domain/ports";
import { listingFacets } from "../listing-facets";
import { stemsOf, titleTokensOf, tokensOf } from "./text-tokens";

/** Sort key for "no deadline": after every real instant (Date's range ends at 8.64e15 ms). */
export const NO_DEADLINE_KEY = 8_640_000_000_000_001;
/** Sort key for "never published": before every real instant. */
export const NO_PUBLISHED_KEY = -8_640_000_000_000_001;

export interface ChallengeDoc {
  _id: string;
  /** Absent (not null) for mirrored challenges: the unique index on it is sparse. */
  key?: string;
  origin: string;
  country: string;
  doc: string;
  version: number;
  withdrawnAt: string | null;
  // derived
  status: string;
  /** Public: not a draft and not withdrawn. */
  listed: boolean;
  /** Has a key, i.e. published by this node. */
  local: boolean;
  withdrawn: boolean;
  hub: string;
  instrument: string;
  /** doc.revision: the mirror compares and lists it. */
  revision: number;
  /** The hub's country and every place of performance, upper case. */
  countries: string[];
  focusAreas: string[];
  /** The other listing facets (listing-facets.ts) as "name:value": "cpv:72", "nuts:FR1", "language:fr", "sme:true". */
  facets: string[];
  tokens: string[];
  /** Word forms of the texts (word-forms.ts), and the title's words and forms (for relevance). */
  stems: string[];
  titleTokens: string[];
  startMs?: number;
  deadlineMs?: number;
  deadlineKey: number;
  publishedKey: number;
}

export interface ActivityDoc {
  _id: string;
  /** Insertion order (sequence.ts): "oldest first" for the relay, newest first for the outbox. */
  seq: string;
  type: ActivityRecord["type"];
  actor: string;
  objectId: string;
  revision: number;
  published: string;
  object: string;
  federatedAt: string | null;
}

const epochMs = (iso: string | undefined): number | undefined => {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
};

export function toChallengeDoc(c: StoredChallenge): ChallengeDoc {
  const d = c.doc;
  const start = epochMs(d.submissionPeriod?.start);
  const deadline = epochMs(d.submissionPeriod?.end);
  const published = epochMs(d.published);
  const f = listingFacets(c);
  const facets = (["cpv", "nuts", "language", "procedureType", "sme", "euFunded"] as const).flatMap((name) => f[name].map((v) => `${name}:${v}`));
  return {
    _id: c.id, ...(c.key === null ? {} : { key: c.key }), origin: c.origin, country: c.country, doc: JSON.stringify(d),
    version: c.version, withdrawnAt: c.withdrawnAt,
    status: d.status, listed: d.status !== "draft" && c.withdrawnAt === null, local: c.key !== null,
    withdrawn: c.withdrawnAt !== null, hub: d.hub, instrument: d.instrument, revision: d.revision,
    countries: f.country, focusAreas: f.focusArea, facets, tokens: tokensOf(d), stems: stemsOf(d), titleTokens: titleTokensOf(d),
    ...(start === undefined ? {} : { startMs: start }), ...(deadline === undefined ? {} : { deadlineMs: deadline }),
    deadlineKey: deadline ?? NO_DEADLINE_KEY, publishedKey: published ?? NO_PUBLISHED_KEY,
  };
}

/** Only what the port returns; the derived fields are not read back. */
export const CHALLENGE_PROJECTION = { _id: 1, key: 1, origin: 1, country: 1, doc: 1, version: 1, withdrawnAt: 1 } as const;

export function fromChallengeDoc(d: Pick<ChallengeDoc, keyof typeof CHALLENGE_PROJECTION>): StoredChallenge {
  return {
    id: d._id, key: d.key ?? null, origin: d.origin, country: d.country, doc: JSON.parse(d.doc) as Challenge,
    version: d.version, withdrawnAt: d.withdrawnAt ?? null,
  };
}

export function toActivityDoc(a: ActivityRecord, seq: string): ActivityDoc {
  return {
    _id: a.id, seq, type: a.type, actor: a.actor, objectId: a.objectId, revision: a.revision, published: a.published,
    object: JSON.stringify(a.object), federatedAt: a.federatedAt,
  };
}

export function fromActivityDoc(d: ActivityDoc): ActivityRecord {
  return {
    id: d._id, type: d.type, actor: d.actor, objectId: d.objectId, revision: d.revision, published: d.published,
    object: JSON.parse(d.object) as Challenge, federatedAt: d.federatedAt ?? null,
  };
}
