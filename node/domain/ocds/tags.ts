// The release tags of one public revision, from what changed since the previous one.
import type { Challenge } from "../types";

export type ActivityKind = "Create" | "Update" | "Delete";

/** The changeLog entry of this revision, if it has one. */
export function changeOf(doc: Challenge) {
  return doc.changeLog?.find((c) => c.revision === doc.revision);
}

// Fields that move with every revision or describe the lifecycle rather than the call itself.
const LIFECYCLE_FIELDS = new Set(["revision", "updated", "published", "changeLog", "status", "statusReason", "outcome"]);

/** The call's own content: what a supplier would read as the terms of the tender. */
function terms(doc: Challenge): string {
  const rest = Object.entries(doc as unknown as Record<string, unknown>).filter(([k]) => !LIFECYCLE_FIELDS.has(k));
  return JSON.stringify(rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function releaseTags(prev: Challenge | null, doc: Challenge, kind: ActivityKind): string[] {
  if (kind === "Delete" || doc.status === "cancelled") return ["tenderCancellation"];
  if (doc.status === "forthcoming") return [prev ? "planningUpdate" : "planning"];
  if (doc.status === "awarded") return [prev?.status === "awarded" ? "awardUpdate" : "award"];
  if (!prev || prev.status === "forthcoming") return ["tender"];
  // OCDS: an amendment changes the tender's terms; a status change alone (the server records it in
  // the changeLog as update-add, cancel or susp-review) is a tenderUpdate.
  return [terms(prev) !== terms(doc) ? "tenderAmendment" : "tenderUpdate"];
}

/** The tags of a challenge's latest release when its history is not at hand (the bulk export). */
export function latestTags(doc: Challenge): string[] {
  if (doc.status === "cancelled") return ["tenderCancellation"];
  if (doc.status === "forthcoming") return [doc.revision > 1 ? "planningUpdate" : "planning"];
  if (doc.status === "awarded") return ["award"];
  return [doc.revision > 1 ? "tenderUpdate" : "tender"];
}
