// The hub profile page of the workspace: every field of the hub schema with the control it describes
// (names and summaries per language, website, contact, avatar, links…), grouped as people look for them.
import type { FieldError } from "../../domain/errors";
import { html, type SafeHtml } from "../pages/html";
import { workspaceNav } from "./admin-pages";
import { csrfField, errorSummary } from "./forms";
import type { Field } from "./schema-fields";
import { schemaForm } from "./schema-form";
import type { StateGroup } from "./schema-values";
import type { Tw } from "./ws-i18n";

const SECTIONS: { legend: string; keys: string[] }[] = [
  { legend: "Names and description", keys: ["name", "shortName", "legalName", "summary", "description", "defaultLanguage", "languages"] },
  { legend: "Organisation", keys: ["hubType", "country", "nuts", "address", "timeZone", "identifiers", "buyerLegalType", "mainActivity", "focusAreas"] },
  { legend: "Contact and links", keys: ["website", "buyerProfile", "contact", "profileLinks"] },
  { legend: "Avatar and header image", keys: ["icon", "image"] },
  { legend: "Related organisations", keys: ["parentOrganisation", "memberOrganisations"] },
];

export interface HubProfileView {
  handle: string;
  fields: readonly Field[];
  state: StateGroup;
  languages: readonly string[];
  timeZone: string;
  errors: FieldError[];
  csrf: string;
  admin: boolean;
  notice?: string;
  ui: string;
  tw: Tw;
}

export function hubProfileBody(v: HubProfileView): SafeHtml {
  const { tw } = v;
  const form = schemaForm(v.fields, v.state, { languages: v.languages, timeZone: v.timeZone, errors: v.errors, lang: v.ui, tw });
  const placed = new Set(SECTIONS.flatMap((s) => s.keys));
  const sections = [...SECTIONS, { legend: tw("Other fields"), keys: v.fields.map((f) => f.key).filter((k) => !placed.has(k)) }].filter((s) => s.keys.length);
  return html`<h1>${tw("Profile of @{{handle}}", { handle: v.handle })}</h1>
${workspaceNav("hubs", v.admin, tw)}
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ""}
<p>${tw("What suppliers see on the hub’s page and on its fediverse profile. Saving sends the new profile to the hub’s followers.")}
${tw("Texts appear in each language the hub publishes in (“Languages” below; save to add the fields of a new language).")}</p>
${errorSummary(v.errors, (p) => form.anchorOf(p) ?? "f-d-name", tw("There is a problem"))}
<form method="post" action="/workspace/hubs/${v.handle}/profile" class="stack editor" novalidate>
${csrfField(v.csrf)}
${sections.map((s) => html`<fieldset>
<legend>${tw(s.legend)}</legend>
${form.controls(s.keys)}
</fieldset>`)}
<datalist id="codes-nuts"></datalist>
<div class="actions"><button type="submit" name="action" value="save">${tw("Save the profile")}</button></div>
</form>
<script src="/workspace/code-picker.js" defer></script>
<p><a href="/hubs/${v.handle}">${tw("The hub’s public page")}</a> · <a href="/workspace">${tw("Back to the workspace")}</a></p>`;
}

/** The section legends, for the test that finds messages missing from the catalogues. */
export const HUB_SECTION_MESSAGES: readonly string[] = SECTIONS.map((s) => s.legend);
