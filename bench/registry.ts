// The benchmarks `npm run bench -- <name>` knows, in the order a full run executes them. Modules are
// loaded lazily: the ceilings must be measured in a process that has not loaded Fedify (its JSON-LD
// bundle installs core-js polyfills over JSON.stringify and Array.prototype.push; see ceilings.ts).
// import() under module nodenext needs the .js extension; tsx resolves it to the .ts file.
import type { Benchmark } from "./lib/context";

export interface Entry {
  load: () => Promise<Benchmark>;
  description: string;
  timeoutMin: number;
}

export const BENCHMARKS: Record<string, Entry> = {
  ceilings: { load: async () => (await import("./ceilings.js")).ceilings, description: "raw limits of this machine (always measured first)", timeoutMin: 3 },
  listing: {
    load: async () => (await import("./listing.js")).listing,
    description: "GET /api/v1/challenges over 100k mirrored challenges (SQLite; MongoDB with IPN_BENCH_MONGODB_URL), RSS",
    timeoutMin: 15,
  },
  fanout: {
    load: async () => (await import("./fanout.js")).fanout,
    description: "signed deliveries per second per core from one hub to many followers",
    timeoutMin: 3,
  },
  inbound: {
    load: async () => (await import("./inbound.js")).inbound,
    description: "verified challenge activities stored per second per core (allowlisted peer → shared inbox)",
    timeoutMin: 3,
  },
  propagation: {
    load: async () => (await import("./propagation.js")).propagation,
    description: "publish on one node → visible on K following nodes (K = 10, 30)",
    timeoutMin: 4,
  },
  isolation: {
    load: async () => (await import("./isolation.js")).isolation,
    description: "healthy followers' delivery p95 with and without 10 tarpit followers among 1,000",
    timeoutMin: 6,
  },
  scaleout: {
    load: async () => (await import("./scaleout.js")).scaleout,
    description: "fan-out throughput with 1, 2 and 4 worker processes on one SQLite store",
    timeoutMin: 8,
  },
  backfill: {
    load: async () => (await import("./backfill.js")).backfill,
    description: "a new follower backfills 10,000 challenges from a peer (and 300 on MongoDB with IPN_BENCH_MONGODB_URL)",
    timeoutMin: 5,
  },
};
