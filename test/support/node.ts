// Starts a real node (composition root, SQLite store in a temp dir, HTTP on 127.0.0.1:0) for tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../node/config";
import { startNode, type RunningNode } from "../../node/main";
import { NO_PERIODIC_RECONCILIATION } from "./processes";

export const ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

export interface TestNode extends RunningNode {
  dataDir: string;
  /** Stops the node and deletes its data unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startTestNode(env: Record<string, string> = {}, dataDir?: string): Promise<TestNode> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), "ipn-node-"));
  const config = loadConfig({
    PORT: "0",
    IPN_HOST: "127.0.0.1",
    IPN_DATA_DIR: dir,
    IPN_ADMIN_TOKEN: ADMIN_TOKEN,
    IPN_ALLOW_PRIVATE_NETWORK: "true",
    IPN_COUNTRY: "DE",
    IPN_LOG_LEVEL: "error",
    IPN_RECONCILE_CRON: NO_PERIODIC_RECONCILIATION, // see processes.ts
    ...env,
  });
  const node = await startNode(config);
  return Object.assign(node, {
    dataDir: dir,
    async stop(opts: { keepData?: boolean } = {}) {
      await node.close();
      if (!opts.keepData) rmSync(dir, { recursive: true, force: true });
    },
  });
}
