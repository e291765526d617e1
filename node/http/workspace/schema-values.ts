// Values of schema-driven fields between the three shapes they take: the document (JSON as the API
// stores it), the form state (strings as controls show them: dates in the editor's time zone, lists
// one per line) and the posted form (flat names "d.buyers.0.name.en"). Pure functions, no HTML.
import type { FieldError } from "../../domain/errors";
import { isPlainObject } from "../../domain/merge-patch";
import { isoToLocal, localToIso } from "./local-time";
import type { Field } from "./schema-fields";

export type Json = Record<string, unknown>;
/** A control's state: a string, a list of strings (choices), a group or a list of groups. */
export type State = string | string[] | StateGroup | StateGroup[];
export interface StateGroup { [key: string]: State }

export interface Context {
  /** The languages every language map is edited in, the default one first. */
  languages: readonly string[];
  timeZone: string;
}

/** The posted name (and, with "-" for ".", the element id) of the control at `path`. */
export const nameOf = (path: readonly (string | number)[]): string => ["d", ...path].join(".");

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");

/** A document's value of `field` as the form shows it. */
export function toState(field: Field, v: unknown, ctx: Context): State {
  switch (field.kind) {
    case "langmap": {
      const m = isPlainObject(v) ? (v as Record<string, unknown>) : {};
      return Object.fromEntries([...new Set([...ctx.languages, ...Object.keys(m)])].map((l) => [l, str(m[l])]));
    }
    case "choices": return Array.isArray(v) ? v.map(str) : [];
    case "lines": case "codes": return Array.isArray(v) ? v.map(str).join("\n") : "";
    case "datetime": return typeof v === "string" ? isoToLocal(v, ctx.timeZone) || v : "";
    case "group": return groupState(field.fields, v, ctx);
    case "groups": return Array.isArray(v) ? v.map((item) => groupState(field.item, item, ctx)) : [];
    case "json": return v === undefined ? "" : JSON.stringify(v, null, 2);
    default: return str(v);
  }
}

function groupState(fields: readonly Field[], v: unknown, ctx: Context): StateGroup {
  const o = isPlainObject(v) ? (v as Json) : {};
  return Object.fromEntries(fields.map((f) => [f.key, toState(f, o[f.key], ctx)]));
}

