// JSON Schema validation of canonical documents with AJV, and the translation of AJV's errors into
// FieldErrors that point at the failing field and read well in a form or an API problem response.

import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import commonSchema from "../../schemas/common.schema.json";
import challengeSchema from "../../schemas/challenge.schema.json";
import hubSchema from "../../schemas/hub.schema.json";
import type { FieldError } from "./errors";

export type SchemaName = "common" | "challenge" | "hub";

/** The schema files by the name they are served under (/schemas/{name}.json). */
export const SCHEMAS: Readonly<Record<SchemaName, Record<string, unknown>>> = {
  common: commonSchema,
  challenge: challengeSchema,
  hub: hubSchema,
};

// ajv-formats ships CommonJS with `exports.default`; under nodenext the default import is the
// module object, so take `.default` when present (ts-jest and tsx disagree on interop).
type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

interface Validators { challenge: ValidateFunction; hub: ValidateFunction }

// Test and demo nodes run on plain-http loopback origins; their own ids must still validate.
// The public schemas stay https-only: the lax variant exists only inside this process.
const HTTPS_PATTERN = "^https://";
const HTTP_OR_HTTPS_PATTERN = "^https?://";

function build(allowHttp: boolean): Validators {
  // strictRequired off: conditional `then: {required: [...]}` names properties defined elsewhere.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats(ajv);
  const common = structuredClone(commonSchema) as { $defs: { HttpsUri: { pattern: string } } };
  if (allowHttp) common.$defs.HttpsUri.pattern = HTTP_OR_HTTPS_PATTERN;
  ajv.addSchema(common);
  return { challenge: ajv.compile(challengeSchema), hub: ajv.compile(hubSchema) };
}

// Compiling costs tens of milliseconds; do it once per variant, on first use.
const cache = new Map<boolean, Validators>();
export function validators(allowHttp = false): Validators {
  let v = cache.get(allowHttp);
  if (!v) {
    v = build(allowHttp);
    cache.set(allowHttp, v);
  }
  return v;
}

/** Runs the schema and returns its errors as FieldErrors (empty when the document is valid). */
export function schemaErrors(kind: "challenge" | "hub", doc: unknown, allowHttp = false): FieldError[] {
  const validate = validators(allowHttp)[kind];
  if (validate(doc)) return [];
  return mapAjvErrors(validate.errors ?? []);
}

// ---------------------------------------------------------------------------------------------
// Error translation

export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [HTTPS_PATTERN]: "must be an https URL",
  [HTTP_OR_HTTPS_PATTERN]: "must be an http(s) URL",
  [commonSchema.$defs.Text.pattern]: "must not contain control characters (tab and line feed are allowed; use LF line endings)",
  "^[0-9]{8}$": "must be a CPV code of 8 digits, without the check digit (e.g. 72000000)",
  "^(0|[1-9][0-9]{0,14})(\\.[0-9]{1,2})?$": 'must be a decimal amount with at most 2 decimals, e.g. "120000.00"',
  "^(0|[1-9][0-9]{0,14})$": "must be a whole amount without decimals for ISK",
  "^\\+[1-9][0-9 ]{6,20}$": 'must be an international telephone number, e.g. "+49 89 1234567"',
  "^[0-9]{1,8}-[0-9]{4}$": 'must be a TED publication number such as "123456-2026"',
  "^1\\.[0-9]+$": 'must be a 1.x schema version, e.g. "1.0"',
  "^[\\p{L}\\p{N}_]{1,60}$": "must be a hashtag of letters, digits and _ (at most 60, without #)",
  "^[a-z0-9_]{1,30}$": "must be 1–30 lowercase letters, digits or _",
  "^[a-z0-9-]{1,40}$": "must be 1–40 lowercase letters, digits or -",
  "^[a-z]+/[a-z0-9.+-]+$": 'must be a media type such as "application/pdf"',
  "^[A-Za-z0-9-]{2,20}$": "must be an identifier scheme of 2–20 letters, digits or -",
  "^[A-Z][A-Za-z]+/[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)?$": 'must be an IANA time zone such as "Europe/Berlin"',
  "^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$": "must be a lowercase UUID v4 (eForms BT-04)",
};

const FORMAT_MESSAGES: Readonly<Record<string, string>> = {
  "date-time": "must be an RFC 3339 date-time with a UTC offset, e.g. 2027-01-29T12:00:00+01:00",
  date: "must be a date YYYY-MM-DD",
  email: "must be a valid e-mail address",
  uri: "must be an absolute URL",
};

// Conditional requirements of the challenge schema (allOf if/then) and of Location.
const CONDITIONAL_REQUIRED: Readonly<Record<string, string>> = {
  published: 'is required unless status is "draft"',
  submissionType: 'is required unless status is "draft"',
  submissionPeriod: 'is required unless status is "draft"',
  outcome: 'is required when status is "awarded" or "unsuccessful"',
  statusReason: 'is required when status is "cancelled" or "suspended"',
  country: 'is required unless scope is "anyw" or "anyw-eea"',
};

function patternMessage(pattern: string): string {
  if (pattern.startsWith("^(AT|BE|")) return "must be a NUTS code of level 1–3 with its EU country prefix (EL for Greece), e.g. DE212";
  return PATTERN_MESSAGES[pattern] ?? "has an invalid format";
}

