// Controls for schema-driven fields (schema-fields.ts), in the same frame as every other control of
// the workspace: a visible label, the hint, the error beside it. Lists of groups (buyers, phases,
// prizes…) get "Add" and "Remove" buttons that post the form back unsaved, so the page works without
// JavaScript. Errors are shown at the deepest control their JSON Pointer reaches.
import type { FieldError } from "../../domain/errors";
import { cpvLabel, nutsName } from "../../domain/codelists";
import { label } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { fieldHint, fieldLabel, itemLabels } from "./field-labels";
import { frame } from "./forms";
import type { Field } from "./schema-fields";
import { type Context, nameOf, type State, type StateGroup } from "./schema-values";
import type { Tw } from "./ws-i18n";

type Path = readonly (string | number)[];

export interface RenderContext extends Context {
  /** Errors whose pointers are into the document, prefixed "/d". */
  errors: readonly FieldError[];
  /** The page's language, and its words. */
  lang: string;
  tw: Tw;
}

/** Where errors go: pointer ("/d/buyers/0/name") → the id of the control or group showing it. */
type Anchors = Map<string, string>;

export const idOf = (path: Path): string => `f-${nameOf(path).replace(/\./g, "-")}`;
const pointerOf = (path: Path): string => `/${nameOf(path).replace(/\./g, "/")}`;

interface Pass { ctx: RenderContext; anchors: Anchors; shown?: Map<string, string[]> }

/** The id showing an error at `pointer`: the deepest rendered control on its path. */
function anchorIn(anchors: Anchors, pointer: string): string | undefined {
  for (let p = pointer; p.length > 2; p = p.slice(0, p.lastIndexOf("/"))) {
    const id = anchors.get(p);
    if (id) return id;
  }
  return undefined;
}

/**
 * The controls of schema-driven fields over the form state. Where each error is shown is settled for
 * all fields first, so the page can render them in any order and group, and link the summary to them.
 */
export function schemaForm(fields: readonly Field[], state: StateGroup, ctx: RenderContext): { controls: (keys: readonly string[]) => SafeHtml; anchorOf: (pointer: string) => string | undefined } {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const anchors: Anchors = new Map();
  const layoutPass: Pass = { ctx, anchors };
  for (const f of fields) control(f, state[f.key], [f.key], layoutPass);
  const shown = new Map<string, string[]>();
  for (const e of ctx.errors) {
    const id = anchorIn(anchors, e.pointer);
    if (id) shown.set(id, [...(shown.get(id) ?? []), e.message]);
  }
  const pass: Pass = { ctx, anchors, shown };
  return {
    controls: (keys) => html`${keys.map((k) => {
      const f = byKey.get(k);
      return f ? control(f, state[k], [k], pass) : "";
    })}`,
    anchorOf: (p) => anchorIn(anchors, p),
  };
}

