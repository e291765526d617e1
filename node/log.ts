// Structured logging through LogTape, which Fedify already logs to: one configure() call routes
// Fedify's records and ours to the same sink. JSON lines in production, readable text on a terminal.
import { configure, getConsoleSink, getLogger, jsonLinesFormatter, reset, type LogLevel } from "@logtape/logtape";

export { getLogger };

let configured = false;

export async function configureLogging(level: LogLevel, opts: { json?: boolean } = {}): Promise<void> {
  if (configured) await reset();
  configured = true;
  await configure({
    reset: true,
    sinks: { console: opts.json ? getConsoleSink({ formatter: jsonLinesFormatter }) : getConsoleSink() },
    loggers: [
      { category: "ipn", lowestLevel: level, sinks: ["console"] },
      // Fedify is chatty at info (every inbound activity); warnings and errors are what operators act on.
      { category: "fedify", lowestLevel: level === "debug" ? "debug" : "warning", sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "error", sinks: ["console"] },
    ],
  });
}
