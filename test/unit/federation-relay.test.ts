// The outbox relay hands recorded activities to Fedify's delivery queue, in order per challenge,
// and never loses one: a failed hand-over stays pending and is retried. (Without a sender of its own the
// relay uses Fedify's sendActivity, which this fake federation records.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Federation } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Challenge } from "../../node/domain/types";
import type { ActivityRecord } from "../../node/domain/ports";
import { createOutboxRelay } from "../../federation/relay";
import { memoryRepos } from "../federation/memory-repos";

const ORIGIN = "https://de.ipn.example";
const HUB = `${ORIGIN}/hubs/muenchen_mobil`;
const doc = JSON.parse(readFileSync(join(__dirname, "../fixtures/challenges/challenge-de-mobility.json"), "utf8")) as Challenge;

interface Sent { sender: unknown; recipients: unknown; activity: Activity; options: Record<string, unknown> }

function fakeFederation(fail: (activityId: string) => boolean = () => false) {
  const sent: Sent[] = [];
  const federation = {
    createContext: () => ({
      async sendActivity(sender: unknown, recipients: unknown, activity: Activity, options: Record<string, unknown>) {
        if (fail(activity.id!.href)) throw new Error("queue unavailable");
        sent.push({ sender, recipients, activity, options });
      },
    }),
  } as unknown as Federation<void>;
  return { federation, sent };
}

function record(key: string, type: ActivityRecord["type"], revision: number): ActivityRecord {
  const id = `${ORIGIN}/challenges/${key}`;
  const object: Challenge = { ...doc, id, url: id, hub: HUB, revision, published: "2026-10-20T08:00:00Z", updated: `2026-10-2${revision}T08:00:00Z` };
  const suffix = type === "Create" ? "create" : type === "Update" ? `update-${revision}` : "delete";
  return { id: `${id}/activities/${suffix}`, type, actor: HUB, objectId: id, revision, published: object.updated, object, federatedAt: null };
}

describe("outbox relay", () => {
  it("sends each pending activity to the hub's followers, ordered per challenge, and marks it federated", async () => {
    const repos = memoryRepos();
    repos.activities.records.push(record("a", "Create", 1), record("a", "Update", 2), record("b", "Create", 1));
    const { federation, sent } = fakeFederation();
    const relay = createOutboxRelay({ federation, repos, origin: ORIGIN, pollMs: 60_000 });
    relay.start();
    await relay.drain();
    await relay.stop();

    expect(sent.map((s) => s.activity.id?.href)).toEqual(repos.activities.records.map((r) => r.id));
    for (const s of sent) {
      expect(s.sender).toEqual({ identifier: "muenchen_mobil" });
      expect(s.recipients).toEqual([]); // the hub's followers (none here), resolved by the relay
      // Enqueued directly (the relay is already in the background): no second JSON-LD round trip in the fan-out lane.
      expect(s.options).toEqual({ preferSharedInbox: true, fanout: "skip", orderingKey: s.activity.objectId?.href });
    }
    expect(repos.activities.records.every((r) => r.federatedAt != null)).toBe(true);
  });

  it("sends once to the hub's followers and the peers' instance actors, an inbox already reached not twice", async () => {
    const repos = memoryRepos();
    repos.activities.records.push(record("a", "Create", 1));
    await repos.followers.add("muenchen_mobil", { actorId: "https://social.example/users/alice", inbox: "https://social.example/users/alice/inbox", sharedInbox: "https://social.example/inbox", followId: null });
    const peer = (host: string) => ({ id: new URL(`https://${host}/actor`), inboxId: new URL(`https://${host}/actor/inbox`), endpoints: { sharedInbox: new URL(`https://${host}/inbox`) } });
    const { federation, sent } = fakeFederation();
    // social.example's instance actor shares alice's shared inbox: it is reached already.
    const relay = createOutboxRelay({ federation, repos, origin: ORIGIN, pollMs: 60_000, extraRecipients: async () => [peer("social.example"), peer("fr.ipn.example")] });
    await relay.drain();

    expect(sent).toHaveLength(1);
    const recipients = sent[0]!.recipients as { id: URL }[];
    expect(recipients.map((r) => r.id.href)).toEqual(["https://social.example/users/alice", "https://fr.ipn.example/actor"]);
  });

  it("keeps a failed activity pending, holds later ones of the same challenge, and retries", async () => {
    const repos = memoryRepos();
    repos.activities.records.push(record("a", "Create", 1), record("a", "Update", 2), record("b", "Create", 1));
    let broken = true;
    const { federation, sent } = fakeFederation((id) => broken && id.endsWith("/a/activities/create"));
    const relay = createOutboxRelay({ federation, repos, origin: ORIGIN, pollMs: 60_000 });

    await expect(relay.drain(200)).rejects.toThrow(/still pending/);
    expect(sent.map((s) => s.activity.id?.href)).toEqual([`${ORIGIN}/challenges/b/activities/create`]);
    expect((await repos.activities.pending(10)).map((r) => r.id)).toEqual([
      `${ORIGIN}/challenges/a/activities/create`, `${ORIGIN}/challenges/a/activities/update-2`,
    ]);

    broken = false;
    await relay.drain();
    expect(sent.map((s) => s.activity.id?.href)).toEqual([
      `${ORIGIN}/challenges/b/activities/create`, `${ORIGIN}/challenges/a/activities/create`, `${ORIGIN}/challenges/a/activities/update-2`,
    ]);
  });

  it("ignores kicks until started (web-only processes leave relaying to workers)", async () => {
    const repos = memoryRepos();
    repos.activities.records.push(record("a", "Create", 1));
    const { federation, sent } = fakeFederation();
    const relay = createOutboxRelay({ federation, repos, origin: ORIGIN, pollMs: 60_000 });
    relay.kick();
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(0);
    await relay.stop();
  });
});
