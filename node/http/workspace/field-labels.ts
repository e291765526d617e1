// What the editor calls each schema property. Names read by procurement officers, close to eForms'
// wording; a property without an entry here is named from its key ("expectedDecisionDate" →
// "Expected decision date"), so a new schema field is never shown unlabelled.
import { LANGUAGE_TAGS } from "../../domain/codelists";
import { label } from "../pages/format";

const LABELS: Record<string, string> = {
  referenceNumber: "Reference number", procedureId: "Procedure identifier (UUID, links notices of one procedure)",
  buyers: "Buyers", id: "Web address of its profile", name: "Name", identifier: "Identifier", scheme: "Scheme", url: "Web address",
  buyerLegalType: "Legal type", mainActivity: "Main activity", country: "Country", nuts: "Region (NUTS code)",
  eligibility: "Who is eligible", howToApply: "How to apply", evaluationCriteria: "Evaluation criteria", additionalInformation: "Additional information",
  procedureType: "Procedure type", contractNature: "Contract nature", innovationTypes: "Innovation types",
  cpv: "CPV classification", main: "Main CPV code", additional: "Further CPV codes", hashtags: "Hashtags",
  placeOfPerformance: "Places of performance", scope: "Scope", locality: "Town or city", postalCode: "Postal code", streetAddress: "Street address",
  estimatedValue: "Estimated value (excluding VAT)", amount: "Amount", currency: "Currency", prizes: "Prizes", rank: "Rank", title: "Title",
  description: "Description", nonMonetaryRewards: "Non-monetary rewards", followUp: "Follow-up procurement", planned: "Planned",
  instrument: "Instrument", expectedDate: "Expected date", enquiryPeriod: "Questions from suppliers", start: "From", end: "Until",
  submissionLanguages: "Languages suppliers may submit in", contractPeriod: "Contract period", startDate: "Start date", endDate: "End date",
  durationMonths: "Duration in months", expectedDecisionDate: "Expected decision date", phases: "Phases", maxParticipants: "Maximum participants",
  budget: "Budget", milestones: "Milestones and events", type: "Type", dateTime: "Starts", endTime: "Ends", online: "Online", location: "Location",
  eligibleApplicantTypes: "Eligible applicants", smeSuitable: "Suitable for SMEs", euFunded: "Funded by the EU", fundingProgrammes: "Funding programmes",
  documents: "Documents", documentType: "Document type", mediaType: "Media type", languages: "Languages", published: "Published", sizeBytes: "Size in bytes",
  relatedNotices: "Related notices", image: "Image", alt: "Text alternative", contact: "Contact", email: "Email", telephone: "Telephone",
  legalName: "Legal name", shortName: "Short name", defaultLanguage: "Main language", address: "Address", timeZone: "Time zone",
  identifiers: "Identifiers", website: "Website", buyerProfile: "Buyer profile (web address)", icon: "Avatar (square image)",
  parentOrganisation: "Parent organisation", memberOrganisations: "Member organisations", profileLinks: "Links on the profile", label: "Link text",
  hubType: "Type of hub", region: "Region", countryName: "Country name",
  outcome: "Outcome", decisionDate: "Decision date", winners: "Winners", sme: "SME", prizeRank: "Prize rank", phase: "Phase",
  nonAwardReason: "Reason for not awarding", summary: "Summary", extensions: "Extensions (JSON)",
};

/** Names that depend on the group they are in, so no two controls of the form read the same. */
const IN_GROUP: Record<string, string> = {
  "buyers.name": "Buyer name", "winners.name": "Winner name", "contact.name": "Contact name", "location.name": "Place name",
  "placeOfPerformance.name": "Place name", "prizes.title": "Prize title", "prizes.description": "Prize description",
  "documents.title": "Document title", "milestones.title": "Event title", "phases.name": "Phase name",
  "phases.description": "Phase description", "followUp.description": "About the follow-up", "followUp.instrument": "Follow-up procedure",
  "outcome.summary": "Summary of the outcome", "documents.languages": "Languages of the document", "documents.published": "Date of the document",
  "identifier.id": "Identifier value", "relatedNotices.id": "Notice number", "buyers.id": "Profile address (ActivityPub id)",
};

