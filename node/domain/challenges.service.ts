// The challenge lifecycle: create, edit (JSON Merge Patch), withdraw, clock-driven status changes.
// Every public change bumps `revision`, moves `updated` strictly forward, appends a changeLog entry and
// records the activity to federate in the same atomic write (transactional outbox).
import { isDeepStrictEqual } from "node:util";
import { randomUUID } from "node:crypto";
import type { Challenge, ChallengeStatus, Change } from "./types";
import { CHALLENGE_SERVER_FIELDS } from "./types";
import { fail, ok, type FieldError, type Result } from "./errors";
import { applyMergePatch, isPlainObject } from "./merge-patch";
import { actorOf, mayWriteHub, type Principal } from "./principal";
import { paths, uri } from "./uris";
import { checkTransition, validateChallenge } from "./validation";
import type { FacetCounts, ListingFacet } from "./listing-facets";
import type {
  ActivityRecord, ActivityType, AuditRepository, ChallengeRepository, HubRepository, ListingPage, ListingQuery, StoredChallenge,
} from "./ports";

export const SCHEMA_VERSION = "1.0";
const INITIAL_STATUSES: ChallengeStatus[] = ["draft", "forthcoming", "open"];

export interface ChallengeServiceDeps {
  challenges: ChallengeRepository;
  hubs: HubRepository;
  origin: string;
  now?: () => Date;
  newKey?: () => string;
  /** Called after a write that recorded an activity, so federation can pick it up at once. */
  onActivity?: () => void;
  /** Where every change is recorded (who, what, revision), whichever way it was made. */
  audit?: AuditRepository;
}

const isPublic = (s: ChallengeStatus) => s !== "draft";

/** RFC 3339 in UTC with millisecond precision: comparable as strings and strictly orderable. */
const stamp = (d: Date) => d.toISOString();

export class ChallengeService {
  private readonly now: () => Date;
  private readonly newKey: () => string;
  /** Ids are https in production; a plain-http origin exists only in the explicit test/demo mode. */
  private readonly validation: { allowHttp: boolean };

  constructor(private readonly deps: ChallengeServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newKey = deps.newKey ?? randomUUID;
    this.validation = { allowHttp: deps.origin.startsWith("http:") };
  }

  async create(principal: Principal, hubHandle: string, input: unknown): Promise<Result<StoredChallenge>> {
    const hub = await this.deps.hubs.get(hubHandle);
    if (!hub) return fail({ kind: "not-found", what: `hub ${hubHandle}` });
    if (!mayWriteHub(principal, hubHandle)) return fail({ kind: "forbidden", message: `this token may not publish for hub ${hubHandle}` });
    if (!isPlainObject(input)) return fail({ kind: "validation", errors: [{ pointer: "", message: "must be a JSON object (a challenge document)" }] });

    const serverFieldErrors: FieldError[] = CHALLENGE_SERVER_FIELDS.filter((f) => f in input)
      .map((f) => ({ pointer: `/${f}`, message: "is assigned by the server; leave it out" }));
    if (serverFieldErrors.length) return fail({ kind: "validation", errors: serverFieldErrors });
    if (typeof input.status === "string" && !INITIAL_STATUSES.includes(input.status as ChallengeStatus)) {
      return fail({ kind: "validation", errors: [{ pointer: "/status", message: `a new challenge starts as ${INITIAL_STATUSES.join(", ")}` }] });
    }

    const key = this.newKey();
    const now = this.now();
    const id = uri(this.deps.origin, paths.challenge(key));
    const doc = {
      schemaVersion: SCHEMA_VERSION,
      ...input,
      id,
      url: id,
      hub: hub.doc.id,
      revision: 1,
      updated: stamp(now),
    } as Challenge;
    if (isPublic(doc.status)) doc.published = stamp(now);

    const errors = [...validateChallenge(doc, this.validation), ...this.clockErrors(doc, now)];
    if (errors.length) return fail({ kind: "validation", errors });

    const stored: StoredChallenge = { id, key, origin: this.deps.origin, country: hub.doc.country, doc, version: 1, withdrawnAt: null };
    const activity = isPublic(doc.status) ? this.activity("Create", key, doc, now) : null;
    await this.deps.challenges.insert(stored, activity);
    if (activity) this.deps.onActivity?.();
    await this.record(actorOf(principal), "challenge.create", stored, doc.status);
    return ok(stored);
  }

