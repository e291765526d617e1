// Port of the mirrored hub profiles: the hub documents of peer nodes, fetched from their origins, so
// the directory (/hubs) and the hub names on mirrored challenges stay readable while a peer is down.

import type { Hub, HubType } from "../types";

/** A peer's hub document as held here. */
export interface MirroredHub {
  /** The hub's actor IRI on its home node (doc.id); primary key. */
  id: string;
  /** Origin of the home node (the peer); always the origin of `id`. */
  origin: string;
  doc: Hub;
  /** When this node last received the document from its origin (ISO instant). */
  syncedAt: string;
}

/** Filters of the directory; absent ones match every hub. */
export interface MirroredHubFilter {
  country?: string;
  hubType?: HubType;
}

export interface MirroredHubRepository {
  /**
   * Makes `docs` the whole set held for `origin`: new and changed documents are stored, hubs of that
   * origin missing from `docs` are deleted (gone at the peer). Every doc's id must be on `origin`.
   * Returns how many are held afterwards and how many were deleted.
   */
  replaceOrigin(origin: string, docs: Hub[], at: string): Promise<{ held: number; removed: number }>;
  getById(id: string): Promise<MirroredHub | null>;
  /** Every mirrored hub matching the filter, in id order. */
  list(filter?: MirroredHubFilter): Promise<MirroredHub[]>;
  /** Deletes every mirrored hub of an origin (a peer taken off the allowlist); returns how many. */
  removeOrigin(origin: string): Promise<number>;
}
