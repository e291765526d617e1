// The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.
// test/integration/openapi.test.ts keeps it in sync with the routes that actually exist.

const problem = { $ref: "#/components/responses/Problem" };
const json = (schema: object) => ({ "application/json": { schema } });
const listingParams = [
  ["status", "Statuses (comma-separated or repeated). Default: open,forthcoming. Never draft.", { type: "string", example: "open,forthcoming" }],
  ["country", "ISO 3166-1 alpha-2 country of the hub or of a place of performance (GR, not EL).", { type: "string", example: "DE,FR" }],
  ["focusArea", "mobility, green, digital, health, education, other.", { type: "string" }],
  ["instrument", "Instrument codes (e.g. pre-commercial-procurement).", { type: "string" }],
  ["q", "Full-text words over title, summary and description in every language.", { type: "string", maxLength: 200 }],
  ["deadlineFrom", "Earliest submission deadline: a date (YYYY-MM-DD) or an RFC 3339 date-time.", { type: "string" }],
  ["deadlineTo", "Latest submission deadline (inclusive; a date means the end of that day, UTC).", { type: "string" }],
  ["hub", "Hub handles of this node or hub actor URLs.", { type: "string" }],
  ["sort", "deadline (nearest first, default) or newest.", { type: "string", enum: ["deadline", "newest"] }],
  ["cursor", "nextCursor of the previous page.", { type: "string" }],
  ["limit", "Page size, 1–100 (default 20).", { type: "integer", minimum: 1, maximum: 100 }],
] as const;

const peerInputSchema = {
  type: "object", required: ["origin", "country"], additionalProperties: false,
  properties: { origin: { type: "string", description: "https origin (no path)" }, country: { type: "string", description: "ISO 3166-1 alpha-2 (EEA) or EU" }, role: { enum: ["national", "aggregator"], default: "national" } },
};
const peerSchema = {
  type: "object", required: ["origin", "country", "role", "source", "addedAt", "sync"],
  properties: {
    origin: { type: "string" }, country: { type: "string" }, role: { enum: ["national", "aggregator"] }, source: { enum: ["config", "api"] }, addedAt: { type: "string" },
    sync: {
      type: "object",
      properties: {
        followState: { enum: ["none", "pending", "accepted", "rejected"] }, followActivityId: { type: ["string", "null"] }, actorId: { type: ["string", "null"] },
        lastSyncAt: { type: ["string", "null"] }, lastAttemptAt: { type: ["string", "null"] }, held: { type: ["integer", "null"] }, announced: { type: ["integer", "null"] },
        missing: { type: ["integer", "null"] }, lagSeconds: { type: ["integer", "null"] }, lastError: { type: ["string", "null"] }, lastErrorAt: { type: ["string", "null"] },
        backfill: { type: "object", properties: { cursor: { type: ["string", "null"] }, fetched: { type: "integer" }, done: { type: "boolean" }, startedAt: { type: ["string", "null"] }, finishedAt: { type: ["string", "null"] } } },
        retryAfter: { type: ["string", "null"], description: "The peer answered 429/503 with Retry-After: it is left alone until this instant." },
        refused: { type: "array", description: "Announced revisions whose documents were refused (invalid or against the origin rules): not fetched again until the peer announces another revision.", items: { type: "object", properties: { id: { type: "string" }, revision: { type: "integer" } } } },
      },
    },
  },
};

const syncPaging = (max: number) => [
  { name: "cursor", in: "query", required: false, description: "nextCursor of the previous page.", schema: { type: "string" } },
  { name: "limit", in: "query", required: false, description: `Page size, 1–${max}.`, schema: { type: "integer", minimum: 1, maximum: max } },
];

