// `npm run demo` as a user runs it: it starts DE, FR and the EU aggregator, publishes the samples,
// prints URLs that answer, and stops cleanly on Ctrl-C (SIGINT).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
let child: ChildProcess | null = null;
let dataDir: string;

afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function waitForOutput(proc: ChildProcess, out: { text: string }, marker: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not print ${JSON.stringify(marker)} within ${timeoutMs} ms:\n${out.text}`)), timeoutMs);
    const check = () => {
      if (out.text.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on("data", check);
    proc.once("exit", (code) => { clearTimeout(timer); reject(new Error(`demo exited early (${code}):\n${out.text}`)); });
    check();
  });
}

it("starts three nodes, prints URLs that answer, and stops cleanly on SIGINT", async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "ipn-demo-"));
  const out = { text: "" };
  child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "demo.ts")], {
    cwd: ROOT,
    env: { ...process.env, IPN_DEMO_PORTS: "0,0,0", IPN_DEMO_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => { out.text += c.toString("utf8"); });
  child.stderr!.on("data", (c: Buffer) => { out.text += c.toString("utf8"); });
  await waitForOutput(child, out, "Press Ctrl-C to stop.", 90_000);

  const urls = [...out.text.matchAll(/^ {2}\S.*?\s(http:\/\/127\.0\.0\.1:\d+\/\S*)/gm)].map((m) => m[1]!);
  expect(urls.length).toBeGreaterThanOrEqual(11);
  for (const url of urls) {
    const res = await fetch(url, { headers: { accept: "text/html" } });
    expect({ url, status: res.status }).toEqual({ url, status: 200 });
  }
  // The EU listing shows the German and the French sample.
  const eu = urls.find((u) => out.text.includes(`EU listing (all EEA)  ${u}`))!;
  const listing = await (await fetch(eu)).text();
  expect(listing).toContain('<span class="country">Germany</span>');
  expect(listing).toContain('<span class="country">France</span>');
  // The topic actor answers ActivityPub clients as an actor.
  const topic = urls.find((u) => u.endsWith("/topics/health"))!;
  const actor = await (await fetch(topic, { headers: { accept: "application/activity+json" } })).json() as { type: string };
  expect(actor.type).toBe("Service");
  expect(out.text).toMatch(/Admin tokens[\s\S]*DE \S{24,}/);

  const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
  child.kill("SIGINT");
  expect(await exited).toBe(0);
  expect(out.text).toContain("demo stopped.");
}, 150_000);