  /** Drafts are visible to their hub and the admin only. */
  async get(key: string, principal: Principal | null): Promise<Result<StoredChallenge>> {
    const c = await this.deps.challenges.getByKey(key);
    if (!c) return fail({ kind: "not-found", what: `challenge ${key}` });
    if (c.doc.status === "draft" && !(principal && mayWriteHub(principal, this.hubHandle(c)))) {
      return fail({ kind: "not-found", what: `challenge ${key}` });
    }
    if (c.withdrawnAt) return fail({ kind: "gone", what: `challenge ${key} was withdrawn on ${c.withdrawnAt}` });
    return ok(c);
  }

  /** How many public challenges match the filters (for "N challenges" and the API's total). */
  count(query: ListingQuery): Promise<number> {
    return this.deps.challenges.count(query);
  }

  list(query: ListingQuery): Promise<ListingPage> {
    return this.deps.challenges.list(query);
  }

  /** Per facet and value, how many public challenges the other filters leave (listing-facets.ts). */
  facetCounts(query: ListingQuery, facets: readonly ListingFacet[]): Promise<FacetCounts> {
    return facets.length ? this.deps.challenges.facetCounts(query, facets) : Promise.resolve({});
  }

  /**
   * `ifVersion` (from If-Match) makes the edit conditional: it applies only to that stored version, and
   * the write itself is checked against the same version, so a concurrent edit is never overwritten.
   */
  async patch(principal: Principal, key: string, patch: unknown, opts: { ifVersion?: number } = {}): Promise<Result<StoredChallenge>> {
    const found = await this.writable(principal, key);
    if (!found.ok) return found;
    const current = found.value;
    if (opts.ifVersion !== undefined && opts.ifVersion !== current.version) {
      return fail({ kind: "precondition", message: `the challenge has changed since that version (current ETag "${current.version}")` });
    }
    if (!isPlainObject(patch)) return fail({ kind: "validation", errors: [{ pointer: "", message: "must be a JSON object (an RFC 7396 merge patch)" }] });

    const prev = current.doc;
    // Server-assigned fields may be echoed back unchanged (GET, edit, PATCH the whole thing), never changed.
    const serverErrors: FieldError[] = [];
    for (const f of [...CHALLENGE_SERVER_FIELDS, "schemaVersion"] as const) {
      if (f in patch && !isDeepStrictEqual(patch[f], prev[f])) serverErrors.push({ pointer: `/${f}`, message: "is assigned by the server and cannot be changed" });
    }
    if (serverErrors.length) return fail({ kind: "validation", errors: serverErrors });

    const { changeLog: patchedLog, ...rest } = patch;
    const merged = applyMergePatch(prev, rest) as Challenge;
    merged.changeLog = prev.changeLog;
    if (!isPublic(prev.status) && merged.changeLog === undefined) delete merged.changeLog;

    const wasPublic = isPublic(prev.status);
    const changed = !isDeepStrictEqual(merged, prev) || patchedLog !== undefined && !isDeepStrictEqual(patchedLog, prev.changeLog);
    if (!changed) return ok(current);

    if (merged.status !== prev.status && !checkTransition(prev.status, merged.status)) {
      return fail({ kind: "conflict", message: `status cannot change from ${prev.status} to ${merged.status}`, errors: [{ pointer: "/status", message: `${prev.status} → ${merged.status} is not an allowed transition` }] });
    }

    const now = this.now();
    const next = merged;
    next.updated = this.after(prev.updated, now);
    let type: ActivityType | null = null;
    if (wasPublic) {
      next.revision = prev.revision + 1;
      const entry = this.changeEntry(prev, next, patchedLog);
      if (!entry.ok) return entry;
      next.changeLog = [...(prev.changeLog ?? []), entry.value];
      type = "Update";
    } else if (isPublic(next.status)) {
      next.published = next.updated; // first publication of a draft
      type = "Create";
    }

    const errors = [...validateChallenge(next, this.validation), ...(type ? this.clockErrors(next, now) : [])];
    if (errors.length) return fail({ kind: "validation", errors });
    const done = await this.commit(current, next, type, now);
    if (done.ok) {
      const entry = wasPublic ? next.changeLog?.at(-1) : undefined;
      const detail = entry ? [entry.reason, entry.description ? Object.values(entry.description)[0] : undefined].filter(Boolean).join(": ") : next.status !== prev.status ? `${prev.status} → ${next.status}` : null;
      await this.record(actorOf(principal), type === "Create" ? "challenge.publish" : "challenge.update", done.value, detail);
    }
    return done;
  }

