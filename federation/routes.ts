// URI templates Fedify routes on. They must produce exactly the IRIs node/domain/uris.ts mints;
// Fedify's API wants literal template types, so they are spelled out here and checked against
// uris.paths when the federation is built (a drift fails at start-up, not in production traffic).
import { paths } from "../node/domain/uris";

export const routes = {
  hub: "/hubs/{identifier}",
  hubInbox: "/hubs/{identifier}/inbox",
  hubOutbox: "/hubs/{identifier}/outbox",
  hubFollowers: "/hubs/{identifier}/followers",
  hubFollowing: "/hubs/{identifier}/following",
  sharedInbox: "/inbox",
  challenge: "/challenges/{key}",
  createActivity: "/challenges/{key}/activities/create",
  updateActivity: "/challenges/{key}/activities/update-{revision}",
  deleteActivity: "/challenges/{key}/activities/delete",
  nodeInfo: "/nodeinfo/2.1",
} as const;

export function checkRoutesMatchUris(): void {
  const expected: [string, string][] = [
    [routes.hub, paths.hub("{identifier}")],
    [routes.challenge, paths.challenge("{key}")],
    [routes.createActivity, paths.createActivity("{key}")],
    // uris.paths takes a number; the placeholder travels through its template literal unchanged.
    [routes.updateActivity, paths.updateActivity("{key}", "{revision}" as unknown as number)],
    [routes.deleteActivity, paths.deleteActivity("{key}")],
  ];
  for (const [route, path] of expected) {
    if (route !== path) throw new Error(`federation route ${route} does not match node/domain/uris.ts (${path})`);
  }
}

/** Inbox POST paths: only these requests hand their body to Fedify. */
export function isInboxPath(pathname: string): boolean {
  return pathname === routes.sharedInbox || /^\/hubs\/[^/]+\/inbox$/.test(pathname);
}
