// OCDS 1.1 release packages (docs/ocds.md): GET /api/v1/challenges/{key}/ocds — every public revision
// of one challenge — and GET /api/v1/ocds/releases — the current release of every local challenge
// the listing filters match, paged with links.next.
import { Router } from "express";
import type { OcdsService } from "../../domain/ocds/ocds.service";
import { releasePackage, type PackageMeta } from "../../domain/ocds/package";
import { InvalidCursorError } from "../../domain/ports";
import { listingQueryToParams, parseListingQuery } from "../listing-query";
import { problem, sendProblem } from "../problem";
import { param, sendJson, unwrap } from "./helpers";

export interface OcdsRouteDeps {
  ocds: OcdsService;
  origin: string;
  publisher: PackageMeta["publisher"];
  license: string;
}

export function ocdsRouter(deps: OcdsRouteDeps): Router {
  const r = Router();
  const meta = (uri: string): PackageMeta => ({ uri, publishedDate: new Date().toISOString(), publisher: deps.publisher, license: deps.license });

  r.get("/challenges/:key/ocds", async (req, res) => {
    const key = param(req, "key");
    const history = unwrap(res, await deps.ocds.history(key));
    if (!history) return;
    res.set("Cache-Control", "public, max-age=60");
    sendJson(res, 200, releasePackage(meta(new URL(`/api/v1/challenges/${encodeURIComponent(key)}/ocds`, deps.origin).href), history.releases));
  });

  r.get("/ocds/releases", async (req, res) => {
    const parsed = parseListingQuery(req.query as Record<string, unknown>, { origin: deps.origin });
    if (!parsed.ok) return sendProblem(res, problem(400, "invalid listing parameters", parsed.errors));
    try {
      const page = await deps.ocds.current(parsed.query);
      const self = new URL("/api/v1/ocds/releases", deps.origin);
      self.search = listingQueryToParams(parsed.query, deps.origin).toString();
      const body: Record<string, unknown> = releasePackage(meta(self.href), page.releases);
      if (page.nextCursor) {
        const next = new URL(self.href);
        next.searchParams.set("cursor", page.nextCursor);
        body.links = { next: next.href };
      }
      sendJson(res, 200, body);
    } catch (e) {
      if (e instanceof InvalidCursorError) return sendProblem(res, problem(400, "invalid listing parameters", [{ pointer: "/query/cursor", message: "is not a cursor returned by this API" }]));
      throw e;
    }
  });
  return r;
}
