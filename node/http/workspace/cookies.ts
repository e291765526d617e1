// The workspace's cookies. On https origins the session cookie is `__Host-` prefixed (Secure, Path=/,
// no Domain: no subdomain can set or shadow it); in the plain-http test mode browsers refuse that
// prefix, so the cookie is named without it there — the only difference.
import { serialize } from "cookie";
import type { Response } from "express";

export { readCookie } from "../cookies";

export interface CookieNames { session: string; loginCsrf: string }

export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: "__Host-ipn-session", loginCsrf: "__Host-ipn-login" }
    : { session: "ipn-session", loginCsrf: "ipn-login" };
}

/** HttpOnly, SameSite=Lax, Path=/, Secure on https; a session cookie (the server enforces the timeouts). */
export function setCookie(res: Response, name: string, value: string, secure: boolean, opts: { maxAgeSec?: number; sameSite?: "lax" | "strict" } = {}): void {
  res.append("Set-Cookie", serialize(name, value, { httpOnly: true, secure, sameSite: opts.sameSite ?? "lax", path: "/", ...(opts.maxAgeSec !== undefined ? { maxAge: opts.maxAgeSec } : {}) }));
}

export function clearCookie(res: Response, name: string, secure: boolean): void {
  res.append("Set-Cookie", serialize(name, "", { httpOnly: true, secure, sameSite: "lax", path: "/", maxAge: 0 }));
}
