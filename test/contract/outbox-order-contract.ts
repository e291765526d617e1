// The outbox order and feed-effects contract (issue 8, principle 7), run against every store with
// two store instances on one database — as several web replicas and workers share one in production.
// The relay hands activities to the delivery queue in pending() order, so that order must be the
// order of the writes: a challenge's Create before its Update even when the two were written by
// different processes, whatever their clocks say. The aggregator's feed effects are written in the
// same store step as the mirror change that causes them, once per change, in write order.
import type { FeedEffect, MirrorEffectPlanner, StoredChallenge } from "../../node/domain/ports";
import type { Store } from "../../node/storage/store";
import { activityFor, sampleChallenge } from "./sample-challenge";

export type SharedStoreFactory = () => Promise<{ open(): Promise<Store>; cleanup(): Promise<void> }>;

const FR = "https://fr.ipn.test";

const planner = (createdAt = "2026-11-02T10:00:00.000Z"): MirrorEffectPlanner => (kind, stored): FeedEffect => ({
  id: kind === "withdrawn" ? `withdrawn ${stored.id}` : `${kind} ${stored.id} ${stored.doc.revision}`,
  kind, challengeId: stored.id, revision: stored.doc.revision, country: stored.country, doc: stored.doc,
  activity: null, createdAt, doneAt: null,
});

const remote = (revision = 1): StoredChallenge => {
  const c = sampleChallenge({ key: null, origin: FR, country: "FR", focusAreas: ["health"] });
  c.doc.revision = revision;
  return c;
};
const write = (c: StoredChallenge, revision = c.doc.revision) => ({ doc: { ...c.doc, revision }, origin: c.origin, country: c.country });

