// The Express side of the metrics (node/ops/metrics.ts holds the registry): a middleware that times
// every request, and GET /metrics in the Prometheus text format.
import express, { type RequestHandler } from "express";
import { onlyAt } from "./only-at";
import type { Registry } from "prom-client";
import { sameSecret } from "../domain/tokens";
import type { IpnMetrics } from "../ops/metrics";
import { problem, sendProblem } from "./problem";

/** Counts and times every request; mount it first. */
export function metricsMiddleware(metrics: IpnMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.originalUrl.split("?")[0] ?? "";
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      // Closed before the response finished: the client went away; the status code was never sent.
      const statusClass = res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : "aborted";
      metrics.request(req.method, path, statusClass, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once("finish", record);
    res.once("close", record);
    next();
  };
}

export interface MetricsRouterOptions {
  /** When set (IPN_METRICS_TOKEN), scrapes must send "Authorization: Bearer <token>". */
  token?: string;
}


/** GET /metrics in the Prometheus text format. */
export function metricsRouter(registry: Registry, opts: MetricsRouterOptions = {}): RequestHandler {
  const expected = opts.token ?? null;
  const router = express.Router();
  router.get("/metrics", async (req, res, next) => {
    res.set("Cache-Control", "no-store");
    if (expected) {
      const m = /^Bearer\s+(.+)$/i.exec(req.get("authorization") ?? "");
      if (!m || !sameSecret(m[1]!.trim(), expected)) {
        sendProblem(res, problem(401, "metrics need the scrape token (Authorization: Bearer …)"));
        return;
      }
    }
    try {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  return onlyAt(["/metrics"], router);
}
