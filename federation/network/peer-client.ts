// What this node reads from a peer over plain HTTPS JSON (the sync API of node/http/api/peers.routes.ts
// and canonical documents), always through safeFetch: bounded, SSRF-guarded, redirects checked.
// TLS to the peer's origin is what authenticates these documents (DESIGN §3), so an answer counts only
// if it came from that origin (a redirect to another origin is refused) and is JSON (a text/html
// page is never parsed as a document). A peer that answers 429 or 503 with Retry-After is left alone
// until then (PeerBusyError). Walking the peer's pages is bounded by sync-bounds.ts. Every GET is
// signed by the instance actor when a signer is given (a peer in secure mode refuses unsigned fetches).
import { lastSegment, paths } from "../../node/domain/uris";
import type { RevisionEntry } from "../../node/domain/ports";
import { type FetchSigner, signedKnock } from "../fetch-signer";
import { federationLogger } from "../log";
import { safeFetch, type SafeResponse } from "../safe-fetch";
import { PageBudget, type SyncBounds } from "./sync-bounds";

const log = federationLogger("peer-client");

export const SYNC_PATHS = {
  digest: "/api/v1/sync/digest",
  revisions: "/api/v1/sync/revisions",
  challenges: "/api/v1/sync/challenges",
  /** Several canonical documents by key (node/http/api/peers.routes.ts); nodes before it answer 404. */
  documents: "/api/v1/sync/documents",
  /** The peer's hub profiles (node/http/api/hubs.routes.ts): one answer, no paging. */
  hubs: "/api/v1/hubs",
} as const;

export const REVISION_PAGE = 1000;

/** The only media types a peer's documents and sync answers may have. */
const JSON_TYPES = new Set(["application/json", "application/activity+json", "application/ld+json"]);

export interface PeerClientOptions {
  allowPrivateNetwork: boolean;
  userAgent: string;
  timeoutMs?: number;
  signer?: FetchSigner;
}

export interface SyncDigest { count: number; digest: string; followedBy: boolean | null }

export class PeerFetchError extends Error {
  constructor(readonly url: string, readonly status: number | null, message: string) {
    super(`${message}: ${url}`);
    this.name = "PeerFetchError";
  }
}

/** The peer answered 429 or 503 and asked to be left alone until `until`. */
export class PeerBusyError extends PeerFetchError {
  constructor(url: string, status: number, readonly until: Date) {
    super(url, status, `answered ${status}, retry after ${until.toISOString()}`);
    this.name = "PeerBusyError";
  }
}

/** Longest wait a peer can impose (a larger Retry-After is capped) and the wait when it names none. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;
const DEFAULT_RETRY_AFTER_MS = 60_000;

/** Retry-After (delta-seconds or HTTP-date) as an instant, capped; the default wait when absent or unreadable. */
export function retryAfterInstant(value: string | null, now: Date): Date {
  let ms = DEFAULT_RETRY_AFTER_MS;
  const v = value?.trim() ?? "";
  if (/^\d{1,10}$/.test(v)) ms = Number(v) * 1000;
  else if (v) {
    const at = Date.parse(v);
    if (!Number.isNaN(at)) ms = at - now.getTime();
  }
  return new Date(now.getTime() + Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms)));
}

/** Where the canonical document of a challenge id lives on its origin (the Note's alternate link). */
export function canonicalUrlOf(challengeId: string): string {
  return new URL(paths.canonicalChallenge(encodeURIComponent(lastSegment(challengeId))), new URL(challengeId).origin).href;
}

/** Challenge ids are /challenges/{key} on their origin; anything else is not a challenge of an IPN node. */
export function isChallengeId(id: URL): boolean {
  return /^\/challenges\/[^/]+$/.test(id.pathname) && id.search === "" && id.hash === "";
}

export type CanonicalAnswer = { kind: "doc"; doc: unknown } | { kind: "gone" } | { kind: "missing" };

/** How many documents one GET of SYNC_PATHS.documents may ask for (schemas/api/sync-documents-query.schema.json). */
export const DOCUMENTS_PER_REQUEST = 50;
const BATCH_KEY = /^[A-Za-z0-9._~-]{1,100}$/;

