// Where an activity goes: one delivery per inbox, as Fedify's extractInboxes makes them with
// preferSharedInbox (a follower's shared inbox where it has one, else its own inbox), each with the actor
// ids it reaches. From Fedify's Recipient objects (inboxesOf), or straight from stored followers
// (targetsOfFollowers): the relay sends each activity to every follower of a hub, and making three URL
// objects per follower to group them again cost ≈ 40 % of the relay's CPU — 66 ms an activity for 10,000
// followers on 300 servers, in a profile of 2026-12-06 (issue 13).
import type { Recipient } from "@fedify/vocab";
import type { Follower } from "../../node/domain/ports";

/** Inbox URL → the actor ids it reaches, and whether it is a shared inbox; in the order first met. */
export type DeliveryTargets = Map<string, { actorIds: Set<string>; sharedInbox: boolean }>;

/** Whom an activity is for: Fedify's recipients, or targets already grouped. */
export type Audience = readonly Recipient[] | DeliveryTargets;

function add(targets: DeliveryTargets, inbox: string, actorId: string, sharedInbox: boolean): void {
  let entry = targets.get(inbox);
  if (!entry) {
    entry = { actorIds: new Set(), sharedInbox };
    targets.set(inbox, entry);
  }
  entry.actorIds.add(actorId);
}

/** Fedify's extractInboxes with preferSharedInbox (one message per shared inbox). */
export function inboxesOf(recipients: readonly Recipient[], into: DeliveryTargets = new Map()): DeliveryTargets {
  for (const r of recipients) {
    const shared = r.endpoints?.sharedInbox ?? null;
    const inbox = shared ?? r.inboxId;
    if (inbox == null || r.id == null) continue;
    add(into, inbox.href, r.id.href, shared !== null);
  }
  return into;
}

/**
 * The same for stored followers, without URL objects: their actor ids and inboxes are stored as Fedify's
 * URL hrefs (federation/inbox/follow.ts), so the strings are already the keys inboxesOf would make.
 */
export function targetsOfFollowers(followers: readonly Follower[], into: DeliveryTargets = new Map()): DeliveryTargets {
  for (const f of followers) add(into, f.sharedInbox ?? f.inbox, f.actorId, f.sharedInbox !== null);
  return into;
}

/** Recipients that Fedify's sendActivity (preferSharedInbox) groups back into the same targets. */
export function recipientsOf(targets: DeliveryTargets): Recipient[] {
  const recipients: Recipient[] = [];
  for (const [inbox, { actorIds, sharedInbox }] of targets) {
    const url = new URL(inbox);
    for (const id of actorIds) recipients.push({ id: new URL(id), inboxId: url, endpoints: sharedInbox ? { sharedInbox: url } : null });
  }
  return recipients;
}

export const targetsOf = (audience: Audience): DeliveryTargets => (audience instanceof Map ? audience : inboxesOf(audience as readonly Recipient[]));
export const recipientsIn = (audience: Audience): Recipient[] => (audience instanceof Map ? recipientsOf(audience) : [...(audience as readonly Recipient[])]);
