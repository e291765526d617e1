// Validation of canonical challenge and hub documents: the JSON Schemas of schemas/ (AJV, strict)
// plus the cross-field rules the schemas cannot express, and the challenge lifecycle.
// Framework-free: callers turn the FieldErrors into a DomainError of kind "validation".

import type { FieldError } from "./errors";
import { challengeRuleErrors, hubRuleErrors } from "./validation-rules";
import { SCHEMAS, schemaErrors, type SchemaName } from "./validation-schema";

import { validators } from "./validation-schema";
export type { SchemaName } from "./validation-schema";
export { ALLOWED_TRANSITIONS, checkTransition, isFinal, isPublic } from "./validation-lifecycle";

export interface ValidationOptions {
  /**
   * Accept http:// as well as https:// URLs (ids, links). Only for the explicit test/demo mode on
   * loopback; production config must never set it. The served schemas stay https-only.
   */
  allowHttp?: boolean;
}

function merge(schema: FieldError[], rules: FieldError[]): FieldError[] {
  // A rule may restate what the schema already said about the same field; keep the schema's word.
  const reported = new Set(schema.map((e) => e.pointer));
  return [...schema, ...rules.filter((e) => !reported.has(e.pointer))];
}

/**
 * All problems of a canonical challenge document, each with the JSON Pointer of the failing field;
 * empty when valid. Schema errors come first, then cross-field rules (defaultLanguage in every
 * language map, date order, NUTS ↔ country, unique prize ranks, changeLog order, CPV division).
 */
export function validateChallenge(doc: unknown, options: ValidationOptions = {}): FieldError[] {
  return merge(schemaErrors("challenge", doc, options.allowHttp ?? false), challengeRuleErrors(doc));
}

/**
 * All problems of a canonical hub document: schema errors, then defaultLanguage ∈ languages,
 * language-map keys ⊆ languages and containing defaultLanguage, NUTS ↔ country.
 */
export function validateHub(doc: unknown, options: ValidationOptions = {}): FieldError[] {
  return merge(schemaErrors("hub", doc, options.allowHttp ?? false), hubRuleErrors(doc));
}

/** Names under which the HTTP layer serves the schemas: GET /schemas/{name}.json. */
export const SCHEMA_NAMES: readonly SchemaName[] = Object.freeze(["common", "challenge", "hub"] as const);

/** The JSON Schema document `name` (exactly the file in schemas/), or undefined for an unknown name. */
export function getSchema(name: string): object | undefined {
  return (SCHEMA_NAMES as readonly string[]).includes(name) ? SCHEMAS[name as SchemaName] : undefined;
}

/** Re-exported so the HTTP layer can serve /schemas/codelists/{name}.json beside the schemas. */
export { CODE_LIST_NAMES, getCodeList } from "./codelists";

/** Compiles the validators now rather than on the first request (a few hundred ms for the challenge schema). */
export function warmUpValidators(allowHttp = false): void {
  validators(allowHttp);
}
