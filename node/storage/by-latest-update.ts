// The order of a hub's own challenges on its editors' dashboard, the same on every store.
import type { StoredChallenge } from "../domain/ports";

/** Most recently updated first; ties by id, so the order is stable. */
export function byLatestUpdate(items: StoredChallenge[]): StoredChallenge[] {
  return items.sort((a, b) => (a.doc.updated === b.doc.updated ? (a.id < b.id ? -1 : 1) : a.doc.updated < b.doc.updated ? 1 : -1));
}
