// /api/v1/challenges — the listing, the canonical document, edits (JSON Merge Patch) and withdrawal.
import { type Request, Router } from "express";
import type { ChallengeService } from "../../domain/challenges.service";
import { InvalidCursorError } from "../../domain/ports";
import type { Authenticator } from "../auth";
import { parseListingQuery } from "../listing-query";
import { problem, sendProblem } from "../problem";
import { linkContext } from "../json-ld";
import { jsonBody, param, sendJson, unwrap } from "./helpers";
import { type ListingCache, listingKey } from "./listing-cache";
import { validateValue } from "./request-schemas";

const PATCH_TYPES = ["application/merge-patch+json", "application/json"] as const;
const PARSED_QUERIES = 500;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export function challengesRouter(deps: { challenges: ChallengeService; auth: Authenticator; origin: string; cache?: ListingCache }): Router {
  const r = Router();
  const cache = deps.cache ?? null;

  // The same few query strings come again and again: their parsed form (validation included) and
  // cache key are kept. Not "closing within N days", whose dates depend on the minute.
  type Parsed = Extract<ReturnType<typeof parseListingQuery>, { ok: true }> & { key: string };
  const parsedQueries = new Map<string, Parsed>();
  const parse = (req: Request): Parsed | Extract<ReturnType<typeof parseListingQuery>, { ok: false }> => {
    const held = parsedQueries.get(req.url);
    if (held) return held;
    const parsed = parseListingQuery(req.query as Record<string, unknown>, { origin: deps.origin });
    if (!parsed.ok) return parsed;
    const keyed = { ...parsed, key: listingKey(parsed.query, parsed.facets) };
    // Judged on the parsed query, not the URL: a parameter name can be spelled with escapes.
    if (parsed.query.closingWithin === undefined) {
      if (parsedQueries.size >= PARSED_QUERIES) parsedQueries.delete(parsedQueries.keys().next().value!);
      parsedQueries.set(req.url, deepFreeze(keyed)); // shared by later requests: nobody may change it
    }
    return keyed;
  };

  r.get("/", async (req, res) => {
    const parsed = parse(req);
    if (!parsed.ok) return sendProblem(res, problem(400, "invalid listing parameters", parsed.errors));
    const answer = async () => {
      const [page, total, facets] = await Promise.all([
        deps.challenges.list(parsed.query), deps.challenges.count(parsed.query), deps.challenges.facetCounts(parsed.query, parsed.facets),
      ]);
      return JSON.stringify({ items: page.items.map((c) => c.doc), nextCursor: page.nextCursor, prevCursor: page.prevCursor, total, ...(parsed.facets.length ? { facets } : {}) });
    };
    try {
      const body = cache ? await cache.get(parsed.key, answer) : await answer();
      // Bytes from the cache: Express adds no charset to a Buffer.
      res.status(200).type("application/json; charset=utf-8").send(body);
    } catch (e) {
      if (e instanceof InvalidCursorError) return sendProblem(res, problem(400, "invalid listing parameters", [{ pointer: "/query/cursor", message: "is not a cursor returned by this API" }]));
      throw e;
    }
  });

  r.get("/:key", async (req, res) => {
    const principal = await deps.auth.optional(req);
    const c = unwrap(res, await deps.challenges.get(param(req, "key"), principal));
    if (!c) return;
    res.set("ETag", `"${c.version}"`);
    // Drafts must never end up in a shared cache.
    res.set("Cache-Control", c.doc.status === "draft" ? "private, no-store" : "public, max-age=60");
    linkContext(res, deps.origin, "challenge-v1");
    sendJson(res, 200, c.doc);
  });

  r.patch("/:key", async (req, res) => {
    const principal = await deps.auth.required(req);
    const body = jsonBody(req, PATCH_TYPES);
    // If-Match (schemas/api/if-match.schema.json): the ETag ("<version>") the edit is based on; "*" or absent means unconditional.
    const ifMatch = req.get("if-match");
    let ifVersion: number | undefined;
    if (ifMatch !== undefined) {
      const checked = validateValue<string>("if-match", ifMatch, "/headers/if-match");
      if (!checked.ok) return sendProblem(res, problem(400, "invalid If-Match header", checked.errors));
      const m = /"(\d+)"/.exec(checked.value);
      if (m) ifVersion = Number(m[1]);
    }
    const updated = unwrap(res, await deps.challenges.patch(principal, param(req, "key"), body, { ifVersion }));
    if (!updated) return;
    res.set("ETag", `"${updated.version}"`);
    sendJson(res, 200, updated.doc);
  });

  r.delete("/:key", async (req, res) => {
    const principal = await deps.auth.required(req);
    if (unwrap(res, await deps.challenges.withdraw(principal, param(req, "key")))) res.status(204).end();
  });

  return r;
}
