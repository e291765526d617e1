// What the feed actors send (ADR 0007). A new mirrored challenge is boosted (`Announce` of its Note id
// on its origin) by every matching feed; a new revision is re-boosted — `Undo` of the previous
// revision's Announce, then an Announce with a new id — and the hub-signed Update itself is forwarded
// to the feeds' followers, because Mastodon only re-renders a boosted Note on an Update signed by its
// author. A withdrawal undoes the boost and forwards the hub's Delete. Announce ids are unique per
// (feed, challenge, revision) and served at /announces/{feed}/{key}.
//
// Durable (issue 8): nothing here reacts to an in-memory event. Each mirrored change left a feed effect
// in the store, written with the change itself (effects.ts); each hub-signed Update/Delete received
// left a forward effect, written by the inbox job that received it (a crash before that retries the
// job). The relay (federation/relay.ts, one per deployment under a lease) hands effects to `relay()`
// in the order they were written. Every step is idempotent — activity ids derive from (feed,
// challenge, revision) and the Announce's `published` from the effect — so an effect re-run after a
// crash or a failed enqueue sends the same activities again, which receivers deduplicate. An effect
// is marked done only after everything it implies is in Fedify's durable queue.
import { createHash } from "node:crypto";
import type { Federation, InboxContext, KvStore } from "@fedify/fedify";
import { type Activity, Announce, Delete, PUBLIC_COLLECTION, Undo, Update, type Recipient } from "@fedify/vocab";
import type { Challenge, ChallengeStatus } from "../../node/domain/types";
import type { FeedEffect, Follower, Repositories } from "../../node/domain/ports";
import { toRecipient } from "../actors";
import { federationLogger } from "../log";
import { targetsOfFollowers } from "../transport/delivery-targets";
import { type ActivitySender, fedifySender } from "../transport/outgoing-activity";
import { forwardEffectId } from "./effects";
import { type Feed, feedOf, feedsFor } from "./feed-actors";

const log = federationLogger("aggregator");

export const ANNOUNCE_ROUTE = "/announces/{feed}/{announce}";

/** A new challenge is boosted only while suppliers can still act on it (a backfill of closed ones is history). */
const BOOSTED_WHEN_NEW: readonly ChallengeStatus[] = ["forthcoming", "open"];

/** What a feed announced of one challenge: enough to serve each Announce and to undo the latest. */
interface AnnounceRecord {
  challengeId: string;
  hub: string;
  /** Every revision announced, oldest first, with the instant of its Announce. */
  announces: { revision: number; at: string }[];
  /** The latest Announce was undone (withdrawn). */
  undone: boolean;
}

type Announced = AnnounceRecord["announces"][number];

const challengeKey = (challengeId: string) => createHash("sha256").update(challengeId).digest("hex").slice(0, 24);
const kvKey = (feed: string, key: string) => ["ipn", "feed-announce", feed, key] as const;

/** Fedify's InboxContext.forwardActivity sends the payload as received; outside an inbox listener we
 *  build that context from the stored payload (ContextImpl.toInboxContext, present in Fedify 2.3). */
interface ForwardingContextFactory {
  toInboxContext(recipient: string | null, activity: unknown, activityId: string | undefined, activityType: string): InboxContext<void>;
}

function hasSignatureOrProof(raw: Record<string, unknown>): boolean {
  return (typeof raw.signature === "object" && raw.signature !== null) || raw.proof !== undefined;
}

const idOf = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : null;

export interface AnnouncerOptions {
  federation: Federation<void>;
  kv: KvStore;
  repos: Repositories;
  origin: string;
  /** Wakes the relay after a forward effect was recorded. */
  kick?: () => void;
  now?: () => Date;
  /** How an activity reaches the delivery queue (default: Fedify's sendActivity). */
  sender?: ActivitySender;
}

export class FeedAnnouncer {
  private readonly now: () => Date;
  private readonly sender: ActivitySender;

  constructor(private readonly o: AnnouncerOptions) {
    this.now = o.now ?? (() => new Date());
    this.sender = o.sender ?? fedifySender(o.federation, o.origin);
  }

  private ctx() {
    return this.o.federation.createContext(new URL(this.o.origin), undefined);
  }

  announceUri(feed: string, challengeId: string, revision: number): URL {
    return this.ctx().getObjectUri(Announce, { feed, announce: `${challengeKey(challengeId)}-${revision}` });
  }

  /** Whether effects wait to be relayed (relay drain). */
  async hasPending(): Promise<boolean> {
    return (await this.o.repos.feedEffects.pending(1)).length > 0;
  }

