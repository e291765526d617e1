// The challenge editor page: one form, labelled controls grouped in fieldsets, errors beside their
// fields and summarised on top, the submit buttons that say what will happen.
import type { FieldError } from "../../domain/errors";
import { getCodeList, LANGUAGE_TAGS } from "../../domain/codelists";
import { FOCUS_AREAS, INSTRUMENTS, type ChallengeStatus } from "../../domain/types";
import { ALLOWED_TRANSITIONS } from "../../domain/validation-lifecycle";
import { label } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import { type ChallengeForm, formLanguages, SCHEMA_FIELDS } from "./challenge-form";
import { csrfField, errorsFor, errorSummary, fieldId, input, select, textarea } from "./forms";
import { schemaForm } from "./schema-form";
import type { Tw } from "./ws-i18n";

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
  /** A status line at the top (e.g. after duplicating). */
  notice?: string;
  /** A draft's scheduled publication, as the editor reads it ("2027-01-29 12:00 Europe/Berlin"). */
  scheduledAt?: string;
  /** The interface language and its words. */
  ui: string;
  tw: Tw;
}

function dateTimeInput(name: string, labelText: string, value: string, errors: readonly FieldError[], hint: string): SafeHtml {
  return input({ name, label: labelText, type: "datetime-local", value, errors, hint });
}

/** Where each schema-driven field sits on the page; a field of the schema not named here goes last. */
const SECTIONS: { legend: string; before?: "procedure" | "applying" | "when"; keys: string[] }[] = [
  { legend: "Buyer and contact", keys: ["buyers", "referenceNumber", "procedureId", "contact"] },
  { legend: "Procedure", before: "procedure", keys: ["procedureType", "contractNature", "innovationTypes", "cpv", "hashtags"] },
  { legend: "Who can apply, and how", before: "applying", keys: ["eligibleApplicantTypes", "smeSuitable", "eligibility", "submissionLanguages", "howToApply", "evaluationCriteria"] },
  { legend: "When", before: "when", keys: ["enquiryPeriod", "phases", "milestones", "expectedDecisionDate", "contractPeriod"] },
  { legend: "Where", keys: ["placeOfPerformance"] },
  { legend: "Value and rewards", keys: ["estimatedValue", "prizes", "nonMonetaryRewards", "euFunded", "fundingProgrammes"] },
  { legend: "Documents, links and image", keys: ["documents", "relatedNotices", "image", "additionalInformation"] },
  { legend: "Afterwards", keys: ["followUp", "outcome", "extensions"] },
];