export function openApiDocument(origin: string): object {
  const schema = (name: string) => ({ $ref: `${origin}/schemas/${name}.json` });
  const key = { name: "key", in: "path", required: true, description: "Last path segment of the challenge's id.", schema: { type: "string" } };
  const handle = { name: "handle", in: "path", required: true, description: "The hub's preferredUsername.", schema: { type: "string", pattern: "^[a-z0-9_]{1,30}$" } };
  return {
    openapi: "3.1.0",
    info: {
      title: "IPN node API",
      version: "1.0.0",
      description: "JSON API of an Innovation Procurement Network node. Errors are RFC 9457 problem documents; validation errors list JSON Pointers of the failing fields. Writes need `Authorization: Bearer <token>`: the node's admin token, or the hub's token for its own challenges.",
    },
    servers: [{ url: origin }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Admin token (IPN_ADMIN_TOKEN) or a hub token (ipn_<handle>.<secret>)." } },
      schemas: {
        Problem: {
          type: "object", required: ["type", "title", "status"],
          properties: {
            type: { type: "string", format: "uri" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" },
            errors: { type: "array", items: { type: "object", required: ["pointer", "message"], properties: { pointer: { type: "string", description: "JSON Pointer (RFC 6901) into the body, or /query/<parameter>" }, message: { type: "string" } } } },
          },
        },
        ChallengeInput: { description: "A challenge document without the server-assigned id, url, hub, revision, published and updated.", allOf: [schema("challenge")] },
        HubInput: { description: "A hub document without the server-assigned id, node, published and updated.", allOf: [schema("hub")] },
      },
      responses: { Problem: { description: "Problem details (RFC 9457)", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } } },
    },
    paths: {
      "/api/v1/hubs": {
        get: { summary: "List the hubs of this node", operationId: "listHubs", responses: { 200: { description: "Hubs", content: json({ type: "object", properties: { items: { type: "array", items: schema("hub") } } }) } } },
        post: {
          summary: "Create a hub (admin)", operationId: "createHub", security: [{ bearer: [] }],
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/HubInput" }) },
          responses: {
            201: { description: "Created. The hub token is shown only here; store it.", headers: { Location: { schema: { type: "string" } } }, content: json({ type: "object", required: ["hub", "token"], properties: { hub: schema("hub"), token: { type: "string" } } }) },
            400: problem, 401: problem, 403: problem, 409: problem, 413: problem, 415: problem, 422: problem,
          },
        },
      },
      "/api/v1/hubs/{handle}": {
        get: { summary: "A hub", operationId: "getHub", parameters: [handle], responses: { 200: { description: "The hub document", content: json(schema("hub")) }, 404: problem } },
      },
      "/api/v1/hubs/{handle}/token": {
        post: { summary: "Rotate a hub's token (admin); the old token stops working", operationId: "rotateHubToken", security: [{ bearer: [] }], parameters: [handle], responses: { 200: { description: "The new token, shown once", content: json({ type: "object", properties: { token: { type: "string" } } }) }, 401: problem, 403: problem, 404: problem } },
      },
      "/api/v1/hubs/{handle}/challenges": {
        post: {
          summary: "Publish (or save as draft) a challenge of this hub", operationId: "createChallenge", security: [{ bearer: [] }], parameters: [handle],
          description: "status draft is stored and never federated; forthcoming and open are published at once (ActivityPub Create to the hub's followers).",
          requestBody: { required: true, content: json({ $ref: "#/components/schemas/ChallengeInput" }) },
          responses: { 201: { description: "The full canonical document", headers: { Location: { schema: { type: "string" } }, ETag: { schema: { type: "string" } } }, content: json(schema("challenge")) }, 400: problem, 401: problem, 403: problem, 404: problem, 413: problem, 415: problem, 422: problem },
        },
      },
      "/api/v1/challenges": {
        get: {
          summary: "Search and list challenges", operationId: "listChallenges",
          parameters: listingParams.map(([name, description, s]) => ({ name, in: "query", required: false, description, schema: s })),
          responses: { 200: { description: "A page of canonical documents", content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: schema("challenge") }, nextCursor: { type: ["string", "null"] } } }) }, 400: problem },
        },
      },
      "/api/v1/challenges/{key}": {
        get: { summary: "The canonical challenge document", operationId: "getChallenge", parameters: [key], description: "Drafts only with the hub's or the admin token.", responses: { 200: { description: "Canonical document", headers: { ETag: { schema: { type: "string" } } }, content: json(schema("challenge")) }, 401: problem, 404: problem, 410: problem } },
        patch: {
          summary: "Edit a challenge (RFC 7396 JSON Merge Patch)", operationId: "patchChallenge", security: [{ bearer: [] }], parameters: [key, { name: "If-Match", in: "header", required: false, schema: { type: "string" }, description: "ETag of the version the edit is based on" }],
          description: "Every public change: revision + 1, updated = now, a changeLog entry (send changeLog with exactly one new entry {reason, description} to describe it; otherwise the server adds one), and an ActivityPub Update. Illegal status transitions give 409.",
          requestBody: { required: true, content: { "application/merge-patch+json": { schema: { type: "object" } }, "application/json": { schema: { type: "object" } } } },
          responses: { 200: { description: "The new canonical document", content: json(schema("challenge")) }, 400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 410: problem, 412: problem, 413: problem, 415: problem, 422: problem },
        },
        delete: { summary: "Withdraw a challenge (ActivityPub Delete; the id answers 410 afterwards and is never reused)", operationId: "withdrawChallenge", security: [{ bearer: [] }], parameters: [key], responses: { 204: { description: "Withdrawn" }, 401: problem, 403: problem, 404: problem, 410: problem } },
      },
      "/api/v1/peers": {
        get: { summary: "Allowlisted peer nodes with their sync status (admin)", operationId: "listPeers", security: [{ bearer: [] }], responses: { 200: { description: "Peers", content: json({ type: "object", required: ["items"], properties: { items: { type: "array", items: peerSchema } } }) }, 401: problem, 403: problem } },
        post: {
          summary: "Allow a peer node and follow it (admin)", operationId: "addPeer", security: [{ bearer: [] }],
          description: "The node follows the peer's instance actor and backfills all its current challenges; only allowlisted peers can put challenges into the mirror. Posting an existing origin updates its country and role (200).",
          requestBody: { required: true, content: json(peerInputSchema) },
          responses: { 200: { description: "Updated", content: json(peerSchema) }, 201: { description: "Added", headers: { Location: { schema: { type: "string" } } }, content: json(peerSchema) }, 400: problem, 401: problem, 403: problem, 413: problem, 415: problem, 422: problem },
        },
        delete: {
          summary: "Remove a peer (admin): unfollow it; its challenges leave the listings", operationId: "removePeer", security: [{ bearer: [] }],
          parameters: [{ name: "origin", in: "query", required: true, description: "The peer's origin, e.g. https://fr.ipn.example", schema: { type: "string" } }],
          responses: { 204: { description: "Removed" }, 400: problem, 401: problem, 403: problem, 404: problem },
        },
      },
      "/api/v1/sync/digest": {
        get: {
          summary: "Digest of this node's live challenges (for peers' reconciliation)", operationId: "syncDigest",
          parameters: [{ name: "follower", in: "query", required: false, description: "An instance actor IRI: followedBy tells whether it follows this node's instance actor.", schema: { type: "string" } }],
          responses: { 200: { description: "count, SHA-256 over 'id revision\\n' lines in id order", content: json({ type: "object", required: ["count", "digest", "followedBy"], properties: { count: { type: "integer" }, digest: { type: "string" }, algorithm: { type: "string" }, followedBy: { type: ["boolean", "null"] } } }) }, 400: problem },
        },
      },
      "/api/v1/sync/revisions": {
        get: {
          summary: "(id, revision) of every live challenge of this node, in id order", operationId: "syncRevisions", parameters: syncPaging(5000),
          responses: { 200: { description: "A page", content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: { type: "object", required: ["id", "revision"], properties: { id: { type: "string" }, revision: { type: "integer" } } } }, nextCursor: { type: ["string", "null"] } } }) }, 400: problem },
        },
      },
      "/api/v1/sync/challenges": {
        get: {
          summary: "Canonical documents of every live challenge of this node, in id order (backfill)", operationId: "syncChallenges", parameters: syncPaging(500),
          description: "Withdrawn challenges are absent; a peer learns withdrawals by comparing /api/v1/sync/revisions with what it holds.",
          responses: { 200: { description: "A page of canonical documents", content: json({ type: "object", required: ["items", "nextCursor"], properties: { items: { type: "array", items: schema("challenge") }, nextCursor: { type: ["string", "null"] } } }) }, 400: problem },
        },
      },
      "/api/openapi.json": { get: { summary: "This document", operationId: "openapi", responses: { 200: { description: "OpenAPI 3.1", content: json({ type: "object" }) } } } },
    },
  };
}