  /**
   * One pass over the pending effects, oldest first. A failed effect stays pending and holds back the
   * later effects of its challenge (their order matters: Undo before the next Announce); others go on.
   * Returns whether anything failed.
   */
  async relay(shouldStop: () => boolean = () => false, batchSize = 50): Promise<boolean> {
    let failed = false;
    const blocked = new Set<string>();
    for (;;) {
      const batch = await this.o.repos.feedEffects.pending(batchSize);
      let progressed = false;
      for (const effect of batch) {
        if (shouldStop()) return failed; // shutdown: the rest stays pending for the next relay
        if (blocked.has(effect.challengeId)) continue;
        try {
          await this.apply(effect);
          await this.o.repos.feedEffects.markDone(effect.id, this.now().toISOString());
          progressed = true;
        } catch (error) {
          failed = true;
          blocked.add(effect.challengeId);
          log.warn("could not relay feed effect {id}; will retry: {error}", { id: effect.id, error });
        }
      }
      if (!progressed || batch.length < batchSize) return failed;
    }
  }

  private async apply(effect: FeedEffect): Promise<void> {
    if (effect.kind === "forward") return this.forwardStored(effect);
    if (!effect.doc) return;
    // A challenge no longer held (its peer was removed from the allowlist meanwhile) is not boosted.
    if (effect.kind !== "withdrawn" && !(await this.o.repos.challenges.getById(effect.challengeId))) return;
    for (const feed of feedsFor(effect.doc, effect.country)) await this.applyFeed(feed, effect, effect.doc);
  }

  private async applyFeed(feed: Feed, effect: FeedEffect, doc: Challenge): Promise<void> {
    const k = kvKey(feed.identifier, challengeKey(doc.id));
    const record = (await this.o.kv.get<AnnounceRecord>(k)) ?? null;
    const latest = record?.announces.at(-1);

    if (effect.kind === "withdrawn") {
      if (!record || !latest) return;
      // Sent again on a re-run (the same Undo id): receivers ignore the second.
      await this.send(feed, this.undo(feed, record, latest), doc.id);
      if (!record.undone) await this.o.kv.set(k, { ...record, undone: true });
      log.info("{feed} undid its boost of withdrawn {id}", { feed: feed.identifier, id: doc.id });
      return;
    }
    const index = record?.announces.findIndex((a) => a.revision === doc.revision) ?? -1;
    if (record && index >= 0) {
      // This effect ran before, up to recording its Announce: the sends may not have reached the queue.
      if (record.undone || index !== record.announces.length - 1) return; // superseded since
      const previous = record.announces[index - 1];
      if (previous) await this.send(feed, this.undo(feed, record, previous), doc.id);
      await this.send(feed, this.announce(feed, doc, record.announces[index]!), doc.id);
      return;
    }
    if (record?.undone) return; // withdrawn: final
    if (latest && latest.revision > doc.revision) return; // stale
    const live = latest !== undefined;
    if (!live && !BOOSTED_WHEN_NEW.includes(doc.status)) return;
    // The previous boost goes first, so a follower never holds two boosts of one challenge.
    if (record && latest) await this.send(feed, this.undo(feed, record, latest), doc.id);
    // The Announce's instant is the effect's: a re-run sends an identical activity.
    const announced: Announced = { revision: doc.revision, at: effect.createdAt };
    const updated: AnnounceRecord = {
      challengeId: doc.id, hub: doc.hub, undone: false, announces: [...(record?.announces ?? []), announced],
    };
    // Recorded before sending: the Announce id must be dereferenceable when a receiver looks it up.
    await this.o.kv.set(k, updated);
    await this.send(feed, this.announce(feed, doc, announced), doc.id);
    log.info("{feed} boosted {id} (revision {revision})", { feed: feed.identifier, id: doc.id, revision: doc.revision });
  }