export function editorBody(v: EditorView): SafeHtml {
  const f = v.form;
  const { tw, ui } = v;
  const lang = f.defaultLanguage;
  const langName = label("languages", lang, ui);
  const focusErrs = errorsFor(v.errors, "focusAreas");
  const reasons = (getCodeList("change-reasons")?.codes ?? []).map((c) => ({ value: c.code, label: label("change-reasons", c.code, ui) }));
  const heading = v.mode === "new" ? tw("New challenge for {{hub}}", { hub: v.hubName }) : tw("Edit challenge");
  const generic = schemaForm(SCHEMA_FIELDS, f.extra, { languages: formLanguages(f), timeZone: f.timeZone, errors: v.errors.filter((e) => e.pointer.startsWith("/d/")), lang: ui, tw });
  const placed = new Set(SECTIONS.flatMap((s) => s.keys));
  const sections = [...SECTIONS, { legend: tw("Other fields"), keys: SCHEMA_FIELDS.map((x) => x.key).filter((k) => !placed.has(k)) }].filter((s) => s.keys.length);
  const own = {
    procedure: html`${select({ name: "instrument", label: tw("Instrument"), value: f.instrument, options: INSTRUMENTS.map((i) => ({ value: i, label: label("instruments", i, ui) })), errors: v.errors, empty: tw("Choose…") })}
<fieldset id="f-focusAreas"${focusErrs.length ? html` aria-describedby="f-focusAreas-error"` : ""}>
<legend>${tw("Focus areas")}</legend>
${focusErrs.length ? html`<span class="error-message" id="f-focusAreas-error">${focusErrs.map((e) => e.message).join("; ")}</span>` : ""}
${FOCUS_AREAS.map((a) => html`<div class="choice"><input type="checkbox" id="f-focus-${a}" name="focusAreas" value="${a}"${f.focusAreas.includes(a) ? html` checked` : ""}><label for="f-focus-${a}">${label("focus-areas", a, ui)}</label></div>`)}
</fieldset>`,
    applying: html`${select({ name: "submissionType", label: tw("What suppliers submit"), value: f.submissionType, options: (getCodeList("submission-types")?.codes ?? []).map((c) => ({ value: c.code, label: label("submission-types", c.code, ui) })), errors: v.errors })}
${input({ name: "submissionUrl", label: tw("Where to submit (web address)"), type: "url", value: f.submissionUrl, errors: v.errors, hint: tw("https://… — the form or e-procurement platform.") })}`,
    when: html`${select({ name: "timeZone", label: tw("Time zone of the dates and times on this page"), value: f.timeZone, options: [...new Set([...v.timeZones, "UTC"])].map((z) => ({ value: z, label: z })), errors: v.errors })}
${dateTimeInput("opens", tw("Submissions open"), f.opens, v.errors, tw("Leave empty to open at publication."))}
${dateTimeInput("deadline", tw("Submission deadline"), f.deadline, v.errors, tw("Required to publish. Suppliers see it in their own time zone too."))}`,
  };
  const anchorOf = (pointer: string) => (pointer.startsWith("/d/") ? generic.anchorOf(pointer) ?? "f-title" : fieldId(pointer));
  return html`<h1>${heading}</h1>
${workspaceNav("hubs", v.admin, tw)}
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ""}
${v.mode === "public" ? html`<p class="notice">${tw("This challenge is public. Saving publishes a new revision: followers on the fediverse receive the update, and the change reason appears in its change log.")}</p>` : ""}
${errorSummary(v.errors, anchorOf, tw("There is a problem"))}
<form method="post" action="${v.action}" class="stack editor" novalidate>
${csrfField(v.csrf)}
${v.form.version ? html`<input type="hidden" name="version" value="${v.form.version}">` : ""}
<fieldset>
<legend>${tw("Texts")}</legend>
${v.mode === "new"
    ? select({ name: "defaultLanguage", label: tw("Main language"), value: lang, options: LANGUAGE_TAGS.map((l) => ({ value: l, label: `${label("languages", l, ui)} (${l})` })), errors: v.errors, hint: tw("The language the texts below are written in; add sections for further languages below.") })
    : html`<input type="hidden" name="defaultLanguage" value="${lang}"><p>${tw("Main language")}: <strong>${langName}</strong></p>`}
${input({ name: "title", label: tw("Title ({{language}})", { language: langName }), value: f.title, errors: v.errors, lang, hint: tw("What you are looking for, in one line (at most 200 characters).") })}
${textarea({ name: "summary", label: tw("Summary ({{language}})", { language: langName }), value: f.summary, errors: v.errors, rows: 3, lang, hint: tw("Two or three sentences; shown in listings, feeds and fediverse posts.") })}
${textarea({ name: "description", label: tw("Description ({{language}})", { language: langName }), value: f.description, errors: v.errors, rows: 12, lang, hint: tw("The full challenge. Markdown: ## headings, - lists, [links](https://…).") })}
</fieldset>
${Object.entries(f.translations).map(([l, tr]) => {
    const name = label("languages", l, ui);
    return html`<fieldset id="language-${l}">
<legend>${name} (${l})</legend>
${input({ name: `title__${l}`, label: tw("Title ({{language}})", { language: name }), value: tr.title, errors: v.errors, lang: l })}
${textarea({ name: `summary__${l}`, label: tw("Summary ({{language}})", { language: name }), value: tr.summary, errors: v.errors, rows: 3, lang: l })}
${textarea({ name: `description__${l}`, label: tw("Description ({{language}})", { language: name }), value: tr.description, errors: v.errors, rows: 8, lang: l })}
${v.mode === "public" ? input({ name: `statusReason__${l}`, label: tw("Reason for the status ({{language}})", { language: name }), value: tr.statusReason, errors: v.errors, lang: l }) : ""}
<p class="hint">${tw("Further texts in {{language}} (eligibility, how to apply, names…) are in their sections below.", { language: name })}</p>
<button type="submit" name="action" value="remove-language:${l}" class="secondary">${tw("Remove {{what}}", { what: name })}</button>
<button type="submit" name="action" value="main-language:${l}" class="secondary">${tw("Make {{language}} the main language", { language: name })}</button>
</fieldset>`;
  })}
<fieldset>
<legend>${tw("Further languages")}</legend>
${select({ name: "addLanguage", label: tw("Add a language"), value: "", options: LANGUAGE_TAGS.filter((l) => l !== lang && !f.translations[l]).map((l) => ({ value: l, label: `${label("languages", l, ui)} (${l})` })), errors: v.errors,
    hint: tw("Adds a section for the texts in that language; nothing is saved until you save or publish.") })}
<button type="submit" name="action" value="add-language" class="secondary">${tw("Add language")}</button>
</fieldset>
${sections.map((s) => html`<fieldset>
<legend>${tw(s.legend)}</legend>
${"before" in s && s.before ? own[s.before] : ""}
${generic.controls(s.keys)}
</fieldset>`)}
<datalist id="codes-cpv"></datalist><datalist id="codes-nuts"></datalist>
${v.mode === "public" ? html`<fieldset>
<legend>${tw("Status")}</legend>
${select({ name: "status", label: tw("Status"), value: f.status, options: [f.status, ...(ALLOWED_TRANSITIONS[f.status as ChallengeStatus] ?? [])].map((st) => ({ value: st, label: st === f.status ? tw("{{status}} (now)", { status: label("status", st, ui) }) : `→ ${label("status", st, ui)}` })), errors: v.errors,
    hint: tw("Close submissions, open the evaluation, cancel or suspend. Awarded and unsuccessful need the outcome (under “Afterwards”).") })}
${input({ name: "statusReason", label: tw("Reason for the status ({{language}})", { language: langName }), value: f.statusReason, errors: v.errors, lang, hint: tw("Required to cancel or suspend; shown to suppliers.") })}
</fieldset>
<fieldset>
<legend>${tw("Why this change")}</legend>
${select({ name: "changeReason", label: tw("Reason"), value: f.changeReason || "update-add", options: reasons, errors: v.errors })}
${input({ name: "changeDescription", label: tw("What changed ({{language}})", { language: langName }), value: f.changeDescription, errors: v.errors, lang, hint: tw("Shown to suppliers in the change log, e.g. “Deadline extended by two weeks”.") })}
</fieldset>` : ""}
${v.mode === "public" ? "" : html`<fieldset id="publish-later">
<legend>${tw("Publish later")}</legend>
${v.scheduledAt ? html`<p class="notice" role="status">${tw("Scheduled: this draft will be published on {{time}}.", { time: v.scheduledAt })}</p>` : ""}
${input({ name: "publishAt", label: tw("Publish at"), type: "datetime-local", value: f.publishAt, errors: v.errors, hint: tw("In the time zone chosen under “When” ({{zone}}). The draft is saved now and published then, and its followers receive it at that moment.", { zone: f.timeZone }) })}
<button type="submit" name="action" value="schedule" class="secondary">${tw("Save and schedule")}</button>
${v.scheduledAt ? html` <button type="submit" name="action" value="unschedule" class="secondary">${tw("Save and cancel the schedule")}</button>` : ""}
</fieldset>`}
<div class="actions">
${v.mode === "public"
    ? html`<button type="submit" name="action" value="save">${tw("Publish this revision")}</button>`
    : html`<button type="submit" name="action" value="draft" class="secondary">${tw("Save draft")}</button> <button type="submit" name="action" value="publish">${tw("Publish now")}</button>`}
</div>
</form>
<script src="/workspace/code-picker.js" defer></script>
${v.key ? html`<p><a href="/workspace/challenges/${v.key}">${tw("Preview")}</a>${v.mode === "new" ? "" : html` · <a href="/workspace/challenges/${v.key}/withdraw">${tw("Withdraw…")}</a>`}</p>` : ""}`;
}

export function withdrawBody(o: { key: string; title: string; csrf: string; admin: boolean; isPublic: boolean; tw: Tw }): SafeHtml {
  const { tw } = o;
  return html`<h1>${tw("Withdraw “{{title}}”?", { title: o.title })}</h1>
${workspaceNav("hubs", o.admin, tw)}
<p>${o.isPublic
    ? tw("It disappears from the listings, its page says it was withdrawn, and every follower on the fediverse receives a Delete. This cannot be undone; its address is never reused.")
    : tw("The draft is discarded. It was never public.")}</p>
<form method="post" action="/workspace/challenges/${o.key}/withdraw" class="stack">
${csrfField(o.csrf)}
<button type="submit" class="danger">${tw("Withdraw the challenge")}</button>
</form>
<p><a href="/workspace/challenges/${o.key}/edit">${tw("Keep it and go back")}</a></p>`;
}

/** The section legends (translated where shown), for the test that finds messages missing from the catalogues. */
export const EDITOR_SECTION_MESSAGES: readonly string[] = SECTIONS.map((s) => s.legend);
