// The repository contract every store must meet (SQLite now, MongoDB later): call
// describeStoreContract from a *.test.ts file with a factory that gives a fresh, empty store.
import { DuplicateError, initialSyncState, InvalidCursorError, type ListingQuery, type StoredChallenge } from "../../node/domain/ports";
import type { ChallengeStatus, Hub } from "../../node/domain/types";
import type { Store } from "../../node/storage/store";
import { listingFacets } from "../../node/storage/listing-facets";
import { withoutFacet } from "../../node/domain/listing-facets";
import { activityFor, fixtures, hubId, sampleChallenge } from "./sample-challenge";

export type StoreFactory = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

const ids = (items: { id: string }[]) => items.map((c) => c.id);

export interface StoreTraits {
  /**
   * Whether the facet counts of an unfiltered listing follow every write at once (SQLite keeps them
   * counted). Otherwise they may be up to FACET_MAX_STALE_MS old (MongoDB recounts at most once a minute).
   */
  facetsFollowWrites: boolean;
}

export function describeStoreContract(name: string, factory: StoreFactory, traits: StoreTraits): void {
  describe(`${name}: repositories`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => { ({ store, cleanup } = await factory()); });
    afterEach(async () => { await cleanup(); });

    /** Inserts and returns the challenges, in order. */
    const put = async (...cs: StoredChallenge[]) => { for (const c of cs) await store.challenges.insert(c, null); return cs; };
    const list = async (q: Partial<ListingQuery> = {}) => (await store.challenges.list({ limit: 100, ...q })).items;
    /** Walks every page and returns all ids in the order served. */
    const walk = async (q: Partial<ListingQuery>, limit: number) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 1000; i++) {
        const page = await store.challenges.list({ ...q, limit, cursor });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page.items));
        if (!page.nextCursor) return seen;
        cursor = page.nextCursor;
      }
      throw new Error("pagination does not end");
    };

    describe("challenges: writes", () => {
      it("stores a challenge and returns it unchanged by id and by key", async () => {
        expect(fixtures.length).toBeGreaterThan(0);
        for (let t = 0; t < fixtures.length; t++) {
          const c = sampleChallenge({ template: t });
          await store.challenges.insert(c, null);
          expect(await store.challenges.getById(c.id)).toEqual(c);
          expect(await store.challenges.getByKey(c.key!)).toEqual(c);
        }
        expect(await store.challenges.getById("https://de.ipn.test/challenges/none")).toBeNull();
        expect(await store.challenges.getByKey("none")).toBeNull();
      });

      it("reads many challenges by key in one call: those that exist, drafts too, never a mirrored one", async () => {
        const a = sampleChallenge();
        const b = sampleChallenge({ status: "draft" });
        const mirrored = sampleChallenge({ key: null, origin: "https://fr.ipn.test", country: "FR" });
        for (const c of [a, b, mirrored]) await store.challenges.insert(c, null);
        const keys = (list: StoredChallenge[]) => list.map((c) => c.key).sort();
        expect(keys(await store.challenges.getManyByKeys([b.key!, "none", a.key!, a.key!]))).toEqual([a.key, b.key].sort());
        expect(await store.challenges.getManyByKeys([a.key!])).toEqual([a]);
        expect(await store.challenges.getManyByKeys(["none", "", "x\"y'z"])).toEqual([]);
        expect(await store.challenges.getManyByKeys([])).toEqual([]);
      });

      it("stores a mirrored challenge without a key", async () => {
        const c = sampleChallenge({ key: null, origin: "https://fr.ipn.test", country: "FR" });
        await store.challenges.insert(c, null);
        expect(await store.challenges.getById(c.id)).toEqual(c);
        const other = sampleChallenge({ key: null, origin: "https://fr.ipn.test", country: "FR" });
        await store.challenges.insert(other, null); // several keyless challenges coexist
        expect(await store.challenges.getById(other.id)).toEqual(other);
      });

      it("rejects a duplicate id or key with DuplicateError and stores nothing of the second write", async () => {
        const c = sampleChallenge();
        await store.challenges.insert(c, activityFor(c));
        const sameId = { ...sampleChallenge(), id: c.id };
        const act1 = activityFor(sameId);
        await expect(store.challenges.insert(sameId, act1)).rejects.toBeInstanceOf(DuplicateError);
        const sameKey = sampleChallenge({ key: c.key });
        const sameKeyWithOtherId = { ...sameKey, id: `${c.id}-other`, doc: { ...sameKey.doc, id: `${c.id}-other` } };
        const act2 = activityFor(sameKeyWithOtherId);
        await expect(store.challenges.insert(sameKeyWithOtherId, act2)).rejects.toBeInstanceOf(DuplicateError);
        expect(await store.challenges.getById(c.id)).toEqual(c);
        expect(await store.challenges.getById(sameKeyWithOtherId.id)).toBeNull();
        expect(await store.activities.get(act1.id)).toBeNull();
        expect(await store.activities.get(act2.id)).toBeNull();
      });

      it("writes the challenge and its activity atomically: a failing activity stores neither", async () => {
        const a = sampleChallenge();
        const create = activityFor(a);
        await store.challenges.insert(a, create);
        expect(await store.activities.get(create.id)).toEqual(create);
        expect(ids(await store.activities.pending(10))).toEqual([create.id]);

        const b = sampleChallenge();
        await expect(store.challenges.insert(b, { ...activityFor(b), id: create.id })).rejects.toBeInstanceOf(DuplicateError);
        expect(await store.challenges.getById(b.id)).toBeNull();
        expect(await list()).toHaveLength(1);
      });

      it("updates only from the expected version; a stale version changes nothing", async () => {
        const c = sampleChallenge({ title: { en: "Original title" } });
        await store.challenges.insert(c, activityFor(c));
        const next: StoredChallenge = { ...c, version: 2, doc: { ...c.doc, revision: 2, title: { en: "Edited title" }, status: "closed" } };
        const update = activityFor(next, "Update");
        expect(await store.challenges.update(next, 1, update)).toBe(true);
        expect(await store.challenges.getByKey(c.key!)).toEqual(next);
        expect(await store.activities.get(update.id)).toEqual(update);

        const stale: StoredChallenge = { ...c, version: 2, doc: { ...c.doc, title: { en: "Lost edit" } } };
        const lost = activityFor(stale, "Update");
        expect(await store.challenges.update(stale, 1, lost)).toBe(false);
        expect(await store.challenges.getById(c.id)).toEqual(next);
        expect(await store.activities.get(lost.id)).toBeNull();
        // The listing follows the update: closed now, no longer found by its old title.
        expect(ids(await list({ status: ["closed"], q: "edited" }))).toEqual([c.id]);
        expect(await list({ q: "original" })).toEqual([]);
      });

      it("does not update a challenge that does not exist", async () => {
        const c = sampleChallenge();
        expect(await store.challenges.update({ ...c, version: 2 }, 1, null)).toBe(false);
        expect(await store.challenges.getById(c.id)).toBeNull();
      });

      it("keeps a withdrawn challenge readable but out of the listing", async () => {
        const c = sampleChallenge();
        await put(c);
        const withdrawn = { ...c, version: 2, withdrawnAt: "2026-12-01T10:00:00.000Z" };
        expect(await store.challenges.update(withdrawn, 1, activityFor(c, "Delete"))).toBe(true);
        expect(await store.challenges.getById(c.id)).toEqual(withdrawn);
        expect(await list({ status: ["open", "forthcoming", "closed"] })).toEqual([]);
      });
    });

    describe("challenges: listing", () => {
      // A small world: three hubs in three countries, every status, drafts and a withdrawn one.
      const world = () => ({
        munich: sampleChallenge({ hub: "muenchen", country: "DE", status: "open", instrument: "challenge-prize", focusAreas: ["mobility", "green"], places: ["DE"], deadline: "2027-01-10T12:00:00Z", published: "2026-10-01T10:00:00Z" }),
        paris: sampleChallenge({ hub: "paris", country: "FR", status: "forthcoming", instrument: "pre-commercial-procurement", focusAreas: ["health"], places: ["FR"], start: "2026-12-01T09:00:00Z", deadline: "2027-02-10T12:00:00Z", published: "2026-10-03T10:00:00Z" }),
        espoo: sampleChallenge({ hub: "espoo", country: "FI", status: "open", instrument: "open-market-consultation", focusAreas: ["education", "digital"], places: ["FI", "SE"], deadline: "2027-01-20T12:00:00Z", published: "2026-10-02T10:00:00Z" }),
        closed: sampleChallenge({ hub: "muenchen", country: "DE", status: "closed", focusAreas: ["green"], deadline: "2026-09-01T12:00:00Z", published: "2026-06-01T10:00:00Z" }),
        noDeadline: sampleChallenge({ hub: "paris", country: "FR", status: "open", instrument: "challenge-prize", focusAreas: ["digital"], places: ["FR"], deadline: null, published: "2026-10-04T10:00:00Z" }),
        draft: sampleChallenge({ hub: "muenchen", country: "DE", status: "draft", deadline: "2027-01-01T12:00:00Z" }),
        withdrawn: sampleChallenge({ hub: "muenchen", country: "DE", status: "open", deadline: "2027-01-02T12:00:00Z", withdrawnAt: "2026-11-01T00:00:00Z" }),
      });

      it("lists open and forthcoming by default, nearest deadline first, no deadline last", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list())).toEqual(ids([w.munich, w.espoo, w.paris, w.noDeadline]));
      });

      it("never lists drafts or withdrawn challenges, whatever the status filter", async () => {
        const w = world();
        await put(...Object.values(w));
        const every = await list({ status: ["open", "forthcoming", "closed", "draft", "evaluation"] });
        expect(ids(every)).not.toContain(w.draft.id);
        expect(ids(every)).not.toContain(w.withdrawn.id);
        expect(await list({ status: ["draft"] })).toEqual([]);
      });

      it("filters by status", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ status: ["closed"] }))).toEqual([w.closed.id]);
        expect(ids(await list({ status: ["forthcoming"] }))).toEqual([w.paris.id]);
        expect(ids(await list({ status: ["closed", "forthcoming"] }))).toEqual([w.closed.id, w.paris.id]);
      });

      it("filters by country: the hub's country or any place of performance", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ country: ["FR"] }))).toEqual([w.paris.id, w.noDeadline.id]);
        expect(ids(await list({ country: ["SE"] }))).toEqual([w.espoo.id]);
        expect(ids(await list({ country: ["DE", "SE"] }))).toEqual([w.munich.id, w.espoo.id]);
        expect(await list({ country: ["IT"] })).toEqual([]);
      });

      it("filters by focus area, instrument and hub", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ focusArea: ["digital"] }))).toEqual([w.espoo.id, w.noDeadline.id]);
        expect(ids(await list({ focusArea: ["health", "mobility"] }))).toEqual([w.munich.id, w.paris.id]);
        expect(ids(await list({ instrument: ["challenge-prize"] }))).toEqual([w.munich.id, w.noDeadline.id]);
        expect(ids(await list({ instrument: ["ppi"] }))).toEqual([]);
        expect(ids(await list({ hub: [hubId("paris")] }))).toEqual([w.paris.id, w.noDeadline.id]);
        expect(ids(await list({ hub: [hubId("espoo"), hubId("muenchen")] }))).toEqual([w.munich.id, w.espoo.id]);
      });

      it("filters by a deadline window (inclusive) and drops challenges without a deadline", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ deadlineFrom: "2027-01-10T12:00:00.000Z", deadlineTo: "2027-01-20T12:00:00.000Z" }))).toEqual([w.munich.id, w.espoo.id]);
        expect(ids(await list({ deadlineFrom: "2027-01-15T00:00:00.000Z" }))).toEqual([w.espoo.id, w.paris.id]);
        expect(ids(await list({ deadlineTo: "2027-01-15T00:00:00.000Z" }))).toEqual([w.munich.id]);
      });

      it("AND-s different filters together", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ country: ["FR"], instrument: ["challenge-prize"] }))).toEqual([w.noDeadline.id]);
        expect(ids(await list({ country: ["DE", "FI"], focusArea: ["digital", "green"], status: ["open", "closed"] }))).toEqual([w.closed.id, w.munich.id, w.espoo.id]);
        expect(await list({ country: ["FI"], hub: [hubId("paris")] })).toEqual([]);
        expect(ids(await list({
          q: "zones", focusArea: ["mobility"], country: ["DE"], instrument: ["challenge-prize"], hub: [hubId("muenchen")],
          deadlineFrom: "2027-01-01T00:00:00.000Z", deadlineTo: "2027-12-31T00:00:00.000Z",
        }))).toEqual([w.munich.id]);
      });

      it("counts each facet's values over every other filter in force, as the listing would find them", async () => {
        const w = world();
        await put(...Object.values(w));
        const facets = ["status", "country", "focusArea", "instrument", "language", "procedureType", "sme", "euFunded"] as const;
        const all = await store.challenges.facetCounts({ limit: 20 }, facets);
        expect(all.status).toEqual({ open: 3, forthcoming: 1, closed: 1 });
        expect(all.country).toEqual({ DE: 1, FR: 2, FI: 1, SE: 1 });
        expect(all.focusArea).toEqual({ mobility: 1, green: 1, health: 1, education: 1, digital: 2 });
        expect(all.instrument).toEqual({ "challenge-prize": 2, "pre-commercial-procurement": 1, "open-market-consultation": 1 });
        // Each facet leaves out its own filter: with France and "digital" chosen, Finland and Sweden still count.
        const narrowed = await store.challenges.facetCounts({ limit: 20, country: ["FR"], focusArea: ["digital"] }, ["country", "focusArea", "status"]);
        expect(narrowed).toEqual({ country: { FI: 1, SE: 1, FR: 1 }, focusArea: { health: 1, digital: 1 }, status: { open: 1 } });
        // Every other count is what the listing itself finds with that value chosen.
        for (const [facet, values] of Object.entries(all) as [typeof facets[number], Record<string, number>][]) {
          for (const [value, n] of Object.entries(values)) {
            const q = facet === "sme" || facet === "euFunded" ? { [facet]: true } : facet === "status" ? { status: [value as ChallengeStatus] } : { [facet]: [value] };
            expect({ facet, value, n: await store.challenges.count({ limit: 20, ...q }) }).toEqual({ facet, value, n });
          }
        }
        expect(await store.challenges.facetCounts({ limit: 20, q: "nosuchwordanywhere" }, ["country"])).toEqual({ country: {} });
        expect(await store.challenges.facetCounts({ limit: 20, status: ["draft"] }, ["country"])).toEqual({ country: {} });
      });

      it(`keeps every total${traits.facetsFollowWrites ? " and facet count" : ""} equal to what the listing finds, through edits, status changes, withdrawals and removals`, async () => {
        const FR = "https://fr.ipn.test";
        const statuses: ChallengeStatus[] = ["open", "forthcoming", "closed"];
        const facets = ["status", "country", "focusArea", "instrument", "language", "procedureType", "sme", "euFunded"] as const;
        /** Brute force: the challenges the listing walks, grouped by each facet's values. */
        const expected = async (facet: (typeof facets)[number], selection: ListingQuery = { limit: 100 }) => {
          const items = await walk(withoutFacet({ ...selection, limit: 100 }, facet), 100);
          const counts: Record<string, number> = {};
          for (const id of items) {
            const c = (await store.challenges.getById(id))!;
            const values = facet === "status" ? [c.doc.status] : facet === "instrument" ? [c.doc.instrument] : listingFacets(c)[facet];
            for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
          }
          return counts;
        };
        const check = async (step: string) => {
          for (const q of [{}, { status: statuses }, { status: ["closed"] as ChallengeStatus[] }, { country: ["FR"] }, { country: ["DE"] },
            { instrument: ["challenge-prize"] }, { focusArea: ["digital"] }, { country: ["FR"], status: statuses },
            // Words and a facet value (each a list of rows for SQLite's counts to start from), and words alone.
            { q: "munich", country: ["FR"] }, { q: "munich", focusArea: ["digital"], status: statuses }, { q: "munich" }]) {
            expect({ step, q, n: await store.challenges.count({ limit: 20, ...q }) }).toEqual({ step, q, n: (await walk(q, 100)).length });
          }
          if (step === "stored") {
            // A filtered selection's facet counts (each counted once here: they may be a minute old later).
            for (const q of [{ country: ["FR"] }, { focusArea: ["digital"], status: statuses }, { q: "munich", focusArea: ["digital"], status: statuses }] as ListingQuery[]) {
              const counted = await store.challenges.facetCounts({ ...q, limit: 20 }, facets);
              for (const facet of facets) expect({ step, q, facet, counts: counted[facet] }).toEqual({ step, q, facet, counts: await expected(facet, { ...q, limit: 100 }) });
            }
          }
          if (step !== "stored" && !traits.facetsFollowWrites) return;
          const counted = await store.challenges.facetCounts({ limit: 20 }, facets);
          for (const facet of facets) expect({ step, facet, counts: counted[facet] }).toEqual({ step, facet, counts: await expected(facet) });
        };
        const a = sampleChallenge({ status: "open", instrument: "challenge-prize", focusAreas: ["digital"], places: ["FR"] });
        const b = sampleChallenge({ status: "forthcoming", instrument: "pre-commercial-procurement", focusAreas: ["health", "digital"] });
        const c = sampleChallenge({ status: "closed", focusAreas: ["green"] });
        const draft = sampleChallenge({ status: "draft", focusAreas: ["digital"], places: ["FR"] });
        const mirrored = [1, 2, 3].map((n) => sampleChallenge({ key: null, origin: FR, country: "FR", focusAreas: n === 2 ? ["digital"] : ["mobility"] }));
        const write = (m: StoredChallenge, revision = m.doc.revision) => ({ doc: { ...m.doc, revision }, origin: m.origin, country: m.country });
        await put(a, b, c, draft);
        await store.mirror.upsertMany(mirrored.map((m) => write(m)));
        await check("stored");
        // An edit that moves it: another status, instrument, places and focus areas.
        expect(await store.challenges.update({ ...a, version: 2, doc: { ...a.doc, revision: 2, status: "closed", instrument: "open-market-consultation", focusAreas: ["green"], placeOfPerformance: [{ country: "SE" }] } }, 1, null)).toBe(true);
        // The clock opens one; a draft is published; one is withdrawn.
        expect(await store.challenges.update({ ...b, version: 2, doc: { ...b.doc, status: "open" } }, 1, null)).toBe(true);
        expect(await store.challenges.update({ ...draft, version: 2, doc: { ...draft.doc, status: "open", published: "2026-11-20T10:00:00.000Z" } }, 1, null)).toBe(true);
        expect(await store.challenges.update({ ...c, version: 2, withdrawnAt: "2026-12-01T10:00:00.000Z" }, 1, null)).toBe(true);
        await check("edited");
        // A peer's update, then its withdrawal, then the peer removed with what remains of it.
        const moved = { ...mirrored[0]!, doc: { ...mirrored[0]!.doc, focusAreas: ["digital" as const], status: "closed" as const } };
        expect(await store.mirror.upsertMany([write(moved, 7)])).toEqual(["updated"]);
        expect(await store.mirror.withdraw(FR, [mirrored[1]!.id], "2026-12-02T10:00:00.000Z")).toHaveLength(1);
        await check("mirrored changes");
        // The peer publishes the withdrawn one again, revised: listed and counted again.
        expect(await store.mirror.upsertMany([write(mirrored[1]!, 9)])).toEqual(["restored"]);
        await check("mirrored restore");
        expect(await store.mirror.removeOrigin(FR)).toBe(3);
        await check("peer removed");
        if (traits.facetsFollowWrites) expect((await store.challenges.facetCounts({ limit: 20 }, ["country"])).country).toEqual({ DE: 2, FR: 1 });
      });

      it("sorts by newest publication first", async () => {
        const w = world();
        await put(...Object.values(w));
        expect(ids(await list({ sort: "newest" }))).toEqual(ids([w.noDeadline, w.paris, w.espoo, w.munich]));
      });

      it("pages through every item exactly once, in order, for both sorts", async () => {
        const all: StoredChallenge[] = [];
        for (let i = 0; i < 23; i++) {
          // Several share a deadline or a publication instant: the id breaks the tie.
          all.push(sampleChallenge({
            status: i % 5 === 0 ? "forthcoming" : "open",
            deadline: i % 7 === 0 ? null : `2027-0${1 + (i % 3)}-15T12:00:00Z`,
            published: `2026-10-${String(1 + (i % 4)).padStart(2, "0")}T10:00:00Z`,
          }));
        }
        await put(...all);
        for (const sort of ["deadline", "newest"] as const) {
          const oneShot = ids(await list({ sort }));
          expect(oneShot).toHaveLength(23);
          for (const size of [1, 4, 10, 23]) expect(await walk({ sort }, size)).toEqual(oneShot);
          // And back: from the last page, the previous pages give the same pages in reverse, then stop.
          for (const size of [1, 4, 10]) {
            const forward: string[][] = [];
            let page = await store.challenges.list({ sort, limit: size });
            expect(page.prevCursor).toBeNull();
            for (;;) {
              forward.push(ids(page.items));
              if (!page.nextCursor) break;
              page = await store.challenges.list({ sort, limit: size, cursor: page.nextCursor });
            }
            const backward: string[][] = [ids(page.items)];
            while (page.prevCursor) {
              page = await store.challenges.list({ sort, limit: size, cursor: page.prevCursor });
              backward.unshift(ids(page.items));
            }
            expect({ sort, size, pages: backward }).toEqual({ sort, size, pages: forward });
            // The first page reached going back says so, and its next page is the second one.
            expect(page.prevCursor).toBeNull();
            if (forward.length > 1) expect(ids((await store.challenges.list({ sort, limit: size, cursor: page.nextCursor! })).items)).toEqual(forward[1]);
          }
        }
        const deadlines = (await list()).map((c) => c.doc.submissionPeriod?.end ?? "~");
        expect(deadlines).toEqual([...deadlines].sort());
      });

      it("clamps the page size to 1..100", async () => {
        const cs = Array.from({ length: 102 }, () => sampleChallenge());
        await put(...cs);
        expect((await store.challenges.list({ limit: 1000 })).items).toHaveLength(100);
        const one = await store.challenges.list({ limit: 0 });
        expect(one.items).toHaveLength(1);
        expect(one.nextCursor).not.toBeNull();
      });

      it("rejects malformed, forged or foreign cursors with InvalidCursorError", async () => {
        await put(...Array.from({ length: 3 }, () => sampleChallenge()));
        const page = await store.challenges.list({ limit: 1 });
        expect(page.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
        const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
        for (const cursor of ["not a cursor", "!!!", "", "eyJ", b64({ a: 1 }), b64(["d", "x", 1]), b64(["d", 1e300, "x"]),
          b64(["d", 1, "x", "extra"]), "x".repeat(600), "' OR 1=1 --"]) {
          await expect(store.challenges.list({ limit: 5, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
        }
        // A cursor of one sort order is not valid for the other.
        await expect(store.challenges.list({ limit: 5, sort: "newest", cursor: page.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("finds challenges by words in any of their languages, all words required", async () => {
        const lz = sampleChallenge({
          title: { de: "Intelligentes Lieferzonen-Management", en: "Smart loading-zone management" },
          summary: { de: "Falschparken in der Altstadt reduzieren", en: "Reduce illegal parking in the old town" },
          description: { de: "Datensparsame Lösung für München", en: "Privacy-friendly solution for Munich" },
          hashtags: ["urbanlogistics"],
        });
        const tele = sampleChallenge({
          title: { fr: "Télésuivi des patients à domicile" }, summary: { fr: "Suivi après hospitalisation" },
          description: { fr: "Solution numérique pour les patients chroniques" }, hashtags: ["eSanté"],
        });
        await put(lz, tele);
        expect(ids(await list({ q: "Lieferzonen" }))).toEqual([lz.id]);
        expect(ids(await list({ q: "parking old town" }))).toEqual([lz.id]);
        expect(ids(await list({ q: "Altstadt munich" }))).toEqual([lz.id]); // words of two languages
        expect(ids(await list({ q: "patients domicile" }))).toEqual([tele.id]);
        expect(ids(await list({ q: "telesuivi" }))).toEqual([tele.id]); // accents are optional
        expect(ids(await list({ q: "URBANLOGISTICS" }))).toEqual([lz.id]); // hashtags, any case
        expect(ids(await list({ q: "munich patients" }))).toEqual([]);
        expect(ids(await list({ q: "manage" }))).toEqual([lz.id]); // the last word may be a prefix
      });

      it("finds other forms of a word in the language each text is written in", async () => {
        const en = sampleChallenge({ title: { en: "Hospital logistics" }, summary: { en: "Robots that carry meals" }, description: { en: "x" } });
        const de = sampleChallenge({ title: { de: "Krankenhaus der Zukunft" }, summary: { de: "Digitale Pflege" }, description: { de: "x" } });
        const fr = sampleChallenge({ title: { fr: "Hôpital numérique" }, summary: { fr: "Des patients suivis à domicile" }, description: { fr: "x" } });
        const pl = sampleChallenge({ title: { pl: "Szpital przyszłości" }, summary: { pl: "Opieka" }, description: { pl: "x" } });
        await put(en, de, fr, pl);
        expect(ids(await list({ q: "hospitals" }))).toEqual([en.id]); // English plural → singular
        expect(ids(await list({ q: "Krankenhäuser" }))).toEqual([de.id]); // German plural with umlaut
        expect(ids(await list({ q: "hôpitaux" }))).toEqual([fr.id]); // French irregular plural
        expect(ids(await list({ q: "hopitaux numeriques" }))).toEqual([fr.id]); // forms without accents, two words
        expect(ids(await list({ q: "carrying robot" }))).toEqual([en.id]); // forms of every word, in any order
        expect(ids(await list({ q: "Pflegen" }))).toEqual([de.id]);
        // Polish has no stemmer: whole words and the last word's prefix only.
        expect(ids(await list({ q: "szpital" }))).toEqual([pl.id]);
        expect(ids(await list({ q: "szpitale opieka" }))).toEqual([]);
        expect(await store.challenges.count({ limit: 20, q: "hospitals" })).toBe(1);
        // A typed prefix is never taken for a language's stored forms.
        expect(ids(await list({ q: "en" }))).toEqual([]);
        expect(ids(await list({ q: "fr" }))).toEqual([]);
      });

      it("ranks a search by relevance: title before text, the word itself before its forms", async () => {
        // Deadlines in the reverse of the expected rank, so a deadline order cannot pass for relevance.
        const titleWord = sampleChallenge({ title: { en: "Battery storage for ports" }, summary: { en: "x" }, description: { en: "y" }, deadline: "2027-04-01T12:00:00Z" });
        const titleForm = sampleChallenge({ title: { en: "Batteries for ports" }, summary: { en: "x" }, description: { en: "y" }, deadline: "2027-03-01T12:00:00Z" });
        const textWord = sampleChallenge({ title: { en: "Harbour energy" }, summary: { en: "x" }, description: { en: "A battery on the quay" }, deadline: "2027-02-01T12:00:00Z" });
        const textForm = sampleChallenge({ title: { en: "Quay power" }, summary: { en: "x" }, description: { en: "Two batteries on the quay" }, deadline: "2027-01-01T12:00:00Z" });
        // Other challenges, as in any real listing: a word found in most documents says little (bm25).
        const unrelated = Array.from({ length: 20 }, (_, i) => sampleChallenge({ title: { en: `Port cranes ${i}` }, summary: { en: "x" }, description: { en: "y" } }));
        await put(textForm, ...unrelated, textWord, titleForm, titleWord);
        const ranked = ids([titleWord, titleForm, textWord, textForm]);
        expect(ids(await list({ q: "battery" }))).toEqual(ranked);
        expect(ids(await list({ q: "battery", sort: "relevance" }))).toEqual(ranked);
        // Another order asked for wins; without words there is nothing to rank (deadline order).
        expect(ids(await list({ q: "battery", sort: "deadline" }))).toEqual([...ranked].reverse());
        expect(ids(await list({ sort: "relevance" }))[0]).toBe(textForm.id);
        // Ranked pages are walked exactly once each way, and their cursors are refused by another order.
        for (const size of [1, 3]) expect(await walk({ q: "battery" }, size)).toEqual(ranked);
        let page = await store.challenges.list({ q: "battery", limit: 1 });
        while (page.nextCursor) page = await store.challenges.list({ q: "battery", limit: 1, cursor: page.nextCursor });
        const back = [ids(page.items)];
        while (page.prevCursor) { page = await store.challenges.list({ q: "battery", limit: 1, cursor: page.prevCursor }); back.unshift(ids(page.items)); }
        expect(back.flat()).toEqual(ranked);
        const first = await store.challenges.list({ q: "battery", limit: 1 });
        await expect(store.challenges.list({ q: "battery", sort: "deadline", limit: 1, cursor: first.nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("treats hostile search text as plain words and never fails", async () => {
        const c = sampleChallenge({ title: { en: "Near field sensors" }, summary: { en: "Sensors or cameras" }, description: { en: "x" } });
        await put(c);
        for (const q of ['"', "*", "NEAR(", ")", "(", '" OR "', "sensors NEAR(field", "title:sensors", "^near", "-sensors",
          "sensors AND", "OR", "'; DROP TABLE challenges; --", "\u0000", "🙂", "a".repeat(200), "{*} : + -"]) {
          await expect(store.challenges.list({ limit: 10, q })).resolves.toEqual(expect.objectContaining({ items: expect.any(Array) }));
        }
        expect(ids(await list({ q: "near(" }))).toEqual([c.id]);
        expect(ids(await list({ q: '"sensors" OR' }))).toEqual([c.id]);
        expect(ids(await list({ q: "sensors NOT" }))).toEqual([]);
      });

      it("counts a hub's public local challenges", async () => {
        const w = world();
        await put(...Object.values(w));
        await put(sampleChallenge({ key: null, hub: "muenchen" }));
        expect(await store.challenges.countPublicByHub(hubId("muenchen"))).toBe(2); // munich + closed
        expect(await store.challenges.countPublicByHub(hubId("paris"))).toBe(2);
        expect(await store.challenges.countPublicByHub(hubId("nowhere"))).toBe(0);
      });
    });

    describe("challenges: clock", () => {
      it("returns local, non-withdrawn challenges whose start or deadline has come", async () => {
        const now = new Date("2027-01-15T00:00:00Z");
        const opens = sampleChallenge({ status: "forthcoming", start: "2027-01-14T00:00:00Z", deadline: "2027-03-01T00:00:00Z" });
        const closes = sampleChallenge({ status: "open", deadline: "2027-01-15T00:00:00Z" });
        const later = sampleChallenge({ status: "forthcoming", start: "2027-01-16T00:00:00Z", deadline: "2027-03-01T00:00:00Z" });
        const running = sampleChallenge({ status: "open", deadline: "2027-02-01T00:00:00Z" });
        const mirrored = sampleChallenge({ key: null, status: "open", deadline: "2027-01-01T00:00:00Z" });
        const withdrawn = sampleChallenge({ status: "open", deadline: "2027-01-01T00:00:00Z", withdrawnAt: "2026-12-01T00:00:00Z" });
        const closed = sampleChallenge({ status: "closed", deadline: "2027-01-01T00:00:00Z" });
        const draft = sampleChallenge({ status: "draft", deadline: "2027-01-01T00:00:00Z" });
        await put(opens, closes, later, running, mirrored, withdrawn, closed, draft);
        expect(ids(await store.challenges.dueForStatusChange(now, 100)).sort()).toEqual([opens.id, closes.id].sort());
        expect(await store.challenges.dueForStatusChange(now, 1)).toHaveLength(1);
        expect(await store.challenges.dueForStatusChange(new Date("2026-01-01T00:00:00Z"), 100)).toEqual([]);
      });
    });

    describe("activities", () => {
      it("hands out pending activities oldest first until marked federated", async () => {
        const c = sampleChallenge();
        const create = activityFor(c, "Create", "2026-10-20T08:00:00.000Z");
        await store.challenges.insert(c, create);
        const next = { ...c, version: 2, doc: { ...c.doc, revision: 2 } };
        const update = activityFor(next, "Update", "2026-10-21T08:00:00.000Z");
        await store.challenges.update(next, 1, update);
        expect(await store.activities.pending(10)).toEqual([create, update]);
        expect(ids(await store.activities.pending(1))).toEqual([create.id]);
        await store.activities.markFederated(create.id, "2026-10-20T08:00:01.000Z");
        expect(ids(await store.activities.pending(10))).toEqual([update.id]);
        expect(await store.activities.get(create.id)).toEqual({ ...create, federatedAt: "2026-10-20T08:00:01.000Z" });
        expect(await store.activities.get("https://de.ipn.test/nothing")).toBeNull();
      });

      it("pages an actor's activities newest first and counts them", async () => {
        const mine: string[] = [];
        for (let i = 0; i < 7; i++) {
          const c = sampleChallenge({ hub: "muenchen" });
          const a = activityFor(c);
          await store.challenges.insert(c, a);
          mine.push(a.id);
          await store.challenges.insert(sampleChallenge({ hub: "paris" }), activityFor(sampleChallenge({ hub: "paris" })));
        }
        const actor = hubId("muenchen");
        expect(await store.activities.countByActor(actor)).toBe(7);
        expect(await store.activities.countByActor(hubId("nobody"))).toBe(0);
        const seen: string[] = [];
        let before: string | null = null;
        do {
          const page: { items: { id: string }[]; next: string | null } = await store.activities.pageByActor(actor, before, 3);
          seen.push(...ids(page.items));
          before = page.next;
        } while (before);
        expect(seen).toEqual([...mine].reverse());
        await expect(store.activities.pageByActor(actor, "bogus!", 3)).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("gives one challenge's activities oldest first, and only its own", async () => {
        const c = sampleChallenge({ hub: "muenchen" });
        const create = activityFor(c, "Create", "2026-10-20T08:00:00.000Z");
        await store.challenges.insert(c, create);
        await store.challenges.insert(sampleChallenge({ hub: "muenchen" }), activityFor(sampleChallenge({ hub: "muenchen" })));
        const edited = { ...c, version: c.version + 1, doc: { ...c.doc, revision: c.doc.revision + 1 } };
        const update = { ...activityFor(edited, "Update", "2026-10-21T08:00:00.000Z"), id: `${c.id}#update-2` };
        expect(await store.challenges.update(edited, c.version, update)).toBe(true);
        expect((await store.activities.forObject(c.id)).map((a) => [a.type, a.revision])).toEqual([["Create", c.doc.revision], ["Update", c.doc.revision + 1]]);
        expect(await store.activities.forObject("https://de.ipn.test/challenges/none")).toEqual([]);
      });
    });

    describe("schedules", () => {
      it("keeps one time per draft, finds those due earliest first, and forgets cleared ones", async () => {
        await store.schedules.set({ key: "late", publishAt: "2027-03-01T09:00:00.000Z", by: "user:1 a@x.example" });
        await store.schedules.set({ key: "early", publishAt: "2027-02-01T09:00:00.000Z", by: "user:2 b@x.example" });
        await store.schedules.set({ key: "never", publishAt: "2099-01-01T00:00:00.000Z", by: "user:1 a@x.example" });
        // A new time replaces the old one.
        await store.schedules.set({ key: "late", publishAt: "2027-02-15T09:00:00.000Z", by: "user:3 c@x.example" });
        expect(await store.schedules.get("late")).toEqual({ key: "late", publishAt: "2027-02-15T09:00:00.000Z", by: "user:3 c@x.example" });
        expect((await store.schedules.due(new Date("2027-02-20T00:00:00Z"), 10)).map((s) => s.key)).toEqual(["early", "late"]);
        expect((await store.schedules.due(new Date("2027-02-20T00:00:00Z"), 1)).map((s) => s.key)).toEqual(["early"]);
        expect(await store.schedules.due(new Date("2027-01-01T00:00:00Z"), 10)).toEqual([]);
        await store.schedules.clear("early");
        expect(await store.schedules.get("early")).toBeNull();
        expect((await store.schedules.due(new Date("2027-02-20T00:00:00Z"), 10)).map((s) => s.key)).toEqual(["late"]);
      });
    });

    describe("hubs", () => {
      const hub = (handle: string) => ({
        handle, tokenHash: "a".repeat(64),
        doc: { schemaVersion: "1.0", id: hubId(handle), preferredUsername: handle, hubType: "public-buyer" as const, name: { en: handle },
          defaultLanguage: "en" as const, languages: ["en" as const], country: "DE", contact: { email: `${handle}@example.org` }, published: "2026-01-01T00:00:00Z" },
      });

      it("inserts, reads, lists and re-keys hubs; a second hub with the same handle is refused", async () => {
        await store.hubs.insert(hub("muenchen"));
        await store.hubs.insert(hub("berlin"));
        await expect(store.hubs.insert(hub("muenchen"))).rejects.toBeInstanceOf(DuplicateError);
        expect(await store.hubs.get("muenchen")).toEqual(hub("muenchen"));
        expect(await store.hubs.get("nobody")).toBeNull();
        expect((await store.hubs.list()).map((h) => h.handle).sort()).toEqual(["berlin", "muenchen"]);
        expect(await store.hubs.setTokenHash("berlin", "b".repeat(64))).toBe(true);
        expect((await store.hubs.get("berlin"))!.tokenHash).toBe("b".repeat(64));
        expect(await store.hubs.setTokenHash("nobody", "c".repeat(64))).toBe(false);
      });

      it("replaces a hub's profile, keeping its token and its place in the list", async () => {
        await store.hubs.insert(hub("hamburg"));
        const doc = { ...hub("hamburg").doc, name: { en: "Hamburg Innovation", de: "Hamburg Innovation" }, website: "https://hamburg.example", updated: "2026-02-01T00:00:00Z" };
        expect(await store.hubs.updateDoc("hamburg", doc)).toBe(true);
        expect(await store.hubs.get("hamburg")).toEqual({ ...hub("hamburg"), doc });
        expect((await store.hubs.list()).map((h) => h.handle).at(-1)).toBe("hamburg");
        expect(await store.hubs.updateDoc("nobody", doc)).toBe(false);
      });
    });

    describe("followers", () => {
      const f = (n: number, sharedInbox: string | null = "https://social.example/inbox") => ({
        actorId: `https://social.example/users/u${n}`, inbox: `https://social.example/users/u${n}/inbox`, sharedInbox, followId: `https://social.example/follows/${n}`,
      });

      it("upserts by hub and actor, keeping each follower's place in the order", async () => {
        await store.followers.add("muenchen", f(1));
        await store.followers.add("muenchen", f(2));
        const moved = { ...f(1), inbox: "https://social.example/new-inbox/u1", followId: "https://social.example/follows/1b" };
        await store.followers.add("muenchen", moved);
        await store.followers.add("paris", f(1));
        expect(await store.followers.all("muenchen")).toEqual([moved, f(2)]);
        expect(await store.followers.count("muenchen")).toBe(2);
        expect(await store.followers.all("paris")).toEqual([f(1)]);
      });

      it("removes one follower of one hub", async () => {
        await store.followers.add("muenchen", f(1));
        await store.followers.add("paris", f(1));
        expect(await store.followers.remove("muenchen", f(1).actorId)).toBe(true);
        expect(await store.followers.remove("muenchen", f(1).actorId)).toBe(false);
        expect(await store.followers.count("muenchen")).toBe(0);
        expect(await store.followers.count("paris")).toBe(1);
      });

      it("removes every follower reached through a dead inbox or shared inbox", async () => {
        await store.followers.add("muenchen", f(1));
        await store.followers.add("paris", f(2));
        await store.followers.add("muenchen", f(3, null));
        await store.followers.add("muenchen", { ...f(4, null), actorId: "https://other.example/u4", inbox: "https://other.example/inbox" });
        expect(await store.followers.removeByInbox("https://social.example/inbox")).toBe(2);
        expect(await store.followers.removeByInbox(f(3).inbox)).toBe(1);
        expect(await store.followers.removeByInbox("https://nowhere.example/inbox")).toBe(0);
        expect((await store.followers.all("muenchen")).map((x) => x.actorId)).toEqual(["https://other.example/u4"]);
      });

      it("pages followers oldest first with an opaque cursor", async () => {
        for (let i = 0; i < 11; i++) await store.followers.add("muenchen", f(i));
        await store.followers.add("paris", f(99));
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: { actorId: string }[]; next: string | null } = await store.followers.page("muenchen", cursor, 4);
          expect(page.items.length).toBeLessThanOrEqual(4);
          seen.push(...page.items.map((x) => x.actorId));
          cursor = page.next;
        } while (cursor);
        expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => f(i).actorId));
        await expect(store.followers.page("muenchen", "%%%", 4)).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe("keys", () => {
      const pair = (n: number) => ({
        publicKey: { kty: "OKP", crv: "Ed25519", x: `public-${n}` } as JsonWebKey,
        privateKey: { kty: "OKP", crv: "Ed25519", x: `public-${n}`, d: `private-${n}` } as JsonWebKey,
      });

      it("stores the first key pair of a race and gives every racer that one", async () => {
        expect(await store.keys.get("muenchen", "Ed25519")).toBeNull();
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.keys.putIfAbsent("muenchen", "Ed25519", pair(i))));
        const stored = await store.keys.get("muenchen", "Ed25519");
        expect(stored).not.toBeNull();
        for (const r of results) expect(r).toEqual(stored);
        expect(await store.keys.putIfAbsent("muenchen", "Ed25519", pair(100))).toEqual(stored);
        // Another algorithm or owner is a separate slot.
        expect(await store.keys.putIfAbsent("muenchen", "RSASSA-PKCS1-v1_5", pair(7))).toEqual(pair(7));
        expect(await store.keys.putIfAbsent("paris", "Ed25519", pair(8))).toEqual(pair(8));
      });
    });

    describe("peers", () => {
      const peer = (origin: string, country = "FR") => ({ origin, country, role: "national" as const, source: "api" as const, addedAt: "2026-11-01T10:00:00.000Z" });

      it("keeps allowlist entries with an initial sync state, ordered by origin", async () => {
        const fr = await store.peers.upsert(peer("https://fr.ipn.test"));
        expect(fr).toEqual({ ...peer("https://fr.ipn.test"), sync: initialSyncState() });
        await store.peers.upsert(peer("https://at.ipn.test", "AT"));
        expect((await store.peers.list()).map((p) => p.origin)).toEqual(["https://at.ipn.test", "https://fr.ipn.test"]);
        expect(await store.peers.get("https://none.ipn.test")).toBeNull();
        expect(await store.peers.remove("https://at.ipn.test")).toBe(true);
        expect(await store.peers.remove("https://at.ipn.test")).toBe(false);
        expect((await store.peers.list()).map((p) => p.origin)).toEqual(["https://fr.ipn.test"]);
      });

      it("merges sync patches and keeps the sync state when the entry is updated", async () => {
        await store.peers.upsert(peer("https://fr.ipn.test"));
        await store.peers.patchSync("https://fr.ipn.test", { followState: "pending", followActivityId: "https://de.ipn.test/actor#follows/1" });
        const backfill = { cursor: "abc", fetched: 200, done: false, startedAt: "2026-11-01T10:00:00.000Z", finishedAt: null };
        await store.peers.patchSync("https://fr.ipn.test", { backfill, held: 3 });
        const updated = await store.peers.upsert({ ...peer("https://fr.ipn.test", "FR"), role: "aggregator", source: "config" });
        expect(updated).toMatchObject({ role: "aggregator", source: "config" });
        expect(updated.sync).toEqual({ ...initialSyncState(), followState: "pending", followActivityId: "https://de.ipn.test/actor#follows/1", backfill, held: 3 });
        await store.peers.patchSync("https://none.ipn.test", { held: 1 }); // unknown origin: no-op
        expect(await store.peers.get("https://none.ipn.test")).toBeNull();
      });
    });

    describe("mirror", () => {
      const FR = "https://fr.ipn.test";
      const remote = (revision = 1, o: Parameters<typeof sampleChallenge>[0] = {}) => {
        const c = sampleChallenge({ key: null, origin: FR, country: "FR", ...o });
        c.doc.revision = revision;
        return c;
      };
      const write = (c: StoredChallenge, revision = c.doc.revision) => ({ doc: { ...c.doc, revision }, origin: c.origin, country: c.country });

      it("keeps the highest revision: creates, updates, ignores lower or equal ones, never overwrites a local challenge", async () => {
        const a = remote(1);
        const local = sampleChallenge();
        await put(local);
        const forged = { doc: { ...local.doc, revision: 99 }, origin: FR, country: "FR" };
        expect(await store.mirror.upsertMany([write(a), write(a, 3), write(a, 2), write(a, 3), forged])).toEqual(["created", "updated", "stale", "stale", "conflict"]);
        const held = await store.challenges.getById(a.id);
        expect(held).toMatchObject({ key: null, origin: FR, country: "FR", withdrawnAt: null });
        expect(held!.doc.revision).toBe(3);
        expect(await store.challenges.getById(local.id)).toEqual(local);
        expect(ids((await list({ country: ["FR"] })))).toEqual([a.id]);
      });

      it("finds a batch's challenges by their last text: created and edited in one batch, or edited in a later one", async () => {
        const a = remote(1);
        const b = remote(1);
        const titled = (c: StoredChallenge, revision: number, word: string) => ({ ...write(c, revision), doc: { ...c.doc, revision, title: { en: `${word} pilot` } } });
        expect(await store.mirror.upsertMany([titled(a, 1, "quayside"), titled(b, 1, "lighthouse"), titled(a, 2, "riverbank")])).toEqual(["created", "created", "updated"]);
        expect(ids(await list({ q: "riverbank" }))).toEqual([a.id]);
        expect(await list({ q: "quayside" })).toEqual([]);
        expect(ids(await list({ q: "lighthouse" }))).toEqual([b.id]);
        expect(await store.mirror.upsertMany([titled(b, 2, "windmill"), titled(a, 1, "quayside")])).toEqual(["updated", "stale"]);
        expect(ids(await list({ q: "windmill" }))).toEqual([b.id]);
        expect(await list({ q: "lighthouse" })).toEqual([]);
        expect(await list({ q: "quayside" })).toEqual([]);
        expect(ids(await list({ q: "riverbank" }))).toEqual([a.id]);
      });

      it("withdraws mirrored challenges and lists the live (id, revision) set of an origin in id order", async () => {
        const cs = [remote(2), remote(1), remote(5)];
        await store.mirror.upsertMany(cs.map((c) => write(c)));
        const other = remote(1, { origin: "https://at.ipn.test", country: "AT" });
        await store.mirror.upsertMany([write(other)]);
        const withdrawn = await store.mirror.withdraw(FR, [cs[0]!.id, other.id, "https://fr.ipn.test/challenges/none"], "2026-11-02T10:00:00.000Z");
        expect(withdrawn.map((c) => c.id)).toEqual([cs[0]!.id]); // another origin's challenge is not FR's to withdraw
        expect(withdrawn[0]!.withdrawnAt).toBe("2026-11-02T10:00:00.000Z");
        expect(await store.mirror.withdraw(FR, [cs[0]!.id], "2026-11-03T10:00:00.000Z")).toEqual([]);
        const live = [cs[1]!, cs[2]!].sort((x, y) => (x.id < y.id ? -1 : 1));
        expect(await store.mirror.revisions(FR)).toEqual(live.map((c) => ({ id: c.id, revision: c.doc.revision })));
        expect(ids(await list({ country: ["FR"] })).sort()).toEqual(live.map((c) => c.id));
        const first = await store.mirror.page(FR, null, 1);
        expect(ids(first)).toEqual([live[0]!.id]);
        expect(ids(await store.mirror.page(FR, first[0]!.id, 10))).toEqual([live[1]!.id]);
      });

      it("serves the local live set by our own origin and removes only an origin's mirrored challenges", async () => {
        const local = sampleChallenge();
        const draft = sampleChallenge({ status: "draft" });
        await put(local, draft);
        expect(await store.mirror.revisions(local.origin)).toEqual([{ id: local.id, revision: local.doc.revision }]);
        const cs = [remote(1, { title: { en: "Quayside sensors" } }), remote(1, { title: { en: "Quayside lighting" } })];
        const kept = remote(1, { origin: "https://at.ipn.test", country: "AT", title: { en: "Quayside benches" } });
        await store.mirror.upsertMany([...cs, kept].map((c) => write(c)));
        expect(ids(await list({ q: "quayside" })).sort()).toEqual([...cs, kept].map((c) => c.id).sort());
        expect(await store.mirror.removeOrigin(FR)).toBe(2);
        expect(await store.mirror.removeOrigin(local.origin)).toBe(0);
        expect(await store.challenges.getById(cs[0]!.id)).toBeNull();
        expect(await store.challenges.getById(local.id)).toEqual(local);
        expect(await list({ country: ["FR"] })).toEqual([]);
        // Their words go with them; another origin's challenge with the same words stays found.
        expect(ids(await list({ q: "quayside" }))).toEqual([kept.id]);
        expect(ids(await list({ q: "sensors" }))).toEqual([]);
      });
    });

    describe("mirrored hubs", () => {
      const FR = "https://fr.ipn.test";
      const AT = "https://at.ipn.test";
      const hubOf = (origin: string, handle: string, o: Partial<Hub> = {}): Hub => ({
        schemaVersion: "1.0", id: `${origin}/hubs/${handle}`, preferredUsername: handle, hubType: "public-buyer", name: { fr: handle.toUpperCase() },
        defaultLanguage: "fr", languages: ["fr"], country: "FR", contact: { email: `${handle}@example.org` }, published: "2026-01-01T00:00:00Z",
        extensions: { "https://ext.example/v1.0": { nested: true } }, ...o,
      });

      it("replaces an origin's set: new and changed documents stored, the missing ones deleted, other origins untouched", async () => {
        const paris = hubOf(FR, "paris");
        const lyon = hubOf(FR, "lyon", { hubType: "living-lab" });
        const wien = hubOf(AT, "wien", { country: "AT", defaultLanguage: "de", languages: ["de"], name: { de: "Wien" } });
        expect(await store.mirroredHubs.replaceOrigin(FR, [paris, lyon], "2026-11-01T10:00:00.000Z")).toEqual({ held: 2, removed: 0 });
        expect(await store.mirroredHubs.replaceOrigin(AT, [wien], "2026-11-01T10:00:00.000Z")).toEqual({ held: 1, removed: 0 });
        expect(await store.mirroredHubs.getById(paris.id)).toEqual({ id: paris.id, origin: FR, doc: paris, syncedAt: "2026-11-01T10:00:00.000Z" });
        expect(await store.mirroredHubs.getById(`${FR}/hubs/none`)).toBeNull();

        const renamed = { ...paris, name: { fr: "Paris Innovation" }, updated: "2026-11-02T00:00:00Z" };
        expect(await store.mirroredHubs.replaceOrigin(FR, [renamed], "2026-11-02T10:00:00.000Z")).toEqual({ held: 1, removed: 1 });
        expect(await store.mirroredHubs.getById(paris.id)).toEqual({ id: paris.id, origin: FR, doc: renamed, syncedAt: "2026-11-02T10:00:00.000Z" });
        expect(await store.mirroredHubs.getById(lyon.id)).toBeNull();
        expect((await store.mirroredHubs.list()).map((h) => h.id)).toEqual([wien.id, paris.id]);
      });

      it("filters by country and hub type", async () => {
        await store.mirroredHubs.replaceOrigin(FR, [hubOf(FR, "paris"), hubOf(FR, "lyon", { hubType: "living-lab" })], "2026-11-01T10:00:00.000Z");
        await store.mirroredHubs.replaceOrigin(AT, [hubOf(AT, "wien", { country: "AT", hubType: "living-lab" })], "2026-11-01T10:00:00.000Z");
        const ids = async (f: Parameters<typeof store.mirroredHubs.list>[0]) => (await store.mirroredHubs.list(f)).map((h) => h.doc.preferredUsername);
        expect(await ids({ country: "FR" })).toEqual(["lyon", "paris"]);
        expect(await ids({ hubType: "living-lab" })).toEqual(["wien", "lyon"]);
        expect(await ids({ country: "FR", hubType: "living-lab" })).toEqual(["lyon"]);
        expect(await ids({ country: "DE" })).toEqual([]);
      });

      it("empties an origin on an empty list or its removal, and refuses a document of another origin", async () => {
        await store.mirroredHubs.replaceOrigin(FR, [hubOf(FR, "paris"), hubOf(FR, "lyon")], "2026-11-01T10:00:00.000Z");
        await store.mirroredHubs.replaceOrigin(AT, [hubOf(AT, "wien", { country: "AT" })], "2026-11-01T10:00:00.000Z");
        await expect(store.mirroredHubs.replaceOrigin(AT, [hubOf(FR, "paris", { name: { fr: "forged" } })], "2026-11-02T10:00:00.000Z")).rejects.toThrow();
        expect((await store.mirroredHubs.getById(`${FR}/hubs/paris`))!.doc.name).toEqual({ fr: "PARIS" });
        expect(await store.mirroredHubs.replaceOrigin(FR, [], "2026-11-02T10:00:00.000Z")).toEqual({ held: 0, removed: 2 });
        expect(await store.mirroredHubs.removeOrigin(AT)).toBe(1);
        expect(await store.mirroredHubs.removeOrigin(AT)).toBe(0);
        expect(await store.mirroredHubs.list()).toEqual([]);
      });
    });

    describe("network: keyset sync pages, change stamp, restores, pending unfollows", () => {
      const FR = "https://fr.ipn.test";
      const remote = (revision = 1) => {
        const c = sampleChallenge({ key: null, origin: FR, country: "FR" });
        c.doc.revision = revision;
        return c;
      };
      const write = (c: StoredChallenge, revision = c.doc.revision) => ({ doc: { ...c.doc, revision }, origin: c.origin, country: c.country });
      const peer = (origin: string) => ({ origin, country: "FR", role: "national" as const, source: "api" as const, addedAt: "2026-11-01T10:00:00.000Z" });

      it("walks revision pages by id, each live row exactly once while rows are added and edited between pages", async () => {
        const start = Array.from({ length: 7 }, (_, i) => remote(i + 1));
        await store.mirror.upsertMany(start.map((c) => write(c)));
        const seen: string[] = [];
        const added: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 100; i++) {
          const page = await store.mirror.revisionPage(FR, after, 2);
          expect(page.length).toBeLessThanOrEqual(2);
          seen.push(...page.map((e) => e.id));
          if (page.length < 2) break;
          after = page[page.length - 1]!.id;
          // Between pages: a new row, and an edit of a row already served.
          const c = remote(1);
          added.push(c.id);
          await store.mirror.upsertMany([write(c), write(start[0]!, 50)]);
        }
        expect(new Set(seen).size).toBe(seen.length);
        for (const c of start) expect(seen).toContain(c.id);
        expect(seen.every((id) => start.some((c) => c.id === id) || added.includes(id))).toBe(true);
        const revisions = await store.mirror.revisions(FR);
        expect(await store.mirror.revisionPage(FR, null, 1000)).toEqual(revisions);
        expect(revisions.find((e) => e.id === start[0]!.id)!.revision).toBe(50);
      });

      it("moves the change stamp on every challenge write, local or mirrored, and on removal of an origin", async () => {
        const stamps = [await store.mirror.changeStamp()];
        expect(await store.mirror.changeStamp()).toBe(stamps[0]);
        const local = sampleChallenge();
        await put(local);
        stamps.push(await store.mirror.changeStamp());
        const c = remote(1);
        await store.mirror.upsertMany([write(c)]);
        stamps.push(await store.mirror.changeStamp());
        await store.mirror.withdraw(FR, [c.id], "2026-11-02T10:00:00.000Z");
        stamps.push(await store.mirror.changeStamp());
        await store.mirror.removeOrigin(FR);
        stamps.push(await store.mirror.changeStamp());
        expect(new Set(stamps).size).toBe(stamps.length);
      });

      it("restores a withdrawn mirrored challenge its origin serves again, never with an older revision", async () => {
        const c = remote(3);
        await store.mirror.upsertMany([write(c)]);
        await store.mirror.withdraw(FR, [c.id], "2026-11-02T10:00:00.000Z");
        expect(await store.mirror.revisions(FR)).toEqual([]);
        expect(await store.mirror.upsertMany([write(c, 2)])).toEqual(["stale"]);
        expect(await store.mirror.upsertMany([write(c, 3)])).toEqual(["restored"]);
        expect(await store.challenges.getById(c.id)).toMatchObject({ withdrawnAt: null, origin: FR });
        expect(await store.mirror.revisions(FR)).toEqual([{ id: c.id, revision: 3 }]);
        expect(ids(await list({ country: ["FR"] }))).toEqual([c.id]);
        expect(await store.mirror.upsertMany([write(c, 3)])).toEqual(["stale"]);
      });

      it("takes a peer off the allowlist and leaves its pending unfollow in one step, until it is sent", async () => {
        await store.peers.upsert(peer("https://fr.ipn.test"));
        await store.peers.upsert(peer("https://at.ipn.test"));
        const unfollow = { actorId: "https://fr.ipn.test/actor", followActivityId: "https://de.ipn.test/actor#follows/1", removedAt: "2026-11-03T10:00:00.000Z" };
        expect(await store.peers.remove("https://fr.ipn.test", unfollow)).toBe(true);
        expect(await store.peers.remove("https://fr.ipn.test", unfollow)).toBe(false);
        expect(await store.peers.get("https://fr.ipn.test")).toBeNull();
        expect((await store.peers.list()).map((p) => p.origin)).toEqual(["https://at.ipn.test"]);
        await store.peers.patchSync("https://fr.ipn.test", { held: 5 }); // ended: no-op
        expect(await store.peers.pendingUnfollows()).toEqual([{ origin: "https://fr.ipn.test", ...unfollow }]);
        await store.peers.unfollowed("https://fr.ipn.test", "https://de.ipn.test/actor#follows/other");
        expect(await store.peers.pendingUnfollows()).toHaveLength(1);
        await store.peers.unfollowed("https://fr.ipn.test", unfollow.followActivityId);
        expect(await store.peers.pendingUnfollows()).toEqual([]);
        // A peer never followed leaves nothing behind.
        expect(await store.peers.remove("https://at.ipn.test")).toBe(true);
        expect(await store.peers.pendingUnfollows()).toEqual([]);
      });

      it("cancels a pending unfollow when the origin is added again, which starts over", async () => {
        await store.peers.upsert(peer("https://fr.ipn.test"));
        await store.peers.patchSync("https://fr.ipn.test", { followState: "accepted", held: 3 });
        await store.peers.remove("https://fr.ipn.test", { actorId: "https://fr.ipn.test/actor", followActivityId: "https://de.ipn.test/actor#follows/1", removedAt: "2026-11-03T10:00:00.000Z" });
        const again = await store.peers.upsert({ ...peer("https://fr.ipn.test"), addedAt: "2026-11-04T10:00:00.000Z" });
        expect(again).toEqual({ ...peer("https://fr.ipn.test"), addedAt: "2026-11-04T10:00:00.000Z", sync: initialSyncState() });
        expect(await store.peers.pendingUnfollows()).toEqual([]);
        await store.peers.unfollowed("https://fr.ipn.test", "https://de.ipn.test/actor#follows/1"); // late worker: no-op
        expect(await store.peers.get("https://fr.ipn.test")).not.toBeNull();
      });
    });

    it("answers ping and closes idempotently", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await store.close();
    });
  });
}
