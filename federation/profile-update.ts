// A hub's profile changed (name, summary, icon, links): its followers get an Update of the actor, as
// Mastodon and GoToSocial send when an account edits its profile, so their copies refresh at once
// rather than at their next periodic re-fetch. Enqueued in Fedify's durable delivery queue.
import type { Federation } from "@fedify/fedify";
import { PUBLIC_COLLECTION, Update } from "@fedify/vocab";
import type { HubRepository } from "../node/domain/ports";
import { hubActor } from "./actors";

export async function announceProfile(federation: Federation<void>, hubs: HubRepository, origin: string, handle: string): Promise<void> {
  const stored = await hubs.get(handle);
  if (!stored) return;
  const ctx = federation.createContext(new URL(origin), undefined);
  const actorUri = ctx.getActorUri(handle);
  const at = Date.parse(stored.doc.updated ?? "") || Date.now();
  await ctx.sendActivity({ identifier: handle }, "followers", new Update({
    // One id per profile version: a server that saw this version already can drop the repeat.
    id: new URL(`${actorUri.href}#updates/${at}`),
    actor: actorUri,
    object: await hubActor(ctx, stored),
    tos: [PUBLIC_COLLECTION],
    ccs: [ctx.getFollowersUri(handle)],
  }), { preferSharedInbox: true });
}
