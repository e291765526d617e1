// The feed effects relay on its own (issue 8): a real store, the mirror writing effects with its
// changes, and a stand-in for Fedify's context that records what is handed to the delivery queue (or
// refuses, like a queue that is down). A failed hand-over is not lost: the effect stays pending, the
// challenge's later effects wait behind it, and the retry sends the same activities. A re-run after a
// crash between enqueueing and marking the effect done sends identical activities (same ids, same
// instants), which receivers deduplicate.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Federation, KvStore } from "@fedify/fedify";
import { Announce, Undo, type Activity } from "@fedify/vocab";
import { feedEffectPlanner } from "../../federation/aggregator";
import { FeedAnnouncer } from "../../federation/aggregator/announcer";
import type { Challenge } from "../../node/domain/types";
import { createSqliteStore } from "../../node/storage/sqlite";
import type { Store } from "../../node/storage/store";

const EU = "https://eu.ipn.example";
const FR = "https://fr.ipn.example";
const template = JSON.parse(readFileSync(join(__dirname, "../fixtures/challenges/challenge-fr-health-pcp.json"), "utf8")) as Challenge;

interface Sent { feed: string; activity: Activity; json: Record<string, unknown>; orderingKey: unknown }

function fakeFederation(refuse: () => boolean) {
  const sent: Sent[] = [];
  const federation = {
    createContext: () => ({
      getObjectUri: (_cls: unknown, v: { feed: string; announce: string }) => new URL(`${EU}/announces/${v.feed}/${v.announce}`),
      getActorUri: (id: string) => new URL(`${EU}/hubs/${id}`),
      getFollowersUri: (id: string) => new URL(`${EU}/hubs/${id}/followers`),
      async sendActivity(sender: { identifier: string }, _recipients: unknown, activity: Activity, options: { orderingKey?: unknown }) {
        if (refuse()) throw new Error("queue unavailable");
        sent.push({ feed: sender.identifier, activity, json: (await activity.toJsonLd({ format: "compact" })) as Record<string, unknown>, orderingKey: options.orderingKey });
      },
    }),
  } as unknown as Federation<void>;
  return { federation, sent };
}

function challenge(revision: number): Challenge {
  const id = `${FR}/challenges/pcp-1`;
  return { ...template, id, url: id, hub: `${FR}/hubs/fr_health`, revision, status: "open", focusAreas: ["health"] };
}

let store: Store;
beforeEach(() => { store = createSqliteStore(":memory:"); });
afterEach(async () => { await store.close(); });

const planner = feedEffectPlanner(() => new Date("2026-12-01T10:00:00.000Z"));
const write = (doc: Challenge) => ({ doc, origin: FR, country: "FR" });
const summary = (sent: Sent[]) => sent.map((s) => `${s.feed} ${s.activity instanceof Undo ? "Undo" : s.activity instanceof Announce ? "Announce" : "?"} ${s.activity.id?.href}`);

it("keeps an effect whose hand-over failed, holds the challenge's later effects behind it, and sends them in order on retry", async () => {
  let down = true;
  const { federation, sent } = fakeFederation(() => down);
  const announcer = new FeedAnnouncer({ federation, kv: store.kv as KvStore, repos: store, origin: EU });
  await store.mirror.upsertMany([write(challenge(1))], planner);
  await store.mirror.upsertMany([write(challenge(2))], planner);

  expect(await announcer.relay()).toBe(true); // failed
  expect(sent).toEqual([]);
  expect((await store.feedEffects.pending(10)).map((e) => e.id)).toEqual([`created ${FR}/challenges/pcp-1 1`, `updated ${FR}/challenges/pcp-1 2`]);

  down = false;
  expect(await announcer.relay()).toBe(false);
  const key = createHash("sha256").update(`${FR}/challenges/pcp-1`).digest("hex").slice(0, 24);
  // Both feeds of the challenge (focus area health, country FR): boost, then undo + re-boost.
  expect(summary(sent)).toEqual([
    `topic.health Announce ${EU}/announces/topic.health/${key}-1`,
    `country.fr Announce ${EU}/announces/country.fr/${key}-1`,
    `topic.health Undo ${EU}/announces/topic.health/${key}-1#undo`,
    `topic.health Announce ${EU}/announces/topic.health/${key}-2`,
    `country.fr Undo ${EU}/announces/country.fr/${key}-1#undo`,
    `country.fr Announce ${EU}/announces/country.fr/${key}-2`,
  ]);
  expect(sent.every((s) => s.orderingKey === `${s.feed} ${FR}/challenges/pcp-1`)).toBe(true);
  expect(await store.feedEffects.pending(10)).toEqual([]);
});

it("sends identical activities when an effect is re-run after a crash before it was marked done", async () => {
  const { federation, sent } = fakeFederation(() => false);
  const announcer = new FeedAnnouncer({ federation, kv: store.kv as KvStore, repos: store, origin: EU });
  await store.mirror.upsertMany([write(challenge(1))], planner);
  await store.mirror.upsertMany([write(challenge(2))], planner);
  // The process dies after the hand-over of the edit's activities, before marking it done.
  const markDone = store.feedEffects.markDone.bind(store.feedEffects);
  let crashOnUpdate = true;
  store.feedEffects.markDone = async (id, at) => {
    if (crashOnUpdate && id.startsWith("updated ")) throw new Error("killed");
    return markDone(id, at);
  };
  await announcer.relay();
  const first = sent.splice(0);
  expect(summary(first)).toHaveLength(6);
  expect((await store.feedEffects.pending(10)).map((e) => e.id)).toEqual([`updated ${FR}/challenges/pcp-1 2`]);

  crashOnUpdate = false;
  expect(await announcer.relay()).toBe(false);
  // The edit's four activities again, byte for byte (ids and instants included); the boost of revision 1 is not repeated.
  expect(sent.map((s) => s.json)).toEqual(first.slice(2).map((s) => s.json));
  expect(await store.feedEffects.pending(10)).toEqual([]);
  // Each Announce is still served with the instant it was first sent with.
  const served = await announcer.dispatch("topic.health", (first[3]!.activity.id!.href.split("/").pop())!);
  expect(served?.published?.toString()).toBe("2026-12-01T10:00:00Z");
});

it("does not boost a closed challenge that arrives by backfill (history, not news)", async () => {
  const { federation, sent } = fakeFederation(() => false);
  const announcer = new FeedAnnouncer({ federation, kv: store.kv as KvStore, repos: store, origin: EU });
  await store.mirror.upsertMany([write({ ...challenge(1), status: "closed" })], planner);
  await announcer.relay();
  expect(sent).toEqual([]);
  expect(await store.feedEffects.pending(10)).toEqual([]);
});
