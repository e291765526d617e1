// /api/v1/hubs — creating hubs (admin), reading them (public), rotating a hub's token (admin).
import { Router } from "express";
import type { HubService } from "../../domain/hubs.service";
import type { ChallengeService } from "../../domain/challenges.service";
import type { Authenticator } from "../auth";
import { problem, sendProblem } from "../problem";
import { linkContext } from "../json-ld";
import { jsonBody, param, sendJson, unwrap } from "./helpers";

export function hubsRouter(deps: { hubs: HubService; challenges: ChallengeService; auth: Authenticator; origin: string }): Router {
  const r = Router();

  r.post("/", async (req, res) => {
    await deps.auth.admin(req);
    const created = unwrap(res, await deps.hubs.create(jsonBody(req)));
    if (!created) return;
    res.location(`/api/v1/hubs/${created.hub.handle}`);
    sendJson(res, 201, { hub: created.hub.doc, token: created.token });
  });

  r.get("/", async (_req, res) => {
    const hubs = await deps.hubs.list();
    sendJson(res, 200, { items: hubs.map((h) => h.doc) });
  });

  r.get("/:handle", async (req, res) => {
    const hub = await deps.hubs.get(param(req, "handle"));
    if (!hub) return sendProblem(res, problem(404, `hub ${param(req, "handle")} does not exist`));
    linkContext(res, deps.origin, "hub-v1");
    sendJson(res, 200, hub.doc);
  });

  r.post("/:handle/token", async (req, res) => {
    await deps.auth.admin(req);
    const token = unwrap(res, await deps.hubs.rotateToken(param(req, "handle")));
    if (token) sendJson(res, 200, { token });
  });

  r.post("/:handle/challenges", async (req, res) => {
    const principal = await deps.auth.required(req);
    const created = unwrap(res, await deps.challenges.create(principal, param(req, "handle"), jsonBody(req)));
    if (!created) return;
    res.location(`/api/v1/challenges/${created.key}`);
    res.set("ETag", `"${created.version}"`);
    sendJson(res, 201, created.doc);
  });

  return r;
}
