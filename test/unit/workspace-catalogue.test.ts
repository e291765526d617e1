// Every message the workspace shows is in the German and French catalogues (locales/<lang>.json,
// section "workspace", keyed by the English text), with the same {{placeholders}}: a message added to
// the code without its translations fails here, not in front of a procurement officer.
import fs from "node:fs";
import path from "node:path";
import de from "../../locales/de.json";
import fr from "../../locales/fr.json";
import { FORM_FIELD_MESSAGES } from "../../node/http/workspace/challenge-form";
import { EDITOR_SECTION_MESSAGES } from "../../node/http/workspace/challenge-form-page";
import { dashboardMessages } from "../../node/http/workspace/dashboard-page";
import { FIELD_MESSAGES } from "../../node/http/workspace/field-labels";
import { HUB_SECTION_MESSAGES } from "../../node/http/workspace/hub-profile-page";
import { SAVED_NOTICES } from "../../node/http/workspace/workspace.routes";
import { localizedValidation, VALIDATION_MESSAGES } from "../../node/http/workspace/validation-messages";
import { workspaceText } from "../../node/http/workspace/ws-i18n";

const DIR = path.resolve(__dirname, "../../node/http/workspace");

/** The English messages the workspace code passes to tw("…"), and those it keeps in tables. */
function messages(): string[] {
  const found = new Set<string>();
  for (const file of fs.readdirSync(DIR)) {
    const src = fs.readFileSync(path.join(DIR, file), "utf8");
    for (const m of src.matchAll(/\btw\(\s*"((?:[^"\\]|\\.)*)"/g)) found.add(JSON.parse(`"${m[1]}"`));
  }
  for (const m of [...FIELD_MESSAGES, ...EDITOR_SECTION_MESSAGES, ...HUB_SECTION_MESSAGES, ...FORM_FIELD_MESSAGES, ...dashboardMessages(), ...Object.values(SAVED_NOTICES), ...VALIDATION_MESSAGES]) found.add(m);
  return [...found].sort();
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

it("finds the workspace's messages in the code", () => {
  const all = messages();
  expect(all.length).toBeGreaterThan(300);
  expect(all).toEqual(expect.arrayContaining(["Sign in to the workspace", "Publish now", "Buyer name", "There is a problem"]));
});

it.each([["de", de.workspace as Record<string, string>], ["fr", fr.workspace as Record<string, string>]])("has every workspace message in %s, placeholders intact", (_lang, catalogue) => {
  const all = messages();
  expect(all.filter((m) => typeof catalogue[m] !== "string" || catalogue[m]!.trim() === "")).toEqual([]);
  expect(all.filter((m) => placeholders(m).join() !== placeholders(catalogue[m]!).join())).toEqual([]);
  // Nothing left in the catalogue that the code no longer says.
  expect(Object.keys(catalogue).filter((k) => !all.includes(k))).toEqual([]);
});

it("puts the values into the translated message", () => {
  expect(workspaceText("de")("Title ({{language}})", { language: "Deutsch" })).toContain("Deutsch");
  expect(workspaceText("en")("New challenge for @{{handle}}", { handle: "lab" })).toBe("New challenge for @lab");
  expect(workspaceText("fr")("Publish now")).not.toBe("Publish now");
});

it("puts the domain's validation messages into the officer's language, values kept, unknown ones left as they are", () => {
  const de = workspaceText("de");
  const samples = [
    "is required", 'is required unless status is "draft"', "must be at most 200 characters", "must be an https URL",
    'must be a NUTS region of DE: start with "DE"', "is not a current NUTS region of level 1–3 (NUTS 2024)",
    "must be an RFC 3339 date-time with a UTC offset, e.g. 2027-01-29T12:00:00+01:00", "must be ≥ 0", "is already used by phase 2",
    "rank 1 is already given to prize 0", "is not a CPV 2008 code (no division 99)", "must be the hub's country (FR)",
    "must be one of: open, closed", 'must contain the default language "de"', "is a duplicate of entry 3",
  ];
  for (const m of samples) expect([m, localizedValidation(m, de)]).not.toEqual([m, m]);
  expect(localizedValidation("must be at most 200 characters", de)).toBe("darf höchstens 200 Zeichen lang sein");
  expect(localizedValidation("is not a CPV 2008 code (no division 99)", de)).toContain("99");
  expect(localizedValidation("something new the domain says", de)).toBe("something new the domain says");
  expect(localizedValidation("must be at most 200 characters", workspaceText("en"))).toBe("must be at most 200 characters");
});
