// The challenge editor: new, edit (drafts and public revisions with a change reason), publish,
// withdraw — through the same ChallengeService as the API, so federation, the clock and the audit log
// behave the same whichever way a change is made.
import type { Request, Response, Router } from "express";
import { principalFor } from "../../domain/accounts/accounts.service";
import { mergePatchBetween } from "../../domain/merge-patch";
import type { ChallengeService } from "../../domain/challenges.service";
import { publishedStatusOf, type ScheduleService } from "../../domain/schedule.service";
import { countryInfo, LANGUAGE_TAGS } from "../../domain/codelists";
import type { DomainError, FieldError } from "../../domain/errors";
import type { Repositories, StoredUser } from "../../domain/ports";
import type { Principal } from "../../domain/principal";
import { type Challenge, CHALLENGE_SERVER_FIELDS } from "../../domain/types";
import { lastSegment } from "../../domain/uris";
import { pick } from "../pages/format";
import { html, type SafeHtml } from "../pages/html";
import type { Page } from "./auth-pages";
import { forbiddenPage } from "./auth-pages";
import type { Tw } from "./ws-i18n";
import { docFromForm, emptyForm, formErrors, formFromDoc, readForm, withLanguage, withListEdit, withMainLanguage, withoutLanguage, type ChallengeForm } from "./challenge-form";
import { editorBody, withdrawBody } from "./challenge-form-page";
import { isoToLocal, localToIso } from "./local-time";

export interface EditorDeps {
  challenges: ChallengeService;
  schedule: ScheduleService;
  repos: Pick<Repositories, "hubs" | "challenges">;
  /** Renders a page with the workspace's frame (no-store). */
  render: (res: Response, page: Page) => void;
  me: (res: Response) => { user: StoredUser; session: { csrfToken: string } };
  /** The page's words and language. */
  words: (res: Response) => { tw: Tw; ui: string };
}

const page = (title: string, body: SafeHtml, status = 200): Page => ({ status, title, body });

const zonesOf = (country: string) => countryInfo(country)?.timeZones ?? ["UTC"];

/** Publishing makes a challenge open, or forthcoming when its submissions open later. */
const publishedStatus = (doc: Record<string, unknown>) => publishedStatusOf(doc as Pick<Challenge, "submissionPeriod">, new Date());

