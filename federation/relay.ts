// The outbox relay: moves activities from the transactional outbox (written by the domain in the same
// database step as the challenge change) into Fedify's durable delivery queue, then marks them
// federated. Delivery itself never happens here: the sender only enqueues, so a dead remote inbox
// can never slow down or fail a local write. At-least-once: a crash between enqueue and
// markFederated re-sends with the same activity id, which remote servers deduplicate.
import type { Federation } from "@fedify/fedify";
import type { Recipient } from "@fedify/vocab";
import type { ActivityRecord, Repositories } from "../node/domain/ports";
import { activityFromRecord, hubHandleOf } from "./activities";
import { federationLogger } from "./log";
import { inboxesOf, targetsOfFollowers } from "./transport/delivery-targets";
import { type ActivitySender, fedifySender } from "./transport/outgoing-activity";

const log = federationLogger("relay");

export interface OutboxRelayOptions {
  federation: Federation<void>;
  repos: Repositories;
  origin: string;
  /** Poll interval as a safety net for kicks that were missed (other processes writing). */
  pollMs?: number;
  batchSize?: number;
  /**
   * Recipients beyond the hub's followers: peers' instance actors that follow our instance actor
   * (ADR 0006). They get the hub-signed activity itself, so actor and object share one origin.
   */
  extraRecipients?: () => Promise<Recipient[]>;
  /**
   * A second outbox relayed in the same passes (the aggregator's feed effects): one relay, one lease.
   * relay() runs one pass and returns whether anything failed.
   */
  effects?: { relay(shouldStop: () => boolean): Promise<boolean>; hasPending(): Promise<boolean> };
  /** How an activity reaches the delivery queue (default: Fedify's sendActivity). */
  sender?: ActivitySender;
}

export interface OutboxRelay {
  /** Starts polling (idempotent); also runs one pass at once. */
  start(): void;
  /** Wakes a started relay now (call after each write that recorded an activity); no-op before start(). */
  kick(): void;
  /** Relays until nothing is pending (started or not); rejects after timeoutMs. */
  drain(timeoutMs?: number): Promise<void>;
  /**
   * Stops polling and waits for the pass in progress, which ends after the entry it is handing over:
   * every entry is marked only once it is in the delivery queue, so nothing is lost or half-done.
   */
  stop(): Promise<void>;
}

export function createOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const { repos, origin } = opts;
  const sender = opts.sender ?? fedifySender(opts.federation, origin);
  const pollMs = opts.pollMs ?? 2000;
  const batchSize = opts.batchSize ?? 50;
  const countries = new Map<string, string | undefined>();

  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let again = false;
  /** Set by stop(): the pass in progress ends after its current entry. */
  let stopping = false;
  const shouldStop = () => stopping;

  async function countryOf(handle: string): Promise<string | undefined> {
    if (!countries.has(handle)) countries.set(handle, (await repos.hubs.get(handle))?.doc.country);
    return countries.get(handle);
  }

  async function relayOne(record: ActivityRecord): Promise<void> {
    const handle = hubHandleOf(record.actor);
    const activity = activityFromRecord(record, { origin, country: await countryOf(handle) });
    const followers = await repos.followers.all(handle);
    const targets = targetsOfFollowers(followers);
    if (opts.extraRecipients) {
      // An inbox that already gets it as a hub follower does not get it twice.
      const reached = new Set<string | null>();
      for (const f of followers) reached.add(f.inbox).add(f.sharedInbox);
      const others = (await opts.extraRecipients()).filter((r) => !reached.has((r.endpoints?.sharedInbox ?? r.inboxId)?.href ?? ""));
      inboxesOf(others, targets);
    }
    // Create, Update, Delete of one challenge reach each inbox in order.
    await sender.send(handle, targets, activity, record.objectId);
    await repos.activities.markFederated(record.id, new Date().toISOString());
  }

  /** One pass over both outboxes; returns whether anything failed. */
  async function pass(): Promise<boolean> {
    const activities = await activitiesPass();
    const effects = opts.effects && !stopping ? await opts.effects.relay(shouldStop) : false;
    return activities || effects;
  }

  const anythingPending = async () =>
    (await repos.activities.pending(1)).length > 0 || (opts.effects ? await opts.effects.hasPending() : false);

  /** One pass over the pending activities; returns whether anything failed. */
  async function activitiesPass(): Promise<boolean> {
    let failed = false;
    for (;;) {
      const batch = await repos.activities.pending(batchSize);
      if (batch.length === 0) return failed;
      // Later activities of a challenge whose earlier one failed wait, so order is kept.
      const blocked = new Set<string>();
      let progressed = false;
      for (const record of batch) {
        if (stopping) return failed;
        if (blocked.has(record.objectId)) continue;
        try {
          await relayOne(record);
          progressed = true;
        } catch (error) {
          failed = true;
          blocked.add(record.objectId);
          log.warn("could not hand {id} to the delivery queue; will retry: {error}", { id: record.id, error });
        }
      }
      if (!progressed || batch.length < batchSize) return failed;
    }
  }

  function run(): Promise<void> {
    if (current) {
      again = true;
      return current;
    }
    current = (async () => {
      try {
        do {
          again = false;
          await pass();
        } while (again && !stopping);
      } catch (error) {
        log.warn("outbox relay pass failed; will retry: {error}", { error });
      } finally {
        current = null;
      }
    })();
    return current;
  }

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(() => { void run().finally(schedule); }, pollMs);
    timer.unref();
  };

  return {
    start() {
      if (running) return;
      running = true;
      stopping = false;
      void run().finally(schedule);
    },
    kick() {
      if (running) void run();
    },
    async drain(timeoutMs = 30_000) {
      stopping = false;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await run();
        if (!(await anythingPending())) return;
        if (Date.now() > deadline) throw new Error("outbox relay: activities still pending after drain timeout");
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      running = false;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (current) await current;
    },
  };
}
