// The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json, generated from the
// operation table (operations.ts) and the JSON Schemas (bundle.ts). Nothing here is written by hand
// twice: a parameter's schema and description are its property in the query schema.
import { bundleSchemas } from "./bundle";
import { operationsFor, type OperationSpec, type ResponseSpec } from "./operations";

type Json = Record<string, unknown>;

const HEADER_SCHEMAS: Readonly<Record<string, Json>> = {
  Location: { description: "URL of the created resource", schema: { type: "string" } },
  ETag: { description: "The stored version, for If-Match", schema: { type: "string", pattern: '^"[0-9]+"$' } },
  Link: {
    description: 'The JSON-LD context that reads this JSON as linked data (JSON-LD 1.1 §6.1): <{origin}/schemas/context/{name}.jsonld>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"',
    schema: { type: "string", pattern: '^<[^>]+\\.jsonld>; rel="http://www\\.w3\\.org/ns/json-ld#context"' },
  },
};
const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait", schema: { type: "string" } } };

function schemaOf(s: ResponseSpec["schema"]): Json | undefined {
  if (s === undefined) return undefined;
  return typeof s === "string" ? { $ref: `#/components/schemas/${s}` } : s;
}

function parameters(op: OperationSpec, components: Json): Json[] {
  const out: Json[] = [];
  for (const [name, [description, schema]] of Object.entries(op.pathParams ?? {})) {
    out.push({ name, in: "path", required: true, description, schema });
  }
  if (op.query) {
    const q = components[op.query] as { properties: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(q.properties)) {
      const { description, ...schema } = prop;
      const param: Json = { name, in: "query", required: q.required?.includes(name) ?? false, schema };
      if (description) param.description = description;
      // Lists travel as one comma-separated value (status=open,closed); repeating the name works too.
      if (schema.type === "array") Object.assign(param, { style: "form", explode: false });
      out.push(param);
    }
  }
  for (const [name, h] of Object.entries(op.headers ?? {})) {
    // Inlined: fuzzers and generators handle header schemas behind a $ref unevenly.
    const { description: _d, title: _t, ...schema } = components[h.component] as Json;
    out.push({ name, in: "header", required: false, description: h.description, schema });
  }
  return out;
}

function responses(op: OperationSpec): Json {
  const out: Json = {};
  for (const [status, r] of Object.entries(op.ok)) {
    const res: Json = { description: r.description };
    const schema = schemaOf(r.schema);
    if (schema) res.content = { [r.contentType ?? "application/json"]: { schema } };
    if (r.headers?.length) res.headers = Object.fromEntries(r.headers.map((h) => [h, HEADER_SCHEMAS[h]]));
    out[status] = res;
  }
  for (const status of [...op.problems, 429].sort((a, b) => a - b)) {
    out[status] = status === 429
      ? { $ref: "#/components/responses/TooManyRequests" }
      : { $ref: "#/components/responses/Problem" };
  }
  // Node's HTTP parser refuses a request line and headers over 16 KB before the application sees them.
  out[431] = { $ref: "#/components/responses/HeadersTooLarge" };
  return out;
}

export interface OpenApiOptions {
  origin: string;
  /** Whether the peer and sync routes exist (nodes with the network enabled). */
  network: boolean;
}

export function openApiDocument(opts: OpenApiOptions): Json {
  const allowHttp = opts.origin.startsWith("http:");
  const components = bundleSchemas(allowHttp);
  components.MergePatch = {
    type: "object",
    description: "RFC 7396 JSON Merge Patch of the challenge document: members to change, null to remove. The patched document must still be valid (422 with pointers otherwise); server-assigned fields cannot be patched.",
  };
  const paths: Record<string, Json> = {};
  for (const op of operationsFor(opts.network)) {
    const o: Json = { operationId: op.operationId, summary: op.summary };
    if (op.description) o.description = op.description;
    if (op.auth === "required") o.security = [{ bearer: [] }];
    if (op.auth === "optional") o.security = [{}, { bearer: [] }];
    const params = parameters(op, components);
    if (params.length) o.parameters = params;
    if (op.body) {
      o.requestBody = { required: true, content: Object.fromEntries(op.body.contentTypes.map((t) => [t, { schema: { $ref: `#/components/schemas/${op.body!.component}` } }])) };
    }
    o.responses = responses(op);
    paths[op.path] ??= {};
    paths[op.path]![op.method] = o;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "IPN node API",
      version: "1.0.0",
      description: "JSON API of an Innovation Procurement Network node. Errors are RFC 9457 problem documents; validation errors list JSON Pointers of the failing fields (/query/<parameter> for query parameters). Writes need `Authorization: Bearer <token>`: the node's admin token, or the hub's token for its own challenges. A method a path does not declare answers 405 with Allow."
        + (allowHttp ? " This node runs in test mode: its ids are plain http URLs." : ""),
    },
    servers: [{ url: opts.origin }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "Admin token (IPN_ADMIN_TOKEN) or a hub token (ipn_<handle>.<secret>)." } },
      schemas: components,
      responses: {
        Problem: { description: "Problem details (RFC 9457)", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
        HeadersTooLarge: { description: "The URL and headers together exceed 16 KB (answered by the HTTP server itself, without a body)" },
        TooManyRequests: { description: "Rate limit reached (RFC 9457 problem); try again after Retry-After seconds", headers: RETRY_AFTER, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } },
      },
    },
    paths,
  };
}
