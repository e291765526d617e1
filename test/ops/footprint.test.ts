// A node on the embedded store loads no package it does not use: the MongoDB driver (≈ 6.5 MiB of
// heap), nodemailer without SMTP, the Natural Earth shapes before /map is drawn, the common-password
// list before a password is chosen. Together ≈ 17 MiB of the heap at start (P6 in bench/ counts it).
// In another process: Jest's module registry is not Node's.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

it("starts on SQLite and serves its home page without loading MongoDB, SMTP, map or password-list packages", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--require", "tsx/cjs", path.join(__dirname, "footprint-probe.ts")], {
    cwd: path.join(__dirname, "..", ".."),
    timeout: 60_000,
  });
  const report = JSON.parse(stdout.trim().split("\n").pop()!) as { home: number; loaded: string[]; express: boolean };
  expect(report.home).toBe(200);
  expect(report.express).toBe(true); // the probe does see what a node loads
  expect(report.loaded).toEqual([]);
}, 90_000);