export function describeOutboxOrderContract(name: string, factory: SharedStoreFactory): void {
  describe(`${name}: outbox order and feed effects (two store instances)`, () => {
    let a: Store;
    let b: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const shared = await factory();
      cleanup = shared.cleanup;
      a = await shared.open();
      b = await shared.open();
    });
    afterEach(async () => { await cleanup(); });

    it("gives concurrent writers unique places, and pending() returns every writer's activities in its write order", async () => {
      const PER_WRITER = 6;
      /** One writer: creates challenges and edits each right after; returns its activity ids in write order. */
      const writer = async (store: Store, other: Store) => {
        const written: string[] = [];
        for (let i = 0; i < PER_WRITER; i++) {
          const c = sampleChallenge();
          const create = activityFor(c);
          await store.challenges.insert(c, create);
          written.push(create.id);
          // The edit goes through the other instance: another process, another clock.
          const next = { ...c, version: 2, doc: { ...c.doc, revision: 2 } };
          const update = activityFor(next, "Update");
          expect(await other.challenges.update(next, 1, update)).toBe(true);
          written.push(update.id);
        }
        return written;
      };
      const [first, second] = await Promise.all([writer(a, b), writer(b, a)]);
      for (const reader of [a, b]) {
        const pending = (await reader.activities.pending(1000)).map((x) => x.id);
        expect(pending).toHaveLength(4 * PER_WRITER);
        expect(new Set(pending).size).toBe(pending.length);
        // Each writer's writes keep their order (a Create always before its Update).
        for (const mine of [first, second]) expect(pending.filter((id) => mine.includes(id))).toEqual(mine);
      }
    });

    it("applies overlapping mirror batches of two writers at once: every document ends at its highest revision, created once, each stored change with its one effect", async () => {
      const docs = Array.from({ length: 12 }, () => remote(1));
      // Both write the same documents at once, each with its own revisions (a backfill page and a burst
      // of hints, say): every batch races the other on every id.
      const revisionOf = (i: number, writer: number) => 1 + ((i + writer) % 3);
      const [fromA, fromB] = await Promise.all([
        a.mirror.upsertMany(docs.map((c, i) => write(c, revisionOf(i, 0))), planner()),
        b.mirror.upsertMany([...docs].reverse().map((c, j) => write(c, revisionOf(docs.length - 1 - j, 1))), planner()),
      ]);
      const outcomeOf = (i: number) => [fromA[i]!, fromB[docs.length - 1 - i]!];
      for (const [i, c] of docs.entries()) {
        const outcomes = outcomeOf(i);
        expect({ i, created: outcomes.filter((o) => o === "created").length }).toEqual({ i, created: 1 });
        expect(outcomes.every((o) => o === "created" || o === "updated" || o === "stale")).toBe(true);
        const held = (await b.challenges.getById(c.id))!;
        expect({ i, revision: held.doc.revision }).toEqual({ i, revision: Math.max(revisionOf(i, 0), revisionOf(i, 1)) });
        // The version counts the writes that were applied: one per outcome that stored something.
        expect({ i, version: held.version }).toEqual({ i, version: outcomes.filter((o) => o !== "stale").length });
      }
      const effects = (await a.feedEffects.pending(1000)).map((e) => e.id);
      expect(new Set(effects).size).toBe(effects.length);
      const stored = [...fromA, ...fromB].filter((o) => o !== "stale").length;
      expect(effects).toHaveLength(stored);
      expect(await a.challenges.count({ limit: 20 })).toBe(docs.length);
    });

    it("writes a mirror change's feed effect in the same step, once, and returns effects in write order", async () => {
      const x = remote(1);
      const y = remote(1);
      expect(await a.mirror.upsertMany([write(x)], planner())).toEqual(["created"]);
      expect(await b.mirror.upsertMany([write(y), write(x, 2)], planner())).toEqual(["created", "updated"]);
      // A repeated or stale write stores nothing and so implies nothing.
      expect(await a.mirror.upsertMany([write(x, 2), write(x, 1)], planner())).toEqual(["stale", "stale"]);
      expect((await b.mirror.withdraw(FR, [y.id], "2026-11-03T10:00:00.000Z", planner())).map((c) => c.id)).toEqual([y.id]);
      expect(await a.mirror.withdraw(FR, [y.id], "2026-11-04T10:00:00.000Z", planner())).toEqual([]);

      const expected = [`created ${x.id} 1`, `created ${y.id} 1`, `updated ${x.id} 2`, `withdrawn ${y.id}`];
      for (const reader of [a, b]) expect((await reader.feedEffects.pending(100)).map((e) => e.id)).toEqual(expected);
      const updated = await a.feedEffects.get(`updated ${x.id} 2`);
      expect(updated).toMatchObject({ kind: "updated", challengeId: x.id, revision: 2, country: "FR", doneAt: null, activity: null });
      expect(updated!.doc).toEqual({ ...x.doc, revision: 2 });

      await b.feedEffects.markDone(`created ${x.id} 1`, "2026-11-05T10:00:00.000Z");
      expect((await a.feedEffects.pending(100)).map((e) => e.id)).toEqual(expected.slice(1));
      expect((await a.feedEffects.get(`created ${x.id} 1`))?.doneAt).toBe("2026-11-05T10:00:00.000Z");
    });

    it("records a forward once, with the signed payload unchanged, after the effects written before it", async () => {
      const x = remote(1);
      await a.mirror.upsertMany([write(x)], planner());
      const payload = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: `${FR}/hubs/h/activities/update-2`, type: "Update", actor: `${FR}/hubs/h`, object: { id: x.id, "dotted.key": 1 },
        signature: { type: "RsaSignature2017", creator: `${FR}/hubs/h#main-key`, signatureValue: "c2ln" },
      };
      const forward: FeedEffect = {
        id: `forward ${payload.id}`, kind: "forward", challengeId: x.id, revision: 0, country: "FR", doc: null,
        activity: payload, createdAt: "2026-11-02T10:00:01.000Z", doneAt: null,
      };
      const results = await Promise.all([a.feedEffects.record(forward), b.feedEffects.record(forward)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.feedEffects.record(forward)).toBe(false);
      const pending = await b.feedEffects.pending(100);
      expect(pending.map((e) => e.id)).toEqual([`created ${x.id} 1`, forward.id]);
      expect(pending[1]!.activity).toEqual(payload);
    });

    it("stores neither the change nor an effect when planning the effect fails", async () => {
      const x = remote(1);
      const failing: MirrorEffectPlanner = () => { throw new Error("planner failed"); };
      await expect(a.mirror.upsertMany([write(x)], failing)).rejects.toThrow(/planner failed/);
      expect(await b.challenges.getById(x.id)).toBeNull();
      expect(await b.feedEffects.pending(10)).toEqual([]);
    });
  });
}
