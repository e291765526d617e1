// The JSON-LD contexts of schemas/context/ (schemas/README.md, "JSON-LD contexts"), served at
// /schemas/context/{name}.jsonld, and the Link header that makes the plain-JSON canonical documents
// expandable without changing their shape (JSON-LD 1.1 §6.1, "Interpreting JSON as JSON-LD").
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Request, Response } from "express";
import { uri } from "../domain/uris";
import { problem, sendProblem } from "./problem";

const DIR = path.join(__dirname, "..", "..", "schemas", "context");
const SUFFIX = ".jsonld";

/** name (file name without .jsonld) → file text, read once: the files are the single source. */
const CONTEXTS: ReadonlyMap<string, string> = new Map(
  readdirSync(DIR).filter((f) => f.endsWith(SUFFIX)).map((f) => [f.slice(0, -SUFFIX.length), readFileSync(path.join(DIR, f), "utf8")]),
);

/** The contexts the canonical documents are read with (each imports common-v1). */
export type DocumentContext = "challenge-v1" | "hub-v1";

const contextPath = (name: string) => `/schemas/context/${name}${SUFFIX}`;

/** GET /schemas/context/:file — any origin may fetch it (JSON-LD processors in browsers). */
export function serveContext(req: Request, res: Response): void {
  const file = String(req.params.file);
  const text = file.endsWith(SUFFIX) ? CONTEXTS.get(file.slice(0, -SUFFIX.length)) : undefined;
  if (text === undefined) {
    sendProblem(res, problem(404, `no JSON-LD context ${req.path}`));
    return;
  }
  res.set("Cache-Control", "public, max-age=3600");
  res.set("Access-Control-Allow-Origin", "*");
  res.type("application/ld+json").send(text);
}

/** Adds the Link header that tells a JSON-LD processor which context reads this JSON document. */
export function linkContext(res: Response, origin: string, name: DocumentContext): void {
  res.set("Link", `<${uri(origin, contextPath(name))}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`);
}
