// Every operation of the JSON API: path, method, the schemas of its inputs and outputs and every
// status it can answer. node/http/openapi/document.ts turns this table into the OpenAPI document and
// node/http/api/method-not-allowed.ts into 405 + Allow, so the description, the method checks and the
// routes cannot drift apart (test/integration/openapi.test.ts compares the table with the routes).
import { LISTING_FACETS } from "../../domain/listing-facets";

export type Method = "get" | "post" | "patch" | "delete";

/** A response: a status with a component schema (by name), an inline schema, or none. */
export interface ResponseSpec {
  description: string;
  schema?: string | Record<string, unknown>;
  contentType?: string;
  headers?: string[];
}

export interface OperationSpec {
  path: string;
  method: Method;
  operationId: string;
  summary: string;
  description?: string;
  /** Admin or hub token. */
  auth?: "required" | "optional";
  /** Path parameters: name → [description, inline schema]. */
  pathParams?: Record<string, [string, Record<string, unknown>]>;
  /** Component holding the query parameters (an object schema of schemas/api/). */
  query?: string;
  /** Header parameters: name → component schema. */
  headers?: Record<string, { component: string; description: string }>;
  /** Request body: content types → component. */
  body?: { component: string; contentTypes: string[] };
  ok: Record<number, ResponseSpec>;
  /** Problem (application/problem+json) statuses besides 429, which every API route can answer. */
  problems: number[];
}

