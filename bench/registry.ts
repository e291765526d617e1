// The benchmarks `npm run bench -- <name>` knows, in the order a full run executes them. Modules are
// loaded lazily: the ceilings must be measured in a process that has not loaded Fedify (its JSON-LD
// bundle installs core-js polyfills over JSON.stringify and Array.prototype.push; see ceilings.ts).
// Loaded with require(): the benchmark processes load TypeScript as `npm start` does (tsx's CommonJS
// hooks, node/bin/ipn.cjs), not through `--import tsx`, whose ESM hooks run in a thread of their own
// (≈ 26 MiB more resident memory at the node's start, which P6 would count against the node).
import type { Benchmark } from "./lib/context";

export interface Entry {
  load: () => Promise<Benchmark>;
  description: string;
  timeoutMin: number;
}

export const BENCHMARKS: Record<string, Entry> = {
  ceilings: { load: async () => (require("./ceilings") as typeof import("./ceilings")).ceilings, description: "raw limits of this machine (always measured first)", timeoutMin: 3 },
  listing: {
    load: async () => (require("./listing") as typeof import("./listing")).listing,
    description: "GET /api/v1/challenges over 100k mirrored challenges (SQLite; MongoDB with IPN_BENCH_MONGODB_URL), RSS",
    // ≈ 6 min on SQLite alone; ≈ 16 with FerretDB, whose counts take seconds (2026-12-07).
    timeoutMin: 25,
  },
  fanout: {
    load: async () => (require("./fanout") as typeof import("./fanout")).fanout,
    description: "signed deliveries per second per core from one hub to many followers",
    timeoutMin: 3,
  },
  inbound: {
    load: async () => (require("./inbound") as typeof import("./inbound")).inbound,
    description: "verified challenge activities stored per second per core (allowlisted peer → shared inbox)",
    timeoutMin: 3,
  },
  propagation: {
    load: async () => (require("./propagation") as typeof import("./propagation")).propagation,
    description: "publish on one node → visible on K following nodes (K = 10, 30)",
    timeoutMin: 4,
  },
  isolation: {
    load: async () => (require("./isolation") as typeof import("./isolation")).isolation,
    description: "healthy followers' delivery p95 with and without 10 tarpit followers among 1,000",
    timeoutMin: 6,
  },
  scaleout: {
    load: async () => (require("./scaleout") as typeof import("./scaleout")).scaleout,
    description: "fan-out throughput with 1, 2 and 4 worker processes on one SQLite store",
    timeoutMin: 8,
  },
  backfill: {
    load: async () => (require("./backfill") as typeof import("./backfill")).backfill,
    description: "a new follower backfills 10,000 challenges from a peer (and 300 on MongoDB with IPN_BENCH_MONGODB_URL)",
    timeoutMin: 5,
  },
};
