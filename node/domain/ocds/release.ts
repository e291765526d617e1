// One challenge revision as an OCDS 1.1 release. Mapping (docs/ocds.md has the table):
// ocid from the node's registered prefix and the challenge key; the hub is the procuring entity and
// the buyers are buyers; the call is the tender (its CPV codes as the classification of one item, the
// submission period as the tender period, documents, milestones); the outcome's winners are the
// suppliers of one award; NUTS places through the official Location extension. IPN fields without an
// OCDS home (prizes, phases,
// eligibility, funding, innovation types) are left out rather than put into invented fields.
import { cpvLabel, getCodeList, nutsName } from "../codelists";
import type { Challenge, LanguageMap, Location, OrganizationRef } from "../types";
import { MILESTONE_TYPE, OCDS_DOCUMENT_TYPES, PROCUREMENT_CATEGORY, PROCUREMENT_METHOD, TENDER_STATUS } from "./codes";

type Json = Record<string, unknown>;

export interface ReleaseContext {
  ocid: string;
  /** ISO instant of this revision. */
  date: string;
  tag: string[];
  /** The challenge was withdrawn by this release (ActivityPub Delete). */
  withdrawn?: boolean;
  /** The hub's name (its IRI otherwise). */
  hubName?: string;
  /** The change this release records (tenderAmendment): from the document's changeLog. */
  amendment?: { date: string; rationale?: string };
}

const text = (m: LanguageMap | undefined, lang: string): string | undefined => {
  const r = m as Record<string, string | undefined> | undefined;
  return r?.[lang] ?? (r ? Object.values(r).find((v) => typeof v === "string" && v !== "") : undefined);
};

const label = (list: string, code: string): string =>
  ((getCodeList(list)?.codes ?? []).find((c) => c.code === code)?.label as Record<string, string> | undefined)?.en ?? code;

/** Only the members that have a value: OCDS forbids nothing empty, but empty members say nothing. */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))) as T;
}

function organization(o: OrganizationRef, id: string, roles: string[], lang: string): Json {
  return compact({
    id,
    name: text(o.name, lang),
    identifier: o.identifier ? { scheme: o.identifier.scheme, id: o.identifier.id } : undefined,
    address: compact({ countryName: label("countries", o.country), postalCode: undefined }),
    roles,
  });
}

