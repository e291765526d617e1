// Peer hints taken by the fast path (federation/inbound/peer-fast-path.ts) travel in the inbox lane
// beside Fedify's own inbox messages: the same durable queue, workers, leases and wake-ups, so a
// hint survives a restart and a web-only process hands it to the worker processes like any other
// inbox message. The lane given to Fedify is wrapped: messages marked as hints go to the mirror,
// everything else to Fedify's handler as before.
//
// A hint whose handling failed (the origin could not be reached) is queued again later, up to
// MAX_ATTEMPTS times over about two hours — Fedify's inbox retry policy for the same work — and then
// left to reconciliation, which compares the peer's revision list and catches up anyway.
import type { MessageQueue } from "@fedify/fedify";
import type { StoreQueue } from "../../node/storage/store";
import type { PeerHint } from "../inbound/peer-fast-path";
import { federationLogger } from "../log";
import { interceptedLane } from "../queues/intercepted-lane";
import type { NetworkInbox } from "./deps";

const log = federationLogger("inbox");

export const HINT_MESSAGE = "ipn:peer-hint";
export const MAX_ATTEMPTS = 10;

export interface HintMessage extends PeerHint {
  type: typeof HINT_MESSAGE;
  attempt: number;
}

export const hintMessage = (hint: PeerHint, attempt = 0): HintMessage => ({ type: HINT_MESSAGE, ...hint, attempt });

const isHint = (message: unknown): message is HintMessage =>
  typeof message === "object" && message !== null && (message as { type?: unknown }).type === HINT_MESSAGE;

/** 10 s doubling to one hour, as Fedify's inbox retries. */
export const retryDelayMs = (attempt: number) => Math.min(60 * 60_000, 10_000 * 2 ** (attempt - 1));

export interface HintLaneHooks {
  /** Whoever applies hints: null on a node without the network (hints are dropped). */
  network(): NetworkInbox | null;
  /** Counted for the operators' metrics. */
  onOutcome?(type: string, outcome: "processed" | "retried" | "abandoned"): void;
}

/** Applies one hint; on failure queues it again (resolves either way, so the lane acknowledges it). */
export async function applyHint(queue: Pick<MessageQueue, "enqueue">, message: HintMessage, hooks: HintLaneHooks): Promise<void> {
  const network = hooks.network();
  if (!network) return;
  const actor = new URL(message.actor);
  const object = new URL(message.object);
  try {
    if (message.kind === "Delete") await network.deleted(actor, object);
    else await network.received(message.kind, actor, object);
    hooks.onOutcome?.(message.kind, "processed");
  } catch (error) {
    const attempt = message.attempt + 1;
    if (attempt >= MAX_ATTEMPTS) {
      log.warn("{kind} of {object} by {actor} abandoned after {attempts} attempts ({error}); reconciliation settles it", { kind: message.kind, object: message.object, actor: message.actor, attempts: attempt, error });
      hooks.onOutcome?.(message.kind, "abandoned");
      return;
    }
    log.info("{kind} of {object} failed ({error}); tried again in {seconds} s", { kind: message.kind, object: message.object, error, seconds: retryDelayMs(attempt) / 1000 });
    await queue.enqueue({ ...message, attempt }, { delay: Temporal.Duration.from({ milliseconds: retryDelayMs(attempt) }) });
    hooks.onOutcome?.(message.kind, "retried");
  }
}

/** The inbox lane as Fedify sees it: hints are handled here, the rest by Fedify's handler. */
export function withPeerHints(queue: StoreQueue, hooks: HintLaneHooks): StoreQueue {
  return interceptedLane(queue, async (message) => {
    if (!isHint(message)) return false;
    await applyHint(queue, message, hooks);
    return true;
  });
}