/** The key under which a peer's documents endpoint is asked for a challenge id, or null when it cannot be. */
export function batchKeyOf(challengeId: string): string | null {
  const key = lastSegment(challengeId);
  return BATCH_KEY.test(key) ? key : null;
}

/** Statuses of a peer that does not serve SYNC_PATHS.documents (a node older than it). */
const NO_DOCUMENTS_ENDPOINT = new Set([400, 404, 405, 501]);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export class PeerClient {
  constructor(private readonly opts: PeerClientOptions) {}

  private async get(url: string, maxBytes = 16 * 1024 * 1024): Promise<{ status: number; json: unknown; bytes: number }> {
    // Large pages of documents: allow more than the loader's 2 MiB default.
    const fetchOnce = (sign: ((r: Request) => Promise<Request>) | undefined): Promise<SafeResponse> => safeFetch(url, {
      allowPrivateNetwork: this.opts.allowPrivateNetwork,
      userAgent: this.opts.userAgent,
      headers: { accept: "application/json" },
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      maxBytes,
      sign,
    });
    // Signed, in the scheme the peer accepted before; the other one only after a 400/401.
    const res = this.opts.signer ? await signedKnock(url, this.opts.signer, fetchOnce) : await fetchOnce(undefined);
    // Only the origin itself speaks for its documents: a hop to another origin is not its answer.
    if (new URL(res.url).origin !== new URL(url).origin) throw new PeerFetchError(url, res.status, `redirected to another origin (${new URL(res.url).origin})`);
    if (res.status === 429 || res.status === 503) throw new PeerBusyError(url, res.status, retryAfterInstant(res.headers.get("retry-after"), new Date()));
    if (!res.ok) return { status: res.status, json: null, bytes: res.body.length };
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (!JSON_TYPES.has(type)) throw new PeerFetchError(url, res.status, `answer is ${type || "untyped"}, not JSON`);
    try {
      return { status: res.status, json: res.json(), bytes: res.body.length };
    } catch {
      throw new PeerFetchError(url, res.status, "answer is not JSON");
    }
  }

  private async getOk(url: string, maxBytes?: number): Promise<{ json: Record<string, unknown>; bytes: number }> {
    const { status, json, bytes } = await this.get(url, maxBytes);
    if (status !== 200 || typeof json !== "object" || json === null || Array.isArray(json)) throw new PeerFetchError(url, status, `answered ${status}`);
    return { json: json as Record<string, unknown>, bytes };
  }

  /**
   * The canonical document, "gone" (410, or a Tombstone: withdrawn at the origin) or "missing" (404:
   * not public there).
   */
  async canonical(challengeId: string): Promise<CanonicalAnswer> {
    const url = canonicalUrlOf(challengeId);
    const { status, json } = await this.get(url);
    if (status === 410) return { kind: "gone" };
    if (status === 404) return { kind: "missing" };
    if (status !== 200) throw new PeerFetchError(url, status, `answered ${status}`);
    if (typeof json === "object" && json !== null && (json as { type?: unknown }).type === "Tombstone") return { kind: "gone" };
    return { kind: "doc", doc: json };
  }

  /**
   * The canonical answers for several challenge ids of one origin (each with a batchKeyOf key, at most
   * DOCUMENTS_PER_REQUEST) in one GET; null when the peer does not serve that endpoint. Only what was
   * asked counts: a document under an id not asked for is ignored, and an id the answer does not
   * account for is absent from the map (the caller asks for it alone, at its canonical address).
   */
  async documents(origin: string, ids: readonly string[]): Promise<Map<string, CanonicalAnswer> | null> {
    const byKey = new Map<string, string>();
    for (const id of ids) {
      const key = batchKeyOf(id);
      if (key === null || new URL(id).origin !== origin) throw new TypeError(`${id} cannot be asked of ${origin} by key`);
      byKey.set(key, id);
    }
    if (byKey.size === 0 || byKey.size > DOCUMENTS_PER_REQUEST) throw new RangeError(`1 to ${DOCUMENTS_PER_REQUEST} ids per request, not ${byKey.size}`);
    const url = new URL(SYNC_PATHS.documents, origin);
    url.searchParams.set("key", [...byKey.keys()].join(","));
    const { status, json } = await this.get(url.href);
    if (NO_DOCUMENTS_ENDPOINT.has(status)) return null;
    if (status !== 200) throw new PeerFetchError(url.href, status, `answered ${status}`);
    const j = json as { items?: unknown; gone?: unknown; missing?: unknown } | null;
    if (typeof j !== "object" || j === null || Array.isArray(j) || !Array.isArray(j.items)) throw new PeerFetchError(url.href, 200, "not a documents answer");
    const asked = new Set(byKey.values());
    const answers = new Map<string, CanonicalAnswer>();
    let unasked = 0;
    for (const item of j.items) {
      const id = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : undefined;
      if (typeof id !== "string" || !asked.has(id) || answers.has(id)) {
        unasked++;
        continue;
      }
      answers.set(id, (item as { type?: unknown }).type === "Tombstone" ? { kind: "gone" } : { kind: "doc", doc: item });
    }
    // One line per answer (never per item): a peer that sends what was not asked for is either broken or lying.
    if (unasked > 0) log.warn("{origin} answered {unasked} documents that were not asked for (or twice); ignored", { origin, unasked, asked: asked.size });
    for (const [list, kind] of [[strings(j.gone), "gone"], [strings(j.missing), "missing"]] as const) {
      for (const key of list) {
        const id = byKey.get(key);
        if (id !== undefined && !answers.has(id)) answers.set(id, { kind });
      }
    }
    return answers;
  }

  async digest(origin: string, follower: string): Promise<SyncDigest> {
    const url = new URL(SYNC_PATHS.digest, origin);
    url.searchParams.set("follower", follower);
    const { json: j } = await this.getOk(url.href);
    if (typeof j.count !== "number" || !Number.isSafeInteger(j.count) || j.count < 0 || typeof j.digest !== "string") throw new PeerFetchError(url.href, 200, "not a sync digest");
    return { count: j.count, digest: j.digest, followedBy: typeof j.followedBy === "boolean" ? j.followedBy : null };
  }

  /**
   * Every (id, revision) the peer holds live, walking its pages — no more pages, entries, bytes or
   * time than the `announced` count (its digest) justifies (PageBudget); a repeated cursor ends it.
   */
  async revisions(origin: string, announced: number, bounds: SyncBounds): Promise<RevisionEntry[]> {
    const all: RevisionEntry[] = [];
    const budget = new PageBudget(`revision list of ${origin}`, announced, REVISION_PAGE, bounds);
    let cursor: string | null = null;
    for (;;) {
      budget.beforePage(cursor);
      const url = new URL(SYNC_PATHS.revisions, origin);
      url.searchParams.set("limit", String(REVISION_PAGE));
      if (cursor) url.searchParams.set("cursor", cursor);
      const { json: j, bytes } = await this.getOk(url.href);
      if (!Array.isArray(j.items)) throw new PeerFetchError(url.href, 200, "not a revision list");
      budget.afterPage(j.items.length, bytes);
      for (const e of j.items as { id?: unknown; revision?: unknown }[]) {
        if (typeof e?.id === "string" && typeof e.revision === "number") all.push({ id: e.id, revision: e.revision });
      }
      cursor = typeof j.nextCursor === "string" && j.nextCursor !== "" ? j.nextCursor : null;
      if (!cursor) return all;
    }
  }

  /** One page of canonical documents of the peer's live challenges (with its size in bytes). */
  async challengePage(origin: string, cursor: string | null, limit: number): Promise<{ items: unknown[]; nextCursor: string | null; bytes: number }> {
    const url = new URL(SYNC_PATHS.challenges, origin);
    url.searchParams.set("limit", String(limit));
    if (cursor) url.searchParams.set("cursor", cursor);
    const { json: j, bytes } = await this.getOk(url.href);
    if (!Array.isArray(j.items)) throw new PeerFetchError(url.href, 200, "not a page of challenges");
    return { items: j.items, nextCursor: typeof j.nextCursor === "string" && j.nextCursor !== "" ? j.nextCursor : null, bytes };
  }

  /** The peer's hub documents, as listed (unvalidated), in an answer of at most `maxBytes`. */
  async hubList(origin: string, maxBytes: number): Promise<unknown[]> {
    const url = new URL(SYNC_PATHS.hubs, origin).href;
    const { json: j } = await this.getOk(url, maxBytes);
    if (!Array.isArray(j.items)) throw new PeerFetchError(url, 200, "not a list of hubs");
    return j.items;
  }
}
