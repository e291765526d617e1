// Hubs: the publishing organisations of a node. Each hub is an ActivityPub actor (federation/)
// and has one bearer token for its editors, shown once and stored hashed.
import type { Hub } from "./types";
import { HUB_SERVER_FIELDS } from "./types";
import { fail, ok, type Result } from "./errors";
import { applyMergePatch, isPlainObject } from "./merge-patch";
import { hashToken, handleOfHubToken, newHubToken, tokenMatches } from "./tokens";
import { paths, uri } from "./uris";
import { validateHub } from "./validation";
import { type AuditRepository, DuplicateError, type HubRepository, type StoredHub } from "./ports";
import { actorOf, mayWriteHub, type Principal } from "./principal";
import { SCHEMA_VERSION } from "./challenges.service";

export interface HubServiceDeps {
  hubs: HubRepository;
  origin: string;
  now?: () => Date;
  /** Where hub creation and token changes are recorded, with who made them. */
  audit?: AuditRepository;
  /**
   * Called after a profile change is stored, to tell followers (an Update of the actor). Best effort:
   * servers that miss it still see the new profile when they next fetch the actor.
   */
  onProfileChanged?: (handle: string) => Promise<void>;
  /** Called after a hub is stored, not awaited: the node prepares its actor (keys) in the background. */
  onCreated?: (handle: string) => void;
}

/** Fields of a hub that never change: its identity on the fediverse and the node's own. */
const FIXED_HUB_FIELDS = ["preferredUsername", "schemaVersion", ...HUB_SERVER_FIELDS] as const;

export class HubService {
  private readonly now: () => Date;
  constructor(private readonly deps: HubServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Creates a hub; the returned token is the only time it is ever shown. `by`: the audit log's actor. */
  async create(input: unknown, by = "admin-token"): Promise<Result<{ hub: StoredHub; token: string }>> {
    if (!isPlainObject(input)) return fail({ kind: "validation", errors: [{ pointer: "", message: "must be a JSON object (a hub document)" }] });
    const serverFields = HUB_SERVER_FIELDS.filter((f) => f in input);
    if (serverFields.length) return fail({ kind: "validation", errors: serverFields.map((f) => ({ pointer: `/${f}`, message: "is assigned by the server; leave it out" })) });
    const handle = input.preferredUsername;
    const doc = {
      schemaVersion: SCHEMA_VERSION,
      ...input,
      id: typeof handle === "string" ? uri(this.deps.origin, paths.hub(handle)) : uri(this.deps.origin, "/hubs/invalid"),
      published: this.now().toISOString(),
    } as Hub;
    // Ids are https in production; a plain-http origin exists only in the explicit test/demo mode.
    const errors = validateHub(doc, { allowHttp: this.deps.origin.startsWith("http:") });
    if (errors.length) return fail({ kind: "validation", errors });

    const token = newHubToken(doc.preferredUsername);
    const hub: StoredHub = { handle: doc.preferredUsername, doc, tokenHash: hashToken(token) };
    try {
      await this.deps.hubs.insert(hub);
    } catch (e) {
      if (e instanceof DuplicateError) {
        return fail({ kind: "conflict", message: `a hub named ${doc.preferredUsername} already exists`, errors: [{ pointer: "/preferredUsername", message: "is taken on this node" }] });
      }
      throw e;
    }
    await this.record(by, "hub.create", hub.handle);
    this.deps.onCreated?.(hub.handle);
    return ok({ hub, token });
  }

  get(handle: string): Promise<StoredHub | null> {
    return this.deps.hubs.get(handle);
  }

  list(): Promise<StoredHub[]> {
    return this.deps.hubs.list();
  }

  /**
   * Changes a hub's profile with an RFC 7396 merge patch (names, summaries, website, contact, icon…):
   * the node admin or the hub's own editors. The handle and the server's fields cannot change.
   */
  async patchProfile(principal: Principal, handle: string, patch: unknown): Promise<Result<StoredHub>> {
    if (!mayWriteHub(principal, handle)) return fail({ kind: "forbidden", message: `only the node admin and @${handle}'s editors change its profile` });
    const current = await this.deps.hubs.get(handle);
    if (!current) return fail({ kind: "not-found", what: `hub ${handle}` });
    if (!isPlainObject(patch)) return fail({ kind: "validation", errors: [{ pointer: "", message: "must be a JSON object (a merge patch)" }] });
    const fixed = FIXED_HUB_FIELDS.filter((f) => f in patch);
    if (fixed.length) return fail({ kind: "validation", errors: fixed.map((f) => ({ pointer: `/${f}`, message: "cannot be changed" })) });
    // Nothing to change: no new version, nothing in the log, nothing sent.
    if (Object.keys(patch).length === 0) return ok(current);
    const doc = { ...(applyMergePatch(current.doc, patch) as Hub), updated: this.now().toISOString() };
    const errors = validateHub(doc, { allowHttp: this.deps.origin.startsWith("http:") });
    if (errors.length) return fail({ kind: "validation", errors });
    if (!(await this.deps.hubs.updateDoc(handle, doc))) return fail({ kind: "not-found", what: `hub ${handle}` });
    await this.record(actorOf(principal), "hub.update", handle);
    // The change is stored and stands; telling followers is the hook's job (it logs its own failures).
    await this.deps.onProfileChanged?.(handle).catch(() => undefined);
    return ok({ ...current, doc });
  }

  /** Replaces a hub's token; the old one stops working at once. */
  async rotateToken(handle: string, by = "admin-token"): Promise<Result<string>> {
    const token = newHubToken(handle);
    if (!(await this.deps.hubs.setTokenHash(handle, hashToken(token)))) return fail({ kind: "not-found", what: `hub ${handle}` });
    await this.record(by, "hub.token-rotate", handle);
    return ok(token);
  }

  /** Revokes a hub's token without issuing another: API access for the hub stops until a rotation. */
  async revokeToken(handle: string, by: string): Promise<Result<void>> {
    // The hash of a secret nobody ever sees: no presented token can match it.
    if (!(await this.deps.hubs.setTokenHash(handle, hashToken(newHubToken(handle))))) return fail({ kind: "not-found", what: `hub ${handle}` });
    await this.record(by, "hub.token-revoke", handle);
    return ok(undefined);
  }

  private async record(actor: string, action: string, handle: string): Promise<void> {
    await this.deps.audit?.append({ at: this.now().toISOString(), actor, action, target: uri(this.deps.origin, paths.hub(handle)), revision: null, detail: null });
  }

  /** Resolves a presented hub token to its principal, or null. */
  async authenticate(token: string): Promise<Principal | null> {
    const handle = handleOfHubToken(token);
    if (!handle) return null;
    const hub = await this.deps.hubs.get(handle);
    return hub && tokenMatches(token, hub.tokenHash) ? { kind: "hub", handle } : null;
  }
}
