// Atom 1.0 and RSS 2.0 through the `feed` package; JSON Feed 1.1 written directly (it is plain JSON,
// and `feed` only writes version 1, without `authors` and `language`).
import { Feed } from "feed";
import type { FeedModel } from "./feed-model";

export const FEED_FORMATS = {
  atom: { extension: "atom", type: "application/atom+xml" },
  rss: { extension: "rss", type: "application/rss+xml" },
  json: { extension: "json", type: "application/feed+json" },
} as const;
export type FeedFormat = keyof typeof FEED_FORMATS;

export const feedUrl = (m: Pick<FeedModel, "feedBase" | "query">, format: FeedFormat): string =>
  `${m.feedBase}.${FEED_FORMATS[format].extension}${m.query}`;

function entryText(e: FeedModel["entries"][number]): string {
  return e.summary ? `${e.statusLine}\n\n${e.summary}` : e.statusLine;
}

function xmlFeed(m: FeedModel): Feed {
  const feed = new Feed({
    id: feedUrl(m, "atom"),
    title: m.title,
    description: m.description,
    link: m.pageUrl,
    updated: m.updated ? new Date(m.updated) : new Date(0),
    generator: "IPN — the Innovation Procurement Network",
    feedLinks: { atom: feedUrl(m, "atom"), rss: feedUrl(m, "rss"), json: feedUrl(m, "json") },
    copyright: "",
  });
  for (const e of m.entries) {
    feed.addItem({
      id: e.id,
      guid: e.id,
      title: e.title,
      link: e.url,
      date: new Date(e.updated),
      published: new Date(e.published),
      description: entryText(e),
      // Atom: term + scheme + label; RSS: the label with the scheme as domain.
      category: e.categories.map((c) => ({ name: c.label, term: c.term ?? c.label, ...(c.scheme ? { scheme: c.scheme, domain: c.scheme } : {}) })),
      author: [{ name: e.author.name, ...(e.author.url ? { link: e.author.url } : {}) }],
    });
  }
  return feed;
}

export function renderAtom(m: FeedModel): string {
  return xmlFeed(m).atom1();
}

export function renderRss(m: FeedModel): string {
  return xmlFeed(m).rss2();
}

export function renderJsonFeed(m: FeedModel): string {
  return JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: m.title,
    home_page_url: m.pageUrl,
    feed_url: feedUrl(m, "json"),
    description: m.description,
    items: m.entries.map((e) => ({
      id: e.id,
      url: e.url,
      title: e.title,
      content_text: entryText(e),
      summary: e.statusLine,
      date_published: e.published,
      date_modified: e.updated,
      language: e.language,
      tags: e.categories.map((c) => (c.term ? `${c.term} ${c.label}` : c.label)),
      authors: [{ name: e.author.name, ...(e.author.url ? { url: e.author.url } : {}) }],
      ...(e.deadline ? { _ipn: { deadline: e.deadline } } : {}),
    })),
  });
}
