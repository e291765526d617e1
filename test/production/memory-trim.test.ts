// `ipn start` gives memory back once it is quiet (ADR 0022): the first quiet interval after start
// collects what starting up compiled and threw away, logs it for the operator, and the node serves on.
// Bursts and what a collection gives back on each runtime: test/ops/memory-trim.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnNode, waitFor, type NodeProcess } from "../support/processes";

let node: NodeProcess | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-trim-"));

afterAll(async () => {
  await node?.dispose();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

it("collects once quiet after start, says so in its log, and goes on serving", async () => {
  node = await spawnNode({ name: "trim", role: "all", store: `sqlite:${path.join(dir, "ipn.db")}` });
  const record = await waitFor("the memory trim's log record", () => node!.logRecords().find((r) => r.logger === "ipn.memory"), { timeoutMs: 40_000 });
  expect(record.level).toBe("INFO");
  expect(record.message).toMatch(/quiet after its memory grew \(start-up or a burst of work\): a full collection took \d+ ms; heap in use \d+ → \d+ MiB, resident \d+ → \d+ MiB so far/);
  const p = record.properties as { heapBefore: number; heapAfter: number; rssBefore: number; pauseMs: number };
  expect(p.heapAfter).toBeLessThan(p.heapBefore);
  expect(p.rssBefore).toBeGreaterThan(64); // what made it collect: more than the 64 MiB it allows above zero
  expect((await fetch(`${node.listenUrl}/api/v1/challenges`)).status).toBe(200);
  expect(node.logRecords().filter((r) => r.logger === "ipn.memory")).toHaveLength(1);
}, 60_000);
