import fs from "node:fs";
import path from "node:path";
import type { FieldError } from "../../node/domain/errors";
import { CHALLENGE_STATUSES, type ChallengeStatus } from "../../node/domain/types";
import { languageMaps } from "../../node/domain/validation-rules";
import {
  ALLOWED_TRANSITIONS, checkTransition, isFinal, isPublic, validateChallenge, validateHub,
} from "../../node/domain/validation";

type Doc = Record<string, any>; // test documents are mutated freely; the validator sees `unknown`

const fixtures = path.join(__dirname, "..", "fixtures");
const load = (dir: string, file: string): Doc => JSON.parse(fs.readFileSync(path.join(fixtures, dir, file), "utf8"));
const challengeFiles = fs.readdirSync(path.join(fixtures, "challenges")).filter((f) => f.endsWith(".json")).sort();
const hubFiles = fs.readdirSync(path.join(fixtures, "hubs")).filter((f) => f.endsWith(".json")).sort();

const munich = () => load("challenges", "challenge-de-mobility.json");
const paris = () => load("challenges", "challenge-fr-health-pcp.json");
const munichHub = () => load("hubs", "hub-de-muenchen-mobil.json");

const pointers = (errors: FieldError[]) => errors.map((e) => e.pointer);

describe("the example documents of the domain model", () => {
  test("there are three challenge examples and one hub example", () => {
    expect(challengeFiles).toHaveLength(3);
    expect(hubFiles).toHaveLength(1);
  });

  test.each(challengeFiles)("challenge %s is valid", (file) => {
    expect(validateChallenge(load("challenges", file))).toEqual([]);
  });

  test.each(hubFiles)("hub %s is valid", (file) => {
    expect(validateHub(load("hubs", file))).toEqual([]);
  });
});

