// Small request/response helpers shared by the API routers.
import type { Request, Response } from "express";
import type { Result } from "../../domain/errors";
import { HttpProblem, domainProblem, problem, sendProblem } from "../problem";

/** POST/PATCH bodies must be JSON; body-parser has already parsed (or refused) them. */
export function jsonBody(req: Request, allowed: readonly string[] = ["application/json"]): unknown {
  const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!allowed.includes(type)) {
    throw new HttpProblem(problem(415, `send the body as ${allowed.join(" or ")} (got ${type || "no Content-Type"})`));
  }
  if (req.body === undefined) throw new HttpProblem(problem(400, "the request has no JSON body"));
  return req.body;
}

/** Sends a failed Result as a problem; returns the value otherwise. */
export function unwrap<T>(res: Response, r: Result<T>): T | undefined {
  if (r.ok) return r.value;
  sendProblem(res, domainProblem(r.error));
  return undefined;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status).type("application/json").send(JSON.stringify(body));
}

export function param(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === "string" ? v : "";
}
