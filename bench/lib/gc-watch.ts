// Garbage collections in the main thread while a window is measured: how many, by kind, and the time
// they held the thread. A listing window that is slow for a reason of V8's own shows it here (on
// 2026-12-06 one window ran a full collection every ≈ 0.1 s, 24 in all; another, two).
import { constants, PerformanceObserver } from "node:perf_hooks";

export interface GcSummary {
  major: number;
  minor: number;
  ms: number;
  text(): string;
}

export function watchGc(): { stop(): Promise<GcSummary> } {
  let major = 0;
  let minor = 0;
  let ms = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
      ms += e.duration;
    }
  });
  obs.observe({ entryTypes: ["gc"] });
  return {
    async stop() {
      // The observer is told on a later turn of the loop.
      await new Promise((resolve) => setTimeout(resolve, 10));
      obs.disconnect();
      return { major, minor, ms, text: () => `garbage collections in the window: ${major} full, ${minor} young, ${ms.toFixed(0)} ms in all` };
    },
  };
}
