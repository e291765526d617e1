// Actors that are not hubs (the instance actor now; the aggregator's topic and country actors later)
// share Fedify's single actor dispatcher with the hubs: federation/actors.ts asks each provider first.
import type { RequestContext } from "@fedify/fedify";
import type { Actor } from "@fedify/vocab";

export interface ActorProvider {
  /** Whether this provider serves the identifier (never a valid hub handle, so no clash is possible). */
  owns(identifier: string): boolean;
  /** Fixed paths that serve an identifier (Fedify's mapActorAlias), e.g. /actor. */
  aliases: { path: `/${string}`; identifier: string }[];
  dispatch(ctx: RequestContext<void>, identifier: string): Promise<Actor | null>;
  /** WebFinger acct: username → identifier, or null when not one of ours. */
  identifierForHandle(username: string): string | null;
  /** Other WebFinger resources (e.g. the origin URL, FEP-d556) → identifier. */
  identifierForResource(resource: URL): string | null;
}

export function ownedBy(providers: readonly ActorProvider[] | undefined, identifier: string): ActorProvider | undefined {
  return providers?.find((p) => p.owns(identifier));
}
