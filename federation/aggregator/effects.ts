// Which feed effect a mirrored change implies (ADR 0007, issue 8). The mirror writes it in the same
// store step as the change (MirrorService `effects`), so a crash right after storing a challenge can
// no longer lose its boost: the effect stays pending until the relay has queued what it implies.
// Only whether any feed is concerned is decided here; what to send (first boost, re-boost, undo,
// nothing for a stale or closed one) is decided by the relay against what the feeds announced.
import type { FeedEffect, MirrorEffectPlanner } from "../../node/domain/ports";
import { feedsFor } from "./feed-actors";

/** A stable id: the same change recorded twice (retried job, concurrent writer) is one effect. */
export function mirrorEffectId(kind: "created" | "updated" | "withdrawn", stored: { id: string; version: number; doc: { revision: number } }): string {
  // A challenge can be withdrawn again after a restore (same revision): the stored version tells them apart.
  return kind === "withdrawn" ? `withdrawn ${stored.id} v${stored.version}` : `${kind} ${stored.id} ${stored.doc.revision}`;
}

export function forwardEffectId(activityId: string): string {
  return `forward ${activityId}`;
}

export function feedEffectPlanner(now: () => Date = () => new Date()): MirrorEffectPlanner {
  return (kind, stored): FeedEffect | null => {
    if (feedsFor(stored.doc, stored.country).length === 0) return null;
    return {
      id: mirrorEffectId(kind, stored),
      kind, challengeId: stored.id, revision: stored.doc.revision, country: stored.country,
      doc: stored.doc, activity: null, createdAt: now().toISOString(), doneAt: null,
    };
  };
}
