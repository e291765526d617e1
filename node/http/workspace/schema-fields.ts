// The challenge schema read as form fields: every property becomes a control of the kind its schema
// says (text, long text per language, choice from a code list, set of choices, date, amount, list of
// groups…). The schema stays the single source of truth: a field added to challenge.schema.json shows
// up in the editor without touching the page code, with a label derived from its name.
import { SCHEMAS } from "../../domain/validation-schema";

type Schema = Record<string, unknown>;

export type FieldKind =
  | { kind: "text"; inputType: "text" | "url" | "email" | "tel"; maxLength?: number }
  | { kind: "langmap"; long: boolean }
  | { kind: "choice"; values: string[]; list?: string }
  | { kind: "choices"; values: string[]; list?: string }
  | { kind: "lines" }
  | { kind: "code"; list: "cpv" | "nuts" }
  | { kind: "codes"; list: "cpv" | "nuts" }
  | { kind: "integer" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "date" }
  | { kind: "datetime" }
  | { kind: "group"; fields: Field[] }
  | { kind: "groups"; item: Field[]; max?: number }
  | { kind: "json" };

export type Field = FieldKind & { key: string; required: boolean; description?: string };

/** $defs whose values are the codes of a list in schemas/codelists (labels come from there). */
const LIST_OF_DEF: Record<string, string> = {
  Instrument: "instruments", ProcedureType: "procedure-types", ContractNature: "contract-natures", InnovationType: "innovation-types",
  ApplicantType: "applicant-types", Currency: "currencies", MilestoneType: "milestone-types", DocumentType: "document-types",
  NonAwardReason: "non-award-reasons", BuyerLegalType: "buyer-legal-types", MainActivity: "main-activities", CountryCode: "countries",
  LanguageTag: "languages", Status: "status", SubmissionType: "submission-types", FocusArea: "focus-areas", HubType: "hub-types",
};
const CODE_DEFS: Record<string, "cpv" | "nuts"> = { CpvCode: "cpv", NutsCode: "nuts" };
/** Long texts get a text area; the rest of the language maps a one-line input. */
const LONG_TEXT = 300;

const common = SCHEMAS.common as { $defs: Record<string, Schema> };

function defName(ref: unknown): string | undefined {
  return typeof ref === "string" ? /#\/\$defs\/(\w+)$/.exec(ref)?.[1] : undefined;
}

/** The schema with its $ref followed (local keywords win, as in 2020-12 where both apply). */
function resolved(s: Schema): { schema: Schema; def?: string } {
  const def = defName(s.$ref);
  if (!def) return { schema: s };
  const target = resolved(common.$defs[def] ?? {});
  return { schema: { ...target.schema, ...s, $ref: undefined }, def: target.def ?? def };
}

function fieldOf(key: string, raw: Schema, required: boolean): Field {
  const { schema: s, def } = resolved(raw);
  const base = { key, required, ...(typeof s.description === "string" ? { description: s.description } : {}) };
  if (def === "LanguageMap") {
    const maxLength = (s.additionalProperties as Schema | undefined)?.maxLength;
    return { ...base, kind: "langmap", long: typeof maxLength !== "number" || maxLength > LONG_TEXT };
  }
  if (def && CODE_DEFS[def]) return { ...base, kind: "code", list: CODE_DEFS[def]! };
  if (Array.isArray(s.enum)) return { ...base, kind: "choice", values: s.enum as string[], ...(def && LIST_OF_DEF[def] ? { list: LIST_OF_DEF[def] } : {}) };
  if (s.type === "boolean") return { ...base, kind: "boolean" };
  if (s.type === "integer") return { ...base, kind: "integer" };
  if (s.type === "number") return { ...base, kind: "number" };
  if (def === "DateOnly") return { ...base, kind: "date" };
  if (def === "DateTime") return { ...base, kind: "datetime" };
  if (s.type === "array") {
    const item = resolved((s.items ?? {}) as Schema);
    const itemDef = item.def;
    if (itemDef && CODE_DEFS[itemDef]) return { ...base, kind: "codes", list: CODE_DEFS[itemDef]! };
    if (Array.isArray(item.schema.enum)) return { ...base, kind: "choices", values: item.schema.enum as string[], ...(itemDef && LIST_OF_DEF[itemDef] ? { list: LIST_OF_DEF[itemDef] } : {}) };
    if (item.schema.type === "object" || item.schema.properties) return { ...base, kind: "groups", item: fieldsOf(item.schema), ...(typeof s.maxItems === "number" ? { max: s.maxItems } : {}) };
    return { ...base, kind: "lines" };
  }
  if (s.properties) return { ...base, kind: "group", fields: fieldsOf(s) };
  if (s.type === "object") return { ...base, kind: "json" };
  const inputType = def === "HttpsUri" || s.format === "uri" ? "url" : s.format === "email" ? "email" : key === "telephone" ? "tel" : "text";
  return { ...base, kind: "text", inputType, ...(typeof s.maxLength === "number" ? { maxLength: s.maxLength } : {}) };
}

function fieldsOf(s: Schema): Field[] {
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([k, v]) => fieldOf(k, v, required.has(k)));
}

const documentFields = {
  challenge: new Map(fieldsOf(SCHEMAS.challenge).map((f) => [f.key, f])),
  hub: new Map(fieldsOf(SCHEMAS.hub).map((f) => [f.key, f])),
};

/** The fields of a document's schema (its top-level properties, in the schema's order), but `except`. */
export function fieldsOfDocument(kind: "challenge" | "hub", except: ReadonlySet<string> = new Set()): Field[] {
  return [...documentFields[kind].values()].filter((f) => !except.has(f.key));
}
