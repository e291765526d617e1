// Hub actors (DESIGN §4, mastodon-interop "Actor (one per hub)"): one Organization per hub, its keys,
// WebFinger handle, followers (paged, counted) and an empty following collection.
import type { Context, Federation, RequestContext } from "@fedify/fedify";
import { Endpoints, Image, LanguageString, Organization, PropertyValue, type Recipient } from "@fedify/vocab";
import type { Hub, LanguageMap, LanguageTag } from "../node/domain/types";
import type { Follower, Repositories, StoredHub } from "../node/domain/ports";
import { anchor, escapeHtml, isWebUrl } from "./html";
import type { ActorKeys } from "./keys";
import { type ActorProvider, ownedBy } from "./network/actor-provider";
import { INSTANCE_IDENTIFIER } from "./network/instance-actor";
import { routes } from "./routes";

export interface ActorDeps {
  repos: Repositories;
  keys: ActorKeys;
  /** Actors that are not hubs (the instance actor …), asked before the hubs. */
  providers?: ActorProvider[];
  /** Secure mode (IPN_AUTHORIZED_FETCH): actors and their collections answer only signed GETs. */
  authorizedFetch?: boolean;
}

/**
 * Secure mode's rule (as Mastodon's AUTHORIZED_FETCH): a GET must carry a valid signature by a key whose
 * owner could be fetched. The instance actor stays open — it is what other servers fetch to verify
 * our own signed fetches, so closing it would deadlock two servers in secure mode.
 */
export function signedOrInstance(enabled: boolean) {
  return async (ctx: RequestContext<void>, identifier: string): Promise<boolean> =>
    !enabled || identifier === INSTANCE_IDENTIFIER || (await isSignedRequest(ctx));
}

/** Whether the request carries a verified signature whose key owner is known. */
export async function isSignedRequest(ctx: RequestContext<void>): Promise<boolean> {
  try {
    return (await ctx.getSignedKeyOwner()) != null;
  } catch {
    return false; // a malformed or unverifiable signature is no signature (401), never a 500
  }
}

const FOLLOWERS_PAGE = 50;

/** Default-language text plus one LanguageString per language (→ `name` + `nameMap`). */
function languageValues(map: LanguageMap | undefined, defaultLanguage: LanguageTag, render: (s: string) => string = (s) => s): (string | LanguageString)[] {
  if (!map) return [];
  const languages = [defaultLanguage, ...(Object.keys(map) as LanguageTag[]).filter((l) => l !== defaultLanguage)];
  const localized = languages.filter((l) => map[l]).map((l) => new LanguageString(render(map[l]!), l));
  const first = localized[0];
  return first ? [first.toString(), ...localized] : [];
}

