// Structured logging through LogTape, which Fedify already logs to: one configure() call (node/ops/logging.ts)
// routes Fedify's records and ours to the same sink, with the request id of the current request attached.
export { getLogger } from "@logtape/logtape";
export { configureLogging } from "./ops/logging";
