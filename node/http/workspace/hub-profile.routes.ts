// Hub profiles in the workspace: the node admin and the hub's own editors change names, summaries,
// website, contact, avatar… through HubService.patchProfile, the one path that validates, records
// the change in the audit log and tells the hub's followers.
import type { Request, Response, Router } from "express";
import { principalFor } from "../../domain/accounts/accounts.service";
import { countryInfo } from "../../domain/codelists";
import type { FieldError } from "../../domain/errors";
import type { HubService } from "../../domain/hubs.service";
import { HUB_SERVER_FIELDS } from "../../domain/types";
import type { StoredHub, StoredUser } from "../../domain/ports";
import type { Principal } from "../../domain/principal";
import { forbiddenPage, type Page } from "./auth-pages";
import { pathLabel } from "./field-labels";
import { mergePatchBetween } from "../../domain/merge-patch";
import { hubProfileBody } from "./hub-profile-page";
import type { Tw } from "./ws-i18n";
import { fieldsOfDocument } from "./schema-fields";
import { type Context, editList, fromPost, type StateGroup, toDoc, toState } from "./schema-values";
import { localizedValidation } from "./validation-messages";

/** Not editable here: the handle (its fediverse address) and what the node writes. */
const FIXED = new Set<string>(["preferredUsername", "schemaVersion", ...HUB_SERVER_FIELDS]);
const FIELDS = fieldsOfDocument("hub", FIXED);
type Json = Record<string, unknown>;

export interface HubProfileDeps {
  hubs: HubService;
  render: (res: Response, page: Page) => void;
  me: (res: Response) => { user: StoredUser; session: { csrfToken: string } };
  words: (res: Response) => { tw: Tw; ui: string };
}

const contextOf = (doc: StoredHub["doc"]): Context => ({
  languages: [...new Set([doc.defaultLanguage, ...(doc.languages ?? [])])],
  timeZone: doc.timeZone ?? countryInfo(doc.country)?.timeZones[0] ?? "UTC",
});

export function hubProfileRoutes(ws: Router, deps: HubProfileDeps): void {
  const show = (res: Response, hub: StoredHub, state: StateGroup, errors: FieldError[], status: number, notice?: string) => {
    const { user, session } = deps.me(res);
    const { tw, ui } = deps.words(res);
    const ctx = contextOf(hub.doc);
    deps.render(res, {
      status, title: tw("Profile of @{{handle}}", { handle: hub.handle }), script: true,
      body: hubProfileBody({ handle: hub.handle, fields: FIELDS, state, ...ctx, errors, csrf: session.csrfToken, admin: user.admin, notice, tw, ui }),
    });
  };

  const notYours = (res: Response) => {
    const { tw } = deps.words(res);
    deps.render(res, forbiddenPage(tw("This hub does not exist, or you do not edit it."), tw));
  };

  const editableHub = async (req: Request, res: Response) => {
    const handle = String(req.params.handle);
    const principal = principalFor(deps.me(res).user, handle);
    const hub = principal ? await deps.hubs.get(handle) : null;
    return hub && principal ? { hub, principal } : null;
  };
  const stateOf = (doc: Json, ctx: Context): StateGroup => Object.fromEntries(FIELDS.map((f) => [f.key, toState(f, doc[f.key], ctx)]));

  ws.get("/hubs/:handle/profile", async (req, res) => {
    const found = await editableHub(req, res);
    if (!found) return notYours(res);
    const { hub } = found;
    show(res, hub, stateOf(hub.doc as unknown as Json, contextOf(hub.doc)), [], 200, req.query.saved ? deps.words(res).tw("Profile saved. The hub’s followers receive the new profile.") : undefined);
  });

  ws.post("/hubs/:handle/profile", async (req, res) => {
    const found = await editableHub(req, res);
    if (!found) return notYours(res);
    const { hub, principal } = found;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const state: StateGroup = Object.fromEntries(FIELDS.map((f) => [f.key, fromPost(f, body, [f.key])]));
    const list = /^(add|remove):d\.([A-Za-z0-9.]+)$/.exec(typeof body.action === "string" ? body.action : "");
    if (list) return show(res, hub, editList(state, list[2]!.split("."), list[1] as "add" | "remove"), [], 200);

    const ctx = contextOf(hub.doc);
    const errors: FieldError[] = [];
    const next: Json = {};
    for (const f of FIELDS) {
      const v = toDoc(f, state[f.key], ctx, `/d/${f.key}`, errors, (hub.doc as unknown as Json)[f.key]);
      if (v !== undefined) next[f.key] = v;
    }
    const { tw, ui } = deps.words(res);
    const named = (es: FieldError[]) => es.map((e) => ({ pointer: e.pointer.startsWith("/d") ? e.pointer : `/d${e.pointer}`, message: `${pathLabel(e.pointer.replace(/^\/d(?=\/)/, ""), tw, ui)}: ${localizedValidation(e.message, tw)}` }));
    if (errors.length) return show(res, hub, state, named(errors), 422);
    const prev = structuredClone(hub.doc) as unknown as Json;
    for (const k of FIXED) delete prev[k];
    const r = await deps.hubs.patchProfile(principal, hub.handle, mergePatchBetween(prev, next));
    if (!r.ok) {
      if (r.error.kind === "validation") return show(res, hub, state, named(r.error.errors), 422);
      return notYours(res);
    }
    res.redirect(303, `/workspace/hubs/${hub.handle}/profile?saved=1`);
  });
}
