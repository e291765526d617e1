// Port of the hub store.

import type { Hub } from "../types";

export interface StoredHub {
  /** preferredUsername; unique per node. */
  handle: string;
  doc: Hub;
  /** SHA-256 (hex) of the hub's bearer token; the token itself is never stored. */
  tokenHash: string;
}

export interface HubRepository {
  /** DuplicateError when the handle exists. */
  insert(hub: StoredHub): Promise<void>;
  get(handle: string): Promise<StoredHub | null>;
  list(): Promise<StoredHub[]>;
  setTokenHash(handle: string, tokenHash: string): Promise<boolean>;
  /** Replaces the hub's document (its profile); false when there is no such hub. */
  updateDoc(handle: string, doc: Hub): Promise<boolean>;
}
