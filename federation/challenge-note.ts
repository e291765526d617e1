// Canonical challenge document → ActivityStreams 2.0, as pure functions (DESIGN §4, mastodon-interop
// items 17–21). A Note, because Mastodon shows a Note's content and applies its edits; no `summary`
// (it would become a content warning) and no `name` (GoToSocial turns it into one). Peers never
// rebuild the canonical document from this text: the `alternate` Link points at the canonical JSON
// on our origin, which they fetch over https (Fedify would drop extension properties anyway).
import { Hashtag, LanguageString, Link, Note, PUBLIC_COLLECTION, Tombstone } from "@fedify/vocab";
import type { Challenge } from "../node/domain/types";
import { lastSegment, paths, uri } from "../node/domain/uris";
import { challengeDigest, documentLanguages, hashtagNames, textIn } from "./challenge-digest";

export interface NoteOptions {
  /** Our public origin, e.g. "https://de.ipn.example". */
  origin: string;
  /** The hub's followers collection (cc). */
  hubFollowersUri: string | URL;
  /** ISO country of the publishing hub (StoredChallenge.country). */
  country?: string;
}

export const CANONICAL_LINK_NAME = "Canonical challenge document";

export function tagHref(origin: string, name: string): string {
  return uri(origin, paths.tag(name));
}

const instant = (iso: string) => Temporal.Instant.from(iso);

/**
 * A Note carries `updated` only once it changed after publication: GoToSocial and Mastodon show any
 * `updated` as "edited", so a brand-new challenge (revision 1, or published straight from a draft with
 * `updated` equal to `published`) has none. `published` never changes between the Create and Updates.
 */
export function hasBeenEdited(doc: Pick<Challenge, "revision" | "published" | "updated">): boolean {
  if (doc.revision <= 1) return false;
  return !doc.published || Date.parse(doc.updated) > Date.parse(doc.published);
}

export function challengeToNote(doc: Challenge, opts: NoteOptions): Note {
  const languages = documentLanguages(doc);
  const digestOpts = { tagHref: (n: string) => tagHref(opts.origin, n), country: opts.country };
  const digests = languages.map((lang) => new LanguageString(challengeDigest(doc, lang, digestOpts), lang));
  const title = textIn(doc.title, doc.defaultLanguage, doc.defaultLanguage) ?? doc.url;
  return new Note({
    id: new URL(doc.id),
    attribution: new URL(doc.hub),
    url: new URL(doc.url),
    // `content` (plain) for servers that ignore maps; contentMap with the default language first.
    contents: [digests[0]!.toString(), ...digests],
    tos: [PUBLIC_COLLECTION],
    ccs: [new URL(opts.hubFollowersUri)],
    tags: hashtagNames(doc, opts.country).map((n) => new Hashtag({ name: `#${n}`, href: new URL(tagHref(opts.origin, n)) })),
    published: doc.published ? instant(doc.published) : null,
    updated: hasBeenEdited(doc) ? instant(doc.updated) : null,
    sensitive: false,
    attachments: [
      // Mastodon 4.7 builds the preview card from the first Link attachment.
      new Link({ href: new URL(doc.url), mediaType: "text/html", name: title }),
      new Link({
        href: new URL(uri(opts.origin, paths.canonicalChallenge(lastSegment(doc.id)))),
        mediaType: "application/json",
        rels: ["alternate"],
        name: CANONICAL_LINK_NAME,
      }),
    ],
  });
}

/** What a withdrawn challenge's id serves (with 410) and what a Delete carries. */
export function challengeToTombstone(doc: Challenge, deletedAt: string): Tombstone {
  return new Tombstone({ id: new URL(doc.id), formerType: Note, deleted: instant(deletedAt) });
}