  async withdraw(principal: Principal, key: string): Promise<Result<StoredChallenge>> {
    const found = await this.writable(principal, key);
    if (!found.ok) return found;
    const current = found.value;
    const now = this.now();
    const wasPublic = isPublic(current.doc.status);
    const next: StoredChallenge = { ...current, version: current.version + 1, withdrawnAt: stamp(now) };
    const activity = wasPublic ? this.activity("Delete", current.key!, current.doc, now) : null;
    if (!(await this.deps.challenges.update(next, current.version, activity))) return this.concurrent();
    if (activity) this.deps.onActivity?.();
    await this.record(actorOf(principal), "challenge.withdraw", next, wasPublic ? "Delete sent to followers" : "draft discarded");
    return ok(next);
  }

  /**
   * Clock-driven transitions: forthcoming → open when submissions open, open → closed when the deadline
   * has passed. Idempotent; after downtime it catches up (a forthcoming challenge whose deadline also
   * passed goes through open to closed, each step federated). Returns the number of changes made.
   */
  async applyClock(): Promise<number> {
    let changes = 0;
    for (;;) {
      const now = this.now();
      const due = await this.deps.challenges.dueForStatusChange(now, 100);
      if (due.length === 0) return changes;
      let progressed = 0;
      for (const c of due) {
        const to: ChallengeStatus = c.doc.status === "forthcoming" ? "open" : "closed";
        const next: Challenge = structuredClone(c.doc);
        next.status = to;
        next.revision = c.doc.revision + 1;
        next.updated = this.after(c.doc.updated, now);
        next.changeLog = [...(c.doc.changeLog ?? []), { revision: next.revision, date: next.updated, reason: "update-add" }];
        const r = await this.commit(c, next, "Update", now);
        if (r.ok) {
          progressed++;
          await this.record("system (clock)", "challenge.status", r.value, `${c.doc.status} → ${to}`);
        }
      }
      changes += progressed;
      if (progressed === 0) return changes; // everything due was changed concurrently by someone else
    }
  }

  private async commit(current: StoredChallenge, next: Challenge, type: ActivityType | null, now: Date): Promise<Result<StoredChallenge>> {
    const stored: StoredChallenge = { ...current, doc: next, version: current.version + 1 };
    const activity = type ? this.activity(type, current.key!, next, now) : null;
    if (!(await this.deps.challenges.update(stored, current.version, activity))) return this.concurrent();
    if (activity) this.deps.onActivity?.();
    return ok(stored);
  }

  /**
   * The audit entry of a change that was stored. Written after the change, not in its transaction: a
   * crash in between loses the entry, never the change (the changeLog and the outbox keep the change).
   */
  private async record(actor: string, action: string, c: StoredChallenge, detail: string | null): Promise<void> {
    await this.deps.audit?.append({ at: stamp(this.now()), actor, action, target: c.id, revision: c.doc.revision, detail });
  }

  private concurrent(): Result<never> {
    return fail({ kind: "conflict", message: "the challenge was changed concurrently; fetch it again and retry" });
  }