function control(f: Field, st: State | undefined, path: Path, pass: Pass): SafeHtml {
  const id = idOf(path);
  pass.anchors.set(pointerOf(path), id);
  const messages = pass.shown?.get(id) ?? [];
  const name = nameOf(path);
  const text = typeof st === "string" ? st : "";
  const { tw, lang } = pass.ctx;
  const labelText = fieldLabel(f.key, [...path].reverse().find((seg, i) => i > 0 && typeof seg === "string") as string | undefined, tw);
  const hint = fieldHint(f.key, tw);
  const framed = (control: (aria: SafeHtml) => SafeHtml, extraHint?: SafeHtml | string) =>
    frame({ id, label: labelText, hint: extraHint ?? hint, messages }, control);
  switch (f.kind) {
    case "text":
      return framed((aria) => html`<input id="${id}" name="${name}" type="${f.inputType}" value="${text}"${f.inputType === "email" ? html` autocomplete="email"` : ""}${aria}>`);
    case "integer":
      return framed((aria) => html`<input id="${id}" name="${name}" type="text" inputmode="numeric" value="${text}"${aria}>`);
    case "number":
      return framed((aria) => html`<input id="${id}" name="${name}" type="text" inputmode="decimal" value="${text}"${aria}>`);
    case "date":
      return framed((aria) => html`<input id="${id}" name="${name}" type="date" value="${text}"${aria}>`);
    case "datetime":
      return framed((aria) => html`<input id="${id}" name="${name}" type="datetime-local" value="${text}"${aria}>`, tw("In the time zone chosen under “When” ({{zone}}).", { zone: pass.ctx.timeZone }));
    case "boolean":
      return framed((aria) => html`<select id="${id}" name="${name}"${aria}>
<option value="">${tw("Not stated")}</option><option value="true"${text === "true" ? html` selected` : ""}>${tw("Yes")}</option><option value="false"${text === "false" ? html` selected` : ""}>${tw("No")}</option>
</select>`);
    case "choice": {
      const list = f.list;
      return framed((aria) => html`<select id="${id}" name="${name}"${aria}>
<option value="">${f.required ? tw("Choose…") : tw("Not stated")}</option>
${f.values.map((v) => html`<option value="${v}"${v === text ? html` selected` : ""}>${list ? label(list, v, lang) : v}</option>`)}
</select>`);
    }
    case "lines":
      return framed((aria) => html`<textarea id="${id}" name="${name}" rows="3"${aria}>${text}</textarea>`);
    case "json":
      return framed((aria) => html`<textarea id="${id}" name="${name}" rows="4" class="code" spellcheck="false"${aria}>${text}</textarea>`);
    case "code":
      return framed((aria) => html`<input id="${id}" name="${name}" type="text" value="${text}" list="codes-${f.list}" data-codes="${f.list}" autocomplete="off" spellcheck="false"${aria}>`,
        codeHint(f.list, text ? [text] : [], tw, lang));
    case "codes":
      return framed((aria) => html`<textarea id="${id}" name="${name}" rows="3" spellcheck="false"${aria}>${text}</textarea>`,
        codeHint(f.list, text.split(/\n/).map((x) => x.trim()).filter(Boolean), tw, lang));
    case "langmap": {
      const map = (st && typeof st === "object" && !Array.isArray(st) ? st : {}) as Record<string, string>;
      const languages = pass.ctx.languages;
      const one = (l: string, withName: boolean) => {
        const lid = idOf([...path, l]);
        pass.anchors.set(pointerOf([...path, l]), lid);
        const lm = [...(pass.shown?.get(lid) ?? []), ...(withName ? [] : messages)];
        return frame({ id: lid, label: `${labelText} (${label("languages", l, lang)})`, hint: withName ? undefined : hint, messages: lm }, (aria) => f.long
          ? html`<textarea id="${lid}" name="${name}.${l}" rows="4" lang="${l}"${aria}>${map[l] ?? ""}</textarea>`
          : html`<input id="${lid}" name="${name}.${l}" type="text" value="${map[l] ?? ""}" lang="${l}"${aria}>`);
      };
      if (languages.length === 1) {
        pass.anchors.set(pointerOf(path), idOf([...path, languages[0]!]));
        return one(languages[0]!, false);
      }
      return group(id, labelText, hint, messages, html`${languages.map((l) => one(l, true))}`);
    }
    case "choices": {
      const chosen = new Set(Array.isArray(st) ? (st as string[]) : []);
      const list = f.list;
      return group(id, labelText, hint, messages, html`<div class="choices">${f.values.map((v, i) => html`<div class="choice"><input type="checkbox" id="${id}-${i}" name="${name}" value="${v}"${chosen.has(v) ? html` checked` : ""}><label for="${id}-${i}">${list ? label(list, v, lang) : v}</label></div>`)}</div>`);
    }
    case "group": {
      const g = (st && typeof st === "object" && !Array.isArray(st) ? st : {}) as StateGroup;
      return group(id, labelText, hint, messages, html`${f.fields.map((sub) => control(sub, g[sub.key], [...path, sub.key], pass))}`);
    }
    case "groups": {
      const items = Array.isArray(st) ? (st as StateGroup[]) : [];
      const item = itemLabels(f.key, tw);
      const full = f.max !== undefined && items.length >= f.max;
      return group(id, labelText, hint, messages, html`${items.map((g, i) => {
        const ipath = [...path, i];
        const iid = idOf(ipath);
        pass.anchors.set(pointerOf(ipath), iid);
        const legend = item.legend(i + 1);
        return group(iid, legend, undefined, pass.shown?.get(iid) ?? [], html`<input type="hidden" name="${nameOf(ipath)}._" value="">
${f.item.map((sub) => control(sub, g[sub.key], [...ipath, sub.key], pass))}
<button type="submit" name="action" value="remove:${nameOf(ipath)}" class="secondary">${tw("Remove {{what}}", { what: legend })}</button>`);
      })}
${full ? "" : html`<button type="submit" name="action" value="add:${name}" class="secondary">${item.add}</button>`}`);
    }
  }
}

function group(id: string, legend: string, hint: string | undefined, messages: readonly string[], body: SafeHtml): SafeHtml {
  const described = [hint ? `${id}-hint` : "", messages.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<fieldset id="${id}" class="group"${described ? html` aria-describedby="${described}"` : ""}>
<legend>${legend}</legend>
${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ""}
${messages.length ? html`<span class="error-message" id="${id}-error">${messages.join("; ")}</span>` : ""}
${body}
</fieldset>`;
}

/** What the codes entered mean, and where to look one up (the finder works without JavaScript). */
function codeHint(list: "cpv" | "nuts", codes: readonly string[], tw: Tw, lang: string): SafeHtml {
  const named = codes.map((c) => ({ c, name: list === "cpv" ? cpvLabel(c, lang) : nutsName(c.toUpperCase()) })).filter((x) => x.name);
  const finder = html`<a href="/workspace/codes/${list}" target="_blank">${list === "cpv" ? tw("Find a CPV code (opens in a new tab)") : tw("Find a NUTS region (opens in a new tab)")}</a>`;
  return html`${named.map((x) => html`${x.c}: ${x.name}. `)}${finder}`;
}
