// /api/v1/peers — the operator's allowlist of peer nodes with their sync status (admin token), and
// /api/v1/sync — what peers read to backfill and reconcile: a digest of (id, revision) of our live
// challenges, the full list, and pages of canonical documents. The sync API is public like the
// documents themselves; TLS to our origin is what makes them authentic for the reader.
import { Router, type Request } from "express";
import type { PeerService } from "../../domain/peers";
import type { FieldError } from "../../domain/errors";
import type { PeerRecord, RevisionEntry, StoredChallenge } from "../../domain/ports";
import type { Authenticator } from "../auth";
import { problem, sendProblem } from "../problem";
import { jsonBody, sendJson, unwrap } from "./helpers";
import type { Peer, PeerRemoveQuery, SyncChallengesQuery, SyncDigestQuery, SyncDocumentsQuery, SyncRevisionsQuery } from "./generated/api-types";
import { API_SCHEMAS, validateQuery, validateValue } from "./request-schemas";

/** The peer as the API shows it: the entry, its sync state and derived figures. */
export function peerView(p: PeerRecord, now: Date = new Date()): Peer {
  const lastSync = p.sync.lastSyncAt ? Date.parse(p.sync.lastSyncAt) : NaN;
  return {
    origin: p.origin, country: p.country, role: p.role, source: p.source, addedAt: p.addedAt,
    sync: {
      ...p.sync,
      /** Seconds since the mirror was last known equal to the peer (null: never). */
      lagSeconds: Number.isNaN(lastSync) ? null : Math.max(0, Math.round((now.getTime() - lastSync) / 1000)),
      /** Live challenges the peer announced that we do not hold (at the last attempt). */
      missing: p.sync.announced !== null && p.sync.held !== null ? Math.max(0, p.sync.announced - p.sync.held) : null,
    },
  };
}

export function peersRouter(deps: { peers: PeerService; auth: Authenticator; allowHttp: boolean }): Router {
  const r = Router();

  r.get("/", async (req, res) => {
    await deps.auth.admin(req);
    const now = new Date();
    sendJson(res, 200, { items: (await deps.peers.list()).map((p) => peerView(p, now)) });
  });

  r.post("/", async (req, res) => {
    await deps.auth.admin(req);
    const body = jsonBody(req);
    const checked = validateValue("peer-input", body, "", deps.allowHttp);
    if (!checked.ok) return sendProblem(res, problem(422, `${checked.errors.length} field(s) failed validation`, checked.errors));
    const added = unwrap(res, await deps.peers.add(body));
    if (!added) return;
    res.location(`/api/v1/peers?origin=${encodeURIComponent(added.peer.origin)}`);
    sendJson(res, added.created ? 201 : 200, peerView(added.peer));
  });

  r.delete("/", async (req, res) => {
    await deps.auth.admin(req);
    const checked = validateQuery<PeerRemoveQuery>("peer-remove-query", req.query as Record<string, unknown>);
    if (!checked.ok) return sendProblem(res, problem(400, "name the peer to remove", checked.errors));
    if (unwrap(res, await deps.peers.remove(checked.value.origin))) res.status(204).end();
  });

  return r;
}

/** Our side of the sync API: the local live challenges and who follows our instance actor (LocalSyncSet). */
export interface SyncSource {
  /** Count and digest of the live set (cached by the source; not recomputed per request). */
  digest(): Promise<{ count: number; digest: string }>;
  /** At most `limit` (id, revision) entries with id > afterId, in id order. */
  revisionPage(afterId: string | null, limit: number): Promise<RevisionEntry[]>;
  page(afterId: string | null, limit: number): Promise<StoredChallenge[]>;
  /** The local challenge of each key (drafts and withdrawn ones included), or null. */
  byKeys(keys: readonly string[]): Promise<(StoredChallenge | null)[]>;
  isInstanceFollower(actorId: string): Promise<boolean>;
}

/**
 * Cursors are opaque to readers: the base64url (no padding) of the last challenge id served. Keyset
 * paging on the id, so rows added or removed between pages never make another row appear twice.
 */
