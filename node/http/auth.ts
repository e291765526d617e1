// Bearer-token authentication for the JSON API: the operator's admin token or a hub token.
import type { Request } from "express";
import type { Principal } from "../domain/principal";
import type { HubService } from "../domain/hubs.service";
import { sameSecret } from "../domain/tokens";
import { HttpProblem, problem } from "./problem";


export class Authenticator {
  constructor(private readonly adminToken: string, private readonly hubs: HubService) {}

  /** The principal of the request, or null when no Authorization header was sent. Throws 401 on a bad token. */
  async optional(req: Request): Promise<Principal | null> {
    const header = req.get("authorization");
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpProblem(problem(401, "use an Authorization: Bearer <token> header"));
    const token = m[1]!;
    if (sameSecret(token, this.adminToken)) return { kind: "admin" };
    const hub = await this.hubs.authenticate(token);
    if (hub) return hub;
    throw new HttpProblem(problem(401, "the bearer token is not valid (revoked or mistyped)"));
  }

  async required(req: Request): Promise<Principal> {
    const p = await this.optional(req);
    if (!p) throw new HttpProblem(problem(401, "this endpoint needs an Authorization: Bearer <token> header (the admin token or the hub's token)"));
    return p;
  }

  async admin(req: Request): Promise<void> {
    const p = await this.required(req);
    if (p.kind !== "admin") throw new HttpProblem(problem(403, "this endpoint needs the node's admin token"));
  }
}
