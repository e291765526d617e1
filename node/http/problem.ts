// RFC 9457 problem details: the one place where failures become HTTP responses.
import type { Response } from "express";
import type { DomainError, FieldError } from "../domain/errors";

export const PROBLEM_BASE = "https://w3id.org/ipn/problems#";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** For 400/409/422: each failing field as a JSON Pointer into the request (or /query/<param>). */
  errors?: FieldError[];
}

const TITLES: Record<number, [string, string]> = {
  400: ["bad-request", "Bad request"],
  401: ["unauthorized", "Authentication required"],
  403: ["forbidden", "Not allowed"],
  404: ["not-found", "Not found"],
  405: ["method-not-allowed", "Method not allowed"],
  406: ["not-acceptable", "Not acceptable"],
  409: ["conflict", "Conflict"],
  410: ["gone", "Gone"],
  412: ["precondition-failed", "Precondition failed"],
  413: ["payload-too-large", "Request body too large"],
  415: ["unsupported-media-type", "Unsupported media type"],
  422: ["validation", "The document is not valid"],
  429: ["too-many-requests", "Too many requests"],
  500: ["internal", "Internal server error"],
  503: ["unavailable", "Service unavailable"],
};

export function problem(status: number, detail?: string, errors?: FieldError[]): Problem {
  const [slug, title] = TITLES[status] ?? ["error", "Error"];
  const p: Problem = { type: PROBLEM_BASE + slug, title, status };
  if (detail) p.detail = detail;
  if (errors?.length) p.errors = errors;
  return p;
}

export function sendProblem(res: Response, p: Problem): void {
  if (p.status === 401) res.set("WWW-Authenticate", 'Bearer realm="ipn"');
  res.status(p.status).type("application/problem+json").send(JSON.stringify(p));
}

export function domainProblem(e: DomainError): Problem {
  switch (e.kind) {
    case "validation": return problem(422, `${e.errors.length} field(s) failed validation`, e.errors);
    case "not-found": return problem(404, `${e.what} does not exist`);
    case "gone": return problem(410, e.what);
    case "conflict": return problem(409, e.message, e.errors);
    case "forbidden": return problem(403, e.message);
    case "precondition": return problem(412, e.message);
    default: {
      const never: never = e;
      throw new Error(`unmapped domain error ${JSON.stringify(never)}`);
    }
  }
}

/** Thrown by handlers for request-level failures (auth, media type); mapped by the error middleware. */
export class HttpProblem extends Error {
  constructor(readonly problem: Problem) { super(problem.detail ?? problem.title); }
}
