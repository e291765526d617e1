// The schemas of schemas/ and schemas/api/ as OpenAPI components, self-contained: every $ref points
// inside the document (no fetch of the w3id.org placeholder or of the node's own /schemas/), and the
// URL patterns say what the node accepts in the mode it runs in (plain http only in test mode).
import { SCHEMAS } from "../../domain/validation-schema";
import { CHALLENGE_SERVER_FIELDS, HUB_SERVER_FIELDS } from "../../domain/types";
import { API_SCHEMAS, HTTP_ORIGIN_PATTERN } from "../api/request-schemas";

type Json = Record<string, unknown>;

/** Component name of each schema file (the common $defs keep their own names). */
const FILE_COMPONENTS: Readonly<Record<string, string>> = {
  "challenge.json": "Challenge",
  "hub.json": "Hub",
  "api/listing-query.json": "ListingQuery",
  "api/peer-input.json": "PeerInput",
  "api/peer.json": "Peer",
  "api/problem.json": "Problem",
  "api/if-match.json": "IfMatch",
  "api/peer-remove-query.json": "PeerRemoveQuery",
  "api/sync-digest-query.json": "SyncDigestQuery",
  "api/sync-revisions-query.json": "SyncRevisionsQuery",
  "api/sync-challenges-query.json": "SyncChallengesQuery",
  "api/sync-documents-query.json": "SyncDocumentsQuery",
};

const ID_BASE = "https://w3id.org/ipn/schemas/1.0/";

/** Rewrites the $refs of a schema found at `file` (relative to schemas/) to component refs. */
function rewriteRefs(node: unknown, file: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, file));
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "$schema" || k === "$id") continue;
    if (k === "$ref" && typeof v === "string") {
      const target = new URL(v, ID_BASE + file);
      const path = target.href.slice(ID_BASE.length).split("#")[0]!;
      const fragment = target.hash.slice(1);
      const def = /^\/\$defs\/([^/]+)$/.exec(fragment);
      if (def) out.$ref = `#/components/schemas/${def[1]}`;
      else if (fragment === "" && FILE_COMPONENTS[path]) out.$ref = `#/components/schemas/${FILE_COMPONENTS[path]}`;
      else throw new Error(`cannot bundle $ref ${v} in ${file}`);
      continue;
    }
    out[k] = rewriteRefs(v, file);
  }
  return out;
}

/** The body a client sends: the document without the fields the server assigns (which must be absent). */
function inputVariant(doc: Json, serverFields: readonly string[], optional: readonly string[], description: string): Json {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== "object" || node === null) return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === "required" && Array.isArray(v) ? v.filter((f) => !serverFields.includes(f) && !optional.includes(f)) : strip(v);
    }
    return out;
  };
  const input = strip(doc) as Json & { properties: Json };
  for (const f of serverFields) input.properties[f] = false;
  input.title = `${String(doc.title ?? "")} (input)`;
  input.description = description;
  return input;
}

/** components.schemas of the node's OpenAPI document. */
export function bundleSchemas(allowHttp: boolean): Json {
  const components: Json = {};
  const common = rewriteRefs(SCHEMAS.common, "common.json") as { $defs: Record<string, Json> };
  if (allowHttp) common.$defs.HttpsUri = { ...common.$defs.HttpsUri, pattern: "^https?://", description: "An http(s) URL (this node runs in test mode; production nodes accept https only)." };
  Object.assign(components, common.$defs);
  const challenge = rewriteRefs(SCHEMAS.challenge, "challenge.json") as Json;
  const hub = rewriteRefs(SCHEMAS.hub, "hub.json") as Json;
  components.Challenge = challenge;
  components.Hub = hub;
  components.ChallengeInput = inputVariant(challenge, CHALLENGE_SERVER_FIELDS, ["schemaVersion"],
    "A challenge as a client sends it: without the server-assigned id, url, hub, revision, published and updated (schemaVersion defaults to the current one). After the schema, the rules of schemas/README.md apply (dates in order, NUTS of the right country, defaultLanguage in every language map…): a document that breaks one is a 422 naming the field.");
  components.HubInput = inputVariant(hub, HUB_SERVER_FIELDS, ["schemaVersion"],
    "A hub as a client sends it: without the server-assigned id, node, published and updated. After the schema, defaultLanguage must be one of languages and every language map keyed by them (422 otherwise).");
  for (const [name, schema] of Object.entries(API_SCHEMAS)) {
    const file = `api/${name}.json`;
    const bundled = rewriteRefs(schema, file) as Json & { $defs?: Record<string, Json> };
    if (bundled.$defs) {
      Object.assign(components, bundled.$defs);
      delete bundled.$defs;
    }
    components[FILE_COMPONENTS[file]!] = bundled;
  }
  if (allowHttp) components.Origin = { ...(components.Origin as Json), pattern: HTTP_ORIGIN_PATTERN };
  return components;
}
