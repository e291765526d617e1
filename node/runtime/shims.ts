// Runtime shims that must be installed before Fedify is imported (fedify-notes.md §9 P1, P3).
// Imported first by every entry point (CLI, tests via jest setupFiles, benchmarks).
import { Temporal as TemporalPolyfill } from "@js-temporal/polyfill";

// Node 20 has no globalThis.navigator; Fedify's importJwk() reads navigator.userAgent for
// Ed25519 keys and would throw, silently dropping an actor's keys.
const g = globalThis as { navigator?: { userAgent: string } };
if (typeof g.navigator === "undefined") g.navigator = { userAgent: `Node.js/${process.version}` };

// Fedify's types use the global Temporal (lib esnext.temporal); Node 20/22 have none at runtime.
if (!("Temporal" in globalThis)) {
  Object.defineProperty(globalThis, "Temporal", { value: TemporalPolyfill, writable: true, configurable: true });
}

// Fedify's JSON-LD processing loads jsonld's *browser* bundle. Its core-js polyfills add what Node 20
// lacks and Fedify uses (ArrayBuffer.prototype.transfer, the Set methods, Iterator, Uint8Array base64),
// but they also replace built-ins that work perfectly well with slower JavaScript versions,
// process-wide: JSON parse+stringify of a 4 KiB activity drops from ~56,000/s to ~8,000/s
// (docs/performance-history.md, "JSON (fixed)"). Load the bundle now, keep what it adds, and put the replaced built-ins back.
const builtIns = [
  [JSON, "stringify"],
  [Array.prototype, "push"],
  [Function.prototype, "toString"],
  [globalThis, "MessageChannel"],
] as const;
const natives = builtIns.map(([owner, name]) => [owner, name, Object.getOwnPropertyDescriptor(owner, name)] as const);
require("jsonld/dist/jsonld.esm.js");
for (const [owner, name, descriptor] of natives) if (descriptor) Object.defineProperty(owner, name, descriptor);