describe("challenge documents that must be rejected", () => {
  const longText = "ä".repeat(401);
  // [what is wrong, base document, mutation, pointer of the failing field, message pattern]
  const cases: [string, () => Doc, (d: Doc) => unknown, string, RegExp][] = [
    ["missing title", munich, (d) => delete d.title, "/title", /is required/],
    ["language key with region subtag", munich, (d) => (d.title["de-AT"] = "Titel"), "/title/de-AT", /language tag/],
    ["unknown language key", munich, (d) => (d.summary.xx = "?"), "/summary/xx", /language tag/],
    ["default language missing from a top-level map", munich, (d) => delete d.summary.de, "/summary", /default language "de"/],
    ["default language missing from a nested map", munich, (d) => delete d.milestones[0].title.de, "/milestones/0/title", /"de"/],
    ["default language missing from a buyer name", munich, (d) => (d.buyers[0].name = { en: "City of Munich" }), "/buyers/0/name", /"de"/],
    ["empty language map", munich, (d) => (d.title = {}), "/title", /at least one/],
    ["title longer than 400 characters", munich, (d) => (d.title.de = longText), "/title/de", /at most 400/],
    ["amount as a float", munich, (d) => (d.estimatedValue.amount = 120000.5), "/estimatedValue/amount", /decimal string/],
    ["amount with three decimals", munich, (d) => (d.estimatedValue.amount = "10.505"), "/estimatedValue/amount", /at most 2 decimals/],
    ["ISK with decimals", munich, (d) => (d.estimatedValue = { amount: "1000.50", currency: "ISK" }), "/estimatedValue/amount", /ISK/],
    ["non-EEA currency", munich, (d) => (d.prizes[0].amount.currency = "USD"), "/prizes/0/amount/currency", /EEA currency/],
    ["date-time without offset", munich, (d) => (d.submissionPeriod.end = "2027-01-29T12:00:00"), "/submissionPeriod/end", /offset/],
    ["submission start after end", munich, (d) => (d.submissionPeriod.start = "2027-02-01T09:00:00+01:00"), "/submissionPeriod/end", /after/],
    ["enquiry deadline after the submission deadline", munich, (d) => (d.enquiryPeriod.end = "2027-01-29T12:00:01+01:00"), "/enquiryPeriod/end", /deadline/],
    ["milestone ending before it starts", munich, (d) => (d.milestones[0].endTime = "2026-11-17T15:00:00+01:00"), "/milestones/0/endTime", /dateTime/],
    ["phase ending before it starts", paris, (d) => (d.phases[1].endDate = "2027-10-01"), "/phases/1/endDate", /startDate/],
    ["updated before published", munich, (d) => (d.updated = "2026-10-20T07:59:59Z"), "/updated", /published/],
    ["Greek NUTS code written with GR", munich, (d) => (d.placeOfPerformance = [{ country: "GR", nuts: "GR30" }]), "/placeOfPerformance/0/nuts", /EL/],
    ["NUTS code of another country", munich, (d) => (d.placeOfPerformance = [{ country: "GR", nuts: "DE212" }]), "/placeOfPerformance/0/nuts", /"EL"/],
    ["EL as a country code", munich, (d) => (d.placeOfPerformance = [{ country: "EL", nuts: "EL301" }]), "/placeOfPerformance/0/country", /GR for Greece/],
    ["NUTS code that does not exist", munich, (d) => (d.placeOfPerformance[0].nuts = "DE999"), "/placeOfPerformance/0/nuts", /NUTS 2024/],
    ["buyer NUTS outside the buyer's country", munich, (d) => (d.buyers[0].nuts = "AT130"), "/buyers/0/nuts", /"DE"/],
    ["place without country or EEA-wide scope", munich, (d) => (d.placeOfPerformance = [{ locality: "München" }]), "/placeOfPerformance/0/country", /scope/],
    ["latitude without longitude", munich, (d) => delete d.placeOfPerformance[0].longitude, "/placeOfPerformance/0/longitude", /latitude/],
    ["unknown focus area", munich, (d) => (d.focusAreas = ["mobility", "space"]), "/focusAreas/1", /must be one of/],
    ["more than six focus areas", munich, (d) => (d.focusAreas = ["mobility", "green", "digital", "health", "education", "other", "green"]), "/focusAreas", /at most 6/],
    ["duplicate focus area", munich, (d) => (d.focusAreas = ["green", "green"]), "/focusAreas/1", /duplicate/],
    ["no focus area", munich, (d) => (d.focusAreas = []), "/focusAreas", /at least one/],
    ["unknown top-level property", munich, (d) => (d.deadline = "2027-01-29"), "/deadline", /not a known property/],
    ["unknown nested property", munich, (d) => (d.placeOfPerformance[0].city = "München"), "/placeOfPerformance/0/city", /not a known property/],
    ["http instead of https", munich, (d) => (d.url = "http://de.challenges.example/challenges/x"), "/url", /https/],
    ["document link without scheme", munich, (d) => (d.documents[0].url = "files/brief.pdf"), "/documents/0/url", /URL/],
    ["CPV with check digit", munich, (d) => (d.cpv.main = "63712400-1"), "/cpv/main", /check digit/],
    ["CPV of an unknown division", munich, (d) => (d.cpv.additional[1] = "99000000"), "/cpv/additional/1", /division 99/],
    ["CPV code not in the CPV 2008 list", munich, (d) => (d.cpv.additional[1] = "72999999"), "/cpv/additional/1", /not a code of the CPV 2008 main vocabulary/],
    ["duplicate prize rank", munich, (d) => (d.prizes[2].rank = 1), "/prizes/2/rank", /rank 1/],
    ["prize with neither amount nor description", munich, (d) => (d.prizes[0] = { rank: 1 }), "/prizes/0", /amount, description/],
    ["changeLog not ending at the document revision", munich, (d) => (d.revision = 3), "/changeLog/0/revision", /revision \(3\)/],
    ["changeLog revisions not increasing", munich, (d) => {
      d.revision = 2;
      d.changeLog.push({ revision: 2, date: "2026-11-21T09:30:00+01:00", reason: "cor-buy" });
    }, "/changeLog/1/revision", /greater/],
    ["changeLog on a first revision", munich, (d) => (d.revision = 1), "/changeLog/0/revision", /revision 1/],
    ["change entry with revision 1", munich, (d) => (d.changeLog[0].revision = 1), "/changeLog/0/revision", /≥ 2/],
    ["change entry with an unknown reason", munich, (d) => (d.changeLog[0].reason = "typo"), "/changeLog/0/reason", /must be one of/],
    ["revision 0", munich, (d) => (d.revision = 0), "/revision", /≥ 1/],
    ["cancelled without statusReason", munich, (d) => (d.status = "cancelled"), "/statusReason", /cancelled/],
    ["suspended with a reason lacking the default language", munich, (d) => {
      d.status = "suspended";
      d.statusReason = { en: "Review procedure pending" };
    }, "/statusReason", /"de"/],
    ["awarded without outcome", munich, (d) => (d.status = "awarded"), "/outcome", /awarded/],
    ["unknown status", munich, (d) => (d.status = "archived"), "/status", /must be one of: draft/],
    ["open without submission period", munich, (d) => {
      delete d.submissionPeriod;
      delete d.enquiryPeriod;
    }, "/submissionPeriod", /draft/],
    ["open without publication date", munich, (d) => delete d.published, "/published", /draft/],
    ["malformed e-mail", munich, (d) => (d.contact.email = "challenge(at)muenchen.example"), "/contact/email", /e-mail/],
    ["malformed telephone number", munich, (d) => (d.contact.telephone = "089 1234567"), "/contact/telephone", /\+49/],
    ["contact with neither e-mail nor URL", munich, (d) => (d.contact = { name: "Team" }), "/contact", /email, url/],
    ["malformed TED notice id", paris, (d) => (d.relatedNotices = [{ scheme: "ted", id: "2026/S 123-456789" }]), "/relatedNotices/0/id", /TED/],
    ["hashtag with #", munich, (d) => (d.hashtags[0] = "#Lieferzonen"), "/hashtags/0", /without #/],
    ["image of an unsupported type", munich, (d) => (d.image.mediaType = "image/gif"), "/image/mediaType", /image\/webp/],
    ["schema version 2", munich, (d) => (d.schemaVersion = "2.0"), "/schemaVersion", /1\.x/],
    ["procedure id that is not a UUID v4", paris, (d) => (d.procedureId = "GHT-2026-01"), "/procedureId", /UUID/],
    ["extension key that is not an https URI", munich, (d) => (d.extensions = { myField: 1 }), "/extensions/myField", /https/],
    ["duplicate phase id", paris, (d) => (d.phases[2].id = "phase-1"), "/phases/2/id", /phase 0/],
  ];

  test("the table covers at least 25 kinds of mistakes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  test.each(cases)("%s", (_what, base, mutate, pointer, message) => {
    const doc = base();
    mutate(doc);
    const errors = validateChallenge(doc);
    const at = errors.filter((e) => e.pointer === pointer);
    if (at.length === 0) throw new Error(`no error at ${pointer}; got ${JSON.stringify(errors, null, 1)}`);
    expect(at.map((e) => e.message).join(" | ")).toMatch(message);
    // messages are written for people, not AJV internals
    for (const e of errors) expect(e.message).not.toMatch(/must match pattern|must NOT|must match "then"|allowed values/);
  });

  test("a missing alternative is reported once, not once per anyOf branch", () => {
    const doc = munich();
    doc.contact = { name: "Team" };
    expect(validateChallenge(doc)).toEqual([{ pointer: "/contact", message: "needs at least one of: email, url" }]);
  });

  test("a conditional requirement is reported without the if/then noise", () => {
    const doc = munich();
    doc.status = "cancelled";
    expect(validateChallenge(doc)).toEqual([{ pointer: "/statusReason", message: 'is required when status is "cancelled" or "suspended"' }]);
  });

  test("a date-time without offset is reported once, not also compared as local time", () => {
    const doc = munich();
    doc.enquiryPeriod.end = "2027-01-29T23:00:00";
    expect(validateChallenge(doc)).toEqual([
      { pointer: "/enquiryPeriod/end", message: "must be an RFC 3339 date-time with a UTC offset, e.g. 2027-01-29T12:00:00+01:00" },
    ]);
  });

  test("pointers escape ~ and / in property names (RFC 6901)", () => {
    const doc = munich();
    doc["a/b~c"] = 1;
    expect(pointers(validateChallenge(doc))).toContain("/a~1b~0c");
  });

  test("a document that is not an object is rejected at the root", () => {
    for (const doc of [null, 42, "challenge", []]) expect(pointers(validateChallenge(doc))).toEqual([""]);
  });
});

