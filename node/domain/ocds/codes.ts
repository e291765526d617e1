// IPN codes → OCDS 1.1 closed code lists (standard.open-contracting.org/1.1/en/schema/codelists).
// Where an IPN value has no OCDS equivalent the mapping says so (undefined) and the field is left out:
// OCDS core fields are never filled with guesses.
import type { ChallengeStatus } from "../types";

/** tender.status. Suspended has no OCDS 1.1 status (statusDetails arrived in 1.2): left out. */
export const TENDER_STATUS: Readonly<Record<ChallengeStatus, string | undefined>> = {
  draft: undefined,
  forthcoming: "planned",
  open: "active",
  closed: "complete",
  evaluation: "complete",
  awarded: "complete",
  unsuccessful: "unsuccessful",
  cancelled: "cancelled",
  suspended: undefined,
};

/** tender.procurementMethod from the eForms procedure type (its label goes to procurementMethodDetails). */
export const PROCUREMENT_METHOD: Readonly<Record<string, string | undefined>> = {
  open: "open",
  restricted: "selective",
  "neg-w-call": "selective",
  "comp-dial": "selective",
  innovation: "selective",
  "neg-wo-call": "limited",
  "oth-single": undefined,
  "oth-mult": undefined,
};

/** tender.mainProcurementCategory from the eForms contract nature. */
export const PROCUREMENT_CATEGORY: Readonly<Record<string, string>> = { works: "works", supplies: "goods", services: "services" };

/** milestone.type (OCDS milestoneType) from the IPN milestone type. */
export const MILESTONE_TYPE: Readonly<Record<string, string | undefined>> = {
  "info-session": "engagement",
  matchmaking: "engagement",
  "site-visit": "engagement",
  "pitch-event": "assessment",
  "demo-day": "assessment",
  "shortlist-announcement": "assessment",
  "award-announcement": "approval",
  "phase-start": "delivery",
  "contract-start": "delivery",
  other: undefined,
};

/** IPN document types that are OCDS documentType codes as they are; the others are left without a type. */
export const OCDS_DOCUMENT_TYPES: ReadonlySet<string> = new Set([
  "plannedProcurementNotice", "tenderNotice", "biddingDocuments", "technicalSpecifications", "evaluationCriteria",
  "eligibilityCriteria", "clarifications", "contractDraft", "submissionDocuments", "marketStudies", "needsAssessment",
  "illustration", "awardNotice", "cancellationDetails",
]);