export function editorRoutes(ws: Router, deps: EditorDeps): void {
  const notYours = (res: Response) => {
    const { tw } = deps.words(res);
    deps.render(res, forbiddenPage(tw("This challenge or hub does not exist, or you do not edit it."), tw));
  };

  const showForm = async (res: Response, o: { form: ChallengeForm; errors: FieldError[]; action: string; hubHandle: string; mode: "new" | "draft" | "public"; key?: string; status?: number; notice?: string }) => {
    const hub = await deps.repos.hubs.get(o.hubHandle);
    const hubName = hub ? pick(hub.doc.name, hub.doc.defaultLanguage, hub.doc.defaultLanguage)?.text ?? o.hubHandle : o.hubHandle;
    const { user, session } = deps.me(res);
    const { tw, ui } = deps.words(res);
    const scheduled = o.key && o.mode === "draft" ? await deps.schedule.get(o.key) : null;
    const scheduledAt = scheduled ? `${isoToLocal(scheduled.publishAt, o.form.timeZone).replace("T", " ")} (${o.form.timeZone})` : undefined;
    deps.render(res, {
      ...page(o.mode === "new" ? tw("New challenge") : tw("Edit challenge"), editorBody({
        form: o.form, errors: o.errors, csrf: session.csrfToken, admin: user.admin, action: o.action, hubName, mode: o.mode,
        timeZones: zonesOf(hub?.doc.country ?? ""), key: o.key, notice: o.notice, scheduledAt, tw, ui,
      }), o.status ?? (o.errors.length ? 422 : 200)),
      script: true,
    });
  };

  /** The page for a refusal that is not about a field. */
  const refusal = (res: Response, e: DomainError) => {
    const { tw } = deps.words(res);
    if (e.kind === "gone") return deps.render(res, page(tw("Withdrawn"), html`<h1>${tw("Withdrawn")}</h1><p>${tw("This challenge was withdrawn and can no longer be changed.")}</p><p><a href="/workspace">${tw("Back to the workspace")}</a></p>`, 410));
    if (e.kind === "forbidden" || e.kind === "not-found") return notYours(res);
    return deps.render(res, page(tw("Not saved"), html`<h1>${tw("Not saved")}</h1><p>${"message" in e ? e.message : tw("The change could not be made.")}</p><p><a href="/workspace">${tw("Back to the workspace")}</a></p>`, 409));
  };

  /** Schedules a draft just saved; a time refused (past, after the deadline) shows the saved draft's form with the reason. */
  const scheduleDraft = async (res: Response, principal: Principal, key: string, handle: string, at: Date, form: ChallengeForm) => {
    const s = await deps.schedule.schedule(principal, key, at);
    if (s.ok) return res.redirect(303, `/workspace/challenges/${key}?saved=scheduled`);
    if (s.error.kind !== "validation") return refusal(res, s.error);
    await showForm(res, { form, errors: formErrors(s.error.errors, form.defaultLanguage, deps.words(res)), action: `/workspace/challenges/${key}`, hubHandle: handle, mode: "draft", key, notice: deps.words(res).tw("The draft is saved, but not scheduled.") });
  };

  ws.get("/hubs/:handle/challenges/new", async (req, res) => {
    const handle = String(req.params.handle);
    const hub = await deps.repos.hubs.get(handle);
    if (!hub || !principalFor(deps.me(res).user, handle)) return notYours(res);
    const form = emptyForm({ defaultLanguage: hub.doc.defaultLanguage, country: hub.doc.country, timeZone: zonesOf(hub.doc.country)[0]! });
    await showForm(res, { form, errors: [], action: `/workspace/hubs/${handle}/challenges`, hubHandle: handle, mode: "new" });
  });

  ws.post("/hubs/:handle/challenges", async (req, res) => {
    const handle = String(req.params.handle);
    const principal = principalFor(deps.me(res).user, handle);
    if (!principal || !(await deps.repos.hubs.get(handle))) return notYours(res);
    const form = readForm(req.body);
    const again = (errors: FieldError[], f: ChallengeForm = form, status?: number) => showForm(res, { form: f, errors, action: `/workspace/hubs/${handle}/challenges`, hubHandle: handle, mode: "new", status });
    const unsaved = formAction(req, form);
    if (unsaved) return again([], unsaved, 200);
    const built = docFromForm(form);
    if (!built.ok) return again(formErrors(built.errors, form.defaultLanguage, deps.words(res)));
    const action = field(req, "action");
    const publishAt = action === "schedule" ? scheduleTime(form, deps.words(res).tw) : undefined;
    if (publishAt && !publishAt.ok) return again(publishAt.errors);
    const status = action === "publish" ? publishedStatus(built.doc) : "draft";
    const r = await deps.challenges.create(principal, handle, { ...built.doc, status });
    if (!r.ok) return r.error.kind === "validation" ? again(formErrors(r.error.errors, form.defaultLanguage, deps.words(res))) : refusal(res, r.error);
    if (publishAt) return scheduleDraft(res, principal, r.value.key!, handle, publishAt.at, form);
    res.redirect(303, `/workspace/challenges/${r.value.key}?saved=${status === "draft" ? "draft" : "published"}`);
  });

  /** The challenge behind :key if the signed-in person edits its hub. */
  const editable = async (req: Request, res: Response) => {
    const c = await deps.repos.challenges.getByKey(String(req.params.key));
    const handle = c ? lastSegment(c.doc.hub) : "";
    const principal = c ? principalFor(deps.me(res).user, handle) : null;
    return c && principal ? { c, handle, principal } : null;
  };

  ws.get("/challenges/:key/edit", async (req, res) => {
    const found = await editable(req, res);
    if (!found) return notYours(res);
    const { c, handle } = found;
    if (c.withdrawnAt) return refusal(res, { kind: "gone", what: "challenge" });
    const hub = await deps.repos.hubs.get(handle);
    const form = formFromDoc(c.doc, zonesOf(hub?.doc.country ?? c.country)[0]!, c.version);
    const scheduled = c.doc.status === "draft" ? await deps.schedule.get(c.key!) : null;
    if (scheduled) form.publishAt = isoToLocal(scheduled.publishAt, form.timeZone);
    const notice = req.query.duplicated ? deps.words(res).tw("This is a copy, saved as a new draft. Change what differs, then publish it.") : undefined;
    await showForm(res, { form, errors: [], action: `/workspace/challenges/${c.key}`, hubHandle: handle, mode: c.doc.status === "draft" ? "draft" : "public", key: c.key!, notice });
  });

  ws.post("/challenges/:key", async (req, res) => {
    const found = await editable(req, res);
    if (!found) return notYours(res);
    const { c, handle, principal } = found;
    const form = readForm(req.body);
    const mode = c.doc.status === "draft" ? "draft" : "public";
    const again = (errors: FieldError[], status?: number, f: ChallengeForm = form) =>
      showForm(res, { form: f, errors, action: `/workspace/challenges/${c.key}`, hubHandle: handle, mode, key: c.key!, status });
    const unsaved = formAction(req, form);
    if (unsaved) return again([], 200, unsaved);
    // The main language may have been changed with "Make … the main language"; anything else keeps the stored one.
    const lang = (LANGUAGE_TAGS as readonly string[]).includes(form.defaultLanguage) ? form.defaultLanguage : c.doc.defaultLanguage;
    const built = docFromForm({ ...form, defaultLanguage: lang }, c.doc as unknown as Record<string, unknown>);
    if (!built.ok) return again(formErrors(built.errors, form.defaultLanguage, deps.words(res)));
    keepInstantsAsWritten(built.doc, c.doc);
    const prev = structuredClone(c.doc) as unknown as Record<string, unknown>;
    for (const f of [...CHALLENGE_SERVER_FIELDS, "schemaVersion"]) delete prev[f];
    const action = field(req, "action");
    const publishAt = mode === "draft" && action === "schedule" ? scheduleTime(form, deps.words(res).tw) : undefined;
    if (publishAt && !publishAt.ok) return again(publishAt.errors);
    const status = mode === "draft" ? (action === "publish" ? publishedStatus(built.doc) : "draft") : form.status || c.doc.status;
    const next: Record<string, unknown> = { ...built.doc, status };
    const patch = mergePatchBetween(prev, next);
    if (mode === "public") {
      const description = form.changeDescription ? { description: { [lang]: form.changeDescription } } : {};
      // A cancellation or suspension chosen with the default reason gets the eForms reason that says so.
      const reason = !form.changeReason || form.changeReason === "update-add" ? (status === "cancelled" ? "cancel" : status === "suspended" ? "susp-review" : "update-add") : form.changeReason;
      patch.changeLog = [...(c.doc.changeLog ?? []), { reason, ...description }];
    }
    const version = Number(form.version);
    const r = await deps.challenges.patch(principal, c.key!, patch, { ifVersion: Number.isSafeInteger(version) ? version : undefined });
    if (!r.ok) {
      if (r.error.kind === "validation") return again(formErrors(r.error.errors, lang, deps.words(res)));
      if (r.error.kind === "precondition" || (r.error.kind === "conflict" && !r.error.errors)) {
        // Someone saved in between: keep this person's work on screen, based on the current version now,
        // so saving again replaces the other change knowingly.
        const current = await deps.repos.challenges.getByKey(c.key!);
        const message = deps.words(res).tw("Someone else saved this challenge while you were editing it (it is now at revision {{revision}}). Your version is kept below: compare it with the preview, then save again to replace theirs.", { revision: current?.doc.revision ?? "?" });
        return again([{ pointer: "/title", message }], 409, { ...form, version: String(current?.version ?? form.version) });
      }
      return r.error.kind === "conflict" && r.error.errors ? again(formErrors(r.error.errors, lang, deps.words(res))) : refusal(res, r.error);
    }
    if (publishAt) return scheduleDraft(res, principal, c.key!, handle, publishAt.at, { ...form, version: String(r.value.version) });
    if (mode === "draft" && action === "unschedule") {
      const u = await deps.schedule.unschedule(principal, c.key!);
      if (!u.ok) return refusal(res, u.error);
      return res.redirect(303, `/workspace/challenges/${c.key}?saved=unscheduled`);
    }
    const published = mode === "draft" && r.value.doc.status !== "draft";
    res.redirect(303, `/workspace/challenges/${c.key}?saved=${published ? "published" : mode === "draft" ? "draft" : "revision"}`);
  });

  // A new draft from an existing challenge (a call repeated next year, a sibling lot): everything the
  // authority wrote, without what belongs to the original's life (its status, changes and outcome).
  ws.post("/challenges/:key/duplicate", async (req, res) => {
    const found = await editable(req, res);
    if (!found) return notYours(res);
    const copy = structuredClone(found.c.doc) as unknown as Record<string, unknown>;
    for (const f of [...CHALLENGE_SERVER_FIELDS, "schemaVersion", "changeLog", "outcome", "statusReason", "procedureId"]) delete copy[f];
    const r = await deps.challenges.create(found.principal, found.handle, { ...copy, status: "draft" });
    if (!r.ok) return refusal(res, r.error);
    res.redirect(303, `/workspace/challenges/${r.value.key}/edit?duplicated=1`);
  });

  ws.get("/challenges/:key/withdraw", async (req, res) => {
    const found = await editable(req, res);
    if (!found) return notYours(res);
    const { c } = found;
    if (c.withdrawnAt) return refusal(res, { kind: "gone", what: "challenge" });
    const { user, session } = deps.me(res);
    const title = pick(c.doc.title, c.doc.defaultLanguage, c.doc.defaultLanguage)?.text ?? c.key!;
    const { tw } = deps.words(res);
    deps.render(res, page(tw("Withdraw"), withdrawBody({ key: c.key!, title, csrf: session.csrfToken, admin: user.admin, isPublic: c.doc.status !== "draft", tw })));
  });

  ws.post("/challenges/:key/withdraw", async (req, res) => {
    const found = await editable(req, res);
    if (!found) return notYours(res);
    const r = await deps.challenges.withdraw(found.principal, found.c.key!);
    if (!r.ok) return refusal(res, r.error);
    res.redirect(303, "/workspace?withdrawn=1");
  });
}

