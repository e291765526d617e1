// The challenge editor page: one form, labelled controls grouped in fieldsets, errors beside their
// fields and summarised on top, the submit buttons that say what will happen.
import type { FieldError } from "../../domain/errors";
import { getCodeList, LANGUAGE_TAGS } from "../../domain/codelists";
import { FOCUS_AREAS, INSTRUMENTS, type ChallengeStatus } from "../../domain/types";
import { ALLOWED_TRANSITIONS } from "../../domain/validation-lifecycle";
import { countryOptions, label } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import type { ChallengeForm } from "./challenge-form";
import { csrfField, errorsFor, errorSummary, input } from "./forms";

export interface EditorView {
  form: ChallengeForm;
  errors: FieldError[];
  csrf: string;
  admin: boolean;
  /** Where the form posts. */
  action: string;
  hubName: string;
  /** Creating a new challenge (language can be chosen) or editing one (draft or public). */
  mode: "new" | "draft" | "public";
  timeZones: string[];
  key?: string;
}

function errorText(errors: readonly FieldError[], name: string): { describedBy: string; message: SafeHtml; invalid: boolean } {
  const errs = errorsFor(errors, name);
  return errs.length
    ? { describedBy: `f-${name}-error`, message: html`<span class="error-message" id="f-${name}-error">${errs.map((e) => e.message).join("; ")}</span>`, invalid: true }
    : { describedBy: "", message: html``, invalid: false };
}

function textarea(name: string, labelText: string, value: string, errors: readonly FieldError[], o: { hint?: string; rows?: number; lang?: string; code?: boolean } = {}): SafeHtml {
  const e = errorText(errors, name);
  const described = [o.hint ? `f-${name}-hint` : "", e.describedBy].filter(Boolean).join(" ");
  return html`<div class="field${e.invalid ? " field-error" : ""}">
<label for="f-${name}">${labelText}</label>
${o.hint ? html`<span class="hint" id="f-${name}-hint">${o.hint}</span>` : ""}
${e.message}
<textarea id="f-${name}" name="${name}" rows="${o.rows ?? 4}"${o.lang ? html` lang="${o.lang}"` : ""}${o.code ? html` class="code" spellcheck="false"` : ""}${described ? html` aria-describedby="${described}"` : ""}${e.invalid ? html` aria-invalid="true"` : ""}>${value}</textarea>
</div>`;
}

function select(name: string, labelText: string, value: string, options: { value: string; label: string }[], errors: readonly FieldError[], o: { hint?: string; empty?: string } = {}): SafeHtml {
  const e = errorText(errors, name);
  const described = [o.hint ? `f-${name}-hint` : "", e.describedBy].filter(Boolean).join(" ");
  return html`<div class="field${e.invalid ? " field-error" : ""}">
<label for="f-${name}">${labelText}</label>
${o.hint ? html`<span class="hint" id="f-${name}-hint">${o.hint}</span>` : ""}
${e.message}
<select id="f-${name}" name="${name}"${described ? html` aria-describedby="${described}"` : ""}${e.invalid ? html` aria-invalid="true"` : ""}>
${o.empty !== undefined ? html`<option value="">${o.empty}</option>` : ""}
${options.map((x) => html`<option value="${x.value}"${x.value === value ? html` selected` : ""}>${x.label}</option>`)}
</select>
</div>`;
}

function dateTimeInput(name: string, labelText: string, value: string, errors: readonly FieldError[], hint: string): SafeHtml {
  const e = errorText(errors, name);
  return html`<div class="field${e.invalid ? " field-error" : ""}">
<label for="f-${name}">${labelText}</label>
<span class="hint" id="f-${name}-hint">${hint}</span>
${e.message}
<input id="f-${name}" name="${name}" type="datetime-local" value="${value}" aria-describedby="f-${name}-hint${e.invalid ? ` ${e.describedBy}` : ""}"${e.invalid ? html` aria-invalid="true"` : ""}>
</div>`;
}

