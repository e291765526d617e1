// What this node reads from a peer over plain HTTPS JSON (the sync API of node/http/api/peers.routes.ts
// and canonical documents), always through safeFetch: bounded, SSRF-guarded, redirects checked.
// TLS to the peer's origin is what authenticates these documents (DESIGN §3).
import { lastSegment, paths } from "../../node/domain/uris";
import type { RevisionEntry } from "../../node/storage/ports";
import { safeFetch } from "../safe-fetch";

export const SYNC_PATHS = {
  digest: "/api/v1/sync/digest",
  revisions: "/api/v1/sync/revisions",
  challenges: "/api/v1/sync/challenges",
} as const;

export interface PeerClientOptions {
  allowPrivateNetwork: boolean;
  userAgent: string;
  timeoutMs?: number;
}

export interface SyncDigest { count: number; digest: string; followedBy: boolean | null }

export class PeerFetchError extends Error {
  constructor(readonly url: string, readonly status: number | null, message: string) {
    super(`${message}: ${url}`);
    this.name = "PeerFetchError";
  }
}

/** Where the canonical document of a challenge id lives on its origin (the Note's alternate link). */
export function canonicalUrlOf(challengeId: string): string {
  return new URL(paths.canonicalChallenge(encodeURIComponent(lastSegment(challengeId))), new URL(challengeId).origin).href;
}

/** Challenge ids are /challenges/{key} on their origin; anything else is not a challenge of an IPN node. */
export function isChallengeId(id: URL): boolean {
  return /^\/challenges\/[^/]+$/.test(id.pathname) && id.search === "" && id.hash === "";
}

export class PeerClient {
  constructor(private readonly opts: PeerClientOptions) {}

  private async get(url: string): Promise<{ status: number; json: unknown }> {
    // Large pages of documents: allow more than the loader's 2 MiB default.
    const res = await safeFetch(url, {
      allowPrivateNetwork: this.opts.allowPrivateNetwork,
      userAgent: this.opts.userAgent,
      headers: { accept: "application/json" },
      timeoutMs: this.opts.timeoutMs ?? 30_000,
      maxBytes: 16 * 1024 * 1024,
    });
    if (!res.ok) return { status: res.status, json: null };
    try {
      return { status: res.status, json: res.json() };
    } catch {
      throw new PeerFetchError(url, res.status, "answer is not JSON");
    }
  }

  private async getOk(url: string): Promise<Record<string, unknown>> {
    const { status, json } = await this.get(url);
    if (status !== 200 || typeof json !== "object" || json === null) throw new PeerFetchError(url, status, `answered ${status}`);
    return json as Record<string, unknown>;
  }

  /** The canonical document, "gone" (410: withdrawn at the origin) or "missing" (404: never public there). */
  async canonical(challengeId: string): Promise<{ kind: "doc"; doc: unknown } | { kind: "gone" } | { kind: "missing" }> {
    const url = canonicalUrlOf(challengeId);
    const { status, json } = await this.get(url);
    if (status === 410) return { kind: "gone" };
    if (status === 404) return { kind: "missing" };
    if (status !== 200) throw new PeerFetchError(url, status, `answered ${status}`);
    return { kind: "doc", doc: json };
  }

  async digest(origin: string, follower: string): Promise<SyncDigest> {
    const url = new URL(SYNC_PATHS.digest, origin);
    url.searchParams.set("follower", follower);
    const j = await this.getOk(url.href);
    if (typeof j.count !== "number" || typeof j.digest !== "string") throw new PeerFetchError(url.href, 200, "not a sync digest");
    return { count: j.count, digest: j.digest, followedBy: typeof j.followedBy === "boolean" ? j.followedBy : null };
  }

  /** Every (id, revision) the peer holds live, walking all pages. */
  async revisions(origin: string): Promise<RevisionEntry[]> {
    const all: RevisionEntry[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10_000; i++) {
      const url = new URL(SYNC_PATHS.revisions, origin);
      url.searchParams.set("limit", "1000");
      if (cursor) url.searchParams.set("cursor", cursor);
      const j = await this.getOk(url.href);
      if (!Array.isArray(j.items)) throw new PeerFetchError(url.href, 200, "not a revision list");
      for (const e of j.items as { id?: unknown; revision?: unknown }[]) {
        if (typeof e?.id === "string" && typeof e.revision === "number") all.push({ id: e.id, revision: e.revision });
      }
      cursor = typeof j.nextCursor === "string" ? j.nextCursor : null;
      if (!cursor) return all;
    }
    throw new PeerFetchError(origin, null, "revision list does not end");
  }

  /** One page of canonical documents of the peer's live challenges. */
  async challengePage(origin: string, cursor: string | null, limit: number): Promise<{ items: unknown[]; nextCursor: string | null }> {
    const url = new URL(SYNC_PATHS.challenges, origin);
    url.searchParams.set("limit", String(limit));
    if (cursor) url.searchParams.set("cursor", cursor);
    const j = await this.getOk(url.href);
    if (!Array.isArray(j.items)) throw new PeerFetchError(url.href, 200, "not a page of challenges");
    return { items: j.items, nextCursor: typeof j.nextCursor === "string" ? j.nextCursor : null };
  }
}