describe("challenge documents that must be accepted", () => {
  test("a draft needs no publication date, submission type or period", () => {
    const doc = munich();
    doc.status = "draft";
    doc.revision = 1;
    for (const k of ["published", "submissionType", "submissionPeriod", "enquiryPeriod", "changeLog"]) delete doc[k];
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("an EEA-wide place of performance needs no country", () => {
    const doc = munich();
    doc.placeOfPerformance = [{ scope: "anyw-eea" }];
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("Greek places use GR as country and EL in NUTS codes", () => {
    const doc = munich();
    doc.placeOfPerformance = [{ country: "GR", nuts: "EL301", locality: "Αθήνα" }];
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("a whole ISK amount is valid", () => {
    const doc = munich();
    doc.estimatedValue = { amount: "15000000", currency: "ISK" };
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("400 non-ASCII characters fit a 400-character title", () => {
    const doc = munich();
    doc.title.de = "ä".repeat(400);
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("offsets are compared as instants, not as text", () => {
    const doc = munich();
    // 12:00+01:00 = 11:00Z, so an enquiry end of 11:30+00:00 is after the deadline...
    doc.enquiryPeriod.end = "2027-01-29T11:30:00+00:00";
    expect(pointers(validateChallenge(doc))).toEqual(["/enquiryPeriod/end"]);
    // ...and 12:30+02:00 = 10:30Z is before it.
    doc.enquiryPeriod.end = "2027-01-29T12:30:00+02:00";
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("a cancelled challenge with a reason and an awarded one with an outcome are valid", () => {
    const cancelled = munich();
    cancelled.status = "cancelled";
    cancelled.statusReason = { de: "Haushaltsmittel gestrichen.", en: "Budget withdrawn." };
    expect(validateChallenge(cancelled)).toEqual([]);
    const awarded = munich();
    awarded.status = "awarded";
    awarded.outcome = { decisionDate: "2027-03-18", winners: [{ name: "Ladezone GmbH", country: "DE", sme: true, prizeRank: 1 }] };
    expect(validateChallenge(awarded)).toEqual([]);
  });

  test("http ids pass only when the caller allows it (test/demo mode)", () => {
    const doc = munich();
    doc.id = "http://127.0.0.1:8080/challenges/abc";
    doc.hub = "http://127.0.0.1:8080/hubs/muenchen-mobil";
    expect(pointers(validateChallenge(doc)).sort()).toEqual(["/hub", "/id"]);
    expect(validateChallenge(doc, { allowHttp: true })).toEqual([]);
    // the strict validator is not affected by the lax one
    expect(pointers(validateChallenge(doc))).toHaveLength(2);
  });
});

describe("language maps are found wherever the schema puts them", () => {
  test("nested maps of the Munich example are all checked", () => {
    const found = languageMaps("challenge", munich()).map(([p]) => p);
    for (const p of ["/title", "/summary", "/description", "/nonMonetaryRewards", "/followUp/description", "/buyers/0/name",
      "/milestones/1/title", "/documents/2/title", "/image/alt", "/changeLog/0/description"]) {
      expect(found).toContain(p);
    }
  });
});

describe("hub documents that must be rejected", () => {
  const cases: [string, (d: Doc) => unknown, string, RegExp][] = [
    ["missing name", (d) => delete d.name, "/name", /is required/],
    ["contact without e-mail", (d) => (d.contact = { url: "https://stadt.muenchen.example/kontakt" }), "/contact/email", /is required/],
    ["default language not among the languages", (d) => (d.languages = ["en"]), "/defaultLanguage", /hub's languages/],
    ["map in a language the hub does not publish in", (d) => (d.name.fr = "Bureau d'innovation"), "/name/fr", /hub's languages/],
    ["profile link label in an undeclared language", (d) => (d.profileLinks[0].label.it = "Portale"), "/profileLinks/0/label/it", /hub's languages/],
    ["map without the default language", (d) => delete d.summary.de, "/summary", /"de"/],
    ["region subtag in languages", (d) => d.languages.push("de-AT"), "/languages/2", /language tag/],
    ["NUTS code of another country", (d) => (d.nuts = ["AT130"]), "/nuts/0", /"DE"/],
    ["Greek hub with a GR NUTS code", (d) => {
      d.country = "GR";
      d.address.country = "GR";
      d.nuts = ["GR30"];
    }, "/nuts/0", /EL/],
    ["unknown NUTS code", (d) => (d.nuts = ["DE21Z"]), "/nuts/0", /NUTS/],
    ["address in another country", (d) => (d.address.country = "AT"), "/address/country", /DE/],
    ["handle with a hyphen", (d) => (d.preferredUsername = "muenchen-mobil"), "/preferredUsername", /lowercase/],
    ["unknown hub type", (d) => (d.hubType = "ministry"), "/hubType", /must be one of/],
    ["malformed time zone", (d) => (d.timeZone = "CET"), "/timeZone", /Europe\/Berlin/],
    ["http website", (d) => (d.website = "http://stadt.muenchen.example"), "/website", /https/],
    ["ActivityPub plumbing in the canonical document", (d) => (d.inbox = "https://de.challenges.example/inbox"), "/inbox", /not a known property/],
    ["member organisation NUTS outside its country", (d) => {
      d.memberOrganisations = [{ name: { de: "Stadtwerke" }, country: "DE", nuts: "FR101" }];
    }, "/memberOrganisations/0/nuts", /"DE"/],
    ["updated before published", (d) => (d.updated = "2026-01-01T00:00:00+01:00"), "/updated", /published/],
  ];

  test.each(cases)("%s", (_what, mutate, pointer, message) => {
    const doc = munichHub();
    mutate(doc);
    const errors = validateHub(doc);
    const at = errors.filter((e) => e.pointer === pointer);
    if (at.length === 0) throw new Error(`no error at ${pointer}; got ${JSON.stringify(errors, null, 1)}`);
    expect(at.map((e) => e.message).join(" | ")).toMatch(message);
  });

  test("a Greek hub with EL NUTS codes is valid", () => {
    const doc = munichHub();
    Object.assign(doc, { country: "GR", nuts: ["EL301", "EL30"], timeZone: "Europe/Athens" });
    doc.address = { locality: "Αθήνα", country: "GR" };
    expect(validateHub(doc)).toEqual([]);
  });
});

describe("challenge lifecycle", () => {
  const allowed: Record<ChallengeStatus, ChallengeStatus[]> = {
    draft: ["forthcoming", "open"],
    forthcoming: ["open", "cancelled"],
    open: ["closed", "cancelled", "suspended"],
    suspended: ["open", "closed", "cancelled"],
    closed: ["evaluation", "awarded", "unsuccessful", "cancelled", "open"],
    evaluation: ["awarded", "unsuccessful", "cancelled"],
    awarded: [],
    unsuccessful: [],
    cancelled: [],
  };
  const pairs = CHALLENGE_STATUSES.flatMap((from) => CHALLENGE_STATUSES.map((to) => [from, to] as const));

  test.each(pairs)("%s → %s", (from, to) => {
    expect(checkTransition(from, to)).toBe(from === to || allowed[from].includes(to));
  });

  test("the exported table is the one of domain-model §3.6", () => {
    expect(Object.fromEntries(Object.entries(ALLOWED_TRANSITIONS).map(([k, v]) => [k, [...v].sort()])))
      .toEqual(Object.fromEntries(Object.entries(allowed).map(([k, v]) => [k, [...v].sort()])));
  });

  test("a challenge can never go back to draft once public", () => {
    for (const s of CHALLENGE_STATUSES) if (s !== "draft") expect(checkTransition(s, "draft")).toBe(false);
  });

  test("everything but a draft is public; awarded, unsuccessful and cancelled are final", () => {
    expect(CHALLENGE_STATUSES.filter((s) => !isPublic(s))).toEqual(["draft"]);
    expect(CHALLENGE_STATUSES.filter(isFinal).sort()).toEqual(["awarded", "cancelled", "unsuccessful"]);
  });
});

describe("a document without status", () => {
  it("reports the missing status once, without the requirements that depend on a status", () => {
    const doc = munich();
    delete doc.status;
    expect(pointers(validateChallenge(doc))).toEqual(["/status"]);
  });
});

describe("control characters in text (issue 8: content stays honest)", () => {
  const CONTROL = "must not contain control characters (tab and line feed are allowed; use LF line endings)";
  const cases: [string, (d: Doc) => void, string][] = [
    ["a NUL in a title", (d) => { d.title.de = "Lieferzonen\u0000"; }, "/title/de"],
    ["an escape sequence in a summary", (d) => { d.summary.en = "Solutions \u001b[31mred\u001b[0m"; }, "/summary/en"],
    ["a carriage return in a description", (d) => { d.description.de = "Ziel\r\nWeniger"; }, "/description/de"],
    ["a C1 control in the contact name", (d) => { d.contact.name = "Team\u0085Mobil"; }, "/contact/name"],
    ["DEL in a place's locality", (d) => { d.placeOfPerformance[0].locality = "M\u007fnchen"; }, "/placeOfPerformance/0/locality"],
  ];
  test.each(cases)("refuses %s at its pointer", (_what, mutate, pointer) => {
    const doc = munich();
    doc.contact.name ??= "Team";
    mutate(doc);
    expect(validateChallenge(doc)).toContainEqual({ pointer, message: CONTROL });
  });

  test("keeps tabs, line feeds and every script's letters", () => {
    const doc = munich();
    doc.description.de = "## Ziel\n\tWeniger Falschparken — Ελληνικά, Ærø, Łódź, Īslands, 中文 ✓";
    expect(validateChallenge(doc)).toEqual([]);
  });

  test("refuses a control character in a hub's name", () => {
    const hub = munichHub();
    hub.name.de = "Mobilitäts\u0007hub";
    expect(validateHub(hub)).toContainEqual({ pointer: "/name/de", message: CONTROL });
  });
});
