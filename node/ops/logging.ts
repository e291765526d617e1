// LogTape configuration for production: one sink for our records and Fedify's, JSON lines when the
// output is not a terminal (log collectors parse them), readable text when it is. The context-local
// storage is what lets withContext() attach a request id to every record a request causes, including
// Fedify's (Fedify wraps its own request and queue work in withContext too).
//
// Drop-in for node/log.ts's configureLogging (same signature, plus an injectable sink for tests).
import { AsyncLocalStorage } from "node:async_hooks";
import { configure, getConsoleSink, jsonLinesFormatter, type Config, type LogLevel, type LogRecord, type Sink } from "@logtape/logtape";

/** The one store of implicit log context for the process. */
export const logContextStorage = new AsyncLocalStorage<Record<string, unknown>>();

export interface LoggingOptions {
  /** JSON lines (default: when stdout is not a terminal). */
  json?: boolean;
  /** Where records go (default: the console); tests pass a collecting sink. */
  sink?: Sink;
}

/** Fedify is chatty below warning (a line per inbound activity); it follows our level only to be quieter or at debug. */
function fedifyLevel(level: LogLevel): LogLevel {
  if (level === "debug" || level === "trace") return "debug";
  return level === "error" || level === "fatal" ? level : "warning";
}

/**
 * The node-level actors (the instance actor, the aggregator's feed actors) deliberately use the shared
 * inbox as their inbox and have no outbox; Fedify warns about that shape on every fetch of them.
 */
const NODE_ACTOR_SHAPE = [
  "You configured an outbox collection dispatcher, but the actor does not have an outbox property",
  "You configured inbox listeners, but the actor's inbox property does not match the inbox URI",
];
export function withoutNodeActorShapeWarnings(record: LogRecord): boolean {
  const raw = typeof record.rawMessage === "string" ? record.rawMessage : record.rawMessage.join("");
  return !NODE_ACTOR_SHAPE.some((m) => raw.startsWith(m));
}

/**
 * Fedify logs a line per request it is asked about, at warning for any 4xx. It is asked before
 * the pages (only the API comes first), so each page came out as `WARN "GET" "/": 404`, and its
 * 401s and 406s repeat what our access log (ipn.http) already says with the final status. Its 5xx
 * lines stay: those are failures in Fedify's own handling.
 */
export function withoutFedifyRequestLines(record: LogRecord): boolean {
  if (record.rawMessage !== "{method} {path}: {status}") return true;
  const status = Number(record.properties.status);
  return !(status >= 400 && status < 500);
}

export function loggingConfig(level: LogLevel, opts: LoggingOptions = {}): Config<"main", "nodeActorShape" | "fedifyRequestLines"> {
  const json = opts.json ?? !process.stdout.isTTY;
  const sink = opts.sink ?? (json ? getConsoleSink({ formatter: jsonLinesFormatter }) : getConsoleSink());
  return {
    reset: true,
    contextLocalStorage: logContextStorage,
    sinks: { main: sink },
    filters: { nodeActorShape: withoutNodeActorShapeWarnings, fedifyRequestLines: withoutFedifyRequestLines },
    loggers: [
      { category: "ipn", lowestLevel: level, sinks: ["main"] },
      { category: "fedify", lowestLevel: fedifyLevel(level), sinks: ["main"] },
      { category: ["fedify", "federation", "actor"], filters: ["nodeActorShape"] },
      { category: ["fedify", "federation", "http"], filters: ["fedifyRequestLines"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["main"] },
    ],
  };
}

/** Configures (or reconfigures) LogTape for the process. */
export async function configureLogging(level: LogLevel, opts: LoggingOptions = {}): Promise<void> {
  await configure(loggingConfig(level, opts));
}
