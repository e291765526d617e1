// What a password must be: long enough to resist guessing, not one of the passwords every attacker
// tries first (NIST SP 800-63B §5.1.1.2: a length floor and a blocklist, no composition rules).
import type * as ZxcvbnCommon from "@zxcvbn-ts/language-common";
import type { FieldError } from "../errors";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** Hashing is an adapter (Argon2id in node/runtime/argon2.ts), so the domain stays free of native code. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password or a malformed hash; never throws for either. */
  verify(hash: string, password: string): Promise<boolean>;
}

let common: Set<string> | undefined;

/**
 * The 49,000 most common passwords of the zxcvbn-ts list, loaded on first use (a password is chosen
 * rarely; the list is ≈ 2 MiB of heap that a node serving only its public pages never needs).
 */
function isCommon(password: string): boolean {
  common ??= new Set((require("@zxcvbn-ts/language-common") as typeof ZxcvbnCommon).dictionary.passwords);
  return common.has(password.toLowerCase());
}

/** Field errors for a new password (pointer `pointer`), none when it is acceptable. */
export function passwordProblems(password: unknown, email: string, pointer = "/password"): FieldError[] {
  if (typeof password !== "string" || password.length === 0) return [{ pointer, message: "choose a password" }];
  // Code points, not UTF-16 units: "🔑" is one character to the person typing it.
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return [{ pointer, message: `use at least ${MIN_PASSWORD_LENGTH} characters (this one has ${length}); a few unrelated words make a good one` }];
  if (length > MAX_PASSWORD_LENGTH) return [{ pointer, message: `use at most ${MAX_PASSWORD_LENGTH} characters` }];
  const lower = password.toLowerCase();
  if (isCommon(password) || new Set(lower).size < 4) return [{ pointer, message: "this password is among the most common ones and is guessed first; choose another" }];
  const local = email.toLowerCase().split("@")[0] ?? "";
  if (lower === email.toLowerCase() || (local.length >= 4 && lower.includes(local))) return [{ pointer, message: "do not use your email address in your password" }];
  return [];
}