/** The state of `field` from the posted form (flat names under `path`). */
export function fromPost(field: Field, body: Record<string, unknown>, path: readonly (string | number)[]): State {
  const name = nameOf(path);
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  switch (field.kind) {
    case "langmap": {
      const out: Record<string, string> = {};
      for (const k of Object.keys(body)) {
        const m = k.startsWith(`${name}.`) ? /^([a-z]{2})$/.exec(k.slice(name.length + 1)) : null;
        if (m) out[m[1]!] = s(k);
      }
      return out;
    }
    case "choices": {
      const v = body[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
    }
    case "group": return Object.fromEntries(field.fields.map((f) => [f.key, fromPost(f, body, [...path, f.key])]));
    case "groups": {
      // Every item posts a marker, so an item whose controls are all still empty keeps its place.
      const indices = new Set<number>();
      for (const k of Object.keys(body)) {
        const m = k.startsWith(`${name}.`) ? /^(\d{1,3})\./.exec(k.slice(name.length + 1)) : null;
        if (m) indices.add(Number(m[1]));
      }
      return [...indices].sort((a, b) => a - b).slice(0, field.max ?? 100)
        .map((i) => Object.fromEntries(field.item.map((f) => [f.key, fromPost(f, body, [...path, i, f.key])])) as StateGroup);
    }
    default: return s(name).replace(/\r\n/g, "\n");
  }
}

/**
 * The document value of a control's state, or undefined when nothing was entered (empty strings,
 * groups with nothing in them and unchecked sets are left out, as the schema wants). `prev` is the
 * stored value: a date-time shown to the minute and left alone keeps its stored text and offset.
 */
export function toDoc(field: Field, st: State | undefined, ctx: Context, pointer: string, errors: FieldError[], prev?: unknown): unknown {
  switch (field.kind) {
    case "langmap": {
      const m = isPlainObject(st) ? (st as Record<string, string>) : {};
      const out = Object.fromEntries(Object.entries(m).map(([l, t]) => [l, t.trim()]).filter(([, t]) => t !== ""));
      return Object.keys(out).length ? out : undefined;
    }
    case "choices": return Array.isArray(st) && st.length ? keepOrder(st as string[], prev) : undefined;
    case "lines": case "codes": {
      // Codes one per line (or separated by commas), anything after the code ignored (its label);
      // hashtags separated by spaces too, with or without "#"; other lists strictly one per line.
      const sep = field.kind === "codes" ? /[\n,;]+/ : field.key === "hashtags" ? /[\s,;]+/ : /\n+/;
      const lines = str(st).split(sep).map((x) => x.trim()).filter(Boolean);
      const items = field.kind === "codes" ? lines.map((x) => x.split(/\s/)[0]!.toUpperCase()) : field.key === "hashtags" ? lines.map((x) => x.replace(/^#/, "")) : lines;
      return items.length ? [...new Set(items)] : undefined;
    }
    case "integer": {
      const t = str(st).trim();
      return t === "" ? undefined : /^-?\d{1,15}$/.test(t) ? Number(t) : t;
    }
    case "number": {
      const t = str(st).trim();
      return t === "" ? undefined : /^-?\d{1,15}(\.\d{1,15})?$/.test(t) ? Number(t) : t;
    }
    case "boolean": return str(st) === "true" ? true : str(st) === "false" ? false : undefined;
    case "datetime": {
      const t = str(st).trim();
      if (t === "") return undefined;
      const iso = localToIso(t, ctx.timeZone);
      if (iso === null) {
        errors.push({ pointer, message: "enter a date and time such as 2027-01-29 12:00" });
        return undefined;
      }
      const before = typeof prev === "string" ? Date.parse(prev) : Number.NaN;
      return Math.floor(before / 60_000) === Math.floor(Date.parse(iso) / 60_000) ? prev : iso;
    }
    case "group": {
      const g = isPlainObject(st) ? (st as StateGroup) : {};
      const p = isPlainObject(prev) ? (prev as Json) : {};
      const out: Json = {};
      for (const f of field.fields) {
        const v = toDoc(f, g[f.key], ctx, `${pointer}/${f.key}`, errors, p[f.key]);
        if (v !== undefined) out[f.key] = v;
      }
      return Object.keys(out).length ? out : undefined;
    }
    case "groups": {
      const items = Array.isArray(st) ? (st as StateGroup[]) : [];
      const before = Array.isArray(prev) ? prev : [];
      const out = items.map((item, i) => toDoc({ ...field, kind: "group", fields: field.item }, item, ctx, `${pointer}/${i}`, errors, before[i]))
        .filter((v) => v !== undefined);
      return out.length ? out : undefined;
    }
    case "json": {
      const t = str(st).trim();
      if (t === "") return undefined;
      try {
        return JSON.parse(t);
      } catch (e) {
        errors.push({ pointer, message: `not valid JSON: ${(e as Error).message}` });
        return undefined;
      }
    }
    default: {
      const t = str(st).trim();
      return t === "" ? undefined : t;
    }
  }
}

/**
 * The chosen values in the order they were stored (checkboxes post in page order), newly chosen ones
 * after them: re-saving a form unchanged does not reorder anything.
 */
export function keepOrder(chosen: readonly string[], prev: unknown): string[] {
  const set = new Set(chosen);
  const kept = Array.isArray(prev) ? prev.filter((v): v is string => typeof v === "string" && set.has(v)) : [];
  return [...new Set([...kept, ...chosen])];
}

/** The form state with one empty item more in the list at `path`, or one item fewer. */
export function editList(state: StateGroup, path: readonly string[], op: "add" | "remove"): StateGroup {
  const copy = structuredClone(state);
  const target = op === "add" ? path : path.slice(0, -1);
  let at: unknown = copy;
  for (const seg of target) at = (at as Record<string, unknown> | undefined)?.[seg];
  if (!Array.isArray(at)) return state;
  if (op === "add") at.push({});
  else at.splice(Number(path[path.length - 1]), 1);
  return copy;
}
