// The challenge → Note mapping as Mastodon users will see it (mastodon-interop items 17–21).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Hashtag, Link } from "@fedify/vocab";
import type { Challenge } from "../../node/domain/types";
import { challengeToNote, challengeToTombstone } from "../../federation/challenge-note";
import { formatMoney } from "../../federation/challenge-digest";

const ORIGIN = "https://de.challenges.example";
const FOLLOWERS = `${ORIGIN}/hubs/muenchen-mobil/followers`;
const fixture = (name: string): Challenge =>
  JSON.parse(readFileSync(join(__dirname, "../fixtures/challenges", `${name}.json`), "utf8")) as Challenge;

async function noteJson(doc: Challenge): Promise<Record<string, unknown>> {
  const note = challengeToNote(doc, { origin: ORIGIN, hubFollowersUri: FOLLOWERS, country: "DE" });
  return (await note.toJsonLd({ format: "compact" })) as Record<string, unknown>;
}

const ALLOWED_TAGS = new Set(["p", "br", "a", "strong", "em", "ul", "ol", "li", "span"]);
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const tagsIn = (html: string) => [...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]!.toLowerCase());

describe.each(["challenge-de-mobility", "challenge-fr-health-pcp", "challenge-fi-education-consultation"])("%s as a Note", (name) => {
  const doc = fixture(name);

  it("is a Note without summary or name (no content warning anywhere)", async () => {
    const json = await noteJson(doc);
    expect(json.type).toBe("Note");
    expect(json).not.toHaveProperty("summary");
    expect(json).not.toHaveProperty("summaryMap");
    expect(json).not.toHaveProperty("name");
    expect(json).not.toHaveProperty("nameMap");
    expect(json.sensitive).toBe(false);
  });

  it("addresses the public and the hub's followers, attributed to the hub", async () => {
    const json = await noteJson(doc);
    expect(json.id).toBe(doc.id);
    expect(json.url).toBe(doc.url);
    expect(json.attributedTo).toBe(doc.hub);
    expect(["as:Public", "https://www.w3.org/ns/activitystreams#Public"]).toContain(json.to);
    expect(json.cc).toBe(FOLLOWERS);
    expect(json.published).toBe(Temporal.Instant.from(doc.published!).toString());
    // `updated` only after a change: GoToSocial and Mastodon show any `updated` as "edited".
    if (doc.revision > 1) expect(json.updated).toBe(Temporal.Instant.from(doc.updated).toString());
    else expect(json).not.toHaveProperty("updated");
  });

  it("has no `updated` while it is at its first revision", async () => {
    const json = await noteJson({ ...doc, revision: 1, updated: doc.published! });
    expect(json).not.toHaveProperty("updated");
    expect(json.published).toBe(Temporal.Instant.from(doc.published!).toString());
  });

  it("has a contentMap with the default language first and content in that language", async () => {
    const json = await noteJson(doc);
    const map = json.contentMap as Record<string, string>;
    expect(Object.keys(map)[0]).toBe(doc.defaultLanguage);
    expect(Object.keys(map).sort()).toEqual(Object.keys(doc.title).sort());
    expect(json.content).toBe(map[doc.defaultLanguage]);
    for (const [lang, html] of Object.entries(map)) {
      expect(html).toContain(doc.title[lang as keyof typeof doc.title]!.replace(/&/g, "&amp;").replace(/'/g, "&#39;"));
    }
  });

  it("uses only HTML that Mastodon keeps, and stays short", async () => {
    const json = await noteJson(doc);
    for (const html of Object.values(json.contentMap as Record<string, string>)) {
      for (const tag of tagsIn(html)) expect(ALLOWED_TAGS).toContain(tag);
      const lines = html.split(/<br>|<\/p>|<\/li>/).length;
      expect(lines).toBeLessThanOrEqual(30);
    }
  });

  it("links the page first, then the canonical JSON document", async () => {
    const note = challengeToNote(doc, { origin: ORIGIN, hubFollowersUri: FOLLOWERS });
    const links = await collect(note.getAttachments());
    expect(links).toHaveLength(2);
    const [page, canonical] = links as Link[];
    expect(page).toBeInstanceOf(Link);
    expect(page!.href?.href).toBe(doc.url);
    expect(page!.mediaType).toBe("text/html");
    expect(canonical!.rels).toEqual(["alternate"]);
    expect(canonical!.mediaType).toBe("application/json");
    expect(canonical!.href?.href).toBe(`${ORIGIN}/api/v1/challenges/${doc.id.split("/").pop()}`);
  });

  it("tags focus areas, country and instrument as hashtags without hyphens", async () => {
    const note = challengeToNote(doc, { origin: ORIGIN, hubFollowersUri: FOLLOWERS, country: "DE" });
    const tags = (await collect(note.getTags())) as Hashtag[];
    const names = tags.map((t) => t.name?.toString());
    for (const area of doc.focusAreas) expect(names).toContain(`#${area}`);
    expect(names).toContain(`#${doc.instrument.replace(/-/g, "")}`);
    for (const n of names) expect(n).not.toMatch(/-/);
    for (const t of tags) expect(t.href?.href.startsWith(`${ORIGIN}/tags/`)).toBe(true);
  });
});

describe("digest content", () => {
  const base = fixture("challenge-de-mobility");

  it("escapes hostile text from the document", async () => {
    const doc: Challenge = { ...base, title: { ...base.title, de: '<script>alert("x")</script> & more' } };
    const json = await noteJson(doc);
    const content = json.content as string;
    expect(content).not.toContain("<script>");
    expect(content).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more");
  });

  it("never turns javascript: document URLs into links", async () => {
    const doc: Challenge = { ...base, documents: [{ url: "javascript:alert(1)", title: { de: "Böse" }, documentType: "other" }] };
    const content = (await noteJson(doc)).content as string;
    expect(content).not.toContain("javascript:");
  });

  it("shows deadline, budget, prizes and document links", async () => {
    const content = (await noteJson(base)).content as string;
    expect(content).toContain("Deadline: 2027-01-29 12:00 (UTC+01:00)");
    expect(content).toContain("Budget: EUR 120,000");
    expect(content).toContain("Prizes: EUR 25,000 · EUR 10,000 · EUR 5,000");
    expect(content).toContain('<li><a href="https://de.challenges.example/files/lieferzonen/challenge-brief-de.pdf">Aufgabenbeschreibung (PDF)</a></li>');
    expect(content).toContain("Full challenge &amp; how to apply");
    expect(content.startsWith("<p><strong>")).toBe(true); // open: title first, no status line
  });

  it("puts a status line at the top when closed", async () => {
    const content = (await noteJson({ ...base, status: "closed" })).content as string;
    expect(content.startsWith("<p><strong>CLOSED</strong> — submissions ended 2027-01-29 12:00 (UTC+01:00)</p>")).toBe(true);
  });

  it("puts the reason of a cancellation at the top", async () => {
    const content = (await noteJson({ ...base, status: "cancelled", statusReason: { de: "Budget <gestrichen>", en: "Budget cut" } })).content as string;
    expect(content.startsWith("<p><strong>CANCELLED:</strong> Budget &lt;gestrichen&gt;</p>")).toBe(true);
  });

  it("announces when a forthcoming challenge opens", async () => {
    const content = (await noteJson({ ...base, status: "forthcoming" })).content as string;
    expect(content.startsWith("<p><strong>FORTHCOMING</strong> — opens 2026-11-02 09:00 (UTC+01:00)</p>")).toBe(true);
  });

  it("formats money exactly, with its currency", () => {
    expect(formatMoney({ amount: "1234567.50", currency: "SEK" })).toBe("SEK 1,234,567.50");
    expect(formatMoney({ amount: "900", currency: "EUR" })).toBe("EUR 900");
  });
});

describe("challengeToTombstone", () => {
  it("keeps the id and records the former type and deletion time", async () => {
    const doc = fixture("challenge-de-mobility");
    const json = (await challengeToTombstone(doc, "2027-02-01T10:00:00Z").toJsonLd()) as Record<string, unknown>;
    expect(json).toMatchObject({ type: "Tombstone", id: doc.id, deleted: "2027-02-01T10:00:00Z" });
    expect(String(json.formerType)).toMatch(/Note$/);
  });
});
