// Deliveries to a server that was down go out as soon as it shows it is back, not when its backoff
// ends. While a server refuses connections or times out, three things hold its deliveries back: the
// transport's backoff (./outgoing.ts: 30 s doubling up to 15 min, in this process), Fedify's circuit
// breaker (open for 30 min after 5 failures in 10 min, its state in the KV), and the retries already
// queued with those delays. A node restarted for an update missed every publication of its peers for
// up to half an hour after it came back.
//
// An authenticated activity from a server proves it is up (Mastodon does the same: an inbox POST from
// an account resets its server's delivery failures, DeliveryFailureTracker.track_inverse_success!).
// Then, if anything was held for that server — by this process's transport, by another process's (a
// mark in the KV, as in a split deployment the web process hears and the workers deliver), or by Fedify's
// circuit — this transport forgets its backoff, the others forget theirs when they next would refuse it
// (they read the KV's "seen back" mark), Fedify's circuit state is cleared (what its own recordSuccess
// does), and the queued deliveries to the server run now. A backoff the server asked for (Retry-After)
// stands. The shared state is read once a second at most per server, and only for the server the
// activity came from: a sender can only speed up deliveries to itself.
import type { KvKey, KvStore } from "@fedify/fedify";
import { federationLogger } from "../log";

const log = federationLogger("recovery");

export interface PeerRecoveryOptions {
  /** Fedify's KV, where its circuit breaker keeps each server's state. */
  kv: KvStore;
  /** The outbox lane: runs now the delayed messages whose stored JSON holds one of the needles (LeasedMessageQueue.hasten). */
  hasten(needles: readonly string[]): Promise<number>;
  /** This process's transport: forgets the origin's backoff; whether it had one (./outgoing.ts transportForgive). */
  forgive(origin: string): boolean;
  /** A server's shared state is read once in this long at most (default one second). */
  intervalMs?: number;
  now?: () => number;
}

/** Called with each activity an inbox accepted (its signature verified); never throws, works in the background. */
export type HeardFrom = (activity: Readonly<Record<string, unknown>>) => void;

/** Fedify's key for a server's circuit-breaker state (its default kvPrefixes.circuitBreaker; ./lean-delivery.ts reads it too). */
export const circuitKey = (host: string): KvKey => ["_fedify", "circuit", host];

/**
 * Shared by every process of the node (web and workers each have their own transport): a server one of
 * them backed off after a failure, and when a server was last seen back (read by the transports).
 */
export const heldKey = (origin: string): KvKey => ["ipn", "delivery", "held", origin];
export const recoveredKey = (origin: string): KvKey => ["ipn", "delivery", "recovered", origin];
/** How long a failure, or a server's return, leaves its mark (made when used: Temporal is a shim on Node 20). */
const heldFor = () => ({ ttl: Temporal.Duration.from({ hours: 1 }) });

/** The transport hooks that share a process's backoffs with the others through the KV (./outgoing.ts TransportOptions). */
export function sharedBackoffs(kv: KvStore): { onBackoff(origin: string, untilMs: number): void; recoveredAt(origin: string): Promise<number | undefined> } {
  return {
    onBackoff: (origin, untilMs) => {
      kv.set(heldKey(origin), untilMs, heldFor()).catch((error: unknown) => log.warn("could not record the backoff of {origin}: {error}", { origin, error }));
    },
    recoveredAt: async (origin) => {
      const at = await kv.get(recoveredKey(origin));
      return typeof at === "number" ? at : undefined;
    },
  };
}

/** Servers remembered as looked at; past this many the memory starts over. */
const MAX_HOSTS = 10_000;

/** The activity's actor id: a string, or an object with one. */
export function senderOf(activity: Readonly<Record<string, unknown>>): string | null {
  const actor = activity.actor;
  if (typeof actor === "string") return actor;
  if (typeof actor === "object" && actor !== null && typeof (actor as { id?: unknown }).id === "string") return (actor as { id: string }).id;
  return null;
}

export function createPeerRecovery(o: PeerRecoveryOptions): HeardFrom {
  const interval = o.intervalMs ?? 1000;
  const now = o.now ?? Date.now;
  /** When each server's shared state was last read: at most once an interval, unless this process had backed it off. */
  const looked = new Map<string, number>();
  const sharedStateDue = (host: string): boolean => {
    const t = now();
    const last = looked.get(host);
    if (last !== undefined && t - last < interval) return false;
    if (looked.size >= MAX_HOSTS) looked.clear();
    looked.set(host, t);
    return true;
  };

  const resume = async (server: URL, backedOff: boolean): Promise<void> => {
    const circuit = await o.kv.get(circuitKey(server.host));
    const held = await o.kv.get(heldKey(server.origin));
    if (circuit === undefined && held === undefined && !backedOff) return; // nothing was held for it
    if (circuit !== undefined) await o.kv.delete(circuitKey(server.host));
    if (held !== undefined) await o.kv.delete(heldKey(server.origin));
    // The other processes' transports end their own backoff of it when they next would refuse it.
    await o.kv.set(recoveredKey(server.origin), now(), heldFor());
    // As Fedify's OutboxMessage serialises its target: `"inbox":"https://host/…"`.
    const hastened = await o.hasten([`"inbox":"https://${server.host}/`, `"inbox":"http://${server.host}/`]);
    log.info("{host} is reachable again (it sent a signed activity): its backoff ended, {hastened} waiting deliveries to it run now", { host: server.host, hastened });
  };

  return (activity) => {
    const sender = senderOf(activity);
    if (sender === null) return;
    let server: URL;
    try {
      server = new URL(sender);
    } catch {
      return;
    }
    if (server.protocol !== "https:" && server.protocol !== "http:") return;
    // Forgetting the backoff is a lookup in memory, and true once per outage: the rest follows only then,
    // or at most once an interval for what another process or Fedify may hold.
    const backedOff = o.forgive(server.origin);
    if (!backedOff && !sharedStateDue(server.host)) return;
    resume(server, backedOff).catch((error: unknown) => log.warn("resuming deliveries to {host} failed: {error}", { host: server.host, error }));
  };
}
