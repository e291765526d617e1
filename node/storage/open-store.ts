// Picks the store implementation from a URL. This is the one switch point for storage back ends:
// "sqlite:<path>" or a bare file path (embedded), "mongodb://" / "mongodb+srv://" (production).
import path from "node:path";
import type { Store } from "./store";
import type * as MongoBackEnd from "./mongo";
import { createSqliteStore } from "./sqlite";

import type { QueueLane, QueueTuning } from "./leased-queue";

/** Queue tuning every back end understands (the contract tests use short leases and grace periods). */
export type { QueueTuning };

export interface OpenStoreOptions {
  /** "sqlite:/abs/path.db", "sqlite:rel/path.db", "sqlite::memory:", a bare file path, or "mongodb://host/db". */
  url: string;
  queue?: QueueTuning;
  /** Workers per queue lane (inbox, outbox, fanout); defaults in store.ts. */
  laneWorkers?: Partial<Record<QueueLane, number>>;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.url.trim();
  if (url === "") throw new Error("store url is empty: use sqlite:<file> or a file path");
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  // A one-letter "scheme" is a Windows drive letter (C:\data\ipn.db), i.e. a bare path.
  if (scheme === undefined || scheme.length === 1) return createSqliteStore(sqliteFile(url), { queue: options.queue, laneWorkers: options.laneWorkers });
  switch (scheme) {
    case "sqlite":
    case "file":
      return createSqliteStore(sqliteFile(url.slice(scheme.length + 1)), { queue: options.queue, laneWorkers: options.laneWorkers });
    case "mongodb":
    case "mongodb+srv":
      // Database from the URL path ("mongodb://host/ipn"), default "ipn". Loaded only here: the MongoDB
      // driver is ≈ 20 MiB of a node's memory, which a node on the embedded store never uses.
      return (require("./mongo") as typeof MongoBackEnd).createMongoStore(url, { queue: options.queue, laneWorkers: options.laneWorkers });
    default:
      throw new Error(`unsupported store url scheme "${scheme}:" (supported: sqlite:<file>, a plain file path, mongodb:// or mongodb+srv://)`);
  }
}

function sqliteFile(rest: string): string {
  // "sqlite:///abs/x.db" and "file:///abs/x.db" (URL style) as well as "sqlite:/abs/x.db" and "sqlite:rel/x.db".
  const p = rest.startsWith("//") ? decodeURIComponent(rest.slice(2)) : rest;
  if (p === ":memory:") return p;
  if (p === "") throw new Error("store url has no file path: use sqlite:<file>");
  return path.resolve(p);
}
