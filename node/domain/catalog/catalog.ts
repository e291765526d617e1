// The node's open data as a DCAT-AP 3 catalogue, so that national portals and data.europa.eu can
// harvest every node: the OCDS releases, the challenge feeds and calendar, the listing API. Controlled
// vocabularies are the EU Publications Office authority tables DCAT-AP asks for (languages, countries,
// data themes, frequencies, file types) and IANA media types.
import { countryInfo, getCodeList } from "../codelists";
import { Graph, iri, NS, text, type Triple, typed } from "./rdf";

export interface CatalogInput {
  origin: string;
  nodeName: string;
  /** ISO alpha-2 of the member state ("" for the aggregator: the whole EEA). */
  country: string;
  /** BCP 47 primary subtags the node publishes in (its hubs' languages). */
  languages: string[];
  /** URL of the data licence (IPN_DATA_LICENCE). */
  licence: string;
  /** Latest change of any public challenge, ISO instant (or null when there is none yet). */
  modified: string | null;
}

const AUTHORITY = "http://publications.europa.eu/resource/authority/";
const IANA = "https://www.iana.org/assignments/media-types/";
const { dcat, dct, foaf, vcard, xsd } = NS;

function languageIri(lang: string): string | null {
  const entry = getCodeList("languages")?.codes?.find((l) => l.code === lang) as { euCode?: string } | undefined;
  return entry?.euCode ? `${AUTHORITY}language/${entry.euCode}` : null;
}

interface Distribution { id: string; title: string; url: string; mediaType: string; fileType: string; download: boolean }

