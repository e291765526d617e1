// The mirror of peers' challenges (DESIGN §3–4): which canonical documents may enter it, the
// revision rule, and the digest both sides of a reconciliation compute. Framework-free: federation/
// network fetches documents from their origin and hands them here.
import { createHash } from "node:crypto";
import type { Challenge } from "./types";
import { validateChallenge } from "./validation";
import type { MirrorEffectPlanner, MirrorOutcome, MirrorRepository, Peer, RevisionEntry, StoredChallenge } from "./ports";

export type MirrorChangeKind = "created" | "updated" | "withdrawn";

/** Emitted after a mirrored challenge changed in the store (aggregator topic actors subscribe here). */
export interface MirrorChange {
  kind: MirrorChangeKind;
  /** The peer it came from. */
  peer: Pick<Peer, "origin" | "country" | "role">;
  /** The canonical document as stored (for withdrawn: the last version held). */
  doc: Challenge;
}

export type MirrorListener = (change: MirrorChange) => void;

/** Why a document offered by a peer is refused; null when it may enter the mirror. */
export function refuseMirrored(doc: unknown, peerOrigin: string, opts: { allowHttp: boolean; expectedId?: string }): string | null {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "not a JSON object";
  const d = doc as Partial<Challenge>;
  if (typeof d.id !== "string") return "no id";
  if (opts.expectedId !== undefined && d.id !== opts.expectedId) return `id ${d.id} is not the requested ${opts.expectedId}`;
  let idOrigin: string;
  let hubOrigin: string;
  try {
    idOrigin = new URL(d.id).origin;
    hubOrigin = new URL(String(d.hub)).origin;
  } catch {
    return "id or hub is not a URL";
  }
  // Origin rule (FEP-fe34): a peer speaks only for objects and hubs of its own origin.
  if (idOrigin !== peerOrigin) return `id ${d.id} is not on the peer's origin ${peerOrigin}`;
  if (hubOrigin !== peerOrigin) return `hub ${d.hub} is not on the peer's origin ${peerOrigin}`;
  if (d.status === "draft") return "a draft is never public";
  const errors = validateChallenge(d as Challenge, { allowHttp: opts.allowHttp });
  if (errors.length) return `invalid document: ${errors.slice(0, 3).map((e) => `${e.pointer || "/"} ${e.message}`).join("; ")}`;
  return null;
}

/** SHA-256 over "id revision\n" lines in id order: equal sets give equal digests on every node. */
export function revisionDigest(entries: readonly RevisionEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hash = createHash("sha256");
  for (const e of sorted) hash.update(`${e.id} ${e.revision}\n`);
  return hash.digest("hex");
}

/** What to repair: ids to (re)fetch from the origin (missing or older here) and ids to withdraw (gone there). */
export function diffRevisions(held: readonly RevisionEntry[], announced: readonly RevisionEntry[]): { fetch: string[]; withdraw: string[] } {
  const heldById = new Map(held.map((e) => [e.id, e.revision]));
  const announcedIds = new Set(announced.map((e) => e.id));
  return {
    fetch: announced.filter((e) => (heldById.get(e.id) ?? 0) < e.revision).map((e) => e.id),
    withdraw: held.filter((e) => !announcedIds.has(e.id)).map((e) => e.id),
  };
}

export interface MirrorServiceDeps {
  mirror: MirrorRepository;
  /** Test/demo mode: http ids on loopback. */
  allowHttp: boolean;
  now?: () => Date;
  /** Aggregator: the federation side effect each stored change implies, written in the same store step (issue 8). */
  effects?: MirrorEffectPlanner;
}

export interface MirrorResult { stored: number; stale: number; refused: number }

export class MirrorService {
  private readonly listeners = new Set<MirrorListener>();
  private readonly now: () => Date;