function profileFields(hub: Hub): PropertyValue[] {
  const fields = [new PropertyValue({ name: "Country", value: escapeHtml(hub.country) })];
  if (hub.website && isWebUrl(hub.website)) {
    const label = hub.website.replace(/^https?:\/\//, "").replace(/\/$/, "");
    fields.push(new PropertyValue({ name: "Website", value: anchor(hub.website, label, 'rel="me nofollow noopener noreferrer" target="_blank"') }));
  }
  for (const link of (hub.profileLinks ?? []).slice(0, 2)) {
    if (!isWebUrl(link.url)) continue;
    const name = link.label[hub.defaultLanguage] ?? Object.values(link.label)[0] ?? "Link";
    fields.push(new PropertyValue({ name, value: anchor(link.url, link.url.replace(/^https?:\/\//, ""), 'rel="nofollow noopener noreferrer" target="_blank"') }));
  }
  return fields;
}

/** A stored follower as Fedify's recipient (its shared inbox preferred when delivering). */
export function toRecipient(f: Follower): Recipient {
  return { id: new URL(f.actorId), inboxId: new URL(f.inbox), endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null };
}

/**
 * An Organization whose default JSON-LD — the form Fedify's actor endpoint serves (handleActor calls
 * toJsonLd with its context, no format) — is made once. Made anew it cost ≈ 4 ms warm and ≈ 20 ms in a
 * process that has just started (compaction, keys exported to PEM and multibase), for every fetch: each
 * server that meets a hub's signature for the first time fetches the actor for its key, so a publish
 * to many new followers had the origin render the same document once per follower (issue 13, P4).
 */
class RenderedOrganization extends Organization {
  #served: Promise<unknown> | undefined;

  override toJsonLd(options?: Parameters<Organization["toJsonLd"]>[0]): Promise<unknown> {
    if (options?.format != null || options?.context != null) return super.toJsonLd(options);
    if (!this.#served) {
      const made = super.toJsonLd(options);
      this.#served = made;
      made.catch(() => { if (this.#served === made) this.#served = undefined; });
    }
    return this.#served;
  }
}

/** The hub as its ActivityPub actor (what its actor URL serves and what an Update of it carries). */
export async function hubActor(ctx: Context<void>, stored: StoredHub): Promise<Organization> {
  const hub = stored.doc;
  const identifier = stored.handle;
  const id = ctx.getActorUri(identifier);
  const pairs = await ctx.getActorKeyPairs(identifier);
  return new RenderedOrganization({
    id,
    preferredUsername: stored.handle,
    names: languageValues(hub.name, hub.defaultLanguage),
    summaries: languageValues(hub.summary, hub.defaultLanguage, (s) => `<p>${escapeHtml(s).replace(/\r?\n+/g, "<br>")}</p>`),
    // The same URL serves the HTML profile to browsers (content negotiation).
    url: id,
    icon: hub.icon && isWebUrl(hub.icon.url)
      ? new Image({ url: new URL(hub.icon.url), mediaType: hub.icon.mediaType, name: hub.icon.alt?.[hub.defaultLanguage] ?? null })
      : null,
    inbox: ctx.getInboxUri(identifier),
    outbox: ctx.getOutboxUri(identifier),
    followers: ctx.getFollowersUri(identifier),
    following: ctx.getFollowingUri(identifier),
    endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
    publicKey: pairs[0]?.cryptographicKey ?? null,
    assertionMethods: pairs.map((p) => p.multikey),
    attachments: profileFields(hub),
    discoverable: true,
    indexable: true,
    manuallyApprovesFollowers: false,
    published: hub.published ? Temporal.Instant.from(hub.published) : null,
    updated: hub.updated ? Temporal.Instant.from(hub.updated) : null,
  });
}

export function registerHubActors(federation: Federation<void>, deps: ActorDeps): void {
  const { repos, keys, providers } = deps;
  const authorize = signedOrInstance(deps.authorizedFetch ?? false);
  /** A hub or a provider's actor. */
  const exists = async (identifier: string) => ownedBy(providers, identifier) !== undefined || (await repos.hubs.get(identifier)) !== null;
  // One actor per hub and profile, so its document is made once (RenderedOrganization): the profile as
  // stored now is part of the key, so an edit — from this process or another — is served at once. Keys
  // never change once stored (keys.ts).
  const served = new Map<string, { profile: string; actor: Promise<Organization> }>();

  const setters = federation
    .setActorDispatcher(routes.hub, async (ctx, identifier) => {
      const provider = ownedBy(providers, identifier);
      if (provider) return provider.dispatch(ctx, identifier);
      const stored = await repos.hubs.get(identifier);
      if (!stored) {
        served.delete(identifier);
        return null;
      }
      const profile = `${ctx.canonicalOrigin}\n${JSON.stringify(stored.doc)}`;
      let entry = served.get(identifier);
      if (entry?.profile !== profile) {
        const made = { profile, actor: hubActor(ctx, stored) };
        made.actor.catch(() => { if (served.get(identifier) === made) served.delete(identifier); });
        served.set(identifier, made);
        entry = made;
      }
      return entry.actor;
    })
    .authorize(authorize)
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      if (!(await exists(identifier))) return [];
      return keys.pairsFor(ctx.getActorUri(identifier).href);
    })
    // acct:{handle}@{host} → the hub; unknown handles get 404.
    .mapHandle(async (_ctx, username) => {
      for (const p of providers ?? []) {
        const id = p.identifierForHandle(username);
        if (id) return id;
      }
      return (await repos.hubs.get(username)) ? username : null;
    })
    // FEP-d556: the origin URL itself names the instance actor.
    .mapAlias((_ctx, resource) => {
      for (const p of providers ?? []) {
        const identifier = p.identifierForResource(resource);
        if (identifier) return { identifier };
      }
      return null;
    });
  for (const p of providers ?? []) for (const a of p.aliases) setters.mapActorAlias(a.path, a.identifier);

  federation
    .setFollowersDispatcher(routes.hubFollowers, async (_ctx, identifier, cursor) => {
      if (!(await exists(identifier))) return null;
      // cursor null: sendActivity(…, "followers") wants every recipient at once.
      if (cursor == null) return { items: (await repos.followers.all(identifier)).map(toRecipient) };
      try {
        const page = await repos.followers.page(identifier, cursor === "" ? null : cursor, FOLLOWERS_PAGE);
        return { items: page.items.map(toRecipient), nextCursor: page.next };
      } catch {
        return null; // a hostile or stale cursor is a 404, not a 500
      }
    })
    .setFirstCursor(() => "")
    .setCounter(async (_ctx, identifier) => ((await exists(identifier)) ? repos.followers.count(identifier) : null))
    .authorize(authorize);

  federation
    .setFollowingDispatcher(routes.hubFollowing, async (_ctx, identifier) =>
      (await exists(identifier)) ? { items: [] as URL[] } : null)
    .setCounter(() => 0)
    .authorize(authorize);
}
