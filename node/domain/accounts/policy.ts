// Timeouts and lifetimes of accounts, with the defaults a public-sector workspace expects.

export interface AccountPolicy {
  /** One-time links (invitations, password resets) expire after this long. */
  linkTtlMs: number;
  /** A session nobody used for this long ends (idle timeout). */
  sessionIdleMs: number;
  /** A session ends this long after sign-in whatever happens (absolute timeout). */
  sessionAbsoluteMs: number;
}

const HOUR = 3_600_000;

export const DEFAULT_ACCOUNT_POLICY: Readonly<AccountPolicy> = Object.freeze({
  linkTtlMs: 7 * 24 * HOUR,
  sessionIdleMs: 2 * HOUR,
  sessionAbsoluteMs: 12 * HOUR,
});

/** Minimum interval between two lastSeenAt writes of one session: one write a minute, not one per click. */
export const TOUCH_INTERVAL_MS = 60_000;
