// What the feed actors send (ADR 0007). A new mirrored challenge is boosted (`Announce` of its Note id
// on its origin) by every matching feed; a new revision is re-boosted — `Undo` of the previous
// revision's Announce, then an Announce with a new id — and the hub-signed Update itself is forwarded
// to the feeds' followers, because Mastodon only re-renders a boosted Note on an Update signed by its
// author. A withdrawal undoes the boost and forwards the hub's Delete. Announce ids are unique per
// (feed, challenge, revision) and served at /announces/{feed}/{key}.
import { createHash } from "node:crypto";
import type { Federation, InboxContext, KvStore } from "@fedify/fedify";
import { Activity, Announce, Delete, PUBLIC_COLLECTION, Undo, Update, type Recipient } from "@fedify/vocab";
import type { MirrorChange } from "../../node/domain/mirror";
import type { Challenge, ChallengeStatus } from "../../node/domain/types";
import type { Follower, Repositories } from "../../node/storage/ports";
import { federationLogger } from "../log";
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
  /** The latest Announce was undone (withdrawn, or superseded and not re-announced). */
  undone: boolean;
}

const challengeKey = (challengeId: string) => createHash("sha256").update(challengeId).digest("hex").slice(0, 24);
const kvKey = (feed: string, key: string) => ["ipn", "feed-announce", feed, key] as const;

export interface AnnouncerOptions {
  federation: Federation<void>;
  kv: KvStore;
  repos: Repositories;
  origin: string;
  now?: () => Date;
}

export class FeedAnnouncer {
  /** Changes of one (feed, challenge) are applied in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly o: AnnouncerOptions) {
    this.now = o.now ?? (() => new Date());
  }

  private ctx() {
    return this.o.federation.createContext(new URL(this.o.origin), undefined);
  }

  announceUri(feed: string, challengeId: string, revision: number): URL {
    return this.ctx().getObjectUri(Announce, { feed, announce: `${challengeKey(challengeId)}-${revision}` });
  }

  /** Subscribed to MirrorService.onChange. Never throws. */
  onMirrorChange(change: MirrorChange): void {
    for (const feed of feedsFor(change.doc, change.peer.country)) {
      const key = `${feed.identifier} ${change.doc.id}`;
      const previous = this.chains.get(key) ?? Promise.resolve();
      const next = previous
        .then(() => this.apply(feed, change))
        .catch((error) => log.warn("{feed}: could not announce {kind} of {id}: {error}", { feed: feed.identifier, kind: change.kind, id: change.doc.id, error }))
        .finally(() => { if (this.chains.get(key) === next) this.chains.delete(key); });
      this.chains.set(key, next);
    }
  }

  /** Resolves when every pending change has been handed to the delivery queue (tests, demo, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  private async apply(feed: Feed, change: MirrorChange): Promise<void> {
    const { doc } = change;
    const k = kvKey(feed.identifier, challengeKey(doc.id));
    const record = (await this.o.kv.get<AnnounceRecord>(k)) ?? null;
    const latest = record?.announces.at(-1);
    const live = record !== null && !record.undone && latest !== undefined;

    if (change.kind === "withdrawn") {
      if (!live) return;
      await this.send(feed, this.undo(feed, record, latest.revision, latest.at), doc.id);
      await this.o.kv.set(k, { ...record, undone: true });
      log.info("{feed} undid its boost of withdrawn {id}", { feed: feed.identifier, id: doc.id });
      return;
    }
    if (live && latest.revision >= doc.revision) return; // a duplicate or stale change
    if (!live && !BOOSTED_WHEN_NEW.includes(doc.status)) return;
    // The previous boost goes first, so a follower never holds two boosts of one challenge.
    if (live) await this.send(feed, this.undo(feed, record, latest.revision, latest.at), doc.id);
    const at = this.now().toISOString();
    const updated: AnnounceRecord = {
      challengeId: doc.id, hub: doc.hub, undone: false,
      announces: [...(record?.announces ?? []), { revision: doc.revision, at }],
    };
    // Recorded before sending: the Announce id must be dereferenceable when a receiver looks it up.
    await this.o.kv.set(k, updated);
    await this.send(feed, this.announce(feed, doc, doc.revision, at), doc.id);
    log.info("{feed} boosted {id} (revision {revision})", { feed: feed.identifier, id: doc.id, revision: doc.revision });
  }

  private announce(feed: Feed, doc: Pick<Challenge, "id" | "hub">, revision: number, at: string): Announce {
    const ctx = this.ctx();
    return new Announce({
      id: this.announceUri(feed.identifier, doc.id, revision),
      actor: ctx.getActorUri(feed.identifier),
      object: new URL(doc.id),
      published: Temporal.Instant.from(at),
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(feed.identifier), new URL(doc.hub)],
    });
  }

  private undo(feed: Feed, record: AnnounceRecord, revision: number, at: string): Undo {
    const ctx = this.ctx();
    const announce = this.announce(feed, { id: record.challengeId, hub: record.hub }, revision, at);
    return new Undo({
      id: new URL(`${announce.id!.href}#undo`),
      actor: ctx.getActorUri(feed.identifier),
      object: announce,
      tos: [PUBLIC_COLLECTION],
      ccs: [ctx.getFollowersUri(feed.identifier)],
    });
  }

  private async send(feed: Feed, activity: Activity, challengeId: string): Promise<void> {
    await this.ctx().sendActivity({ identifier: feed.identifier }, "followers", activity, {
      preferSharedInbox: true,
      // Announce, Undo and the next Announce of one challenge reach each inbox in order.
      orderingKey: `${feed.identifier} ${challengeId}`,
    });
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
    return this.announce(feed, { id: record.challengeId, hub: record.hub }, revision, sent.at);
  }

  /**
   * Forwards a hub-signed Update or Delete of a challenge that a feed boosted to that feed's
   * followers, unchanged (its Linked Data signature and integrity proof stay the hub's): their
   * servers then edit or remove the boosted Note, which no Announce of ours can make them do.
   * Only what the mirror holds from that hub's own origin is forwarded.
   */
  async forward(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    if (!(activity instanceof Update || activity instanceof Delete)) return;
    const { actorId, objectId } = activity;
    if (!actorId || !objectId) return;
    const held = await this.o.repos.challenges.getById(objectId.href);
    if (!held || held.key !== null || held.origin !== actorId.origin || held.doc.hub !== actorId.href) return;
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
      await ctx.forwardActivity({ identifier: feed.identifier }, recipients, { skipIfUnsigned: true, preferSharedInbox: true });
      log.info("{feed} forwarded {type} of {id} to {count} inbox(es)", { feed: feed.identifier, type: activity.constructor.name, id: held.id, count: recipients.length });
    }
  }
}

function toRecipient(f: Follower): Recipient {
  return { id: new URL(f.actorId), inboxId: new URL(f.inbox), endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null };
}
