// Two-step verification with time-based one-time passwords (RFC 6238: 6 digits, 30 s, SHA-1 — what
// every authenticator app reads from an otpauth:// QR code). otpauth does the arithmetic; this module
// adds what the RFC leaves to us: a code is accepted once (its time step is remembered) and one step of
// clock drift either way is tolerated.
import { Secret, TOTP } from "otpauth";

const PERIOD_S = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = "account", issuer = "IPN"): TOTP {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: PERIOD_S });
}

/** The otpauth:// URI an authenticator app imports (as a QR code or typed in). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return totp(secret, account, issuer).toString();
}

/**
 * The time step the code belongs to if it is valid now (±1 step) and newer than `lastStep`; null
 * otherwise (wrong, expired, or already used — a replayed code is refused even within its 30 s).
 */
export function acceptedStep(secret: string, code: string, nowMs: number, lastStep: number | null | undefined): number | null {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp: nowMs, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(nowMs / 1000 / PERIOD_S) + delta;
  return lastStep !== null && lastStep !== undefined && step <= lastStep ? null : step;
}
