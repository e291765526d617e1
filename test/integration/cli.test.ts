// The `ipn` command line as an operator uses it: hub creation, listing, token rotation, and refusals.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { HubService } from "../../node/domain/hubs.service";
import { openStore } from "../../node/storage/open-store";

const run = promisify(execFile);
const BIN = path.join(__dirname, "..", "..", "node", "bin", "ipn.cjs");
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ipn-cli-"));
  env = { ...process.env, IPN_DATA_DIR: dir, IPN_ORIGIN: "https://cli.ipn.test", IPN_ALLOW_PRIVATE_NETWORK: "false", IPN_COUNTRY: "FR" };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ipn = (...args: string[]) => run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
const tokenIn = (out: string) => /(ipn_[a-z0-9_]+\.[A-Za-z0-9_-]{43})/.exec(out)?.[1];

async function authenticate(token: string) {
  const store = await openStore({ url: `sqlite:${path.join(dir, "ipn.db")}` });
  try {
    return await new HubService({ hubs: store.hubs, origin: "https://cli.ipn.test" }).authenticate(token);
  } finally {
    await store.close();
  }
}

it("creates a hub, prints its handle and a working token, lists it, and rotates the token", async () => {
  const created = await ipn("hub", "create", "--handle", "cli_hub", "--name", "CLI hub", "--email", "hub@cli.example");
  expect(created.stdout).toContain("https://cli.ipn.test/hubs/cli_hub");
  expect(created.stdout).toContain("@cli_hub@cli.ipn.test");
  const first = tokenIn(created.stdout)!;
  expect(await authenticate(first)).toEqual({ kind: "hub", handle: "cli_hub" });

  const listed = await ipn("hub", "list");
  expect(listed.stdout).toMatch(/^cli_hub\tFR\tCLI hub\thttps:\/\/cli\.ipn\.test\/hubs\/cli_hub$/m);

  const rotated = await ipn("hub", "rotate-token", "cli_hub");
  const second = tokenIn(rotated.stdout)!;
  expect(second).not.toBe(first);
  expect(await authenticate(second)).toEqual({ kind: "hub", handle: "cli_hub" });
  expect(await authenticate(first)).toBeNull();
}, 90_000);

it("refuses bad input with the reason and a non-zero exit", async () => {
  await expect(ipn("hub", "create", "--handle", "Bad-Handle")).rejects.toMatchObject({ stderr: expect.stringContaining("lowercase letters") });
  await expect(ipn("hub", "create", "--handle", "no_mail", "--name", "x")).rejects.toMatchObject({ stderr: expect.stringContaining("/contact") });
  await expect(ipn("hub", "rotate-token", "nobody")).rejects.toMatchObject({ code: 1 });
}, 90_000);

it("refuses an invalid configuration naming the variable", async () => {
  await expect(run(process.execPath, [BIN, "hub", "list"], { env: { ...env, IPN_ORIGIN: "http://public.example" }, timeout: 60_000 }))
    .rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("IPN_ORIGIN") });
}, 90_000);

it("documents its commands", async () => {
  const help = await ipn("--help");
  for (const word of ["start", "hub"]) expect(help.stdout).toContain(word);
  const hubHelp = await ipn("hub", "--help");
  for (const word of ["create", "list", "rotate-token"]) expect(hubHelp.stdout).toContain(word);
}, 90_000);