export function editorBody(v: EditorView): SafeHtml {
  const f = v.form;
  const lang = f.defaultLanguage;
  const langName = label("languages", lang);
  const focusErr = errorText(v.errors, "focusAreas");
  const reasons = (getCodeList("change-reasons")?.codes ?? []).map((c) => ({ value: c.code, label: label("change-reasons", c.code) }));
  const heading = v.mode === "new" ? `New challenge for ${v.hubName}` : `Edit challenge`;
  return html`<h1>${heading}</h1>
${workspaceNav("hubs", v.admin)}
${v.mode === "public" ? html`<p class="notice">This challenge is public. Saving publishes a new revision: followers on the fediverse receive the update, and the change reason appears in its change log.</p>` : ""}
${errorSummary(v.errors)}
<form method="post" action="${v.action}" class="stack editor" novalidate>
${csrfField(v.csrf)}
${v.form.version ? html`<input type="hidden" name="version" value="${v.form.version}">` : ""}
<fieldset>
<legend>Texts</legend>
${v.mode === "new"
    ? select("defaultLanguage", "Main language", lang, LANGUAGE_TAGS.map((l) => ({ value: l, label: `${label("languages", l)} (${l})` })), v.errors, { hint: "The language the texts below are written in; add sections for further languages below." })
    : html`<input type="hidden" name="defaultLanguage" value="${lang}"><p>Main language: <strong>${langName}</strong></p>`}
${input({ name: "title", label: `Title (${langName})`, value: f.title, errors: v.errors, hint: "What you are looking for, in one line (at most 200 characters)." })}
${textarea("summary", `Summary (${langName})`, f.summary, v.errors, { rows: 3, lang, hint: "Two or three sentences; shown in listings, feeds and fediverse posts." })}
${textarea("description", `Description (${langName})`, f.description, v.errors, { rows: 12, lang, hint: "The full challenge. Markdown: ## headings, - lists, [links](https://…)." })}
</fieldset>
${Object.entries(f.translations).map(([l, tr]) => {
    const name = label("languages", l);
    return html`<fieldset id="language-${l}">
<legend>${name} (${l})</legend>
${input({ name: `title__${l}`, label: `Title (${name})`, value: tr.title, errors: v.errors })}
${textarea(`summary__${l}`, `Summary (${name})`, tr.summary, v.errors, { rows: 3, lang: l })}
${textarea(`description__${l}`, `Description (${name})`, tr.description, v.errors, { rows: 8, lang: l })}
<button type="submit" name="action" value="remove-language:${l}" class="secondary">Remove ${name}</button>
</fieldset>`;
  })}
<fieldset>
<legend>Further languages</legend>
${select("addLanguage", "Add a language", "", LANGUAGE_TAGS.filter((l) => l !== lang && !f.translations[l]).map((l) => ({ value: l, label: `${label("languages", l)} (${l})` })), v.errors,
    { hint: "Adds a section for the title, summary and description in that language; nothing is saved until you save or publish." })}
<button type="submit" name="action" value="add-language" class="secondary">Add language</button>
</fieldset>
<fieldset>
<legend>Procedure</legend>
${select("instrument", "Instrument", f.instrument, INSTRUMENTS.map((i) => ({ value: i, label: label("instruments", i) })), v.errors, { empty: "Choose…" })}
<fieldset id="f-focusAreas"${focusErr.invalid ? html` aria-describedby="${focusErr.describedBy}"` : ""}>
<legend>Focus areas</legend>
${focusErr.message}
${FOCUS_AREAS.map((a) => html`<div class="choice"><input type="checkbox" id="f-focus-${a}" name="focusAreas" value="${a}"${f.focusAreas.includes(a) ? html` checked` : ""}><label for="f-focus-${a}">${label("focus-areas", a)}</label></div>`)}
</fieldset>
${input({ name: "cpvMain", label: "Main CPV code", value: f.cpvMain, errors: v.errors, hint: "8 digits from the CPV 2008 list, e.g. 72000000 (IT services); further codes under More fields as \"cpv\": {\"additional\": […]}." })}
${select("submissionType", "What suppliers submit", f.submissionType, (getCodeList("submission-types")?.codes ?? []).map((c) => ({ value: c.code, label: label("submission-types", c.code) })), v.errors)}
${input({ name: "submissionUrl", label: "Where to submit (web address)", value: f.submissionUrl, errors: v.errors, hint: "https://… — the form or e-procurement platform." })}
</fieldset>
<fieldset>
<legend>When</legend>
${select("timeZone", "Time zone of the dates below", f.timeZone, [...new Set([...v.timeZones, "UTC"])].map((z) => ({ value: z, label: z })), v.errors)}
${dateTimeInput("opens", "Submissions open", f.opens, v.errors, "Leave empty to open at publication.")}
${dateTimeInput("deadline", "Submission deadline", f.deadline, v.errors, "Required to publish. Suppliers see it in their own time zone too.")}
</fieldset>
<fieldset>
<legend>Where</legend>
${select("country", "Country", f.country, countryOptions().map((c) => ({ value: c.code, label: c.label })), v.errors, { empty: "Choose…" })}
${input({ name: "nuts", label: "Region (NUTS code)", value: f.nuts, errors: v.errors, hint: "Optional, e.g. DE212 (München). Further places under More fields." })}
${input({ name: "locality", label: "Town or city", value: f.locality, errors: v.errors })}
</fieldset>
${textarea("other", "More fields (JSON)", f.other, v.errors, { rows: 14, code: true, hint: "Every other field of the challenge schema (/schemas/challenge.json): buyers, prizes, budgets, eligibility, documents, milestones, contact, texts in further languages…" })}
${v.mode === "public" ? html`<fieldset>
<legend>Status</legend>
${select("status", "Status", f.status, [f.status, ...(ALLOWED_TRANSITIONS[f.status as ChallengeStatus] ?? [])].map((st) => ({ value: st, label: st === f.status ? `${label("status", st)} (now)` : `→ ${label("status", st)}` })), v.errors,
    { hint: "Close submissions, open the evaluation, cancel or suspend. Awarded and unsuccessful need the outcome under More fields (\"outcome\": {…})." })}
${input({ name: "statusReason", label: `Reason for the status (${langName})`, value: f.statusReason, errors: v.errors, hint: "Required to cancel or suspend; shown to suppliers." })}
</fieldset>
<fieldset>
<legend>Why this change</legend>
${select("changeReason", "Reason", f.changeReason || "update-add", reasons, v.errors)}
${input({ name: "changeDescription", label: `What changed (${langName})`, value: f.changeDescription, errors: v.errors, hint: "Shown to suppliers in the change log, e.g. \"Deadline extended by two weeks\"." })}
</fieldset>` : ""}
<div class="actions">
${v.mode === "public"
    ? html`<button type="submit" name="action" value="save">Publish this revision</button>`
    : html`<button type="submit" name="action" value="draft" class="secondary">Save draft</button> <button type="submit" name="action" value="publish">Publish now</button>`}
</div>
</form>
${v.key ? html`<p><a href="/workspace/challenges/${v.key}">Preview</a>${v.mode === "new" ? "" : html` · <a href="/workspace/challenges/${v.key}/withdraw">Withdraw…</a>`}</p>` : ""}`;
}

export function withdrawBody(o: { key: string; title: string; csrf: string; admin: boolean; isPublic: boolean }): SafeHtml {
  return html`<h1>Withdraw “${o.title}”?</h1>
${workspaceNav("hubs", o.admin)}
<p>${o.isPublic
    ? "It disappears from the listings, its page says it was withdrawn, and every follower on the fediverse receives a Delete. This cannot be undone; its address is never reused."
    : "The draft is discarded. It was never public."}</p>
<form method="post" action="/workspace/challenges/${o.key}/withdraw" class="stack">
${csrfField(o.csrf)}
<button type="submit" class="danger">Withdraw the challenge</button>
</form>
<p><a href="/workspace/challenges/${o.key}/edit">Keep it and go back</a></p>`;
}
