// Reading a cookie of a request: the public pages' language choice and the workspace's session.
import { parse } from "cookie";
import type { Request } from "express";

/** The value of cookie `name`, or undefined (also when the header cannot be parsed). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get("cookie");
  if (!header) return undefined;
  try {
    return parse(header)[name];
  } catch {
    return undefined;
  }
}
