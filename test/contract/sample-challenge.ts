// Realistic challenge documents for the store contract: the fixtures in test/fixtures/challenges
// (written for the schema), re-homed under a test origin with per-test ids and the fields each test
// needs. Falls back to a built-in document when the fixtures are missing.
import fs from "node:fs";
import path from "node:path";
import type { Challenge, ChallengeStatus, FocusArea, Instrument, LanguageMap } from "../../node/domain/types";
import type { ActivityRecord, ActivityType, StoredChallenge } from "../../node/domain/ports";

const FIXTURES = path.join(__dirname, "..", "fixtures", "challenges");

function loadFixtures(): Challenge[] {
  try {
    return fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(FIXTURES, f), "utf8")) as Challenge);
  } catch {
    return [];
  }
}

const BUILT_IN: Challenge = {
  schemaVersion: "1.0",
  id: "https://de.ipn.test/challenges/built-in",
  url: "https://de.ipn.test/challenges/built-in",
  revision: 1,
  hub: "https://de.ipn.test/hubs/muenchen",
  defaultLanguage: "en",
  title: { en: "Smart loading zones", de: "Intelligente Lieferzonen" },
  summary: { en: "Detect occupancy of loading zones.", de: "Belegung der Lieferzonen erkennen." },
  description: { en: "A privacy-friendly solution for the old town.", de: "Eine datensparsame Lösung für die Altstadt." },
  status: "open",
  instrument: "challenge-prize",
  focusAreas: ["mobility"],
  placeOfPerformance: [{ country: "DE", locality: "München" }],
  submissionPeriod: { start: "2026-11-02T09:00:00+01:00", end: "2027-01-29T12:00:00+01:00" },
  published: "2026-10-20T10:00:00+02:00",
  updated: "2026-10-20T10:00:00+02:00",
};

export const fixtures: Challenge[] = loadFixtures();
const templates = fixtures.length ? fixtures : [BUILT_IN];

export const ORIGIN = "https://de.ipn.test";
export const hubId = (handle: string, origin = ORIGIN) => `${origin}/hubs/${handle}`;

let counter = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export interface SampleOptions {
  key?: string | null;
  origin?: string;
  /** Hub handle (default "muenchen"). */
  hub?: string;
  country?: string;
  status?: ChallengeStatus;
  instrument?: Instrument;
  focusAreas?: FocusArea[];
  places?: string[];
  title?: LanguageMap;
  summary?: LanguageMap;
  description?: LanguageMap;
  hashtags?: string[];
  /** submissionPeriod.start / end; null removes it. */
  start?: string | null;
  deadline?: string | null;
  published?: string | null;
  template?: number;
  withdrawnAt?: string | null;
}

/** A StoredChallenge built from a fixture; local (with a key) unless key: null. */
export function sampleChallenge(o: SampleOptions = {}): StoredChallenge {
  const doc = structuredClone(templates[(o.template ?? 0) % templates.length]!);
  const origin = o.origin ?? ORIGIN;
  const key = o.key === undefined ? unique("c") : o.key;
  doc.id = `${origin}/challenges/${key ?? unique("mirrored")}`;
  doc.url = doc.id;
  doc.hub = hubId(o.hub ?? "muenchen", origin);
  if (o.status) doc.status = o.status;
  if (o.instrument) doc.instrument = o.instrument;
  if (o.focusAreas) doc.focusAreas = o.focusAreas;
  if (o.places) doc.placeOfPerformance = o.places.map((country) => ({ country }));
  if (o.title) doc.title = o.title;
  if (o.summary) doc.summary = o.summary;
  if (o.description) doc.description = o.description;
  if (o.hashtags) doc.hashtags = o.hashtags;
  const period = { ...(doc.submissionPeriod ?? {}) };
  if (o.start !== undefined) { if (o.start === null) delete period.start; else period.start = o.start; }
  if (o.deadline !== undefined) { if (o.deadline === null) delete period.end; else period.end = o.deadline; }
  if (period.start || period.end) doc.submissionPeriod = period; else delete doc.submissionPeriod;
  if (o.published !== undefined) { if (o.published === null) delete doc.published; else doc.published = o.published; }
  if (doc.status === "draft") delete doc.published;
  return {
    id: doc.id, key, origin, country: o.country ?? "DE", doc, version: 1, withdrawnAt: o.withdrawnAt ?? null,
  };
}

/** The outbox record a service would write with this challenge. */
export function activityFor(c: StoredChallenge, type: ActivityType = "Create", published = "2026-10-20T08:00:00.000Z"): ActivityRecord {
  const suffix = type === "Update" ? `update-${c.doc.revision}` : type.toLowerCase();
  return {
    id: `${c.id}/activities/${suffix}-${unique("a")}`, type, actor: c.doc.hub, objectId: c.id, revision: c.doc.revision,
    published, object: c.doc, federatedAt: null,
  };
}
