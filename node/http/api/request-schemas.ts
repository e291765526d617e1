// The API's request contracts: the JSON Schemas of schemas/api/ (query strings, peer input, headers),
// compiled once with AJV and applied before any handler runs. The same files generate the OpenAPI
// description (node/http/openapi/), so what is documented is what is enforced.
//
// Query strings are not JSON: a value arrives as a string, a repeated parameter as an array, and
// Express's extended parser turns `a[b]=c` into an object. normaliseQuery() turns them into the JSON
// the schema describes (comma lists split into arrays, empty values dropped) before AJV checks them
// and coerces numbers ("20" → 20).
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import commonSchema from "../../../schemas/common.schema.json";
import ifMatchSchema from "../../../schemas/api/if-match.schema.json";
import listingQuerySchema from "../../../schemas/api/listing-query.schema.json";
import peerInputSchema from "../../../schemas/api/peer-input.schema.json";
import peerRemoveQuerySchema from "../../../schemas/api/peer-remove-query.schema.json";
import peerSchema from "../../../schemas/api/peer.schema.json";
import problemSchema from "../../../schemas/api/problem.schema.json";
import syncDigestQuerySchema from "../../../schemas/api/sync-digest-query.schema.json";
import syncChallengesQuerySchema from "../../../schemas/api/sync-challenges-query.schema.json";
import syncDocumentsQuerySchema from "../../../schemas/api/sync-documents-query.schema.json";
import syncRevisionsQuerySchema from "../../../schemas/api/sync-revisions-query.schema.json";
import type { FieldError } from "../../domain/errors";
import { escapePointerSegment, mapAjvErrors } from "../../domain/validation-schema";

/** Every schema of schemas/api/ by the name it is served and referenced under. */
export const API_SCHEMAS = {
  "if-match": ifMatchSchema,
  "listing-query": listingQuerySchema,
  "peer-input": peerInputSchema,
  "peer-remove-query": peerRemoveQuerySchema,
  peer: peerSchema,
  problem: problemSchema,
  "sync-digest-query": syncDigestQuerySchema,
  "sync-challenges-query": syncChallengesQuerySchema,
  "sync-documents-query": syncDocumentsQuerySchema,
  "sync-revisions-query": syncRevisionsQuerySchema,
} as const satisfies Record<string, Record<string, unknown>>;
export type ApiSchemaName = keyof typeof API_SCHEMAS;

/** JSON Schema of an object whose properties are the parameters. */
interface ObjectSchema { properties: Record<string, { type?: string }>; required?: string[] }

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

// Plain-http origins exist only in the explicit test/demo mode; the published schemas say https.
export const HTTP_ORIGIN_PATTERN = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$";

function build(allowHttp: boolean): Map<string, ValidateFunction> {
  // coerceTypes: query values are strings; "20" must pass as the integer 20. verbose: the failing
  // schema comes with each error, so that its x-ipn-message can word it.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, coerceTypes: true, verbose: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "x-ipn-message", schemaType: "string" });
  ajv.addSchema(commonSchema);
  const compiled = new Map<string, ValidateFunction>();
  for (const [name, schema] of Object.entries(API_SCHEMAS)) {
    const s = structuredClone(schema) as Record<string, unknown>;
    if (allowHttp && name === "peer-input") (s as { $defs: { Origin: { pattern: string } } }).$defs.Origin.pattern = HTTP_ORIGIN_PATTERN;
    compiled.set(name, ajv.compile(s));
  }
  return compiled;
}

const cache = new Map<boolean, Map<string, ValidateFunction>>();
function validator(name: ApiSchemaName, allowHttp: boolean): ValidateFunction {
  let set = cache.get(allowHttp);
  if (!set) {
    set = build(allowHttp);
    cache.set(allowHttp, set);
  }
  return set.get(name)!;
}

/** AJV errors as FieldErrors under `base` ("/query", "/headers/if-match", ""), worded by x-ipn-message where the schema has one. */
export function requestErrors(errors: readonly ErrorObject[], base: string): FieldError[] {
  const worded = new Map<string, string>();
  for (const e of errors) {
    const message = (e.parentSchema as Record<string, unknown> | undefined)?.["x-ipn-message"];
    if (typeof message === "string" && !worded.has(e.instancePath)) worded.set(e.instancePath, message);
  }
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const inQuery = base.startsWith("/query");
  const push = (pointer: string, message: string) => {
    // A query parameter is one field to its sender, even a comma list: point at the parameter.
    const at = inQuery ? pointer.replace(/^(\/[^/]*).*$/, "$1") : pointer;
    if (seen.has(at)) return;
    seen.add(at);
    out.push({ pointer: base + at, message });
  };
  for (const e of errors) {
    // A worded schema speaks for everything under it (the branches of its anyOf, its format).
    const wordedAt = [...worded.keys()].find((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (wordedAt !== undefined) {
      push(wordedAt, worded.get(wordedAt)!);
      continue;
    }
    if (e.keyword === "enum" && inQuery) {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      push(e.instancePath, `unknown value ${JSON.stringify(e.data)}; allowed: ${allowed.join(", ")}`);
      continue;
    }
    if (e.keyword === "additionalProperties" && inQuery) {
      const name = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as ObjectSchema).properties ?? {}).join(", ");
      push(`/${escapePointerSegment(name)}`, `is not a parameter of this request; allowed: ${allowed}`);
      continue;
    }
    for (const f of mapAjvErrors([e])) push(f.pointer, f.message);
  }
  return out;
}

export type QueryResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * A raw Express query as the JSON object its schema describes: array parameters from comma lists and
 * repetitions (an empty value is an empty list), scalars given once. An empty scalar stays an empty
 * string for the schema to judge (the API), or counts as absent with `dropEmpty` (HTML forms send
 * every field, filled or not). Structural problems (a[b]=c, a scalar given twice) are errors here.
 */
export function normaliseQuery(raw: Record<string, unknown>, schema: ObjectSchema, dropEmpty = false): QueryResult<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const pointer = `/query/${escapePointerSegment(name)}`;
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v) => typeof v === "string")) {
      errors.push({ pointer, message: "must be a plain value (name=value), not a structure" });
      continue;
    }
    const declared = schema.properties[name];
    if (declared?.type === "array") {
      out[name] = (values as string[]).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
      continue;
    }
    const given = (values as string[]).filter((v) => !dropEmpty || v.trim() !== "");
    if (given.length > 1) errors.push({ pointer, message: "must be given once" });
    else if (given.length === 1) out[name] = dropEmpty ? given[0]!.trim() : given[0];
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** Normalises and validates a query string against a schema of schemas/api/; coerced values on success. */
export function validateQuery<T>(name: ApiSchemaName, raw: Record<string, unknown>, opts: { dropEmpty?: boolean } = {}): QueryResult<T> {
  const normalised = normaliseQuery(raw, API_SCHEMAS[name] as unknown as ObjectSchema, opts.dropEmpty);
  if (!normalised.ok) return normalised;
  const validate = validator(name, false);
  if (validate(normalised.value)) return { ok: true, value: normalised.value as T };
  return { ok: false, errors: requestErrors(validate.errors ?? [], "/query") };
}

/** Validates a JSON value (a body, a header) against a schema of schemas/api/; pointers start at `base`. */
export function validateValue<T>(name: ApiSchemaName, value: unknown, base: string, allowHttp = false): QueryResult<T> {
  const validate = validator(name, allowHttp);
  if (validate(value)) return { ok: true, value: value as T };
  return { ok: false, errors: requestErrors(validate.errors ?? [], base) };
}
