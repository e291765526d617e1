// LogTape categories of the federation layer; the composition root configures the sinks.
import { getLogger, type Logger } from "@logtape/logtape";

export const federationLogger = (...sub: string[]): Logger => getLogger(["ipn", "federation", ...sub]);
