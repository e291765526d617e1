// The node's instance actor (FEP-2677 "application actor", FEP-d556 server-level discovery): an
// Application at /actor, preferredUsername derived from the host name, its own RSA-2048 + Ed25519
// keys. Peers follow it once to receive every hub's challenge activities, present and future, and it
// signs every fetch the node makes (federation/fetch-signer.ts). It exists on every node.
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

/**
 * The instance actor's username: the host name as a username every server accepts — GoToSocial's
 * [a-z0-9_]{1,64}, which also satisfies Mastodon's [a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?. The host itself
 * would carry a port (a colon: GoToSocial answers 500) and dots (refused by GoToSocial in places).
 * "de.ipn.example" → "de_ipn_example".
 */
export function instanceUsername(origin: string): string {
  const name = new URL(origin).hostname.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  return name || "ipn";
}

export function createInstanceActorProvider(opts: { origin: string; name: string }): ActorProvider {
  const host = new URL(opts.origin).host.toLowerCase();
  const username = instanceUsername(opts.origin);
  const home = new URL("/", opts.origin);
  return {
    owns: (identifier) => identifier === INSTANCE_IDENTIFIER,
    aliases: [{ path: paths.instanceActor, identifier: INSTANCE_IDENTIFIER }],
    // The host form (the username before issue 8) keeps resolving for links made with it.
    identifierForHandle: (name) => (name.toLowerCase() === username || name.toLowerCase() === host ? INSTANCE_IDENTIFIER : null),
    identifierForResource: (resource) => (resource.href === home.href || resource.href === opts.origin ? INSTANCE_IDENTIFIER : null),
    async dispatch(ctx: RequestContext<void>, identifier: string) {
      if (identifier !== INSTANCE_IDENTIFIER) return null;
      // Only /actor is its address; the generic hub route must not serve it under a second IRI.
      if (ctx.url.pathname === `/hubs/${INSTANCE_IDENTIFIER}`) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Application({
        id: ctx.getActorUri(identifier),
        preferredUsername: username,
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
