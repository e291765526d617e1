// ActivityRecord (the transactional outbox row) → the AS2 activity that is delivered and that its id
// serves. Both paths use this one function, so a re-fetch returns exactly what was delivered.
import { Create, Delete, PUBLIC_COLLECTION, Update, type Activity } from "@fedify/vocab";
import { uri } from "../node/domain/uris";
import type { ActivityRecord } from "../node/domain/ports";
import { challengeToNote, challengeToTombstone } from "./challenge-note";
import { routes } from "./routes";

export interface ActivityOptions {
  origin: string;
  /** Country of the publishing hub, for the digest and hashtags. */
  country?: string;
}

/** The handle of a local hub actor IRI. */
export function hubHandleOf(actorIri: string): string {
  const path = new URL(actorIri).pathname.replace(/\/+$/, "");
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
}

export function hubFollowersUri(origin: string, actorIri: string): string {
  return uri(origin, routes.hubFollowers.replace("{identifier}", encodeURIComponent(hubHandleOf(actorIri))));
}

export function activityFromRecord(record: ActivityRecord, opts: ActivityOptions): Activity {
  const followers = new URL(hubFollowersUri(opts.origin, record.actor));
  const common = {
    id: new URL(record.id),
    actor: new URL(record.actor),
    published: Temporal.Instant.from(record.published),
    tos: [PUBLIC_COLLECTION],
    ccs: [followers],
  };
  switch (record.type) {
    case "Create":
      return new Create({ ...common, object: challengeToNote(record.object, { origin: opts.origin, hubFollowersUri: followers, country: opts.country }) });
    case "Update":
      return new Update({ ...common, object: challengeToNote(record.object, { origin: opts.origin, hubFollowersUri: followers, country: opts.country }) });
    case "Delete":
      return new Delete({ ...common, object: challengeToTombstone(record.object, record.published) });
  }
}
