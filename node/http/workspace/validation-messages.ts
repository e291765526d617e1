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
  [/^must be a string$/, "must be text"],
  [/^must be (a number|an integer)$/, "must be a number"],
  [/^must be true or false$/, "must be yes or no"],
  [/^must be a decimal string such as "1200\.50", not a number$/, "must be an amount such as 1200.50"],
  [/^must be an RFC 3339 date-time with a UTC offset/, "must be a date and time with its offset from UTC, e.g. 2027-01-29T12:00:00+01:00"],
  [/^must not contain control characters/, "must not contain control characters"],
  [/^must be a whole amount without decimals for ISK$/, "must be a whole amount without decimals for ISK"],
  [/^must be a TED publication number such as "123456-2026"$/, "must be a TED publication number such as 123456-2026"],
  [/^must be a hashtag of letters, digits and _ \(at most 60, without #\)$/, "must be a hashtag of letters, digits and _ (at most 60, without #)"],
  [/^must be 1–30 lowercase letters, digits or _$/, "must be 1–30 lowercase letters, digits or _"],
  [/^must be a media type such as "application\/pdf"$/, "must be a media type such as application/pdf"],
  [/^must be an IANA time zone such as "Europe\/Berlin"$/, "must be a time zone such as Europe/Berlin"],
  [/^has an invalid format$/, "has an invalid format"],
  [/^is not a supported language tag/, "is not a supported language (use a code such as de, not de-AT)"],
  [/^is not an EEA country code/, "is not an EEA country code (GR for Greece)"],
  [/^is not an EEA currency \((?<list>[^)]+)\)$/, "is not an EEA currency ({{list}})"],
  [/^is not an allowed value$/, "is not an allowed value"],
  [/^must be ≥ (?<n>[-\d.]+)$/, "must be at least {{n}}"],
  [/^must be ≤ (?<n>[-\d.]+)$/, "must be at most {{n}}"],
  [/^needs at least one of: (?<list>.+)$/, "needs at least one of: {{list}}"],
  [/^does not match any of the allowed forms$/, "does not match any of the allowed forms"],
  [/^is required when (?<field>[\w.]+) is present$/, "is required when {{field}} is given"],
  [/^must be after enquiryPeriod\.start$/, "must be after the start of the question period"],
  [/^must not be before dateTime$/, "must not be before the date of the milestone"],
  [/^must not be before published$/, "must not be before the publication date"],
  [/^is already used by phase (?<n>\d+)$/, "is already used by phase {{n}}"],
  [/^rank (?<rank>\d+) is already given to prize (?<n>\d+)$/, "rank {{rank}} is already given to prize {{n}}"],
  [/^is not a code of the CPV 2008 main vocabulary/, "is not a code of the CPV 2008 main vocabulary"],
  [/^is not a CPV 2008 code \(no division (?<division>\d{2})\)$/, "is not a CPV 2008 code (no division {{division}})"],
  [/^must be one of the hub's languages \((?<list>[^)]+)\)$/, "must be one of the hub's languages ({{list}})"],
  [/^is not one of the hub's languages \((?<list>[^)]+)\)$/, "is not one of the hub's languages ({{list}})"],
  [/^must be the hub's country \((?<country>[A-Z]{2})\)$/, "must be the hub's country ({{country}})"],
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
