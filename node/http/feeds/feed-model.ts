// What every subscription format says about a selection of challenges, built once per request and
// rendered as Atom, RSS 2.0, JSON Feed 1.1 and iCalendar (render-*.ts). Entries carry the challenge's
// updated time and a status line, so a reader sees an entry change when its challenge changes.
import type { StoredChallenge } from "../../domain/ports";
import { challengeHref, type HubLabel } from "../pages/components";
import { cpvLabelIn, label, pick } from "../pages/format";

function cpvCodes(doc: StoredChallenge["doc"]): string[] {
  return doc.cpv ? [doc.cpv.main, ...(doc.cpv.additional ?? [])] : [];
}

export interface FeedEntryModel {
  /** The challenge's canonical id (stable across edits). */
  id: string;
  /** Its page: on this node for local and mirrored challenges. */
  url: string;
  title: string;
  /** Summary, then the status line. */
  summary: string;
  /** "Open · deadline 29 Jan 2027 12:00 UTC · Pre-commercial procurement" */
  statusLine: string;
  language: string;
  /** ISO instants. */
  updated: string;
  published: string;
  /** Focus areas and instrument (label only), then CPV codes with their label in the entry's language. */
  categories: FeedCategory[];
  author: { name: string; url: string | null };
  /** Submission deadline (ISO instant), when there is one. */
  deadline: string | null;
}

export interface FeedCategory {
  /** What a reader sees. */
  label: string;
  /** The code a machine matches on (the CPV code), when the category comes from a code list with IRIs. */
  term?: string;
  /** The code list's IRI prefix (Atom scheme, RSS domain). */
  scheme?: string;
}

// The CPV codes of the EU Vocabularies authority table, as ePO and the JSON-LD context name them.
const CPV_SCHEME = "http://data.europa.eu/cpv/cpv/";

export interface FeedModel {
  title: string;
  description: string;
  /** The HTML page showing the same selection. */
  pageUrl: string;
  /** The feed's own URL without extension (…/feed), so each format adds its own. */
  feedBase: string;
  /** The query string shared by the page and every format ("" or "?…"). */
  query: string;
  /** Latest entry update (ISO), or null for an empty feed. */
  updated: string | null;
  entries: FeedEntryModel[];
}

function deadlineText(iso: string | undefined): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function entryOf(c: StoredChallenge, hub: HubLabel, origin: string): FeedEntryModel {
  const doc = c.doc;
  const lang = doc.defaultLanguage;
  const title = pick(doc.title, lang, lang)?.text ?? doc.id;
  const summary = pick(doc.summary, lang, lang)?.text ?? "";
  const deadline = doc.submissionPeriod?.end;
  const parts = [label("status", doc.status)];
  const due = deadlineText(deadline);
  if (due) parts.push(`deadline ${due}`);
  parts.push(label("instruments", doc.instrument));
  const href = challengeHref(c);
  return {
    id: doc.id,
    url: href ? new URL(href, origin).href : doc.url,
    title,
    summary,
    statusLine: parts.join(" · "),
    language: lang,
    updated: doc.updated,
    published: doc.published ?? doc.updated,
    categories: [
      ...doc.focusAreas.map((f) => ({ label: label("focus-areas", f) })),
      { label: label("instruments", doc.instrument) },
      ...cpvCodes(doc).map((code) => ({ label: cpvLabelIn(code, lang)?.text ?? code, term: code, scheme: CPV_SCHEME })),
    ],
    author: { name: hub.name, url: hub.href ? new URL(hub.href, origin).href : null },
    deadline: deadline ?? null,
  };
}

export function feedModel(opts: Omit<FeedModel, "updated">): FeedModel {
  const updated = opts.entries.reduce<string | null>((max, e) => (max === null || Date.parse(e.updated) > Date.parse(max) ? e.updated : max), null);
  return { ...opts, updated };
}
