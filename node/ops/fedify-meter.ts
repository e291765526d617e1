// Fedify 2.3 records its own OpenTelemetry measurements (one per delivery attempt, per permanent
// failure, per inbox activity lifecycle step). Passing this MeterProvider as createFederation's
// `meterProvider` turns exactly those into our Prometheus counters, without hooks in the federation
// code and without an OpenTelemetry SDK. Every other Fedify instrument is a no-op.
import { createNoopMeter, type Attributes, type Counter, type Meter, type MeterProvider } from "@opentelemetry/api";
import type { IpnMetrics, InboxOutcome } from "./metrics";

const INBOX_RESULTS: readonly string[] = ["queued", "processed", "retried", "rejected", "abandoned"];

type Sink = Pick<IpnMetrics, "delivery" | "inboxActivity">;

/** Instruments whose measurements we forward, by Fedify's instrument name. */
function forwarders(metrics: Sink): Record<string, (value: number, attrs: Attributes) => void> {
  return {
    "activitypub.delivery.sent": (_v, a) => metrics.delivery(a["activitypub.delivery.success"] === true ? "delivered" : "failed"),
    "activitypub.delivery.permanent_failure": () => metrics.delivery("abandoned"),
    "activitypub.inbox.activity": (_v, a) => {
      const result = String(a["activitypub.processing.result"] ?? "");
      if (!INBOX_RESULTS.includes(result)) return;
      metrics.inboxActivity(String(a["activitypub.activity.type"] ?? "other"), result as InboxOutcome);
    },
  };
}

export function fedifyMeterProvider(metrics: Sink): MeterProvider {
  const noop = createNoopMeter();
  const forward = forwarders(metrics);
  const meter: Meter = {
    createCounter(name, options) {
      const f = forward[name];
      if (!f) return noop.createCounter(name, options);
      const counter: Counter = { add: (value, attributes) => { if (value > 0) f(value, attributes ?? {}); } };
      return counter;
    },
    createGauge: (name, options) => noop.createGauge(name, options),
    createHistogram: (name, options) => noop.createHistogram(name, options),
    createUpDownCounter: (name, options) => noop.createUpDownCounter(name, options),
    createObservableGauge: (name, options) => noop.createObservableGauge(name, options),
    createObservableCounter: (name, options) => noop.createObservableCounter(name, options),
    createObservableUpDownCounter: (name, options) => noop.createObservableUpDownCounter(name, options),
    addBatchObservableCallback: (callback, observables) => noop.addBatchObservableCallback(callback, observables),
    removeBatchObservableCallback: (callback, observables) => noop.removeBatchObservableCallback(callback, observables),
  };
  return { getMeter: () => meter };
}
