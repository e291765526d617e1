// /workspace/node: what a node admin does besides people — hubs and their API tokens, peers, and a
// read-only view of the settings. Same services as the API and the CLI; the audit log names the admin.
import type { Request, Response, Router } from "express";
import { userActor } from "../../domain/accounts/accounts.service";
import type { FieldError } from "../../domain/errors";
import type { HubService } from "../../domain/hubs.service";
import type { PeerService } from "../../domain/peers";
import type { StoredUser } from "../../domain/ports";
import type { Page } from "./auth-pages";
import { forbiddenPage } from "./auth-pages";
import type { Tw } from "./ws-i18n";
import { type HubForm, nodeAdminBody, type PeerForm, tokenIssuedBody } from "./node-admin-pages";

export interface NodeAdminDeps {
  hubs: HubService;
  /** Absent on a node without the peer network. */
  peers?: PeerService;
  /** What the settings table shows: name → value, secrets left out by the caller. */
  settings: [string, string][];
  origin: string;
  render: (res: Response, page: Page) => void;
  me: (res: Response) => { user: StoredUser; session: { csrfToken: string } };
  words: (res: Response) => { tw: Tw; ui: string };
  /** Records a change in the audit log (peers: the peer service keeps none of its own). */
  audit: (actor: string, action: string, target: string) => Promise<void>;
}

const HUB_FIELDS: [RegExp, string][] = [
  [/^\/preferredUsername/, "/handle"], [/^\/name/, "/name"], [/^\/contact/, "/email"], [/^\/(defaultLanguage|languages)/, "/language"],
  [/^\/country/, "/country"], [/^\/hubType/, "/hubType"],
];

export function nodeAdminRoutes(ws: Router, deps: NodeAdminDeps): void {
  const field = (req: Request, name: string) => {
    const v = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof v === "string" ? v.trim() : "";
  };
  const show = async (res: Response, extra: { hubForm?: HubForm; hubErrors?: FieldError[]; peerForm?: PeerForm; peerErrors?: FieldError[] } = {}, status = 200) => {
    const [hubs, peers] = await Promise.all([deps.hubs.list(), deps.peers ? deps.peers.list() : Promise.resolve(null)]);
    const { tw, ui } = deps.words(res);
    deps.render(res, {
      status, title: tw("Hubs, peers and settings"),
      body: nodeAdminBody({ csrf: deps.me(res).session.csrfToken, hubs, peers, settings: deps.settings, host: new URL(deps.origin).host, ...extra, tw, ui }),
    });
  };
  const admin = (res: Response) => userActor(deps.me(res).user);

  ws.get("/", (_req, res) => show(res));

  ws.post("/hubs", async (req, res) => {
    const f: HubForm = { handle: field(req, "handle"), name: field(req, "name"), hubType: field(req, "hubType"), country: field(req, "country"), language: field(req, "language"), email: field(req, "email") };
    const doc = {
      preferredUsername: f.handle, hubType: f.hubType, name: { [f.language || "en"]: f.name }, defaultLanguage: f.language, languages: [f.language],
      country: f.country, contact: { email: f.email },
    };
    const r = await deps.hubs.create(doc, admin(res));
    if (!r.ok) {
      const raw = r.error.kind === "validation" || r.error.kind === "conflict" ? r.error.errors ?? [] : [];
      const errors = raw.map((e) => ({ pointer: HUB_FIELDS.find(([re]) => re.test(e.pointer))?.[1] ?? "/handle", message: `${e.pointer ? `${e.pointer}: ` : ""}${e.message}` }));
      return show(res, { hubForm: f, hubErrors: errors.length ? errors : [{ pointer: "/handle", message: deps.words(res).tw("the hub could not be created") }] }, 422);
    }
    deps.render(res, { status: 201, title: deps.words(res).tw("Hub created"), body: tokenIssuedBody({ handle: r.value.hub.handle, token: r.value.token, tw: deps.words(res).tw }) });
  });

  ws.post("/hubs/:handle/token", async (req, res) => {
    const r = await deps.hubs.rotateToken(String(req.params.handle), admin(res));
    if (!r.ok) return deps.render(res, forbiddenPage(deps.words(res).tw("There is no such hub on this node."), deps.words(res).tw));
    deps.render(res, { status: 200, title: deps.words(res).tw("New API token"), body: tokenIssuedBody({ handle: String(req.params.handle), token: r.value, tw: deps.words(res).tw }) });
  });

  ws.post("/hubs/:handle/token/revoke", async (req, res) => {
    const r = await deps.hubs.revokeToken(String(req.params.handle), admin(res));
    if (!r.ok) return deps.render(res, forbiddenPage(deps.words(res).tw("There is no such hub on this node."), deps.words(res).tw));
    res.redirect(303, "/workspace/node");
  });

  ws.post("/peers", async (req, res) => {
    if (!deps.peers) return deps.render(res, forbiddenPage(deps.words(res).tw("This node has no peer network."), deps.words(res).tw));
    const f: PeerForm = { origin: field(req, "origin"), country: field(req, "country").toUpperCase(), role: field(req, "role") };
    const r = await deps.peers.add({ origin: f.origin, country: f.country, role: f.role });
    if (!r.ok) {
      const errors = r.error.kind === "validation" ? r.error.errors.map((e) => ({ pointer: /^\/(country|role)/.test(e.pointer) ? e.pointer.replace(/^\/(country|role).*/, "/$1") : "/origin", message: e.message }))
        : [{ pointer: "/origin", message: deps.words(res).tw("the peer could not be added") }];
      return show(res, { peerForm: f, peerErrors: errors }, 422);
    }
    await deps.audit(admin(res), "peer.add", r.value.peer.origin);
    res.redirect(303, "/workspace/node");
  });

  ws.post("/peers/remove", async (req, res) => {
    if (!deps.peers) return deps.render(res, forbiddenPage(deps.words(res).tw("This node has no peer network."), deps.words(res).tw));
    const origin = typeof req.query.origin === "string" ? req.query.origin : "";
    const r = await deps.peers.remove(origin);
    if (!r.ok) return deps.render(res, forbiddenPage(deps.words(res).tw("There is no such peer."), deps.words(res).tw));
    await deps.audit(admin(res), "peer.remove", r.value.origin);
    res.redirect(303, "/workspace/node");
  });
}
