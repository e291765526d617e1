import type { InboxContext, KvStore } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { Repositories } from "../../node/domain/ports";
import type { Resolver } from "../safe-fetch";

/** Node-to-node handlers (federation/network/peer-network.ts); absent: such activities are ignored. */
export interface NetworkInbox {
  /** Followable actors that are not hubs (the instance actor). */
  isFollowable(identifier: string): boolean;
  received(kind: "Create" | "Update" | "Announce", actorId: URL | null, objectId: URL | null): Promise<void>;
  deleted(actorId: URL | null, objectId: URL | null): Promise<void>;
  followAnswered(actorId: URL, accepted: boolean): Promise<void>;
  /** After an Update or Delete was applied: the aggregator forwards it to its feeds' followers (ADR 0007). */
  forward?(ctx: InboxContext<void>, activity: Activity): Promise<void>;
}

export interface InboxDeps {
  repos: Repositories;
  /** Test/demo mode: follower inboxes on loopback or private networks are acceptable. */
  allowPrivateNetwork?: boolean;
  /** DNS resolution for the inbox check (tests inject one; default: the system resolver). */
  resolver?: Resolver;
  network?: NetworkInbox;
  /** Claims that let one copy of an activity run at a time (./once.ts); absent: no claims (unit tests). */
  kv?: KvStore;
}
