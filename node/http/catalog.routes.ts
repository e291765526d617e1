// /catalog: the node's DCAT-AP 3 catalogue (node/domain/catalog) by content negotiation — JSON-LD
// (the default, also for application/json) or Turtle — and at /catalog.jsonld and /catalog.ttl for
// harvesters that configure a URL per format. Both serialisations come from one list of triples.
import express, { type Request, type Response } from "express";
import { DataFactory, Writer } from "n3";
import { buildCatalog, type CatalogInput } from "../domain/catalog/catalog";
import { NS, RDF_TYPE, type Term, type Triple } from "../domain/catalog/rdf";
import type { Repositories } from "../domain/ports";
import { problem, sendProblem } from "./problem";

const TYPES = ["application/ld+json", "application/json", "text/turtle"] as const;

const compact = (value: string): string => {
  for (const [prefix, ns] of Object.entries(NS)) if (value.startsWith(ns) && value.length > ns.length) return `${prefix}:${value.slice(ns.length)}`;
  return value;
};

/** A flattened JSON-LD 1.1 document: one node object per subject, prefixes in the context. */
export function toJsonLd(triples: readonly Triple[]): object {
  const nodes = new Map<string, Record<string, unknown[] | string>>();
  for (const t of triples) {
    const node = nodes.get(t.s) ?? { "@id": t.s };
    nodes.set(t.s, node);
    const key = t.p === RDF_TYPE ? "@type" : compact(t.p);
    const value = t.p === RDF_TYPE && "iri" in t.o ? compact(t.o.iri) : jsonLdValue(t.o);
    node[key] = [...((node[key] as unknown[] | undefined) ?? []), value];
  }
  return { "@context": { ...NS }, "@graph": [...nodes.values()] };
}

function jsonLdValue(o: Term): object {
  if ("iri" in o) return { "@id": o.iri };
  return { "@value": o.value, ...(o.lang ? { "@language": o.lang } : {}), ...(o.datatype ? { "@type": compact(o.datatype) } : {}) };
}

export function toTurtle(triples: readonly Triple[]): Promise<string> {
  const { namedNode, literal, quad } = DataFactory;
  const writer = new Writer({ prefixes: { ...NS } });
  for (const t of triples) {
    const o = "iri" in t.o ? namedNode(t.o.iri) : literal(t.o.value, t.o.lang ?? (t.o.datatype ? namedNode(t.o.datatype) : undefined));
    writer.addQuad(quad(namedNode(t.s), namedNode(t.p), o));
  }
  return new Promise((resolve, reject) => writer.end((error, result: string) => (error ? reject(error) : resolve(result))));
}

export interface CatalogDeps {
  repos: Pick<Repositories, "hubs" | "challenges">;
  origin: string;
  nodeName: string;
  country: string;
  licence: string;
}

export function catalogRouter(deps: CatalogDeps): express.Router {
  const router = express.Router();

  async function input(): Promise<CatalogInput> {
    const hubs = await deps.repos.hubs.list();
    const languages = [...new Set(hubs.flatMap((h) => h.doc.languages ?? [h.doc.defaultLanguage]))].sort();
    // The newest publication stands for "modified": a listing query the stores answer from an index.
    const newest = await deps.repos.challenges.list({ sort: "newest", limit: 1, status: ["forthcoming", "open", "closed", "evaluation", "awarded", "unsuccessful", "cancelled", "suspended"] });
    const modified = newest.items[0]?.doc.published ?? null;
    return { origin: deps.origin, nodeName: deps.nodeName, country: deps.country, languages: languages.length ? languages : ["en"], licence: deps.licence, modified };
  }

  async function send(res: Response, type: "application/ld+json" | "text/turtle") {
    const triples = buildCatalog(await input());
    res.set("Cache-Control", "public, max-age=300");
    res.set("Access-Control-Allow-Origin", "*");
    if (type === "text/turtle") return res.type("text/turtle; charset=utf-8").send(await toTurtle(triples));
    res.type("application/ld+json; charset=utf-8").send(JSON.stringify(toJsonLd(triples), null, 2));
  }

  router.get("/catalog", async (req: Request, res: Response) => {
    res.vary("Accept");
    const wanted = req.accepts([...TYPES]);
    if (!wanted) return sendProblem(res, problem(406, `the catalogue is served as ${TYPES.join(", ")}`));
    await send(res, wanted === "text/turtle" ? "text/turtle" : "application/ld+json");
  });
  router.get("/catalog.jsonld", (_req, res) => send(res, "application/ld+json"));
  router.get("/catalog.ttl", (_req, res) => send(res, "text/turtle"));
  return router;
}
