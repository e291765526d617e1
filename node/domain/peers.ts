// The allowlist of peer nodes (DESIGN §4 "Trust"): validation of entries from the admin API, the CLI
// and IPN_PEERS, and the service that keeps the list. What adding or removing a peer means on the
// network (follow, backfill, unfollow) is a hook the composition root wires to federation/network.
import { fail, ok, type FieldError, type Result } from "./errors";
import { isPlainObject } from "./merge-patch";
import { COUNTRY_CODES } from "./codelists";
import type { MirroredHubRepository, MirrorRepository, Peer, PeerRecord, PeerRepository, PeerRole } from "./ports";

export const PEER_ROLES: readonly PeerRole[] = ["national", "aggregator"];
/** The Commission's aggregator serves the whole EEA. */
export const AGGREGATOR_COUNTRY = "EU";

export interface PeerInput { origin: string; country: string; role: PeerRole }

export interface PeerRules {
  /** Test/demo mode: plain-http origins (loopback) are acceptable peers. */
  allowHttp: boolean;
  /** Our own origin: a node never peers with itself. */
  ownOrigin?: string;
}

/** The origin of a URL without path, query or fragment; null when it is not one. */
export function normaliseOrigin(value: string, allowHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) return null;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) return null;
  return url.origin;
}

/** Field errors of a peer entry (pointers relative to `base`), or the normalised entry. */
export function parsePeerInput(input: unknown, rules: PeerRules, base = ""): Result<PeerInput> {
  if (!isPlainObject(input)) return fail({ kind: "validation", errors: [{ pointer: base, message: "must be an object {origin, country, role}" }] });
  const errors: FieldError[] = [];
  for (const k of Object.keys(input)) if (!["origin", "country", "role"].includes(k)) errors.push({ pointer: `${base}/${k}`, message: "is not a property of a peer (origin, country, role)" });
  const origin = typeof input.origin === "string" ? normaliseOrigin(input.origin.trim(), rules.allowHttp) : null;
  if (typeof input.origin !== "string") errors.push({ pointer: `${base}/origin`, message: "is required: the peer's origin, e.g. https://fr.ipn.example" });
  else if (!origin) errors.push({ pointer: `${base}/origin`, message: `must be an ${rules.allowHttp ? "http(s)" : "https"} origin without path, query or credentials, e.g. https://fr.ipn.example` });
  else if (rules.ownOrigin && origin === new URL(rules.ownOrigin).origin) errors.push({ pointer: `${base}/origin`, message: "is this node's own origin" });
  const country = typeof input.country === "string" ? input.country.trim().toUpperCase() : "";
  if (typeof input.country !== "string") errors.push({ pointer: `${base}/country`, message: `is required: an EEA country code (ISO 3166-1 alpha-2, GR for Greece) or ${AGGREGATOR_COUNTRY}` });
  else if (!(COUNTRY_CODES as readonly string[]).includes(country) && country !== AGGREGATOR_COUNTRY) errors.push({ pointer: `${base}/country`, message: `must be an EEA country code (ISO 3166-1 alpha-2, GR for Greece) or ${AGGREGATOR_COUNTRY}` });
  const role = input.role ?? "national";
  if (typeof role !== "string" || !(PEER_ROLES as readonly string[]).includes(role)) errors.push({ pointer: `${base}/role`, message: `must be one of ${PEER_ROLES.join(", ")}` });
  if (errors.length || !origin) return fail({ kind: "validation", errors });
  return ok({ origin, country, role: role as PeerRole });
}

/**
 * IPN_PEERS: "https://fr.ipn.example=FR:national,https://eu.ipn.example=EU:aggregator" (role defaults
 * to national). Returns the entries or one message per broken item.
 */
