// The public lifecycle of a challenge (domain-model §3.6). Withdrawal is not a status: it is a
// Delete → Tombstone and handled outside this table.

import type { ChallengeStatus } from "./types";

/** For each status, the statuses an editor or the scheduler may move a challenge to. */
export const ALLOWED_TRANSITIONS: Readonly<Record<ChallengeStatus, readonly ChallengeStatus[]>> = Object.freeze({
  draft: ["forthcoming", "open"],
  forthcoming: ["open", "cancelled"],
  open: ["closed", "cancelled", "suspended"],
  suspended: ["open", "closed", "cancelled"],
  // Re-opening a closed challenge is allowed only together with a changeLog entry (e.g. a
  // deadline extended by corrigendum); the revision rules of the lifecycle service enforce that.
  closed: ["evaluation", "awarded", "unsuccessful", "cancelled", "open"],
  evaluation: ["awarded", "unsuccessful", "cancelled"],
  // Final: later corrections are Updates with changeLog reason cor-buy, not status changes.
  awarded: [],
  unsuccessful: [],
  cancelled: [],
});

/**
 * Whether a challenge may go from `from` to `to`. Keeping the same status is not a transition
 * (an edit of an open challenge stays open), so it is always allowed.
 */
export function checkTransition(from: ChallengeStatus, to: ChallengeStatus): boolean {
  if (from === to) return true;
  return ALLOWED_TRANSITIONS[from]?.includes(to) ?? false;
}

/** Everything except a draft is public: visible, listed and federated. */
export function isPublic(status: ChallengeStatus): boolean {
  return status !== "draft";
}

/** Final statuses accept no further transitions. */
export function isFinal(status: ChallengeStatus): boolean {
  return ALLOWED_TRANSITIONS[status]?.length === 0;
}
