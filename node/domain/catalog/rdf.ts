// A minimal RDF model for what the node describes about itself: triples of IRIs and literals, built
// once and serialised as Turtle and JSON-LD from the same list, so the two can never say different
// things. No blank nodes: every resource has an IRI, which makes the serialisations comparable.

export type Term = { iri: string } | { value: string; lang?: string; datatype?: string };
export interface Triple { s: string; p: string; o: Term }

export const NS = {
  rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
  dcat: "http://www.w3.org/ns/dcat#",
  dct: "http://purl.org/dc/terms/",
  foaf: "http://xmlns.com/foaf/0.1/",
  vcard: "http://www.w3.org/2006/vcard/ns#",
  xsd: "http://www.w3.org/2001/XMLSchema#",
  adms: "http://www.w3.org/ns/adms#",
} as const;

export const RDF_TYPE = `${NS.rdf}type`;

export const iri = (value: string): Term => ({ iri: value });
export const text = (value: string, lang = "en"): Term => ({ value, lang });
export const typed = (value: string, datatype: string): Term => ({ value, datatype });

/** Collects triples for one subject at a time: `about(s).add(p, o)…`. */
export class Graph {
  readonly triples: Triple[] = [];

  about(s: string) {
    const add = (p: string, ...objects: Term[]) => {
      for (const o of objects) this.triples.push({ s, p, o });
      return api;
    };
    const api = { add, type: (...types: string[]) => add(RDF_TYPE, ...types.map(iri)) };
    return api;
  }
}
