// Publishing a draft at a later time: the editor picks the moment, the node's clock job publishes it
// then through ChallengeService.patch, the same path as "Publish now" (validation, the Create for
// followers, the audit log), on behalf of whoever scheduled it. A draft that can no longer be
// published at that moment (its deadline passed meanwhile) stays a draft and the log says why.
import type { ChallengeService } from "./challenges.service";
import { fail, ok, type Result } from "./errors";
import type { AuditRepository, ChallengeRepository, ScheduledPublication, ScheduleRepository, StoredChallenge } from "./ports";
import { actorOf, mayWriteHub, type Principal } from "./principal";
import type { Challenge } from "./types";
import { lastSegment } from "./uris";

export interface ScheduleServiceDeps {
  schedules: ScheduleRepository;
  challenges: ChallengeService;
  repo: Pick<ChallengeRepository, "getByKey">;
  audit?: AuditRepository;
  now?: () => Date;
}

/** Published, a draft is open — or forthcoming when its submissions open later. */
export function publishedStatusOf(doc: Pick<Challenge, "submissionPeriod">, at: Date): "open" | "forthcoming" {
  const start = doc.submissionPeriod?.start;
  return start && Date.parse(start) > at.getTime() ? "forthcoming" : "open";
}

export class ScheduleService {
  private readonly now: () => Date;
  constructor(private readonly deps: ScheduleServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The draft `key`, if the principal edits its hub. */
  private async draft(principal: Principal, key: string): Promise<Result<StoredChallenge>> {
    const c = await this.deps.repo.getByKey(key);
    if (!c || !mayWriteHub(principal, lastSegment(c.doc.hub))) return fail({ kind: "not-found", what: `challenge ${key}` });
    if (c.withdrawnAt) return fail({ kind: "gone", what: `challenge ${key}` });
    if (c.doc.status !== "draft") return fail({ kind: "conflict", message: "only a draft can be scheduled; this challenge is public already" });
    return ok(c);
  }

  async schedule(principal: Principal, key: string, at: Date): Promise<Result<ScheduledPublication>> {
    const found = await this.draft(principal, key);
    if (!found.ok) return found;
    if (Number.isNaN(at.getTime()) || at.getTime() <= this.now().getTime()) {
      return fail({ kind: "validation", errors: [{ pointer: "/publishAt", message: "must be a time in the future" }] });
    }
    const end = found.value.doc.submissionPeriod?.end;
    if (end && Date.parse(end) <= at.getTime()) {
      return fail({ kind: "validation", errors: [{ pointer: "/publishAt", message: "must be before the submission deadline" }] });
    }
    const s: ScheduledPublication = { key, publishAt: at.toISOString(), by: actorOf(principal) };
    await this.deps.schedules.set(s);
    await this.record(s.by, "challenge.schedule", found.value, `to be published at ${s.publishAt}`);
    return ok(s);
  }

  async unschedule(principal: Principal, key: string): Promise<Result<void>> {
    const found = await this.draft(principal, key);
    if (!found.ok) return found;
    if (!(await this.deps.schedules.get(key))) return ok(undefined);
    await this.deps.schedules.clear(key);
    await this.record(actorOf(principal), "challenge.unschedule", found.value, null);
    return ok(undefined);
  }

  get(key: string): Promise<ScheduledPublication | null> {
    return this.deps.schedules.get(key);
  }

  /** Publishes the drafts whose time has come; returns how many were published. */
  async publishDue(): Promise<number> {
    let published = 0;
    for (;;) {
      const due = await this.deps.schedules.due(this.now(), 50);
      if (due.length === 0) return published;
      for (const s of due) {
        const c = await this.deps.repo.getByKey(s.key);
        // Withdrawn or published by hand meanwhile: nothing left to do.
        if (c && !c.withdrawnAt && c.doc.status === "draft") {
          const principal: Principal = { kind: "hub", handle: lastSegment(c.doc.hub), actor: `${s.by} (scheduled)` };
          const r = await this.deps.challenges.patch(principal, s.key, { status: publishedStatusOf(c.doc, this.now()) });
          if (r.ok) published++;
          else await this.record(principal.actor!, "challenge.schedule-failed", c, "errors" in r.error && r.error.errors ? r.error.errors.map((e) => `${e.pointer}: ${e.message}`).join("; ") : "message" in r.error ? r.error.message : r.error.kind);
        }
        await this.deps.schedules.clear(s.key);
      }
    }
  }

  private async record(actor: string, action: string, c: StoredChallenge, detail: string | null): Promise<void> {
    await this.deps.audit?.append({ at: this.now().toISOString(), actor, action, target: c.id, revision: c.doc.revision, detail });
  }
}
