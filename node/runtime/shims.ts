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