const page = (items: Record<string, unknown>) => ({
  type: "object", required: ["items", "nextCursor"], additionalProperties: false,
  properties: { items: { type: "array", items }, nextCursor: { type: ["string", "null"] } },
});
/** A page that also says how many items match in all. */
const countedPage = (items: Record<string, unknown>) => {
  const p = page(items);
  return { ...p, required: [...p.required, "total"], properties: { ...p.properties, total: { type: "integer", minimum: 0, description: "How many challenges match the filters in all pages" } } };
};
/** A counted page that pages both ways, with {facet: {value: count}} when `facets` was asked for. */
const facetedPage = (items: Record<string, unknown>) => {
  const p = countedPage(items);
  const counts = { type: "object", additionalProperties: { type: "integer", minimum: 1 } };
  const facets = {
    type: "object", additionalProperties: false, description: "Per facet asked for, how many challenges each value gives with the other filters",
    properties: Object.fromEntries(LISTING_FACETS.map((f) => [f, counts])),
  };
  const prevCursor = { type: ["string", "null"], description: "The cursor of the previous page (null on the first)" };
  return { ...p, properties: { ...p.properties, prevCursor, facets } };
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** The shape of an OCDS 1.1 release package; the official schema (standard.open-contracting.org) has the rest. */
const OCDS_PACKAGE = {
  type: "object", required: ["uri", "version", "publishedDate", "publisher", "releases"],
  properties: {
    uri: { type: "string" }, version: { const: "1.1" }, publishedDate: { type: "string" },
    publisher: { type: "object", required: ["name"], properties: { name: { type: "string" }, uri: { type: "string" } } },
    license: { type: "string" }, publicationPolicy: { type: "string" },
    releases: { type: "array", items: { type: "object", required: ["ocid", "id", "date", "tag", "initiationType"] } },
    links: { type: "object", properties: { next: { type: "string" } } },
  },
};
const KEY: Record<string, [string, Record<string, unknown>]> = { key: ["Last path segment of the challenge's id.", { type: "string", minLength: 1 }] };
const HANDLE: Record<string, [string, Record<string, unknown>]> = { handle: ["The hub's preferredUsername.", { type: "string", pattern: "^[a-z0-9_]{1,30}$" }] };

export const OPERATIONS: readonly OperationSpec[] = [
  {
    path: "/api/v1/hubs", method: "get", operationId: "listHubs", summary: "List the hubs of this node",
    ok: { 200: { description: "Hubs", schema: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Hub") } } } } },
    problems: [],
  },
  {
    path: "/api/v1/hubs", method: "post", operationId: "createHub", summary: "Create a hub (admin)", auth: "required",
    body: { component: "HubInput", contentTypes: ["application/json"] },
    ok: { 201: { description: "Created. The hub token is shown only here; store it.", headers: ["Location"], schema: { type: "object", required: ["hub", "token"], properties: { hub: ref("Hub"), token: { type: "string" } } } } },
    problems: [400, 401, 403, 409, 413, 415, 422],
  },
  {
    path: "/api/v1/hubs/{handle}", method: "get", operationId: "getHub", summary: "A hub", pathParams: HANDLE,
    ok: { 200: { description: "The hub document (JSON; the Link header names the JSON-LD context that reads it as linked data)", headers: ["Link"], schema: "Hub" } },
    problems: [404],
  },
  {
    path: "/api/v1/hubs/{handle}/token", method: "post", operationId: "rotateHubToken", summary: "Rotate a hub's token (admin); the old token stops working",
    auth: "required", pathParams: HANDLE,
    ok: { 200: { description: "The new token, shown once", schema: { type: "object", required: ["token"], properties: { token: { type: "string" } } } } },
    problems: [401, 403, 404],
  },
  {
    path: "/api/v1/hubs/{handle}/challenges", method: "post", operationId: "createChallenge", summary: "Publish (or save as draft) a challenge of this hub",
    description: "status draft is stored and never federated; forthcoming and open are published at once (ActivityPub Create to the hub's followers).",
    auth: "required", pathParams: HANDLE, body: { component: "ChallengeInput", contentTypes: ["application/json"] },
    ok: { 201: { description: "The full canonical document", headers: ["Location", "ETag"], schema: "Challenge" } },
    problems: [400, 401, 403, 404, 413, 415, 422],
  },
  {
    path: "/api/v1/challenges", method: "get", operationId: "listChallenges", summary: "Search and list challenges", query: "ListingQuery",
    ok: { 200: { description: "A page of canonical documents, how many match in all, and the facet counts asked for", schema: facetedPage(ref("Challenge")) } },
    problems: [400],
  },
  {
    path: "/api/v1/challenges/{key}", method: "get", operationId: "getChallenge", summary: "The canonical challenge document", pathParams: KEY,
    description: "Drafts only with the hub's or the admin token. A withdrawn challenge answers 410 Gone.", auth: "optional",
    ok: { 200: { description: "Canonical document (JSON; the Link header names the JSON-LD context that reads it as linked data)", headers: ["ETag", "Link"], schema: "Challenge" } },
    problems: [401, 404, 410],
  },
  {
    path: "/api/v1/challenges/{key}", method: "patch", operationId: "patchChallenge", summary: "Edit a challenge (RFC 7396 JSON Merge Patch)", pathParams: KEY,
    description: "Every public change: revision + 1, updated = now, a changeLog entry (send changeLog with exactly one new entry {reason, description} to describe it; otherwise the server adds one), and an ActivityPub Update. Illegal status transitions give 409; an If-Match that is no longer current gives 412.",
    auth: "required", headers: { "If-Match": { component: "IfMatch", description: "ETag of the version the edit is based on (optional)" } },
    body: { component: "MergePatch", contentTypes: ["application/merge-patch+json", "application/json"] },
    ok: { 200: { description: "The new canonical document", headers: ["ETag"], schema: "Challenge" } },
    problems: [400, 401, 403, 404, 409, 410, 412, 413, 415, 422],
  },
  {
    path: "/api/v1/challenges/{key}", method: "delete", operationId: "withdrawChallenge", summary: "Withdraw a challenge (ActivityPub Delete; the id answers 410 afterwards and is never reused)",
    auth: "required", pathParams: KEY,
    ok: { 204: { description: "Withdrawn" } },
    problems: [401, 403, 404, 409, 410],
  },
  {
    path: "/api/v1/challenges/{key}/ocds", method: "get", operationId: "getChallengeOcds", summary: "The challenge as OCDS 1.1: a release package with one release per public revision", pathParams: KEY,
    description: "Validates against the official OCDS 1.1 release package schema; the mapping is in docs/ocds.md. A withdrawn challenge's history ends with its cancellation.",
    ok: { 200: { description: "OCDS release package", schema: OCDS_PACKAGE } },
    problems: [404],
  },
  {
    path: "/api/v1/ocds/releases", method: "get", operationId: "ocdsReleases", summary: "The current OCDS release of every challenge of this node the listing filters match", query: "ListingQuery",
    description: "Paged like the listing; links.next is the next page. Mirrored challenges are published in OCDS by their own nodes.",
    ok: { 200: { description: "OCDS release package", schema: OCDS_PACKAGE } },
    problems: [400],
  },
  {
    path: "/api/v1/peers", method: "get", operationId: "listPeers", summary: "Allowlisted peer nodes with their sync status (admin)", auth: "required",
    ok: { 200: { description: "Peers", schema: { type: "object", required: ["items"], properties: { items: { type: "array", items: ref("Peer") } } } } },
    problems: [401, 403],
  },
  {
    path: "/api/v1/peers", method: "post", operationId: "addPeer", summary: "Allow a peer node and follow it (admin)", auth: "required",
    description: "The node follows the peer's instance actor and backfills all its current challenges; only allowlisted peers can put challenges into the mirror. Posting an existing origin updates its country and role (200).",
    body: { component: "PeerInput", contentTypes: ["application/json"] },
    ok: { 200: { description: "Updated", schema: "Peer" }, 201: { description: "Added", headers: ["Location"], schema: "Peer" } },
    problems: [400, 401, 403, 413, 415, 422],
  },
  {
    path: "/api/v1/peers", method: "delete", operationId: "removePeer", summary: "Remove a peer (admin): unfollow it; its challenges leave the listings", auth: "required",
    query: "PeerRemoveQuery",
    ok: { 204: { description: "Removed" } },
    problems: [400, 401, 403, 404],
  },
  {
    path: "/api/v1/sync/digest", method: "get", operationId: "syncDigest", summary: "Digest of this node's live challenges (for peers' reconciliation)", query: "SyncDigestQuery",
    ok: { 200: { description: "count, SHA-256 over 'id revision\\n' lines in id order", schema: { type: "object", required: ["count", "digest", "followedBy"], properties: { count: { type: "integer", minimum: 0 }, digest: { type: "string" }, algorithm: { type: "string" }, followedBy: { type: ["boolean", "null"] } } } } },
    problems: [400],
  },
  {
    path: "/api/v1/sync/revisions", method: "get", operationId: "syncRevisions", summary: "(id, revision) of every live challenge of this node, in id order", query: "SyncRevisionsQuery",
    ok: { 200: { description: "A page", schema: page({ type: "object", required: ["id", "revision"], properties: { id: { type: "string" }, revision: { type: "integer" } } }) } },
    problems: [400],
  },
  {
    path: "/api/v1/sync/challenges", method: "get", operationId: "syncChallenges", summary: "Canonical documents of every live challenge of this node, in id order (backfill)", query: "SyncChallengesQuery",
    description: "Withdrawn challenges are absent; a peer learns withdrawals by comparing /api/v1/sync/revisions with what it holds.",
    ok: { 200: { description: "A page of canonical documents", schema: page(ref("Challenge")) } },
    problems: [400],
  },
  {
    path: "/api/v1/sync/documents", method: "get", operationId: "syncDocuments", summary: "Canonical documents of up to 50 challenges named by key, in one answer", query: "SyncDocumentsQuery",
    description: "Each key is answered as GET /api/v1/challenges/{key} would answer a peer: the document in `items` (200 there), the key in `gone` (410: withdrawn) or in `missing` (404: unknown or a draft). A follower fetches the documents of a burst of activities in one request.",
    ok: {
      200: {
        description: "The documents, and the keys that have none",
        schema: {
          type: "object", required: ["items", "gone", "missing"], additionalProperties: false,
          properties: {
            items: { type: "array", items: ref("Challenge") },
            gone: { type: "array", items: { type: "string" }, description: "Keys of withdrawn challenges" },
            missing: { type: "array", items: { type: "string" }, description: "Keys of unknown challenges or drafts" },
          },
        },
      },
    },
    problems: [400],
  },
  {
    path: "/api/openapi.json", method: "get", operationId: "openapi", summary: "This document",
    ok: { 200: { description: "OpenAPI 3.1", schema: { type: "object" } } },
    problems: [],
  },
];

/** The operations of a node: the peer and sync routes exist only on nodes with the network enabled. */
export function operationsFor(network: boolean): readonly OperationSpec[] {
  return network ? OPERATIONS : OPERATIONS.filter((o) => !o.path.startsWith("/api/v1/peers") && !o.path.startsWith("/api/v1/sync/"));
}