const encodeCursor = (id: string) => Buffer.from(id, "utf8").toString("base64url");

/** The id a cursor stands for, or null when it is not exactly one this API hands out. */
export function decodeCursor(raw: unknown): string | null {
  if (typeof raw !== "string" || !/^[A-Za-z0-9_-]{1,2800}$/.test(raw)) return null;
  const id = Buffer.from(raw, "base64url").toString("utf8");
  // Strict: a canonical encoding (no stray bits, no invalid UTF-8) of a challenge id.
  if (encodeCursor(id) !== raw || !/^https?:\/\/[^\s/?#]+\/challenges\/[^\s/?#]+$/.test(id)) return null;
  return id;
}

/** limit and cursor of a sync request (schemas/api/sync-*-query.schema.json), or the field errors. */
function paging(req: Request, schema: "sync-revisions-query" | "sync-challenges-query"): { limit: number; after: string | null } | FieldError[] {
  const checked = validateQuery<SyncRevisionsQuery | SyncChallengesQuery>(schema, req.query as Record<string, unknown>);
  if (!checked.ok) return checked.errors;
  const limit = checked.value.limit ?? (API_SCHEMAS[schema].properties.limit.default);
  if (checked.value.cursor === undefined) return { limit, after: null };
  const after = decodeCursor(checked.value.cursor);
  return after === null ? [{ pointer: "/query/cursor", message: "is not a cursor returned by this API" }] : { limit, after };
}

export function syncRouter(deps: { source: SyncSource }): Router {
  const r = Router();

  r.get("/digest", async (req, res) => {
    const checked = validateQuery<SyncDigestQuery>("sync-digest-query", req.query as Record<string, unknown>);
    if (!checked.ok) return sendProblem(res, problem(400, "invalid sync parameters", checked.errors));
    const follower = checked.value.follower;
    const { count, digest } = await deps.source.digest();
    sendJson(res, 200, {
      count,
      digest,
      algorithm: "sha256 over 'id revision\\n' lines in id order",
      followedBy: typeof follower === "string" ? await deps.source.isInstanceFollower(follower) : null,
    });
  });

  r.get("/revisions", async (req, res) => {
    const p = paging(req, "sync-revisions-query");
    if (Array.isArray(p)) return sendProblem(res, problem(400, "invalid sync parameters", p));
    const rows = await deps.source.revisionPage(p.after, p.limit + 1);
    const items = rows.slice(0, p.limit);
    sendJson(res, 200, { items, nextCursor: rows.length > p.limit ? encodeCursor(items[items.length - 1]!.id) : null });
  });

  r.get("/challenges", async (req, res) => {
    const p = paging(req, "sync-challenges-query");
    if (Array.isArray(p)) return sendProblem(res, problem(400, "invalid sync parameters", p));
    const rows = await deps.source.page(p.after, p.limit + 1);
    const items = rows.slice(0, p.limit);
    sendJson(res, 200, { items: items.map((c) => c.doc), nextCursor: rows.length > p.limit ? encodeCursor(items[items.length - 1]!.id) : null });
  });

  // Several canonical documents in one answer, each as GET /api/v1/challenges/{key} would answer it
  // to a peer: live ones in `items`, withdrawn ones (410 there) in `gone`, drafts and unknown keys
  // (404 there) in `missing`. A follower fetches the documents of a burst of activities at once.
  r.get("/documents", async (req, res) => {
    const checked = validateQuery<SyncDocumentsQuery>("sync-documents-query", req.query as Record<string, unknown>);
    if (!checked.ok) return sendProblem(res, problem(400, "invalid sync parameters", checked.errors));
    const keys = [...new Set(checked.value.key)];
    const found = await deps.source.byKeys(keys);
    const items: unknown[] = [];
    const gone: string[] = [];
    const missing: string[] = [];
    keys.forEach((key, i) => {
      const c = found[i];
      if (!c || c.doc.status === "draft") missing.push(key);
      else if (c.withdrawnAt !== null) gone.push(key);
      else items.push(c.doc);
    });
    sendJson(res, 200, { items, gone, missing });
  });

  return r;
}
