// Shutdown loses nothing (issue 8): stopping the relay in the middle of a pass lets the entry being
// handed to the delivery queue finish — it is marked only once it is in the queue — and leaves the
// rest pending, untouched, for the next relay (this process's successor or another worker).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Federation } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Challenge } from "../../node/domain/types";
import type { ActivityRecord } from "../../node/domain/ports";
import { createOutboxRelay } from "../../federation/relay";
import { memoryRepos } from "../federation/memory-repos";
import { waitFor } from "../support/processes";

const ORIGIN = "https://de.ipn.example";
const HUB = `${ORIGIN}/hubs/muenchen_mobil`;
const doc = JSON.parse(readFileSync(join(__dirname, "../fixtures/challenges/challenge-de-mobility.json"), "utf8")) as Challenge;

function record(key: string): ActivityRecord {
  const id = `${ORIGIN}/challenges/${key}`;
  const object: Challenge = { ...doc, id, url: id, hub: HUB, revision: 1, published: "2026-10-20T08:00:00Z" };
  return { id: `${id}/activities/create`, type: "Create", actor: HUB, objectId: id, revision: 1, published: "2026-10-20T08:00:00Z", object, federatedAt: null };
}

it("finishes the hand-over in progress when stopped, marks only what is queued, and leaves the rest pending", async () => {
  const repos = memoryRepos();
  repos.activities.records.push(record("a"), record("b"), record("c"));
  const queued: string[] = [];
  let release = () => {};
  const slow = new Promise<void>((r) => { release = r; });
  let calls = 0;
  const federation = {
    createContext: () => ({
      async sendActivity(_sender: unknown, _recipients: unknown, activity: Activity) {
        calls++;
        if (calls === 1) await slow; // the queue is slow to accept the first one
        queued.push(activity.id!.href);
      },
    }),
  } as unknown as Federation<void>;

  const relay = createOutboxRelay({ federation, repos, origin: ORIGIN, pollMs: 60_000 });
  relay.start();
  await waitFor("the first hand-over to begin", () => calls === 1, { timeoutMs: 5_000, intervalMs: 5 });
  const stopped = relay.stop();
  release();
  await stopped;

  // The one in progress reached the queue and is marked; nothing else was sent or marked.
  expect(queued).toEqual([record("a").id]);
  expect(repos.activities.records.filter((r) => r.federatedAt !== null).map((r) => r.id)).toEqual([record("a").id]);
  expect((await repos.activities.pending(10)).map((r) => r.id)).toEqual([record("b").id, record("c").id]);

  // The next relay (here: the same one drained) sends the rest, in order.
  await relay.drain();
  expect(queued).toEqual([record("a").id, record("b").id, record("c").id]);
});
