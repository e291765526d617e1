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
export function errorSummary(errors: readonly FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${errors.map((e) => html`<li><a href="#${fieldId(e.pointer)}">${e.message}</a></li>`)}</ul>
</div>`;
}

export interface InputOptions {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  value?: string;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  errors?: readonly FieldError[];
}

export function input(o: InputOptions): SafeHtml {
  const id = `f-${o.name}`;
  const errs = errorsFor(o.errors ?? [], o.name);
  const described = [o.hint ? `${id}-hint` : "", errs.length ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field${errs.length ? " field-error" : ""}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ""}
${errs.length ? html`<span class="error-message" id="${id}-error">${errs.map((e) => e.message).join("; ")}</span>` : ""}
<input id="${id}" name="${o.name}" type="${o.type ?? "text"}"${o.value !== undefined && o.type !== "password" ? html` value="${o.value}"` : ""}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""}${o.required ? html` required` : ""}${described ? html` aria-describedby="${described}"` : ""}${errs.length ? html` aria-invalid="true"` : ""}>
</div>`;
}

/** The synchronizer token of the signed-in session (checked on every POST of the workspace). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A one-button form for an action (sign out, reset link…): POST with the CSRF token. */
export function actionButton(action: string, label: string, csrf: string, opts: { secondary?: boolean } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="inline-form">${csrfField(csrf)}<button type="submit"${opts.secondary ? html` class="secondary"` : ""}>${label}</button></form>`;
}