export function parsePeerList(value: string, rules: PeerRules): { peers: PeerInput[]; problems: string[] } {
  const peers: PeerInput[] = [];
  const problems: string[] = [];
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  items.forEach((item, i) => {
    const m = /^(.+?)=([A-Za-z]{2})(?::([a-z]+))?$/.exec(item);
    if (!m) {
      problems.push(`item ${i + 1} ${JSON.stringify(item)} is not <origin>=<COUNTRY>[:national|aggregator]`);
      return;
    }
    const r = parsePeerInput({ origin: m[1], country: m[2], role: m[3] ?? "national" }, rules);
    if (r.ok) peers.push(r.value);
    else if (r.error.kind === "validation") problems.push(`item ${i + 1} ${JSON.stringify(item)}: ${r.error.errors.map((e) => `${e.pointer.slice(1)} ${e.message}`).join("; ")}`);
  });
  const seen = new Set<string>();
  for (const p of peers) {
    if (seen.has(p.origin)) problems.push(`${p.origin} is listed twice`);
    seen.add(p.origin);
  }
  return { peers, problems };
}

/** What the network does when the allowlist changes (federation/network implements it). */
export interface PeerHooks {
  /** Called after a peer was added or changed: follow its instance actor and backfill. Must not throw. */
  added(peer: PeerRecord): void;
  /** Called after a peer was removed (with its last record): send the pending unfollow now. Must not throw. */
  removed(peer: PeerRecord): void;
}

export interface PeerServiceDeps {
  peers: PeerRepository;
  mirror: MirrorRepository;
  mirroredHubs: MirroredHubRepository;
  rules: PeerRules;
  hooks?: PeerHooks;
  now?: () => Date;
}

export class PeerService {
  private hooks: PeerHooks | undefined;

  constructor(private readonly deps: PeerServiceDeps) {
    this.hooks = deps.hooks;
  }

  setHooks(hooks: PeerHooks): void {
    this.hooks = hooks;
  }

  list(): Promise<PeerRecord[]> {
    return this.deps.peers.list();
  }

  get(origin: string): Promise<PeerRecord | null> {
    return this.deps.peers.get(origin);
  }

  async add(input: unknown, source: Peer["source"] = "api"): Promise<Result<{ peer: PeerRecord; created: boolean }>> {
    const parsed = parsePeerInput(input, this.deps.rules);
    if (!parsed.ok) return parsed;
    const existing = await this.deps.peers.get(parsed.value.origin);
    const peer = await this.deps.peers.upsert({ ...parsed.value, source, addedAt: existing?.addedAt ?? (this.deps.now?.() ?? new Date()).toISOString() });
    this.hooks?.added(peer);
    return ok({ peer, created: existing === null });
  }

  /**
   * Removes the peer, its mirrored challenges and hub profiles (they leave the listings and the
   * directory at once). If we follow its
   * instance actor, the same store write leaves a pending unfollow: whichever process removed the
   * peer (web, CLI, a worker applying IPN_PEERS), a worker sends the Undo(Follow) — at once through
   * the hook when it is this process, otherwise at its next reconciliation — even after a crash.
   */
  async remove(originInput: string): Promise<Result<PeerRecord>> {
    const origin = normaliseOrigin(originInput, true) ?? originInput;
    const existing = await this.deps.peers.get(origin);
    if (!existing) return fail({ kind: "not-found", what: `peer ${originInput}` });
    const { actorId, followActivityId } = existing.sync;
    const removedAt = (this.deps.now?.() ?? new Date()).toISOString();
    const removed = await this.deps.peers.remove(origin, actorId && followActivityId ? { actorId, followActivityId, removedAt } : undefined);
    if (!removed) return fail({ kind: "not-found", what: `peer ${originInput}` }); // removed concurrently
    await this.deps.mirror.removeOrigin(origin);
    await this.deps.mirroredHubs.removeOrigin(origin);
    this.hooks?.removed(existing);
    return ok(existing);
  }

  /**
   * Applies IPN_PEERS at start-up: every configured entry is added (or updated), and entries that came
   * from an earlier configuration but are no longer in it are removed. Entries added through the API stay.
   */
  async applyConfigured(configured: PeerInput[]): Promise<void> {
    const wanted = new Set(configured.map((p) => p.origin));
    for (const p of configured) {
      const r = await this.add(p, "config");
      if (!r.ok) throw new Error(`IPN_PEERS entry ${p.origin} refused: ${JSON.stringify(r.error)}`);
    }
    for (const p of await this.deps.peers.list()) if (p.source === "config" && !wanted.has(p.origin)) await this.remove(p.origin);
  }
}