export function challengeRelease(doc: Challenge, ctx: ReleaseContext): Json {
  const lang = doc.defaultLanguage;
  const parties: Json[] = [];
  const hubName = ctx.hubName ?? doc.hub;
  const hubParty = compact({ id: doc.hub, name: hubName, roles: ["procuringEntity"] });
  const buyers = (doc.buyers ?? []).map((b, i) => organization(b, b.id ?? `${doc.id}#buyer-${i + 1}`, ["buyer"], lang));
  parties.push(hubParty, ...buyers);
  const winners = (doc.outcome?.winners ?? []).map((w, i) => compact({ id: `${doc.id}#supplier-${i + 1}`, name: w.name, roles: ["supplier"] }));
  parties.push(...winners);

  const status = ctx.withdrawn ? "withdrawn" : TENDER_STATUS[doc.status];
  const cpv = doc.cpv;
  const milestones = (doc.milestones ?? []).map((m, i) => compact({
    id: String(i + 1),
    title: text(m.title, lang) ?? label("milestone-types", m.type),
    type: MILESTONE_TYPE[m.type],
    dueDate: m.dateTime,
    // A date still ahead of the release is scheduled; whether a past one was met is not recorded.
    status: Date.parse(m.dateTime) > Date.parse(ctx.date) ? "scheduled" : undefined,
  }));
  const documents = (doc.documents ?? []).map((d, i) => compact({
    id: String(i + 1),
    documentType: OCDS_DOCUMENT_TYPES.has(d.documentType) ? d.documentType : undefined,
    title: text(d.title, lang),
    url: d.url,
    format: d.mediaType,
    language: d.languages?.[0],
    datePublished: d.published,
  }));
  const tender = compact({
    id: doc.id,
    title: text(doc.title, lang),
    description: text(doc.summary, lang),
    status,
    procuringEntity: { id: doc.hub, name: hubName },
    items: cpv ? [compact({
      id: "1",
      description: text(doc.title, lang),
      classification: compact({ scheme: "CPV", id: cpv.main, description: cpvLabel(cpv.main, lang) }),
      additionalClassifications: (cpv.additional ?? []).map((id) => ({ scheme: "CPV", id })),
      // Location extension (declared in the package): where the work is done, as NUTS codes.
      ...delivery(doc.placeOfPerformance ?? [], lang),
    })] : undefined,
    value: doc.estimatedValue ? { amount: Number(doc.estimatedValue.amount), currency: doc.estimatedValue.currency } : undefined,
    procurementMethod: doc.procedureType ? PROCUREMENT_METHOD[doc.procedureType] : undefined,
    procurementMethodDetails: doc.procedureType ? label("procedure-types", doc.procedureType) : label("instruments", doc.instrument),
    mainProcurementCategory: doc.contractNature ? PROCUREMENT_CATEGORY[doc.contractNature] : undefined,
    submissionMethod: doc.submissionUrl ? ["electronicSubmission"] : undefined,
    submissionMethodDetails: doc.submissionUrl,
    tenderPeriod: doc.submissionPeriod ? compact({ startDate: doc.submissionPeriod.start, endDate: doc.submissionPeriod.end }) : undefined,
    enquiryPeriod: doc.enquiryPeriod ? compact({ startDate: doc.enquiryPeriod.start, endDate: doc.enquiryPeriod.end }) : undefined,
    hasEnquiries: undefined,
    contractPeriod: doc.contractPeriod?.startDate || doc.contractPeriod?.endDate
      ? compact({ startDate: dateTime(doc.contractPeriod.startDate), endDate: dateTime(doc.contractPeriod.endDate, true) })
      : undefined,
    documents,
    milestones,
    amendments: ctx.amendment ? [compact({ id: `${ctx.ocid}-r${doc.revision}-amendment`, date: ctx.amendment.date, rationale: ctx.amendment.rationale })] : undefined,
  });
  const awards = doc.status === "awarded" && doc.outcome
    ? [compact({
      id: `${doc.id}#award`,
      title: text(doc.title, lang),
      description: text(doc.outcome.summary, lang),
      status: "active",
      date: dateTime(doc.outcome.decisionDate),
      suppliers: winners.map((w) => ({ id: w.id, name: w.name })),
    })]
    : undefined;
  const firstBuyer = buyers[0];
  return compact({
    ocid: ctx.ocid,
    id: `${ctx.ocid}-r${doc.revision}${ctx.withdrawn ? "-withdrawn" : ""}`,
    date: ctx.date,
    tag: ctx.tag,
    initiationType: "tender",
    language: lang,
    parties,
    buyer: firstBuyer ? { id: firstBuyer.id, name: firstBuyer.name } : { id: doc.hub, name: hubName },
    tender,
    awards,
  });
}

/** Location extension v1.1.4: the NUTS regions of every place, and the first place's address. */
function delivery(places: readonly Location[], lang: string): Json {
  const nuts = [...new Set(places.flatMap((p) => (p.nuts ? [p.nuts] : [])))];
  const names = places.map((p) => text(p.name, lang) ?? p.locality ?? (p.nuts ? nutsName(p.nuts) ?? p.nuts : p.country ? label("countries", p.country) : undefined)).filter((n): n is string => !!n);
  const first = places.find((p) => p.streetAddress || p.locality || p.postalCode || p.country);
  return compact({
    deliveryLocation: nuts.length || names.length ? compact({ description: names.join("; ") || undefined, gazetteer: nuts.length ? { scheme: "NUTS", identifiers: nuts } : undefined }) : undefined,
    deliveryAddress: first ? compact({ streetAddress: first.streetAddress, locality: first.locality, postalCode: first.postalCode, countryName: first.country ? label("countries", first.country) : undefined }) : undefined,
  });
}

/** A date (YYYY-MM-DD) as the date-time OCDS wants: the start of the day, or its end, in UTC. */
function dateTime(date: string | undefined, end = false): string | undefined {
  if (!date) return undefined;
  return `${date}T${end ? "23:59:59" : "00:00:00"}Z`;
}
