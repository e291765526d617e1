// A MongoDB-wire server for tests that run real node processes: the one at IPN_TEST_MONGODB_URL, or
// a FerretDB 1.24 (built by .ci/ferretdb.sh) that this helper runs as its own child process. Owning
// the process is what lets a test take the database down and bring it back on the same port with its
// data kept — .ci/ferretdb.sh start always begins with an empty data directory.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { freePort, waitFor } from "./processes";

const FERRETDB_SCRIPT = path.join(__dirname, "..", "..", ".ci", "ferretdb.sh");

export interface MongoWireServer {
  /** mongodb://host:port/ (no database). */
  readonly url: string;
  /** Whether this helper runs the server (and so can stop and restart it). */
  readonly owned: boolean;
  /** A URL naming a fresh, randomly named database; dropped by dispose(). */
  freshDatabaseUrl(): string;
  /** Kills the server like a crash (SIGKILL); its data stays. Only for an owned server. */
  crash(): Promise<void>;
  /** Starts it again on the same port and data directory. Only for an owned server. */
  restart(): Promise<void>;
  /** Drops the databases handed out, stops an owned server and deletes its data. Never throws. */
  dispose(): Promise<void>;
}

/** The server URL with another database in its path (query options kept). */
export function withDatabase(url: string, name: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(?:\/[^?#]*)?(.*)$/i.exec(url);
  if (!m) throw new Error(`not a mongodb:// URL: ${url}`);
  return `${m[1]}/${name}${m[2] ?? ""}`;
}

/** Runs `work` with a client of the server at `url`; a server already gone is not an error (nothing to clean). */
async function onServer(url: string, work: (client: MongoClient) => Promise<void>): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 3000 });
  try {
    await client.connect();
    await work(client);
  } catch {
    // The server is gone already; an owned one takes its data directory with it.
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Drops the database a URL of withDatabase() names: for tests that open a store of their own on the shared server. */
export function dropDatabaseAt(url: string): Promise<void> {
  return onServer(url, async (client) => { await client.db().dropDatabase(); });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/** Builds FerretDB on first use (about 2 min on a fresh machine) and returns the binary. */
function ferretDbBinary(): string {
  try {
    return execFileSync("bash", [FERRETDB_SCRIPT, "build"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 9 * 60_000 }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").split("\n").slice(-15).join("\n");
    throw new Error(`could not build FerretDB (needs Go; or set IPN_TEST_MONGODB_URL to a running server):\n${stderr}`);
  }
}

/**
 * Uses IPN_TEST_MONGODB_URL unless `own` is set (a test that stops the server needs its own);
 * otherwise runs FerretDB on a free loopback port with its data in a temporary directory.
 */
export async function startMongoWireServer(opts: { own?: boolean } = {}): Promise<MongoWireServer> {
  const given = process.env.IPN_TEST_MONGODB_URL?.trim();
  const databases: string[] = [];
  const freshDatabaseUrl = (base: string) => {
    const name = `ipn_prod_${randomBytes(6).toString("hex")}`;
    databases.push(name);
    return withDatabase(base, name);
  };
  const dropDatabases = async (base: string) => {
    if (databases.length === 0) return;
    await onServer(base, async (client) => {
      for (const name of databases.splice(0)) await client.db(name).dropDatabase().catch(() => undefined);
    });
  };

  if (given && !opts.own) {
    return {
      url: given,
      owned: false,
      freshDatabaseUrl: () => freshDatabaseUrl(given),
      crash: () => Promise.reject(new Error("IPN_TEST_MONGODB_URL is not run by this test")),
      restart: () => Promise.reject(new Error("IPN_TEST_MONGODB_URL is not run by this test")),
      dispose: () => dropDatabases(given),
    };
  }

  const binary = ferretDbBinary();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-ferretdb-prod-"));
  const dataDir = path.join(state, "data");
  fs.mkdirSync(dataDir);
  const port = await freePort();
  const debugPort = await freePort();
  const url = `mongodb://127.0.0.1:${port}/`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async () => {
    const log = fs.openSync(path.join(state, "ferretdb.log"), "a");
    const proc = spawn(binary, [
      "--handler=sqlite", `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`, `--debug-addr=127.0.0.1:${debugPort}`,
      "--telemetry=disable", "--log-level=warn", `--state-dir=${state}`,
    ], { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    child = proc;
    let gone = false;
    exited = new Promise((resolve) => proc.once("exit", () => { gone = true; resolve(); }));
    await waitFor(`FerretDB listening on 127.0.0.1:${port}`, async () => {
      if (gone) throw new Error(`FerretDB exited during start-up:\n${fs.readFileSync(path.join(state, "ferretdb.log"), "utf8").slice(-2000)}`);
      return canConnect(port);
    }, { timeoutMs: 30_000, intervalMs: 100 });
  };
  const kill = async () => {
    const proc = child;
    child = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGKILL");
      await exited;
    }
  };

  await launch();
  return {
    url,
    owned: true,
    freshDatabaseUrl: () => freshDatabaseUrl(url),
    crash: kill,
    restart: async () => {
      if (child) throw new Error("FerretDB is running");
      await launch();
    },
    dispose: async () => {
      await kill();
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}