  private announce(feed: Feed, doc: Pick<Challenge, "id" | "hub">, announced: Announced): Announce {
    const ctx = this.ctx();
    return new Announce({
      id: this.announceUri(feed.identifier, doc.id, announced.revision),
      actor: ctx.getActorUri(feed.identifier),
      object: new URL(doc.id),
      published: Temporal.Instant.from(announced.at),
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(feed.identifier), new URL(doc.hub)],
    });
  }

  private undo(feed: Feed, record: AnnounceRecord, announced: Announced): Undo {
    const ctx = this.ctx();
    const announce = this.announce(feed, { id: record.challengeId, hub: record.hub }, announced);
    return new Undo({
      id: new URL(`${announce.id!.href}#undo`),
      actor: ctx.getActorUri(feed.identifier),
      object: announce,
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(feed.identifier)],
    });
  }

  private async send(feed: Feed, activity: Activity, challengeId: string): Promise<void> {
    // Resolves once every delivery is in the durable queue, not delivered.
    const followers = targetsOfFollowers(await this.o.repos.followers.all(feed.identifier));
    // Announce, Undo and the next Announce of one challenge reach each inbox in order.
    await this.sender.send(feed.identifier, followers, activity, `${feed.identifier} ${challengeId}`);
  }

  /** The Announce an id names (Fedify object dispatcher); null when this feed never sent it. */
  async dispatch(feedIdentifier: string, announceKey: string): Promise<Announce | null> {
    const feed = feedOf(feedIdentifier);
    const m = /^([0-9a-f]{24})-(\d{1,9})$/.exec(announceKey);
    if (!feed || !m) return null;
    const record = await this.o.kv.get<AnnounceRecord>(kvKey(feed.identifier, m[1]!));
    const revision = Number(m[2]);
    const sent = record?.announces.find((a) => a.revision === revision);
    if (!record || !sent) return null;
    return this.announce(feed, { id: record.challengeId, hub: record.hub }, sent);
  }

  /**
   * Inbox side of forwarding: a verified, hub-signed Update or Delete of a challenge the mirror holds
   * from that hub's own origin is recorded as a forward effect, with the payload exactly as received
   * (its Linked Data signature and integrity proof stay the hub's). The inbox job runs this after the
   * mirror applied the activity; if the process dies before, the job is retried and records it then.
   */
  async forward(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    if (!(activity instanceof Update || activity instanceof Delete)) return;
    const { actorId, objectId } = activity;
    if (!actorId || !objectId || !activity.id) return;
    const held = await this.o.repos.challenges.getById(objectId.href);
    if (!held || held.key !== null || held.origin !== actorId.origin || held.doc.hub !== actorId.href) return;
    if (feedsFor(held.doc, held.country).length === 0) return;
    // The payload as received; Fedify keeps it on the inbox context for forwarding.
    const raw = (ctx as unknown as { activity?: unknown }).activity;
    if (typeof raw !== "object" || raw === null || !hasSignatureOrProof(raw as Record<string, unknown>)) return;
    const recorded = await this.o.repos.feedEffects.record({
      id: forwardEffectId(activity.id.href), kind: "forward", challengeId: held.id, revision: 0, country: held.country,
      doc: null, activity: raw, createdAt: this.now().toISOString(), doneAt: null,
    });
    if (recorded) this.o.kick?.();
  }

  /**
   * Relay side of forwarding: to the followers of every feed that boosted the challenge, each inbox
   * once, HTTP-signed by the feed actor. Their servers then edit or remove the boosted Note, which no
   * Announce of ours can make them do. A Delete is forwarded only once the mirror withdrew the
   * challenge (destruction is confirmed at the origin).
   */
  private async forwardStored(effect: FeedEffect): Promise<void> {
    const raw = effect.activity as Record<string, unknown> | null;
    if (!raw || typeof raw !== "object") return;
    const type = raw.type;
    const actor = idOf(raw.actor);
    const held = await this.o.repos.challenges.getById(effect.challengeId);
    if (!held || held.key !== null || !actor || held.doc.hub !== actor || held.origin !== new URL(actor).origin) return;
    if (type === "Delete" && held.withdrawnAt === null) {
      log.info("not forwarding the Delete of {id}: the mirror still holds it (its origin did not confirm)", { id: held.id });
      return;
    }
    if (type !== "Update" && type !== "Delete") return;
    const factory = this.ctx() as unknown as Partial<ForwardingContextFactory>;
    if (typeof factory.toInboxContext !== "function") throw new Error("this Fedify version cannot forward stored activities");
    const forwarding = factory.toInboxContext(null, raw, idOf(raw) ?? undefined, type);
    const reached = new Set<string>();
    for (const feed of feedsFor(held.doc, held.country)) {
      if (!(await this.o.kv.get<AnnounceRecord>(kvKey(feed.identifier, challengeKey(held.id))))) continue;
      const recipients: Recipient[] = [];
      for (const f of await this.o.repos.followers.all(feed.identifier)) {
        const inbox = f.sharedInbox ?? f.inbox;
        if (reached.has(inbox)) continue;
        reached.add(inbox);
        recipients.push(toRecipient(f));
      }
      if (recipients.length === 0) continue;
      await forwarding.forwardActivity({ identifier: feed.identifier }, recipients, {
        skipIfUnsigned: true, preferSharedInbox: true, orderingKey: `forward ${held.id}`,
      });
      log.info("{feed} forwarded {type} of {id} to {count} inbox(es)", { feed: feed.identifier, type, id: held.id, count: recipients.length });
    }
  }
}
