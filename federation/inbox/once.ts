// Concurrent copies of one activity are handled once. Fedify records an activity as processed only
// after its listener succeeded, so two copies that arrive together (a server retrying a slow inbox,
// the same activity on a hub's inbox and the shared inbox) both ran: two Accepts for one Follow, two
// fetches and writes for one Create. A claim in the KV, taken with compare-and-swap (atomic on both
// stores), lets one copy run at a time:
//  - another copy that arrives meanwhile fails, and Fedify retries it later — by then the first one
//    has been recorded as processed (Fedify skips the copy), or it failed and released the claim;
//  - a listener that fails releases the claim, so a retry can do the work;
//  - a process that dies mid-listener leaves a claim that expires after CLAIM_TTL, before Fedify's
//    retries of the redelivered copy run out: nothing acknowledged is lost.
import type { KvStore } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";

const CLAIM_TTL = { minutes: 5 };

export class ActivityInProgress extends Error {
  override readonly name = "ActivityInProgress";
}

export async function onlyOnce(kv: KvStore | undefined, activity: Activity, run: () => Promise<void>): Promise<void> {
  const id = activity.id?.href;
  if (!id || !kv?.cas) return run();
  const key = ["ipn", "inbox-claim", id] as const;
  const claimed = await kv.cas(key, undefined, { at: new Date().toISOString() }, { ttl: Temporal.Duration.from(CLAIM_TTL) });
  if (!claimed) throw new ActivityInProgress(`${id} is being handled by another copy; this one is retried later`);
  try {
    await run();
  } catch (error) {
    await kv.delete(key);
    throw error;
  }
}
