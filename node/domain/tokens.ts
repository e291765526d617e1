// Bearer tokens: shown once, stored as SHA-256, compared in constant time.
// A hub token carries its handle ("ipn_<handle>.<secret>") so it can be checked without a scan.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function newHubToken(handle: string): string {
  return `ipn_${handle}.${randomBytes(32).toString("base64url")}`;
}

export function handleOfHubToken(token: string): string | null {
  const m = /^ipn_([a-z0-9_]{1,30})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return m ? m[1]! : null;
}

/** Constant-time comparison of two secrets of any length (hashed first, so lengths leak nothing). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** Constant-time comparison of a presented token with a stored SHA-256 hex hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
