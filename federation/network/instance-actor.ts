// The node's instance actor (FEP-2677 "application actor", FEP-d556 server-level discovery): an
// Application at /actor, preferredUsername = the host, its own RSA-2048 + Ed25519 keys. Peers follow
// it once to receive every hub's challenge activities, present and future.
import type { RequestContext } from "@fedify/fedify";
import { Application, Endpoints } from "@fedify/vocab";
import { paths, uri } from "../../node/domain/uris";
import type { ActorProvider } from "./actor-provider";

/**
 * Fedify's identifier of the instance actor. Not a valid hub handle (hub handles are [a-z0-9_]), so
 * it can never collide with one; its IRI is /actor (mapActorAlias), its followers live under it.
 */
export const INSTANCE_IDENTIFIER = "ipn.instance";

export function instanceActorUri(origin: string): string {
  return uri(origin, paths.instanceActor);
}

export function createInstanceActorProvider(opts: { origin: string; name: string }): ActorProvider {
  const host = new URL(opts.origin).host;
  const home = new URL("/", opts.origin);
  return {
    owns: (identifier) => identifier === INSTANCE_IDENTIFIER,
    aliases: [{ path: paths.instanceActor, identifier: INSTANCE_IDENTIFIER }],
    identifierForHandle: (username) => (username.toLowerCase() === host.toLowerCase() ? INSTANCE_IDENTIFIER : null),
    identifierForResource: (resource) => (resource.href === home.href || resource.href === opts.origin ? INSTANCE_IDENTIFIER : null),
    async dispatch(ctx: RequestContext<void>, identifier: string) {
      if (identifier !== INSTANCE_IDENTIFIER) return null;
      // Only /actor is its address; the generic hub route must not serve it under a second IRI.
      if (ctx.url.pathname === `/hubs/${INSTANCE_IDENTIFIER}`) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Application({
        id: ctx.getActorUri(identifier),
        preferredUsername: host,
        name: opts.name,
        summary: "The IPN node itself: peer nodes follow this actor to mirror the challenges of all its hubs.",
        url: home,
        // The shared inbox is its inbox: everything a peer sends it is node-level anyway.
        inbox: ctx.getInboxUri(),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        following: ctx.getFollowingUri(identifier),
        publicKey: pairs[0]?.cryptographicKey ?? null,
        assertionMethods: pairs.map((p) => p.multikey),
        manuallyApprovesFollowers: false,
        discoverable: false,
        indexable: true,
      });
    },
  };
}
