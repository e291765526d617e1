// Form fragments of the workspace, built for people first: every control has a visible label, errors
// sit next to their field (aria-describedby, aria-invalid) and are summarised at the top with links
// to the fields (the GOV.UK error summary pattern), so a screen-reader user hears them at once.
import type { FieldError } from "../../domain/errors";
import { html, type SafeHtml } from "../pages/html";

/** The id of the control that a JSON Pointer names ("/hubs/0" → "f-hubs"). */
export function fieldId(pointer: string): string {
  return `f-${pointer.split("/").filter(Boolean)[0] ?? "form"}`;
}

/** The errors of one field (by the first segment of their pointers). */
export function errorsFor(errors: readonly FieldError[], name: string): FieldError[] {
  return errors.filter((e) => fieldId(e.pointer) === `f-${name}`);
}

/** "There is a problem" box, focused-first in reading order; empty when there are no errors. */
export function errorSummary(errors: readonly FieldError[], anchorOf: (pointer: string) => string = fieldId, title = "There is a problem"): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">${title}</h2>
<ul>${errors.map((e) => html`<li><a href="#${anchorOf(e.pointer)}">${e.message}</a></li>`)}</ul>
</div>`;
}

/** What surrounds every control: its label, hint and error message, tied to it by id. */
export interface FrameOptions {
  id: string;
  label: string;
  hint?: string | SafeHtml;
  /** The error messages shown with this control (empty: none). */
  messages: readonly string[];
}

/**
 * The label, hint and error around a control. `control` gets the attributes that tie it to them
 * (aria-describedby, aria-invalid), to put inside its opening tag.
 */
export function frame(o: FrameOptions, control: (aria: SafeHtml) => SafeHtml): SafeHtml {
  const invalid = o.messages.length > 0;
  const described = [o.hint ? `${o.id}-hint` : "", invalid ? `${o.id}-error` : ""].filter(Boolean).join(" ");
  const aria = html`${described ? html` aria-describedby="${described}"` : ""}${invalid ? html` aria-invalid="true"` : ""}`;
  return html`<div class="field${invalid ? " field-error" : ""}">
<label for="${o.id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.id}-hint">${o.hint}</span>` : ""}
${invalid ? html`<span class="error-message" id="${o.id}-error">${o.messages.join("; ")}</span>` : ""}
${control(aria)}
</div>`;
}

const messagesOf = (errors: readonly FieldError[] | undefined, name: string) => errorsFor(errors ?? [], name).map((e) => e.message);

export interface InputOptions {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "url" | "tel" | "number" | "date" | "datetime-local";
  value?: string;
  hint?: string | SafeHtml;
  autocomplete?: string;
  required?: boolean;
  errors?: readonly FieldError[];
  lang?: string;
}

export function input(o: InputOptions): SafeHtml {
  const id = `f-${o.name}`;
  return frame({ id, label: o.label, hint: o.hint, messages: messagesOf(o.errors, o.name) }, (aria) =>
    html`<input id="${id}" name="${o.name}" type="${o.type ?? "text"}"${o.value !== undefined && o.type !== "password" ? html` value="${o.value}"` : ""}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""}${o.required ? html` required` : ""}${o.lang ? html` lang="${o.lang}"` : ""}${aria}>`);
}

export interface Option { value: string; label: string }

export function select(o: { name: string; label: string; value: string | undefined; options: readonly Option[]; errors?: readonly FieldError[]; hint?: string | SafeHtml; empty?: string }): SafeHtml {
  const id = `f-${o.name}`;
  return frame({ id, label: o.label, hint: o.hint, messages: messagesOf(o.errors, o.name) }, (aria) => html`<select id="${id}" name="${o.name}"${aria}>
${o.empty !== undefined ? html`<option value="">${o.empty}</option>` : ""}
${o.options.map((x) => html`<option value="${x.value}"${x.value === o.value ? html` selected` : ""}>${x.label}</option>`)}
</select>`);
}

export function textarea(o: { name: string; label: string; value: string; errors?: readonly FieldError[]; hint?: string | SafeHtml; rows?: number; lang?: string; code?: boolean }): SafeHtml {
  const id = `f-${o.name}`;
  return frame({ id, label: o.label, hint: o.hint, messages: messagesOf(o.errors, o.name) }, (aria) =>
    html`<textarea id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.lang ? html` lang="${o.lang}"` : ""}${o.code ? html` class="code" spellcheck="false"` : ""}${aria}>${o.value}</textarea>`);
}

/** The synchronizer token of the signed-in session (checked on every POST of the workspace). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A one-button form for an action (sign out, reset link…): POST with the CSRF token. */
export function actionButton(action: string, label: string, csrf: string, opts: { secondary?: boolean } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="inline-form">${csrfField(csrf)}<button type="submit"${opts.secondary ? html` class="secondary"` : ""}>${label}</button></form>`;
}