function enumMessage(allowed: readonly unknown[]): string {
  if (allowed.includes("nn") && allowed.includes("bg")) {
    return 'is not a supported language tag (use a primary subtag such as "de", not "de-AT")';
  }
  if (allowed.includes("LI") && allowed.includes("GR")) return "is not an EEA country code (ISO 3166-1 alpha-2, GR for Greece)";
  if (allowed.includes("ISK") && allowed.includes("EUR")) return "is not an EEA currency (" + allowed.join(", ") + ")";
  if (allowed.length <= 12) return "must be one of: " + allowed.map(String).join(", ");
  return "is not an allowed value";
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string", number: "a number", integer: "an integer", boolean: "true or false", object: "a JSON object",
  array: "an array", null: "null",
};

function messageFor(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type": {
      const t = String(p.type);
      if (t === "string" && /\/amount$/.test(e.instancePath)) return 'must be a decimal string such as "1200.50", not a number';
      return "must be " + (TYPE_NAMES[t] ?? t);
    }
    case "pattern": return patternMessage(String(p.pattern));
    case "format": return FORMAT_MESSAGES[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case "enum": return enumMessage(Array.isArray(p.allowedValues) ? p.allowedValues : []);
    case "const": return `must be ${JSON.stringify(p.allowedValue)}`;
    case "maxLength": return `must be at most ${String(p.limit)} characters`;
    case "minLength": return Number(p.limit) === 1 ? "must not be empty" : `must be at least ${String(p.limit)} characters`;
    case "maxItems": return `must have at most ${String(p.limit)} entries`;
    case "minItems": return Number(p.limit) === 1 ? "must have at least one entry" : `must have at least ${String(p.limit)} entries`;
    case "minProperties": return Number(p.limit) === 1 ? "must have at least one entry" : `must have at least ${String(p.limit)} entries`;
    case "maxProperties": return `must have at most ${String(p.limit)} entries`;
    case "minimum": return `must be ≥ ${String(p.limit)}`;
    case "maximum": return `must be ≤ ${String(p.limit)}`;
    case "exclusiveMinimum": return `must be > ${String(p.limit)}`;
    case "exclusiveMaximum": return `must be < ${String(p.limit)}`;
    case "multipleOf": return `must be a multiple of ${String(p.multipleOf)}`;
    default: return e.message ?? "is invalid";
  }
}

/**
 * Turns AJV errors into FieldErrors whose pointer names the failing field: a missing property is
 * reported at its own path ("/title"), an unexpected property at the property, an invalid
 * language-map key at the key. The noise AJV adds around conditionals (`if` and the `anyOf`
 * branches) is folded into one error per field.
 */
export function mapAjvErrors(errors: readonly ErrorObject[]): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const push = (pointer: string, message: string) => {
    const key = pointer + "\u0000" + message;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ pointer, message });
    }
  };

  // anyOf whose branches fail: report once, as "one of these is needed" when all branches are `required`.
  const anyOfs = errors.filter((e) => e.keyword === "anyOf");
  const branchOf = (e: ErrorObject) =>
    anyOfs.find((a) => a !== e && a.instancePath === e.instancePath && e.schemaPath.startsWith(a.schemaPath + "/"));

  for (const e of errors) {
    const p = e.params as Record<string, unknown>;
    if (e.keyword === "if" || e.keyword === "propertyNames") continue; // the underlying error says it
    if (branchOf(e)) continue;
    if (e.keyword === "anyOf") {
      const branches = errors.filter((b) => b !== e && b.instancePath === e.instancePath && b.schemaPath.startsWith(e.schemaPath + "/"));
      if (branches.length > 0 && branches.every((b) => b.keyword === "required")) {
        const names = branches.map((b) => String((b.params as Record<string, unknown>).missingProperty));
        push(e.instancePath, "needs at least one of: " + [...new Set(names)].join(", "));
      } else {
        push(e.instancePath, "does not match any of the allowed forms");
      }
      continue;
    }
    if (typeof e.propertyName === "string") {
      // an error about a key (language-map tag, extension URI), not about its value
      const key = e.instancePath + "/" + escapePointerSegment(e.propertyName);
      if (e.keyword === "pattern" && String(p.pattern) === HTTPS_PATTERN) push(key, "extension keys must be https URIs");
      else push(key, messageFor(e));
      continue;
    }
    switch (e.keyword) {
      case "required": {
        const name = String(p.missingProperty);
        const conditional = /\/then\/required$/.test(e.schemaPath) ? CONDITIONAL_REQUIRED[name] : undefined;
        push(e.instancePath + "/" + escapePointerSegment(name), conditional ?? "is required");
        break;
      }
      case "dependentRequired":
        push(e.instancePath + "/" + escapePointerSegment(String(p.missingProperty)), `is required when ${String(p.property)} is present`);
        break;
      case "additionalProperties":
        push(e.instancePath + "/" + escapePointerSegment(String(p.additionalProperty)), "is not a known property");
        break;
      case "uniqueItems":
        push(`${e.instancePath}/${String(p.i)}`, `is a duplicate of entry ${String(p.j)}`);
        break;
      default:
        push(e.instancePath, messageFor(e));
    }
  }
  return out;
}