export function buildCatalog(c: CatalogInput): Triple[] {
  const g = new Graph();
  const at = (path: string) => new URL(path, c.origin).href;
  const catalog = at("/catalog");
  const publisher = `${catalog}#publisher`;
  const contact = `${catalog}#contact`;
  const api = `${catalog}#api`;
  const languages = c.languages.map(languageIri).filter((x): x is string => x !== null);
  const alpha3 = c.country ? countryInfo(c.country)?.alpha3 : undefined;
  const spatial = alpha3 ? `${AUTHORITY}country/${alpha3}` : `${AUTHORITY}continent/EUROPE`;
  const where = c.country ? `the ${c.country} node` : "the EEA-wide aggregator";

  g.about(catalog).type(`${dcat}Catalog`)
    .add(`${dct}title`, text(`${c.nodeName}: innovation procurement challenges`))
    .add(`${dct}description`, text(`Open data of ${where} of the Innovation Procurement Network: public-sector innovation challenges (pre-commercial procurement, innovation partnerships, challenge prizes, market consultations) as OCDS releases, feeds, calendars and a JSON API.`))
    .add(`${dct}publisher`, iri(publisher))
    .add(`${foaf}homepage`, iri(at("/")))
    .add(`${dct}license`, iri(c.licence))
    .add(`${dct}language`, ...languages.map(iri))
    .add(`${dct}spatial`, iri(spatial))
    .add(`${dcat}themeTaxonomy`, iri(`${AUTHORITY}data-theme`))
    .add(`${dcat}service`, iri(api));
  if (c.modified) g.about(catalog).add(`${dct}modified`, typed(c.modified, `${xsd}dateTime`));

  g.about(publisher).type(`${foaf}Agent`).add(`${foaf}name`, text(c.nodeName)).add(`${foaf}homepage`, iri(at("/")));
  g.about(contact).type(`${vcard}Organization`).add(`${vcard}fn`, text(c.nodeName)).add(`${vcard}hasURL`, iri(at("/")));

  g.about(api).type(`${dcat}DataService`)
    .add(`${dct}title`, text("IPN listing and challenge API"))
    .add(`${dct}description`, text("JSON API of the challenges published on this node and mirrored from its peers, with full listing filters (CPV, NUTS, country, language, deadlines). Described by an OpenAPI 3.1 document."))
    .add(`${dcat}endpointURL`, iri(at("/api/v1")))
    .add(`${dcat}endpointDescription`, iri(at("/api/openapi.json")))
    .add(`${dct}license`, iri(c.licence))
    .add(`${dct}publisher`, iri(publisher))
    .add(`${dcat}contactPoint`, iri(contact));

  const datasets: { id: string; title: string; description: string; keywords: string[]; conformsTo?: string; distributions: Distribution[] }[] = [
    {
      id: "ocds", title: "Innovation challenges as OCDS releases",
      description: "The latest OCDS 1.1 release of every public challenge (one release per public revision at each challenge's own endpoint), with buyers, CPV classifications, NUTS delivery places, periods, documents and awards.",
      keywords: ["OCDS", "public procurement", "innovation procurement", "pre-commercial procurement"],
      conformsTo: "https://standard.open-contracting.org/1.1/en/",
      distributions: [{ id: "ocds-json", title: "OCDS release package (paged)", url: at("/api/v1/ocds/releases"), mediaType: "application/json", fileType: "JSON", download: true }],
    },
    {
      id: "feeds", title: "Innovation challenges as feeds and a calendar",
      description: "Every public challenge, newest change first, as Atom, RSS and JSON Feed, and every deadline and milestone as iCalendar. Every listing filter works on them too.",
      keywords: ["feed", "calendar", "innovation challenges"],
      distributions: [
        { id: "atom", title: "Atom feed", url: at("/feed.atom"), mediaType: "application/atom+xml", fileType: "ATOM", download: true },
        { id: "rss", title: "RSS 2.0 feed", url: at("/feed.rss"), mediaType: "application/rss+xml", fileType: "RSS", download: true },
        { id: "jsonfeed", title: "JSON Feed 1.1", url: at("/feed.json"), mediaType: "application/feed+json", fileType: "JSON", download: true },
        { id: "ical", title: "iCalendar of deadlines and milestones", url: at("/calendar.ics"), mediaType: "text/calendar", fileType: "ICS", download: true },
      ],
    },
    {
      id: "challenges", title: "Innovation challenges (canonical JSON documents)",
      description: "The canonical challenge documents of the listing (JSON, schema at /schemas/challenge.json; JSON-LD context at /schemas/context/challenge-v1.jsonld), paged with cursors.",
      keywords: ["innovation challenges", "open data", "JSON"],
      conformsTo: at("/schemas/challenge.json"),
      distributions: [{ id: "challenges-json", title: "Challenge listing (JSON)", url: at("/api/v1/challenges"), mediaType: "application/json", fileType: "JSON", download: false }],
    },
  ];

  for (const d of datasets) {
    const id = `${catalog}#${d.id}`;
    g.about(catalog).add(`${dcat}dataset`, iri(id));
    g.about(id).type(`${dcat}Dataset`)
      .add(`${dct}title`, text(d.title))
      .add(`${dct}description`, text(d.description))
      .add(`${dct}publisher`, iri(publisher))
      .add(`${dcat}contactPoint`, iri(contact))
      .add(`${dcat}theme`, iri(`${AUTHORITY}data-theme/GOVE`), iri(`${AUTHORITY}data-theme/ECON`))
      .add(`${dct}accrualPeriodicity`, iri(`${AUTHORITY}frequency/UPDATE_CONT`))
      .add(`${dct}language`, ...languages.map(iri))
      .add(`${dct}spatial`, iri(spatial))
      .add(`${dcat}keyword`, ...d.keywords.map((k) => text(k)))
      .add(`${dcat}landingPage`, iri(at("/")));
    if (d.conformsTo) g.about(id).add(`${dct}conformsTo`, iri(d.conformsTo));
    if (c.modified) g.about(id).add(`${dct}modified`, typed(c.modified, `${xsd}dateTime`));
    for (const x of d.distributions) {
      const dist = `${catalog}#${x.id}`;
      g.about(id).add(`${dcat}distribution`, iri(dist));
      g.about(dist).type(`${dcat}Distribution`)
        .add(`${dct}title`, text(x.title))
        .add(`${dcat}accessURL`, iri(x.url))
        .add(`${dcat}mediaType`, iri(`${IANA}${x.mediaType}`))
        .add(`${dct}format`, iri(`${AUTHORITY}file-type/${x.fileType}`))
        .add(`${dct}license`, iri(c.licence))
        .add(`${dcat}accessService`, iri(api));
      if (x.download) g.about(dist).add(`${dcat}downloadURL`, iri(x.url));
    }
  }
  return g.triples;
}
