// Concurrent copies of one activity are handled once. Fedify records an activity as processed only
// after its listener succeeded, so two copies that arrive together (a server retrying a slow inbox,
// the same activity on a hub's inbox and the shared inbox) both ran: two Accepts for one Follow, two
// fetches and writes for one Create. A claim in the KV, taken with compare-and-swap (atomic on both
// stores), lets exactly one copy run; it is dropped again when the listener fails, so Fedify's retry
// of that copy can still do the work.
import type { KvStore } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { federationLogger } from "../log";

const log = federationLogger("inbox");
/** Longer than Fedify's inbox retries take to give up, shorter than forever. */
const CLAIM_TTL = { days: 3 };

export async function onlyOnce(kv: KvStore | undefined, activity: Activity, run: () => Promise<void>): Promise<void> {
  const id = activity.id?.href;
  if (!id || !kv?.cas) return run();
  const key = ["ipn", "inbox-claim", id] as const;
  const claimed = await kv.cas(key, undefined, { at: new Date().toISOString() }, { ttl: Temporal.Duration.from(CLAIM_TTL) });
  if (!claimed) {
    log.debug("{id} is already being handled or was handled: this copy is ignored", { id });
    return;
  }
  try {
    await run();
  } catch (error) {
    await kv.delete(key);
    throw error;
  }
}
