// The aggregator role (IPN_ROLE=aggregator, ADR 0007): the feed actors (topic and country), their
// Announces, and the forwarding of hub-signed edits and deletions to their followers. Following the
// national nodes and listing their challenges is the ordinary peer machinery of every node.
//
// What the feeds send is driven by feed effects in the store (effects.ts), relayed by the outbox
// relay of the one worker that holds the relay lease; the mirror's in-memory change events only wake
// that relay sooner.
import type { Federation, InboxContext, KvStore } from "@fedify/fedify";
import { Announce, type Activity } from "@fedify/vocab";
import type { MirrorService } from "../../node/domain/mirror";
import type { Repositories } from "../../node/domain/ports";
import { isSignedRequest } from "../actors";
import type { ActorProvider } from "../network/actor-provider";
import { ANNOUNCE_ROUTE, FeedAnnouncer } from "./announcer";
import { createFeedActorProvider, feedOf } from "./feed-actors";
import type { ActivitySender } from "../transport/outgoing-activity";

export { COUNTRY_FEEDS, FEEDS, TOPIC_FEEDS, feedLabel, feedsFor, type Feed } from "./feed-actors";
export { feedEffectPlanner } from "./effects";
export type { FeedAnnouncer } from "./announcer";

export interface AggregatorOptions {
  federation: Federation<void>;
  kv: KvStore;
  repos: Repositories;
  mirror: MirrorService;
  origin: string;
  nodeName: string;
  /** Wakes the relay (a change or a forward was recorded). */
  kick: () => void;
  /** IPN_AUTHORIZED_FETCH: the feeds' Announces answer signed GETs only, like every other object. */
  authorizedFetch?: boolean;
  /** How the feeds' activities reach the delivery queue. */
  sender?: ActivitySender;
}

export interface Aggregator {
  /** Registered with the hub actor dispatcher (federation/actors.ts). */
  provider: ActorProvider;
  /** Feed actors accept follows automatically (federation/inbox/follow.ts). */
  isFollowable(identifier: string): boolean;
  announcer: FeedAnnouncer;
  /** Records a verified Update/Delete of a mirrored challenge for forwarding to the feeds' followers. */
  forward(ctx: InboxContext<void>, activity: Activity): Promise<void>;
  /** Stops waking the relay. */
  close(): Promise<void>;
}

export function createAggregator(o: AggregatorOptions): Aggregator {
  const announcer = new FeedAnnouncer({ federation: o.federation, kv: o.kv, repos: o.repos, origin: o.origin, kick: o.kick, sender: o.sender });
  o.federation.setObjectDispatcher(Announce, ANNOUNCE_ROUTE, (_ctx, values) => announcer.dispatch(values.feed, values.announce))
    .authorize(async (ctx) => !o.authorizedFetch || (await isSignedRequest(ctx)));
  // The effect is already in the store with the change; this only saves waiting for the next poll.
  const unsubscribe = o.mirror.onChange(() => o.kick());
  return {
    provider: createFeedActorProvider({ origin: o.origin, nodeName: o.nodeName }),
    isFollowable: (identifier) => feedOf(identifier) !== undefined,
    announcer,
    forward: (ctx, activity) => announcer.forward(ctx, activity),
    async close() {
      unsubscribe();
    },
  };
}
