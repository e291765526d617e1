// Varied, valid canonical challenge documents for seeding: countries, focus areas, instruments,
// deadlines and title words differ from one document to the next so listing filters select real
// subsets and the full-text index holds many distinct terms. Deterministic (seeded) so runs compare.
import type { Challenge, FocusArea, Instrument, LanguageTag } from "../../node/domain/types";

export const COUNTRIES = [
  "AT",
  "BE",
  "BG",
  "CY",
  "CZ",
  "DE",
  "DK",
  "EE",
  "ES",
  "FI",
  "FR",
  "GR",
  "HR",
  "HU",
  "IE",
  "IS",
  "IT",
  "LI",
  "LT",
  "LU",
  "LV",
  "MT",
  "NL",
  "NO",
  "PL",
  "PT",
  "RO",
  "SE",
  "SI",
  "SK",
] as const;
export const FOCUS: FocusArea[] = ["mobility", "green", "digital", "health", "education", "other"];
const INSTRUMENTS: Instrument[] = [
  "call-for-solutions",
  "challenge-prize",
  "design-contest",
  "pre-commercial-procurement",
  "innovation-partnership",
  "open-market-consultation",
];
const WORDS = [
  "loading",
  "zones",
  "hospital",
  "triage",
  "school",
  "heating",
  "water",
  "sensor",
  "bridge",
  "tram",
  "recycling",
  "energy",
  "grid",
  "library",
  "archive",
  "wildfire",
  "flood",
  "ambulance",
  "parking",
  "cycling",
  "ferry",
  "harbour",
  "noise",
  "air",
  "quality",
  "canteen",
  "waste",
  "solar",
  "battery",
  "permit",
  "tax",
  "elderly",
  "care",
  "dialysis",
  "vaccine",
  "telehealth",
  "classroom",
  "tutoring",
  "bus",
  "road",
  "snow",
  "forest",
  "soil",
  "drone",
  "robot",
  "translation",
  "court",
  "procurement",
  "citizen",
  "portal",
  "identity",
  "cyber",
  "cloud",
  "data",
];
const LANG_OF: Record<string, LanguageTag> = {
  DE: "de",
  AT: "de",
  LI: "de",
  FR: "fr",
  BE: "fr",
  LU: "fr",
  ES: "es",
  IT: "it",
  PT: "pt",
  NL: "nl",
  PL: "pl",
  CZ: "cs",
  SK: "sk",
  SE: "sv",
  FI: "fi",
  DK: "da",
  EE: "et",
  LV: "lv",
  LT: "lt",
  HU: "hu",
  RO: "ro",
  BG: "bg",
  GR: "el",
  CY: "el",
  HR: "hr",
  SI: "sl",
  MT: "mt",
  IE: "ga",
  IS: "is",
  NO: "nb",
};

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** Park–Miller: a tiny deterministic generator, enough to vary documents reproducibly. */
export function rng(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

export interface DocOptions {
  origin: string;
  /** Hub handle (the hub IRI is origin/hubs/handle). */
  hub: string;
  key: string;
  /** Index of the document: chooses country, words, deadline … */
  n: number;
  /** Fix the country (a node's own hubs); default: varied. */
  country?: string;
  revision?: number;
  /** Fix the status; default: one in five forthcoming, drawn at random. */
  status?: "open" | "forthcoming";
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function sentence(r: () => number, words: number): string {
  return Array.from({ length: words }, () => pick(r, WORDS)).join(" ");
}

/** A ~4 KiB canonical challenge (open or forthcoming) valid under the challenge schema with allowHttp. */
export function challengeDoc(o: DocOptions): Challenge {
  const r = rng(o.n * 7919 + 17);
  const country = o.country ?? COUNTRIES[o.n % COUNTRIES.length]!;
  const lang = LANG_OF[country] ?? "en";
  const now = Date.now();
  // Drawn, not derived from n: a status tied to n mod 5 would correlate with the country (n mod 30).
  const drawn = r() < 0.2;
  const forthcoming = o.status ? o.status === "forthcoming" : drawn;
  const start = forthcoming ? now + (5 + Math.floor(r() * 20)) * DAY : now - (1 + Math.floor(r() * 30)) * DAY;
  const end = Math.max(start, now) + (10 + Math.floor(r() * 170)) * DAY;
  const focus = [...new Set([pick(r, FOCUS), pick(r, FOCUS)])];
  const title = `${sentence(r, 4)} ${o.n}`;
  const id = `${o.origin}/challenges/${o.key}`;
  const text = (words: number) => ({ en: sentence(r, words), ...(lang !== "en" ? { [lang]: sentence(r, words) } : {}) });
  const doc = {
    schemaVersion: "1.0",
    id,
    url: id,
    revision: o.revision ?? 1,
    hub: `${o.origin}/hubs/${o.hub}`,
    buyers: [{ name: { en: `Public buyer ${o.n % 977}` }, country }],
    defaultLanguage: "en",
    title: { en: title, ...(lang !== "en" ? { [lang]: `${title} (${lang})` } : {}) },
    summary: text(40),
    description: text(150),
    eligibility: text(20),
    howToApply: text(20),
    status: forthcoming ? "forthcoming" : "open",
    instrument: pick(r, INSTRUMENTS),
    focusAreas: focus,
    hashtags: [pick(r, WORDS), pick(r, WORDS)].filter((v, i, a) => a.indexOf(v) === i),
    placeOfPerformance: [{ country, locality: `Town ${o.n % 311}` }],
    estimatedValue: { amount: `${50_000 + Math.floor(r() * 2_000_000)}.00`, currency: "EUR" },
    submissionPeriod: { start: iso(start), end: iso(end) },
    submissionType: "entry",
    submissionUrl: `${o.origin}/submit/${o.key}`,
    contact: { name: "Challenge team", email: `team-${o.n % 101}@buyers.example` },
    published: iso(now - Math.floor(r() * 30) * DAY),
    updated: iso(now),
  };
  return doc as unknown as Challenge;
}