/** What one item of a list is called (the legend of each, "Buyer 2"), and the button that adds one. */
const ITEM_LABELS: Record<string, [string, string]> = {
  buyers: ["Buyer", "Add a buyer"], prizes: ["Prize", "Add a prize"], phases: ["Phase", "Add a phase"], milestones: ["Milestone", "Add a milestone"],
  documents: ["Document", "Add a document"], relatedNotices: ["Related notice", "Add a related notice"], placeOfPerformance: ["Place", "Add a place"],
  winners: ["Winner", "Add a winner"], identifiers: ["Identifier", "Add an identifier"], memberOrganisations: ["Member organisation", "Add a member organisation"],
  profileLinks: ["Link", "Add a link"],
};
const ITEM_FALLBACK: [string, string] = ["Item", "Add an item"];

const HINTS: Record<string, string> = {
  hashtags: "Words without spaces, separated by spaces; posts on the fediverse carry them.",
  fundingProgrammes: "One per line, e.g. Horizon Europe.",
  additional: "One code per line; type a word to find codes.",
  procedureId: "Leave empty unless an earlier notice of the same procedure has one.",
  extensions: "A JSON object whose keys are https addresses; for data other systems define.",
  amount: "Digits with at most two decimals, e.g. 250000 or 1250.50.",
  telephone: "International format, e.g. +49 89 123456.",
};

type Tw = (english: string, values?: Record<string, string | number>) => string;
const english: Tw = (s) => s;

/** The label of property `key`, inside the group named `parent` (its property name) if any. */
export function fieldLabel(key: string, parent?: string, tw: Tw = english): string {
  const inGroup = parent ? IN_GROUP[`${parent}.${key}`] : undefined;
  if (inGroup) return tw(inGroup);
  const known = LABELS[key];
  return known ? tw(known) : key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase()).replace(/ [A-Z]/g, (c) => c.toLowerCase());
}

/** The legend of item `n` (from 1) of list `key` ("Buyer 2"), and the text of its "Add" button. */
export function itemLabels(key: string, tw: Tw = english): { legend: (n: number) => string; add: string } {
  const [noun, add] = ITEM_LABELS[key] ?? ITEM_FALLBACK;
  return { legend: (n) => tw("{{item}} {{n}}", { item: tw(noun), n }), add: tw(add) };
}

export function fieldHint(key: string, tw: Tw = english): string | undefined {
  const hint = HINTS[key];
  return hint ? tw(hint) : undefined;
}

/** A field named by its place in the document, for error summaries: "/buyers/0/name/de" → "Buyers › Buyer 1 › Buyer name (German)". */
export function pathLabel(pointer: string, tw: Tw = english, lang = "en"): string {
  const segs = pointer.split("/").slice(1);
  const parentOf = (i: number) => segs.slice(0, i).reverse().find((s) => !/^\d+$/.test(s));
  return segs.map((seg, i) => /^\d+$/.test(seg) ? itemLabels(segs[i - 1] ?? "", tw).legend(Number(seg) + 1)
    : (LANGUAGE_TAGS as readonly string[]).includes(seg) ? `(${label("languages", seg, lang)})` : fieldLabel(seg, parentOf(i), tw)).join(" › ").replace(/ › \(/g, " (");
}

/** Every message of this file, for the test that finds translations missing from the catalogues. */
export const FIELD_MESSAGES: readonly string[] = [
  ...Object.values(LABELS), ...Object.values(IN_GROUP), ...Object.values(HINTS), ...Object.values(ITEM_LABELS).flat(), ...ITEM_FALLBACK, "{{item}} {{n}}",
];
