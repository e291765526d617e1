// 405 Method Not Allowed + Allow for a path the API serves with other methods (RFC 9110 §15.5.6),
// instead of a 404 that would say the resource does not exist. The methods come from the same
// operation table as the OpenAPI description.
import type { RequestHandler } from "express";
import type { OperationSpec } from "../openapi/operations";
import { problem, sendProblem } from "../problem";

export function methodNotAllowed(operations: readonly OperationSpec[]): RequestHandler {
  const byPath = new Map<string, { re: RegExp; methods: Set<string> }>();
  for (const op of operations) {
    let entry = byPath.get(op.path);
    if (!entry) {
      // /api/v1/challenges/{key} → ^/api/v1/challenges/[^/]+/?$ (Express accepts a trailing slash)
      const re = new RegExp(`^${op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
      entry = { re, methods: new Set() };
      byPath.set(op.path, entry);
    }
    entry.methods.add(op.method.toUpperCase());
    if (op.method === "get") entry.methods.add("HEAD");
  }
  return (req, res, next) => {
    const path = req.originalUrl.split("?")[0]!;
    for (const { re, methods } of byPath.values()) {
      if (!re.test(path)) continue;
      if (methods.has(req.method)) break;
      const allow = [...methods].join(", ");
      res.set("Allow", allow);
      sendProblem(res, problem(405, `${req.method} is not allowed on ${path}; allowed: ${allow}`));
      return;
    }
    next();
  };
}
