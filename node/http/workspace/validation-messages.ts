// The domain's validation messages (validation-schema.ts, validation-rules.ts) in the editor's
// language. The API answers them in English; the workspace shows the ones an officer meets in the
// forms in German and French too, found by their shape with the values they carry. A message not
// listed here stays in English.
import type { Tw } from "./ws-i18n";

const SHAPES: readonly [RegExp, string][] = [
  [/^is required$/, "is required"],
  [/^is required unless status is "draft"$/, "is required unless the status is draft"],
  [/^is required when status is "awarded" or "unsuccessful"$/, "is required when the status is awarded or closed without award"],
  [/^is required when status is "cancelled" or "suspended"$/, "is required when the status is cancelled or suspended"],
  [/^is required unless scope is "anyw" or "anyw-eea"$/, "is required unless the place is anywhere"],
  [/^must not be empty$/, "must not be empty"],
  [/^must be at most (?<n>\d+) characters$/, "must be at most {{n}} characters"],
  [/^must be at least (?<n>\d+) characters$/, "must be at least {{n}} characters"],
  [/^must have at least one entry$/, "must have at least one entry"],
  [/^must have at most (?<n>\d+) entries$/, "must have at most {{n}} entries"],
  [/^must be an https URL$/, "must be an https URL"],
  [/^must be an http\(s\) URL$/, "must be an http(s) URL"],
  [/^must be an absolute URL$/, "must be an absolute URL"],
  [/^must be a valid e-mail address$/, "must be a valid e-mail address"],
  [/^must be a date YYYY-MM-DD$/, "must be a date YYYY-MM-DD"],
  [/^must be a CPV code of 8 digits, without the check digit \(e\.g\. 72000000\)$/, "must be a CPV code of 8 digits, without the check digit (e.g. 72000000)"],
  [/^must be a NUTS code of level 1–3 with its EU country prefix \(EL for Greece\), e\.g\. DE212$/, "must be a NUTS code of level 1–3 with its EU country prefix (EL for Greece), e.g. DE212"],
  [/^is not a current NUTS region of level 1–3 \(NUTS 2024\)$/, "is not a current NUTS region of level 1–3 (NUTS 2024)"],
  [/^must be a NUTS region of (?<country>[A-Z]{2}): start with "(?<prefix>[A-Z]{2})"/, "must be a NUTS region of {{country}}: start with {{prefix}}"],
  [/^must be a decimal amount with at most 2 decimals, e\.g\. "120000\.00"$/, "must be an amount with at most 2 decimals, e.g. 120000.00"],
  [/^must be an international telephone number, e\.g\. "\+49 89 1234567"$/, "must be an international telephone number, e.g. +49 89 1234567"],
  [/^must contain the default language "(?<lang>[a-z]{2})"$/, "must be given in the main language ({{lang}})"],
  [/^must be after submissionPeriod\.start$/, "must be after the opening of submissions"],
  [/^must not be after the submission deadline \(submissionPeriod\.end\)$/, "must not be after the submission deadline"],
  [/^must not be before contractPeriod\.startDate$/, "must not be before the start of the contract"],
  [/^must not be before startDate$/, "must not be before the start date"],
  [/^must be one of: (?<list>.+)$/, "must be one of: {{list}}"],
  [/^is not a known property$/, "is not a known field"],
  [/^is a duplicate of entry (?<n>\d+)$/, "is a duplicate of entry {{n}}"],
];

/** The English messages, for the test that finds each in the German and French catalogues. */
export const VALIDATION_MESSAGES: readonly string[] = SHAPES.map(([, english]) => english);

export function localizedValidation(message: string, tw: Tw): string {
  for (const [shape, english] of SHAPES) {
    const m = shape.exec(message);
    if (m) return tw(english, m.groups);
  }
  return message;
}