  constructor(private readonly deps: MirrorServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Subscribes to changes of the mirror; returns the unsubscribe function. */
  onChange(listener: MirrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores documents a peer served from its own origin, in one batch: refused ones (wrong origin,
   * invalid, drafts) are skipped and reported via `onRefused`; lower or equal revisions change nothing.
   * A challenge held as withdrawn that its origin serves is live again (reported as created).
   */
  async store(peer: Pick<Peer, "origin" | "country" | "role">, docs: unknown[], onRefused?: (reason: string, doc: unknown) => void): Promise<MirrorResult> {
    const accepted: Challenge[] = [];
    let refused = 0;
    for (const doc of docs) {
      const reason = refuseMirrored(doc, peer.origin, { allowHttp: this.deps.allowHttp });
      if (reason) {
        refused++;
        onRefused?.(reason, doc);
      } else {
        accepted.push(doc as Challenge);
      }
    }
    if (accepted.length === 0) return { stored: 0, stale: 0, refused };
    const outcomes = await this.deps.mirror.upsertMany(accepted.map((doc) => ({ doc, origin: peer.origin, country: peer.country })), this.deps.effects);
    let stored = 0;
    outcomes.forEach((outcome: MirrorOutcome, i) => {
      if (outcome === "created" || outcome === "updated" || outcome === "restored") {
        stored++;
        this.emit({ kind: outcome === "restored" ? "created" : outcome, peer, doc: accepted[i]! });
      }
    });
    return { stored, stale: accepted.length - stored, refused };
  }

  /** Marks challenges of a peer withdrawn here (idempotent). */
  async withdraw(peer: Pick<Peer, "origin" | "country" | "role">, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const done: StoredChallenge[] = await this.deps.mirror.withdraw(peer.origin, ids, this.now().toISOString(), this.deps.effects);
    for (const c of done) this.emit({ kind: "withdrawn", peer, doc: c.doc });
    return done.length;
  }

  revisions(origin: string): Promise<RevisionEntry[]> {
    return this.deps.mirror.revisions(origin);
  }

  private emit(change: MirrorChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch {
        // A listener's failure must never undo or block mirroring.
      }
    }
  }
}

export interface SyncDigest { count: number; digest: string }

/**
 * Our own live set as the public sync API serves it (node/http/api/peers.routes.ts): keyset pages
 * straight from the store's index, and the digest cached against the store's change stamp, so a
 * request costs O(page) however many challenges the node holds; the digest is recomputed once per
 * change of the set, not once per request. maxAgeMs bounds how long a cached digest is trusted even
 * if a change went unnoticed (a stamp that could not be moved, a process of an older version).
 */
export class LocalSyncSet {
  private cached: { stamp: string; at: number; value: Promise<SyncDigest> } | null = null;

  constructor(private readonly o: {
    mirror: MirrorRepository;
    origin: string;
    isInstanceFollower(actorId: string): Promise<boolean>;
    /** The local challenges of these keys that exist (ChallengeRepository.getManyByKeys). */
    byKeys(keys: readonly string[]): Promise<StoredChallenge[]>;
    maxAgeMs?: number;
    now?: () => number;
  }) {}

  async digest(): Promise<SyncDigest> {
    const now = (this.o.now ?? Date.now)();
    // Read the stamp before the data: a write in between leaves newer data under an older stamp,
    // which the next request recomputes — never older data under a newer stamp.
    const stamp = await this.o.mirror.changeStamp();
    const c = this.cached;
    if (c && c.stamp === stamp && now - c.at < (this.o.maxAgeMs ?? 5 * 60_000)) return c.value;
    const value = this.o.mirror.revisions(this.o.origin).then((entries) => ({ count: entries.length, digest: revisionDigest(entries) }));
    this.cached = { stamp, at: now, value };
    value.catch(() => { if (this.cached?.value === value) this.cached = null; });
    return value;
  }

  revisionPage(afterId: string | null, limit: number): Promise<RevisionEntry[]> {
    return this.o.mirror.revisionPage(this.o.origin, afterId, limit);
  }

  page(afterId: string | null, limit: number): Promise<StoredChallenge[]> {
    return this.o.mirror.page(this.o.origin, afterId, limit);
  }

  async byKeys(keys: readonly string[]): Promise<(StoredChallenge | null)[]> {
    const found = new Map((await this.o.byKeys(keys)).map((c) => [c.key, c]));
    return keys.map((key) => found.get(key) ?? null);
  }

  isInstanceFollower(actorId: string): Promise<boolean> {
    return this.o.isInstanceFollower(actorId);
  }
}
