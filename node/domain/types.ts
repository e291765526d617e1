// The canonical documents (schemas/challenge.schema.json, schemas/hub.schema.json) as TypeScript
// types. The schemas are the source of truth; these types mirror them for the code that reads them.

export type LanguageTag =
  | "bg" | "cs" | "da" | "de" | "el" | "en" | "es" | "et" | "fi" | "fr" | "ga" | "hr" | "hu" | "it"
  | "lt" | "lv" | "mt" | "nl" | "pl" | "pt" | "ro" | "sk" | "sl" | "sv" | "is" | "nb" | "nn" | "no";

/** Text in several languages; always contains the document's defaultLanguage. */
export type LanguageMap = Partial<Record<LanguageTag, string>>;

export type CountryCode = string; // ISO 3166-1 alpha-2, EEA only (GR for Greece)
export type DateTime = string; // RFC 3339 with offset
export type DateOnly = string; // YYYY-MM-DD

export const CHALLENGE_STATUSES = [
  "draft", "forthcoming", "open", "closed", "evaluation", "awarded", "unsuccessful", "cancelled", "suspended",
] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export const FOCUS_AREAS = ["mobility", "green", "digital", "health", "education", "other"] as const;
export type FocusArea = (typeof FOCUS_AREAS)[number];

export const INSTRUMENTS = [
  "open-market-consultation", "call-for-solutions", "challenge-prize", "design-contest",
  "pre-commercial-procurement", "ppi", "innovation-partnership", "competitive-dialogue", "other",
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export interface MonetaryAmount { amount: string; currency: string }
export interface Period { start?: DateTime; end?: DateTime }

export interface Location {
  scope?: "anyw" | "anyw-cou" | "anyw-eea";
  country?: CountryCode;
  nuts?: string;
  locality?: string;
  postalCode?: string;
  streetAddress?: string;
  name?: LanguageMap;
  latitude?: number;
  longitude?: number;
}

export interface OrganizationRef {
  id?: string;
  name: LanguageMap;
  identifier?: { scheme: string; id: string };
  country: CountryCode;
  nuts?: string;
  url?: string;
  buyerLegalType?: string;
  mainActivity?: string;
}

export interface ContactPoint { name?: string; email?: string; telephone?: string; url?: string }
export interface Prize { rank?: number; title?: LanguageMap; amount?: MonetaryAmount; description?: LanguageMap }
export interface Phase {
  id: string; name: LanguageMap; description?: LanguageMap; startDate?: DateOnly; endDate?: DateOnly;
  maxParticipants?: number; budget?: MonetaryAmount;
}
export interface Milestone {
  type: string; dateTime: DateTime; endTime?: DateTime; title?: LanguageMap; online?: boolean; url?: string;
  location?: Location;
}
export interface DocumentRef {
  url: string; title: LanguageMap; documentType: string; mediaType?: string; languages?: LanguageTag[];
  published?: DateTime; sizeBytes?: number;
}
export interface NoticeRef { scheme: "ted" | "national" | "ocds" | "other"; id: string; url?: string }
export interface ImageRef { url: string; mediaType: string; alt?: LanguageMap }
export type ChangeReason = "cor-buy" | "update-add" | "info-release" | "cancel-intent" | "cancel" | "susp-review";
export interface Change { revision: number; date: DateTime; reason: ChangeReason; description?: LanguageMap }
export interface Outcome {
  decisionDate: DateOnly;
  winners?: { name: string; country?: string; url?: string; sme?: boolean; prizeRank?: number; phase?: string }[];
  nonAwardReason?: string;
  summary?: LanguageMap;
}

/** The canonical challenge document: what the home node stores and peers copy losslessly. */
export interface Challenge {
  schemaVersion: string;
  id: string;
  url: string;
  referenceNumber?: string;
  procedureId?: string;
  revision: number;
  hub: string;
  buyers?: OrganizationRef[];
  defaultLanguage: LanguageTag;
  title: LanguageMap;
  summary: LanguageMap;
  description: LanguageMap;
  eligibility?: LanguageMap;
  howToApply?: LanguageMap;
  evaluationCriteria?: LanguageMap;
  additionalInformation?: LanguageMap;
  status: ChallengeStatus;
  statusReason?: LanguageMap;
  instrument: Instrument;
  procedureType?: string;
  contractNature?: "works" | "supplies" | "services";
  innovationTypes?: string[];
  focusAreas: FocusArea[];
  cpv?: { main: string; additional?: string[] };
  hashtags?: string[];
  placeOfPerformance: Location[];
  estimatedValue?: MonetaryAmount;
  prizes?: Prize[];
  nonMonetaryRewards?: LanguageMap;
  followUp?: { planned: boolean; instrument?: Instrument; expectedDate?: DateOnly; description?: LanguageMap };
  submissionType?: "response" | "expression-of-interest" | "request-to-participate" | "tender" | "entry";
  submissionPeriod?: Period;
  enquiryPeriod?: Period;
  submissionUrl?: string;
  submissionLanguages?: LanguageTag[];
  contractPeriod?: { startDate?: DateOnly; endDate?: DateOnly; durationMonths?: number };
  expectedDecisionDate?: DateOnly;
  phases?: Phase[];
  milestones?: Milestone[];
  eligibleApplicantTypes?: string[];
  smeSuitable?: boolean;
  euFunded?: boolean;
  fundingProgrammes?: string[];
  documents?: DocumentRef[];
  relatedNotices?: NoticeRef[];
  image?: ImageRef;
  contact?: ContactPoint;
  published?: DateTime;
  updated: DateTime;
  changeLog?: Change[];
  outcome?: Outcome;
  extensions?: Record<string, unknown>;
}

/** Fields the server assigns; clients never send them on create. */
export const CHALLENGE_SERVER_FIELDS = ["id", "url", "hub", "revision", "published", "updated"] as const;

export const HUB_TYPES = [
  "public-buyer", "innovation-procurement-hub", "competence-centre", "living-lab", "incubator",
  "central-purchasing-body", "eu-body",
] as const;
export type HubType = (typeof HUB_TYPES)[number];

/** The canonical hub document (the ActivityPub plumbing is generated, not stored here). */
export interface Hub {
  schemaVersion: string;
  id: string;
  preferredUsername: string;
  hubType: HubType;
  name: LanguageMap;
  legalName?: string;
  shortName?: string;
  defaultLanguage: LanguageTag;
  languages: LanguageTag[];
  summary?: LanguageMap;
  description?: LanguageMap;
  country: CountryCode;
  nuts?: string[];
  address?: { streetAddress?: string; locality?: string; postalCode?: string; country: CountryCode };
  timeZone?: string;
  identifiers?: { scheme: string; id: string }[];
  buyerLegalType?: string;
  mainActivity?: string;
  website?: string;
  buyerProfile?: string;
  contact: ContactPoint;
  focusAreas?: FocusArea[];
  icon?: ImageRef;
  image?: ImageRef;
  parentOrganisation?: OrganizationRef;
  memberOrganisations?: OrganizationRef[];
  profileLinks?: { label: LanguageMap; url: string }[];
  node?: string;
  published: DateTime;
  updated?: DateTime;
  extensions?: Record<string, unknown>;
}

/** Fields the server assigns for hubs. */
export const HUB_SERVER_FIELDS = ["id", "node", "published", "updated"] as const;
