// Request bodies for tests: the example documents of domain-model.md §6 (test/fixtures), minus the
// server-assigned fields, with their dates moved relative to now so the tests never expire.
import { readFileSync } from "node:fs";
import path from "node:path";

const FIXTURES = path.join(__dirname, "..", "fixtures");
const DAY = 86_400_000;

export function fixture(kind: "challenges" | "hubs", name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(FIXTURES, kind, `${name}.json`), "utf8"));
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export type ChallengeFixture = "de-mobility" | "fr-health-pcp" | "fi-education";
const FILES: Record<ChallengeFixture, string> = {
  "de-mobility": "challenge-de-mobility",
  "fr-health-pcp": "challenge-fr-health-pcp",
  "fi-education": "challenge-fi-education-consultation",
};

/** A challenge body ready for POST /api/v1/hubs/{handle}/challenges. */
export function challengeInput(name: ChallengeFixture, opts: { status?: "draft" | "forthcoming" | "open"; deadlineInDays?: number } = {}): Record<string, unknown> {
  const doc = fixture("challenges", FILES[name]);
  for (const f of ["id", "url", "hub", "revision", "published", "updated", "changeLog"]) delete doc[f];
  const status = opts.status ?? "open";
  const now = Date.now();
  const end = now + (opts.deadlineInDays ?? 30) * DAY;
  const start = status === "forthcoming" ? now + 5 * DAY : now - DAY;
  doc.status = status;
  doc.submissionPeriod = { start: iso(start), end: iso(end) };
  if (doc.enquiryPeriod) doc.enquiryPeriod = { end: iso(end - DAY) };
  if (Array.isArray(doc.documents)) for (const d of doc.documents as Record<string, unknown>[]) delete d.published;
  return doc;
}

/** A hub body ready for POST /api/v1/hubs. */
export function hubInput(handle: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    preferredUsername: handle,
    hubType: "innovation-procurement-hub",
    name: { en: `Hub ${handle}`, de: `Hub ${handle}` },
    defaultLanguage: "en",
    languages: ["en", "de"],
    country: "DE",
    contact: { email: `${handle}@hubs.example` },
    website: `https://${handle}.example`,
    ...overrides,
  };
}
