// The HTML pages, against a real temporary SQLite store: what a browser user sees at "/",
// "/hubs/:handle" and "/challenges/:key", and what must never reach them (drafts, script).
import express from "express";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import type { Challenge, Hub } from "../../node/domain/types";
import { createPagesRouter } from "../../node/http/pages/router";
import { openStore } from "../../node/storage/open-store";
import type { StoredChallenge } from "../../node/domain/ports";
import type { Store } from "../../node/storage/store";
import { fixture } from "../support/documents";

const ORIGIN = "https://de.ipn.example";
const HUB_ID = `${ORIGIN}/hubs/muenchen_mobil`;
const FR_ORIGIN = "https://fr.ipn.example";

let dir: string;
let store: Store;
let app: express.Express;

function local(key: string, name: "challenge-de-mobility" | "challenge-fi-education-consultation" | "challenge-fr-health-pcp", patch: Partial<Challenge>, extra: Partial<StoredChallenge> = {}): StoredChallenge {
  const id = `${ORIGIN}/challenges/${key}`;
  const doc = { ...(fixture("challenges", name) as unknown as Challenge), id, url: id, hub: HUB_ID, ...patch };
  return { id, key, origin: ORIGIN, country: "DE", doc, version: 1, withdrawnAt: null, ...extra };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const period = (end: string) => ({ start: "2026-11-02T09:00:00+01:00", end });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-pages-"));
  store = await openStore({ url: `sqlite:${path.join(dir, "pages.db")}` });

  const hubDoc = { ...(fixture("hubs", "hub-de-muenchen-mobil") as unknown as Hub), id: HUB_ID };
  await store.hubs.insert({ handle: "muenchen_mobil", doc: hubDoc, tokenHash: "0".repeat(64) });

  const frId = `${FR_ORIGIN}/challenges/sante-pcp`;
  const fr = fixture("challenges", "challenge-fr-health-pcp") as unknown as Challenge;
  const challenges: StoredChallenge[] = [
    local("lieferzonen", "challenge-de-mobility", { submissionPeriod: period("2099-01-29T12:00:00+01:00"), published: "2026-10-20T10:00:00+02:00" }),
    local("espoo-oppiminen", "challenge-fi-education-consultation", {
      status: "forthcoming", submissionPeriod: { start: "2098-11-10T09:00:00+02:00", end: "2098-12-18T16:00:00+02:00" },
      published: "2026-10-21T10:00:00+02:00",
    }),
    local("abgeschlossen", "challenge-de-mobility", {
      status: "closed", title: { de: "Abgeschlossene Parkraum-Challenge" }, submissionPeriod: period("2026-01-10T12:00:00+01:00"),
    }),
    local("entwurf", "challenge-de-mobility", { status: "draft", title: { de: "Geheimer Entwurf" } }),
    local("zurueckgezogen", "challenge-de-mobility", { title: { de: "Zurückgezogene Challenge" } }, { withdrawnAt: "2026-11-25T10:15:00.000Z" }),
    local("feindlich", "challenge-de-mobility", {
      title: { de: "<script>alert(1)</script> Lieferdrohnen" },
      summary: { de: "Zusammenfassung \"mit\" <b>Tags</b>" },
      description: { de: "Siehe [x](javascript:alert(1)) und <img src=x onerror=alert(2)>\n\n[gut](https://example.org/ok)" },
      submissionUrl: "javascript:alert(3)",
      image: { url: "javascript:alert(4)", mediaType: "image/png" },
      submissionPeriod: period("2099-03-01T12:00:00+01:00"),
    }),
    local("bald", "challenge-de-mobility", { title: { de: "Bald endende Challenge" }, focusAreas: ["green"], submissionPeriod: period(new Date(Date.now() + 3 * DAY + HOUR).toISOString()) }),
    local("sante", "challenge-fr-health-pcp", { submissionPeriod: period(new Date(Date.now() + 40 * DAY + HOUR).toISOString()), enquiryPeriod: { end: new Date(Date.now() + 20 * DAY + HOUR).toISOString() } }),
    local("sante-attribue", "challenge-fr-health-pcp", {
      status: "awarded", title: { fr: "Défi attribué" }, submissionPeriod: period("2026-01-10T12:00:00+01:00"),
      outcome: { decisionDate: "2026-06-30", winners: [{ name: "Soins Connectés SAS", country: "FR", sme: true, phase: "phase-1", url: "https://soins.example" }] },
    }),
    {
      id: frId, key: null, origin: FR_ORIGIN, country: "FR", version: 1, withdrawnAt: null,
      doc: { ...fr, id: frId, url: frId, hub: `${FR_ORIGIN}/hubs/ght_seine`, submissionPeriod: period("2099-02-12T12:00:00+01:00") },
    },
  ];
  for (const c of challenges) await store.challenges.insert(c, null);

  app = express();
  app.set("query parser", "extended");
  app.use(createPagesRouter({ repos: store, origin: ORIGIN, nodeName: "IPN Deutschland", country: "DE" }));
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const DE_TITLE = "Intelligentes Lieferzonen-Management für die Münchner Altstadt";
const escapedAttr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function expectHtml(res: request.Response): void {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(res.headers.vary).toMatch(/\bAccept\b/);
  expect(res.text).not.toMatch(/<script/i);
  expect(res.text).not.toMatch(/<style/i);
  expect(res.text).not.toMatch(/\sstyle\s*=/i);
  // Hostile input may survive as visible text; it must never become a tag, an attribute or a link.
  expect(res.text).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(res.text).not.toMatch(/(href|src|content)\s*=\s*"\s*javascript:/i);
}

describe("listing at /", () => {
  test("shows published open and forthcoming challenges, nearest deadline first, never drafts or withdrawn ones", async () => {
    const res = await request(app).get("/").expect(200);
    expectHtml(res);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain("IPN Deutschland");
    expect(res.text).toContain(DE_TITLE);
    expect(res.text).toContain("Lieferdrohnen");
    // The Finnish fixture title, whatever it is exactly, is shown in Finnish (its default language).
    const fi = fixture("challenges", "challenge-fi-education-consultation") as unknown as Challenge;
    expect(res.text).toContain(escapedAttr(fi.title.fi!));
    expect(res.text).not.toContain("Geheimer Entwurf");
    expect(res.text).not.toContain("Zurückgezogene Challenge");
    expect(res.text).not.toContain("Abgeschlossene Parkraum-Challenge");
    const order = [fi.title.fi!, DE_TITLE, "Lieferdrohnen"].map((t) => res.text.indexOf(escapedAttr(t)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // Deadline as published (with its offset) and in UTC.
    expect(res.text).toContain("2099-01-29 12:00 UTC+01:00");
    expect(res.text).toContain("2099-01-29 11:00 UTC");
    // Who buys, by name, for local and mirrored challenges alike; the value a supplier scans for.
    expect(res.text).toContain('<span class="buyer"><span lang="de">Landeshauptstadt München – Mobilitätsreferat</span></span>');
    expect(res.text).toContain('<span class="buyer"><span lang="fr">Groupement hospitalier de territoire Seine-Centre</span></span>');
    expect(res.text).toContain('<p class="money" lang="en">Estimated value: €120,000.00</p>');
    // Closing within a week: a badge on the card; later deadlines say how long is left beside the date.
    expect(res.text).toMatch(/Bald endende Challenge[\s\S]*?<strong class="badge closing-soon">closes in 3 days<\/strong>/);
    expect(res.text).toMatch(/\(2099-01-29 11:00 UTC\)<\/span> · closes in \d+ days<\/p>/);
    expect(res.text).toContain('<form class="filters" method="get" action="/">');
    expect(res.text).toContain('<link rel="stylesheet" href="/static/ipn.css?v=');
    expect(res.text).toContain('href="/api/openapi.json"');
    expect(res.text).toContain('href="/schemas/challenge.json"');
  });

  test("filters narrow the listing and are kept in the form", async () => {
    const fr = await request(app).get("/?country=FR").expect(200);
    expect(fr.text).toContain("Groupement hospitalier de territoire Seine-Centre");
    expect(fr.text).not.toContain(DE_TITLE);
    expect(fr.text).toContain('<option value="FR" selected>');

    const edu = await request(app).get("/?focusArea=education").expect(200);
    expect(edu.text).not.toContain(DE_TITLE);
    expect(edu.text).not.toContain("Groupement hospitalier");
    expect(edu.text).toContain('<option value="education" selected>');

    const pcp = await request(app).get("/?instrument=pre-commercial-procurement").expect(200);
    expect(pcp.text).toContain("Groupement hospitalier de territoire Seine-Centre");
    expect(pcp.text).not.toContain(DE_TITLE);

    const text = await request(app).get("/").query({ q: "Lieferdrohnen" }).expect(200);
    expect(text.text).toContain("Lieferdrohnen");
    expect(text.text).not.toContain(DE_TITLE);
    expect(text.text).toContain('value="Lieferdrohnen"');

    const closed = await request(app).get("/?status=closed").expect(200);
    expect(closed.text).toContain("Abgeschlossene Parkraum-Challenge");
    expect(closed.text).not.toContain(DE_TITLE);
    expect(closed.text).toMatch(/value="closed" checked/);

    const window = await request(app).get("/?deadlineFrom=2099-01-01&deadlineTo=2099-02-01").expect(200);
    expect(window.text).toContain(DE_TITLE);
    expect(window.text).not.toContain("Lieferdrohnen");
    expect(window.text).not.toContain("Groupement hospitalier");
    expect(window.text).toContain('value="2099-02-01"');

    const none = await request(app).get("/?country=IS").expect(200);
    expect(none.text).toContain("No challenges match these filters.");
  });

  test("pages with a next-page link that carries the filters and a cursor", async () => {
    const first = await request(app).get("/?limit=1&focusArea=mobility").expect(200);
    const m = /<a rel="next" href="([^"]+)">/.exec(first.text);
    expect(m).not.toBeNull();
    const next = m![1]!.replace(/&amp;/g, "&");
    expect(next).toContain("cursor=");
    expect(next).toContain("focusArea=mobility");
    expect(first.text).toContain(DE_TITLE);
    const second = await request(app).get(next).expect(200);
    expect(second.text).toContain("Lieferdrohnen");
    expect(second.text).not.toContain(DE_TITLE);
  });

  test("bad filters get a 400 page naming each problem, not a 500", async () => {
    const res = await request(app).get("/?status=bogus&sort=sideways&deadlineFrom=yesterday").expect(400);
    expectHtml(res);
    expect(res.text).toContain("Invalid filters");
    expect(res.text).toContain("<code>status</code>");
    expect(res.text).toContain("<code>sort</code>");
    expect(res.text).toContain("<code>deadlineFrom</code>");
    expect(res.text).toContain("&quot;bogus&quot;");

    const cursor = await request(app).get("/?cursor=bm90LWEtY3Vyc29y").expect(400);
    expect(cursor.text).toContain("<code>cursor</code>");

    const hostile = await request(app).get("/").query({ status: "<script>alert(1)</script>" }).expect(400);
    expectHtml(hostile);
    expect(hostile.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("challenge page", () => {
  test("shows the full challenge with alternate link and OpenGraph tags", async () => {
    const res = await request(app).get("/challenges/lieferzonen").expect(200);
    expectHtml(res);
    const id = `${ORIGIN}/challenges/lieferzonen`;
    expect(res.text).toContain(`<h1>${DE_TITLE}</h1>`);
    expect(res.text).toContain(`<link rel="alternate" type="application/activity+json" href="${id}">`);
    expect(res.text).toContain(`<meta property="og:title" content="${DE_TITLE}">`);
    expect(res.text).toMatch(/<meta property="og:description" content="Gesucht werden Lösungen/);
    expect(res.text).toContain(`<meta property="og:url" content="${id}?hl=en">`);
    expect(res.text).toContain(`<link rel="canonical" href="${id}?hl=en">`);
    expect(res.text).toContain('<meta property="og:type" content="article">');
    expect(res.text).toContain('<meta property="og:image" content="https://de.challenges.example/media/lieferzonen.webp">');
    expect(res.text).toMatch(/<span class="status status-open">Open<\/span>/);
    // Markdown rendered below the page's own headings.
    expect(res.text).toContain("<h3>Ausgangslage</h3>");
    expect(res.text).toContain("<li>keine Speicherung personenbezogener Bilddaten</li>");
    // Key facts.
    expect(res.text).toContain("€120,000.00");
    expect(res.text).toContain("€25,000.00");
    // CPV codes with their official label in the page's language.
    expect(res.text).toContain('<li><code>63712400</code> <span lang="de">Betrieb von Parkplätzen und Parkhäusern</span></li>');
    // NUTS regions with their official name (not translated: Eurostat publishes one name per region).
    expect(res.text).toContain("NUTS <code>DE212</code> München, Kreisfreie Stadt");
    // The country in the language the challenge is read in.
    expect(res.text).toMatch(/Deutschland, NUTS <code>DE212<\/code>/);
    expect(res.text).toContain("Challenge prize");
    expect(res.text).toContain('href="https://vergabe.muenchen.example/challenges/lieferzonen"');
    expect(res.text).toContain('href="mailto:challenge@muenchen-mobil.example"');
    expect(res.text).toContain(`href="${ORIGIN}/hubs/muenchen_mobil"`);
    expect(res.text).toContain("2099-01-29 12:00 UTC+01:00");
    expect(res.text).toContain("(2099-01-29 11:00 UTC)");
    // Documents, milestones, change log, revision.
    expect(res.text).toContain('href="https://de.challenges.example/files/lieferzonen/faq.pdf"');
    expect(res.text).toContain("Online-Infoveranstaltung");
    expect(res.text).toContain("Antworten auf Bieterfragen ergänzt.");
    expect(res.text).toContain("Revision 2");
    // Language switch among the document's languages.
    expect(res.text).toContain('href="?lang=en"');
  });

  test("puts where, how and by when to take part at the top, with the time left", async () => {
    const res = await request(app).get("/challenges/sante").expect(200);
    expectHtml(res);
    const cta = /<section class="cta" aria-labelledby="take-part" lang="en">([\s\S]*?)<\/section>/.exec(res.text)![1]!;
    expect(cta).toContain('<h2 id="take-part">How to take part</h2>');
    expect(cta).toMatch(/<dt>Deadline<\/dt><dd><time datetime="[^"]+">[^<]+<\/time>( <span class="utc">[^<]+<\/span>)? <strong class="time-left">closes in 40 days<\/strong><\/dd>/);
    expect(cta).toMatch(/<dt>Enquiry deadline<\/dt><dd>.*\(closes in 20 days\)<\/dd>/);
    expect(cta).toContain("<dt>Submission type</dt><dd>Tender</dd>");
    expect(cta).toContain('<a class="button" href="https://marches.ght-seine-centre.example/consultation/2026-PCP-01" rel="nofollow noopener">Go to the submission site</a>');
    // The call to action comes before the key facts.
    expect(res.text.indexOf('class="cta"')).toBeLessThan(res.text.indexOf('class="facts"'));
  });

  test("shows every published field: phases with budgets, eligibility, funding, follow-up, contract, notices, procedure", async () => {
    const res = await request(app).get("/challenges/sante").expect(200);
    expect(res.text).toContain("<h2>Phases</h2>");
    expect(res.text).toMatch(/<strong><span lang="fr">Phase 1 – Conception de la solution<\/span><\/strong> <span class="meta">\(2027-05-03 to 2027-08-31 · Budget: €300,000.00 · up to 5 participants\)<\/span>/);
    expect(res.text).toContain('<tr><th scope="row">Who can apply</th><td>Start-up, SME, Large enterprise, Research organisation, Consortium</td></tr>');
    expect(res.text).toContain('<tr><th scope="row">Contract period</th><td>2027-05-03 to 2029-04-30</td></tr>');
    expect(res.text).toMatch(/<tr><th scope="row">Follow-up<\/th><td>None planned<\/td><\/tr>/);
    expect(res.text).toContain("<li>Horizon Europe</li>");
    expect(res.text).toContain('<a href="https://annonces.example.fr/avis/26-123456" rel="nofollow noopener">National 26-123456</a>');
    expect(res.text).toMatch(/<tr><th scope="row">Procedure<\/th><td>[^<]+<\/td><\/tr>/);
    expect(res.text).toContain('<tr><th scope="row">Type of contract</th><td>Services</td></tr>');
    expect(res.text).toContain("€2,400,000.00");
  });

  test("records the outcome of an awarded challenge, and offers no submission any more", async () => {
    const res = await request(app).get("/challenges/sante-attribue").expect(200);
    expect(res.text).toContain("<h2>Outcome</h2>");
    expect(res.text).toContain("Decision date: 2026-06-30");
    expect(res.text).toMatch(/<a href="https:\/\/soins.example\/" rel="nofollow noopener">Soins Connectés SAS<\/a> <span class="meta">\(France · SME · Phase 1 – Conception de la solution\)<\/span>/);
    expect(res.text).not.toContain('class="button"');
    expect(res.text).not.toContain("closes in");
  });

  test("?lang picks another language of the document; unknown languages fall back to the default", async () => {
    const en = await request(app).get("/challenges/lieferzonen?lang=en").expect(200);
    expect(en.text).toContain("<h1>Smart loading-zone management for Munich&#39;s old town</h1>");
    expect(en.text).toContain("<h3>Background</h3>");
    expect(en.text).toContain('<article class="challenge" lang="en">');
    const xx = await request(app).get("/challenges/lieferzonen?lang=xx").expect(200);
    expect(xx.text).toContain(`<h1>${DE_TITLE}</h1>`);
  });

  test("hostile text is escaped and hostile links and markup are removed", async () => {
    const res = await request(app).get("/challenges/feindlich").expect(200);
    expectHtml(res);
    expect(res.text).toContain("<h1>&lt;script&gt;alert(1)&lt;/script&gt; Lieferdrohnen</h1>");
    expect(res.text).toContain('content="&lt;script&gt;alert(1)&lt;/script&gt; Lieferdrohnen"');
    expect(res.text).toContain("Zusammenfassung &quot;mit&quot; &lt;b&gt;Tags&lt;/b&gt;");
    expect(res.text).not.toMatch(/<a [^>]*javascript:/i);
    expect(res.text).not.toMatch(/<img/i);
    expect(res.text).toContain("&lt;img src=x onerror=alert(2)&gt;");
    expect(res.text).not.toContain("og:image");
    expect(res.text).toContain('<a href="https://example.org/ok" rel="nofollow noopener noreferrer ugc">gut</a>');

    const listing = await request(app).get("/?q=Lieferdrohnen").expect(200);
    expectHtml(listing);
    expect(listing.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Lieferdrohnen");
  });

  test("shows a mirrored challenge from this node's copy, canonical at its origin, and links cards to it", async () => {
    const listing = await request(app).get("/?country=FR").expect(200);
    expect(listing.text).toContain('<h2 class="card-title"><a href="/mirror/fr.ipn.example/sante-pcp">');
    const res = await request(app).get("/mirror/fr.ipn.example/sante-pcp").expect(200);
    expectHtml(res);
    expect(res.text).toContain(`<link rel="canonical" href="${FR_ORIGIN}/challenges/sante-pcp">`);
    expect(res.text).not.toContain('<link rel="alternate" hreflang=');
    expect(res.text).toContain(`<p class="mirrored" lang="en">A copy kept on this node of a challenge published on fr.ipn.example. <a href="${FR_ORIGIN}/challenges/sante-pcp">See the original page</a></p>`);
    expect(res.text).toContain("<h2>Phases</h2>");
    // Only mirrored challenges, only well-formed addresses.
    for (const bad of ["/mirror/de.ipn.example/lieferzonen", "/mirror/fr.ipn.example/nope", "/mirror/evil%2Fexample/sante-pcp", "/mirror/fr.ipn.example@evil/sante-pcp"]) {
      expect([bad, (await request(app).get(bad)).status]).toEqual([bad, 404]);
    }
  });

  test("drafts and unknown keys are 404, withdrawn challenges 410, mirrored ones are not served here", async () => {
    const draft = await request(app).get("/challenges/entwurf").expect(404);
    expectHtml(draft);
    expect(draft.text).not.toContain("Geheimer Entwurf");

    await request(app).get("/challenges/gibt-es-nicht").expect(404);
    await request(app).get("/challenges/sante-pcp").expect(404);

    const gone = await request(app).get("/challenges/zurueckgezogen").expect(410);
    expectHtml(gone);
    expect(gone.text).toContain("This challenge was withdrawn on");
    expect(gone.text).toContain("2026-11-25 10:15 UTC");
    expect(gone.text).not.toContain("Zurückgezogene Challenge");
  });
});

describe("hub page", () => {
  test("shows the hub, its fediverse handle and all its public challenges", async () => {
    const res = await request(app).get("/hubs/muenchen_mobil").expect(200);
    expectHtml(res);
    // Its name in the reader's language where the hub gives one, else in the hub's own.
    expect(res.text).toContain('<h1 lang="en">Munich Mobility Innovation Office</h1>');
    const german = await request(app).get("/hubs/muenchen_mobil").set("Accept-Language", "de").expect(200);
    expect(german.text).toContain("<h1>Innovationsstelle Mobilität München</h1>");
    const finnish = await request(app).get("/hubs/muenchen_mobil").set("Accept-Language", "fi").expect(200);
    expect(finnish.text).toContain("<h1>Innovationsstelle Mobilität München</h1>");
    expect(res.text).toContain("@muenchen_mobil@de.ipn.example");
    expect(res.text).toMatch(/Follow from your Mastodon, Misskey or GoToSocial account/);
    expect(res.text).toContain(`<link rel="alternate" type="application/activity+json" href="${HUB_ID}">`);
    expect(res.text).toContain('href="https://stadt.muenchen.example/mobilitaet/innovation"');
    expect(res.text).toContain('href="mailto:challenge@muenchen-mobil.example"');
    expect(res.text).toContain("Germany");
    expect(res.text).toContain(DE_TITLE);
    expect(res.text).toContain("Abgeschlossene Parkraum-Challenge");
    expect(res.text).not.toContain("Geheimer Entwurf");
    expect(res.text).not.toContain("Zurückgezogene Challenge");
    expect(res.text).not.toContain("@ght_seine@");
  });

  test("unknown hubs are 404", async () => {
    const res = await request(app).get("/hubs/niemand").expect(404);
    expectHtml(res);
  });
});

test("the stylesheet is served as CSS with a long cache lifetime", async () => {
  const res = await request(app).get("/static/ipn.css").expect(200);
  expect(res.headers["content-type"]).toBe("text/css; charset=utf-8");
  expect(res.headers["cache-control"]).toContain("max-age=31536000");
  expect(res.text).toContain(".card");
});

describe("hashtag links", () => {
  it("turns a focus-area tag into that filter, a country tag into the country filter and any other tag into a search", async () => {
    const focus = await request(app).get("/tags/mobility");
    expect([focus.status, focus.headers.location]).toEqual([302, "/?focusArea=mobility"]);
    const country = await request(app).get("/tags/de");
    expect([country.status, country.headers.location]).toEqual([302, "/?country=DE"]);
    const other = await request(app).get("/tags/Lieferzonen");
    expect([other.status, other.headers.location]).toEqual([302, "/?q=Lieferzonen"]);
    // Two letters are a country only when they are an EEA country: #KI (German for AI) is a search.
    const ki = await request(app).get("/tags/KI");
    expect([ki.status, ki.headers.location]).toEqual([302, "/?q=KI"]);
    // The instrument tag every post carries leads to the instrument filter.
    const instrument = await request(app).get("/tags/precommercialprocurement");
    expect([instrument.status, instrument.headers.location]).toEqual([302, "/?instrument=pre-commercial-procurement"]);
    expect((await request(app).get(instrument.headers.location!)).status).toBe(200);
    const followed = await request(app).get(focus.headers.location!);
    expect(followed.status).toBe(200);
    expect(followed.text).toContain(DE_TITLE);
  });
});

describe("site navigation and Follow & feeds", () => {
  test("every page names the site's sections and marks the one it belongs to", async () => {
    const sections = (html: string) => [...html.matchAll(/<nav class="site-nav" aria-label="Sections"><ul>(.*?)<\/ul><\/nav>/gs)].map((m) => m[1]!);
    const home = await request(app).get("/").expect(200);
    const [nav] = sections(home.text);
    for (const [href, text] of [["/", "Challenges"], ["/hubs", "Hubs"], ["/feeds", "Follow &amp; feeds"], ["/map", "Map"], ["/peers", "Network status"], ["/api/openapi.json", "API"]]) {
      expect(nav).toMatch(new RegExp(`<a href="${href}"[^>]*>${text}</a>`));
    }
    expect(nav).toContain('<a href="/" aria-current="page">Challenges</a>');
    const hub = await request(app).get("/hubs/muenchen_mobil").expect(200);
    expect(sections(hub.text)[0]).toContain('<a href="/hubs" aria-current="page">Hubs</a>');
    const german = await request(app).get("/feeds").set("Accept-Language", "de").expect(200);
    expect(german.text).toContain('<a href="/feeds" aria-current="page">Folgen &amp; Feeds</a>');
    const missing = await request(app).get("/no-such-page").set("Accept", "text/html").expect(404);
    expect(missing.text).toContain('class="site-nav"');
  });

  test("Follow & feeds on a national node: the node's feeds and calendar, and each hub's fediverse account", async () => {
    const res = await request(app).get("/feeds").expect(200);
    expectHtml(res);
    expect(res.text).toContain("<h1>Follow &amp; feeds</h1>");
    for (const href of ["/feed.atom", "/feed.rss", "/feed.json", "/calendar.ics"]) expect(res.text).toContain(`href="${href}"`);
    expect(res.text).toContain('<a href="/hubs/muenchen_mobil"');
    expect(res.text).toContain("@muenchen_mobil@de.ipn.example");
    // The aggregator's topic and country accounts are only listed where they exist.
    expect(res.text).not.toContain("By focus area");
  });
});