/**
 * "Add language", "Add a buyer", "Remove phase 2"…: the same form back with one section or item more
 * or fewer, unsaved (null for the buttons that save).
 */
function formAction(req: Request, form: ChallengeForm): ChallengeForm | null {
  const action = field(req, "action");
  if (action === "add-language") return withLanguage(form, field(req, "addLanguage"));
  const remove = /^remove-language:([a-z]{2})$/.exec(action);
  if (remove) return withoutLanguage(form, remove[1]!);
  const main = /^main-language:([a-z]{2})$/.exec(action);
  return main ? withMainLanguage(form, main[1]!) : withListEdit(form, action);
}

/** The moment the form asks to publish at, or the error to show beside "Publish at". */
function scheduleTime(form: ChallengeForm, tw: Tw): { ok: true; at: Date } | { ok: false; errors: FieldError[] } {
  const iso = form.publishAt ? localToIso(form.publishAt, form.timeZone) : null;
  return iso ? { ok: true, at: new Date(iso) } : { ok: false, errors: [{ pointer: "/publishAt", message: `${tw("Publish at")}: ${tw("enter the date and time to publish, such as 2027-01-29 09:00")}` }] };
}

function field(req: Request, name: string): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v : "";
}

/**
 * The form shows dates to the minute in one time zone; an unchanged date comes back with that zone's
 * offset and without seconds. Keep the stored text then, so an edit elsewhere does not rewrite
 * "…:30+02:00" as "…+01:00" for the same moment.
 */
function keepInstantsAsWritten(next: Record<string, unknown>, prev: { submissionPeriod?: { start?: string; end?: string } }): void {
  const period = next.submissionPeriod as { start?: string; end?: string } | undefined;
  if (!period || !prev.submissionPeriod) return;
  for (const k of ["start", "end"] as const) {
    const a = period[k];
    const b = prev.submissionPeriod[k];
    // The form shows minutes: the same minute means the officer left the date alone.
    if (a && b && Math.floor(Date.parse(a) / 60_000) === Math.floor(Date.parse(b) / 60_000)) period[k] = b;
  }
}
