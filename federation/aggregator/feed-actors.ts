// The aggregator's followable feeds (ADR 0007): one actor per focus area (@health@<host>) and one per
// EEA country (@de@<host>). They are `Service` actors — automated feeds that only boost challenges,
// shown with Mastodon's "Automated" badge — never `Group` (Mastodon would apply group semantics).
import type { RequestContext } from "@fedify/fedify";
import { Endpoints, PropertyValue, Service } from "@fedify/vocab";
import { COUNTRY_CODES, getCodeList } from "../../node/domain/codelists";
import { FOCUS_AREAS } from "../../node/domain/types";
import type { ActorProvider } from "../network/actor-provider";
import { escapeHtml } from "../html";

export type FeedKind = "topic" | "country";

export interface Feed {
  kind: FeedKind;
  /** Fedify identifier: "topic.health", "country.de" — the dot keeps it out of the hub handle space. */
  identifier: string;
  /** WebFinger username and preferredUsername: lowercase [a-z0-9_] (Mastodon usernames are case-insensitive). */
  handle: string;
  /** The focus area ("health") or ISO country code ("DE") it follows. */
  code: string;
  /** Its actor IRI path. */
  path: `/${string}`;
}

const IDENTIFIER_RE = /^(topic|country)\.([a-z0-9_]+)$/;

export const TOPIC_FEEDS: readonly Feed[] = FOCUS_AREAS.map((code) => ({
  kind: "topic", identifier: `topic.${code}`, handle: code, code, path: `/topics/${code}`,
}));

export const COUNTRY_FEEDS: readonly Feed[] = COUNTRY_CODES.map((code) => ({
  kind: "country", identifier: `country.${code.toLowerCase()}`, handle: code.toLowerCase(), code, path: `/countries/${code.toLowerCase()}`,
}));

export const FEEDS: readonly Feed[] = [...TOPIC_FEEDS, ...COUNTRY_FEEDS];
const byIdentifier = new Map(FEEDS.map((f) => [f.identifier, f]));
const byHandle = new Map(FEEDS.map((f) => [f.handle, f]));

export function feedOf(identifier: string): Feed | undefined {
  return IDENTIFIER_RE.test(identifier) ? byIdentifier.get(identifier) : undefined;
}

/** The feeds a mirrored challenge belongs to: its focus areas and the country of the node it came from. */
export function feedsFor(doc: { focusAreas?: readonly string[] }, country: string): Feed[] {
  const topics = TOPIC_FEEDS.filter((f) => doc.focusAreas?.includes(f.code));
  const countries = COUNTRY_FEEDS.filter((f) => f.code === country);
  return [...topics, ...countries];
}

/** The English code-list label of a focus area or country ("Health and care", "Germany"). */
export function feedLabel(feed: Pick<Feed, "kind" | "code">): string {
  const list = getCodeList(feed.kind === "topic" ? "focus-areas" : "countries");
  return list?.codes?.find((c) => c.code === feed.code)?.label.en ?? feed.code;
}

export function createFeedActorProvider(opts: { origin: string; nodeName: string }): ActorProvider {
  const origin = new URL(opts.origin).origin;
  return {
    owns: (identifier) => feedOf(identifier) !== undefined,
    aliases: FEEDS.map((f) => ({ path: f.path, identifier: f.identifier })),
    identifierForHandle: (username) => byHandle.get(username.toLowerCase())?.identifier ?? null,
    identifierForResource: () => null,
    async dispatch(ctx: RequestContext<void>, identifier: string) {
      const feed = feedOf(identifier);
      if (!feed) return null;
      // Only its alias path is its address; the generic hub route must not serve it under a second IRI.
      if (ctx.url.pathname.startsWith("/hubs/")) return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      const name = feedLabel(feed);
      const listing = new URL(feed.kind === "topic" ? `/?focusArea=${feed.code}` : `/?country=${feed.code}`, origin);
      const what = feed.kind === "topic" ? `in the focus area “${name}”` : `published in ${name}`;
      return new Service({
        id: ctx.getActorUri(identifier),
        preferredUsername: feed.handle,
        name: `${name} · innovation challenges`,
        summary: `<p>${escapeHtml(`Boosts every public-sector innovation challenge ${what}, from every national node of the Innovation Procurement Network, and again when it changes. Run by ${opts.nodeName}.`)}</p>`,
        url: listing,
        // Everything it receives is node-level (follows and their undoing): the shared inbox serves.
        inbox: ctx.getInboxUri(),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        followers: ctx.getFollowersUri(identifier),
        following: ctx.getFollowingUri(identifier),
        publicKey: pairs[0]?.cryptographicKey ?? null,
        assertionMethods: pairs.map((p) => p.multikey),
        attachments: [new PropertyValue({ name: "Listing", value: `<a href="${escapeHtml(listing.href)}" rel="nofollow noopener noreferrer" target="_blank">${escapeHtml(listing.href)}</a>` })],
        manuallyApprovesFollowers: false,
        discoverable: true,
        indexable: true,
      });
    },
  };
}