  private async writable(principal: Principal, key: string): Promise<Result<StoredChallenge>> {
    const c = await this.deps.challenges.getByKey(key);
    if (!c) return fail({ kind: "not-found", what: `challenge ${key}` });
    const handle = this.hubHandle(c);
    if (!mayWriteHub(principal, handle)) {
      // A draft of another hub is not even confirmed to exist.
      return c.doc.status === "draft" ? fail({ kind: "not-found", what: `challenge ${key}` }) : fail({ kind: "forbidden", message: `this token may not change challenges of hub ${handle}` });
    }
    if (c.withdrawnAt) return fail({ kind: "gone", what: `challenge ${key} was withdrawn on ${c.withdrawnAt}` });
    return ok(c);
  }

  private hubHandle(c: StoredChallenge): string {
    return decodeURIComponent(new URL(c.doc.hub).pathname.split("/").pop() ?? "");
  }

  /** The changeLog entry of a public change: the editor's own (appended to the unchanged log) or a default one. */
  private changeEntry(prev: Challenge, next: Challenge, patchedLog: unknown): Result<Change> {
    const date = next.updated;
    const revision = next.revision;
    if (patchedLog === undefined || patchedLog === null) {
      const reason = next.status === "cancelled" ? "cancel" : next.status === "suspended" ? "susp-review" : "update-add";
      return ok({ revision, date, reason });
    }
    const old = prev.changeLog ?? [];
    if (!Array.isArray(patchedLog) || patchedLog.length !== old.length + 1 || !isDeepStrictEqual(patchedLog.slice(0, old.length), old)) {
      return fail({ kind: "validation", errors: [{ pointer: "/changeLog", message: `must repeat the ${old.length} existing entries unchanged and add exactly one entry describing this change` }] });
    }
    const added = patchedLog[old.length];
    if (!isPlainObject(added)) return fail({ kind: "validation", errors: [{ pointer: `/changeLog/${old.length}`, message: "must be an object with reason and optional description" }] });
    // revision and date of the new entry are the server's; the editor supplies reason and description.
    return ok({ ...(added as unknown as Change), revision, date });
  }

  /** Rules that depend on the clock, checked when something is published or republished. */
  private clockErrors(doc: Challenge, now: Date): FieldError[] {
    const errors: FieldError[] = [];
    const start = doc.submissionPeriod?.start ? Date.parse(doc.submissionPeriod.start) : NaN;
    const end = doc.submissionPeriod?.end ? Date.parse(doc.submissionPeriod.end) : NaN;
    if (doc.status === "open" && !Number.isNaN(end) && end <= now.getTime()) {
      errors.push({ pointer: "/submissionPeriod/end", message: "the deadline has passed; an open challenge needs a future deadline" });
    }
    if (doc.status === "forthcoming") {
      if (Number.isNaN(start)) errors.push({ pointer: "/submissionPeriod/start", message: "is required for a forthcoming challenge (when submissions open)" });
      else if (start <= now.getTime()) errors.push({ pointer: "/submissionPeriod/start", message: "is in the past; publish the challenge as open instead" });
    }
    return errors;
  }

  /** A timestamp strictly after `prev` (Mastodon ignores edits whose `updated` did not move). */
  private after(prev: string | undefined, now: Date): string {
    const p = prev ? Date.parse(prev) : NaN;
    return stamp(!Number.isNaN(p) && p >= now.getTime() ? new Date(p + 1) : now);
  }

  private activity(type: ActivityType, key: string, doc: Challenge, now: Date): ActivityRecord {
    const path = type === "Create" ? paths.createActivity(key) : type === "Update" ? paths.updateActivity(key, doc.revision) : paths.deleteActivity(key);
    return {
      id: uri(this.deps.origin, path), type, actor: doc.hub, objectId: doc.id, revision: doc.revision,
      published: type === "Update" ? doc.updated : stamp(now), object: doc, federatedAt: null,
    };
  }
}
