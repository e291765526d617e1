// Runs bovine-herd (an independent ActivityPub server in Python, installed from PyPI by
// .ci/bovine.sh) as a child process on a free loopback port, with one account ("supplier") and the
// test-only control routes of control.py. Its JSON-LD contexts come from the same preloaded set
// the node uses (Fedify's), written to a file: there is no internet here, and bovine must not try.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { freePort, waitFor } from "../../support/processes";

const ROOT = path.join(__dirname, "..", "..", "..");
const BUILD_SCRIPT = path.join(ROOT, ".ci", "bovine.sh");
/**
 * The test's own requests name themselves: with one node in the process, the node's fetch wrapper
 * (federation/user-agent.ts) would otherwise give them the node's User-Agent, and bovine's log could
 * not tell the test's unsigned probes from the node's fetches.
 */
export const TEST_USER_AGENT = "ipn-interop-test";

// biome-ignore lint/suspicious/noExplicitAny: wire JSON of unknown shape
export type Json = Record<string, any>;

export interface InboxEntry {
  /** The activity as bovine stored it (compacted with its own context). */
  activity: Json;
  /** The activity's object as bovine holds it now (a later Update or Delete replaces it). */
  object: Json | null;
}

export interface Herd {
  readonly origin: string;
  readonly actorId: string;
  /** The supplier's inbox (where bovine accepts only deliveries whose signature it verified). */
  readonly inboxUrl: string;
  /**
   * The supplier sends a Follow to this actor URL. By default bovine delivers it itself, to the
   * actor's own inbox (resolves after the attempt; failures show only in the log). With `inbox`,
   * bovine's signed client posts it to that inbox instead and `status` is that inbox's answer.
   */
  follow(actorUrl: string, opts?: { inbox?: string }): Promise<{ id: string; status?: number; body?: string }>;
  /** Actors whose Accept bovine has recorded. */
  following(): Promise<string[]>;
  inbox(): Promise<InboxEntry[]>;
  /** Everything bovine printed so far (its log: requests, signature checks, processing errors). */
  log(): string;
  /** The requests bovine answered so far, from its access log (the control routes left out). */
  requests(): { method: string; path: string; status: number; userAgent: string }[];
  stop(): Promise<void>;
}

/** The venv's python, building it first if needed (about 1 min on a fresh machine). */
function bovinePython(): string {
  try {
    return execFileSync("bash", [BUILD_SCRIPT, "build"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 9 * 60_000 }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").split("\n").slice(-20).join("\n");
    throw new Error(`could not build the bovine-herd venv (.ci/bovine.sh build; needs Python >= 3.11 and PyPI):\n${stderr}`);
  }
}

export async function startHerd(): Promise<Herd> {
  const python = bovinePython();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-bovine-"));
  const contexts = path.join(dir, "contexts.json");
  fs.writeFileSync(contexts, JSON.stringify(preloadedContexts));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, [path.join(__dirname, "herd.py"), "--port", String(port), "--dir", dir, "--contexts", contexts], {
    env: { ...process.env, BUTCHER_ALLOW_HTTP: "1", PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => { out += s; });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => { out += s; });
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once("exit", () => { exited = true; resolve(); }));

  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let actorId: string;
  try {
    actorId = await waitFor("bovine-herd to listen", () => {
      if (exited) throw new Error(`bovine-herd exited during start-up:\n${out.slice(-3000)}`);
      return /^READY (\S+)$/m.exec(out)?.[1];
    }, { timeoutMs: 60_000, intervalMs: 100 });
  } catch (err) {
    await stop();
    throw err;
  }

  const control = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${origin}/_glue/${route}`, {
      method,
      headers: { "user-agent": TEST_USER_AGENT, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, json: (text.startsWith("{") ? JSON.parse(text) : { text }) as Json };
  };

  // READY comes from Quart's before_serving, which hypercorn runs before it binds the socket: the
  // first request may still be refused (CI saw ECONNREFUSED on all nine tests once). Only a real
  // answer means bovine listens.
  let actor: Awaited<ReturnType<typeof control>>;
  try {
    actor = await waitFor("bovine-herd to answer", async () => {
      if (exited) throw new Error(`bovine-herd exited during start-up:\n${out.slice(-3000)}`);
      try {
        return await control("GET", "actor");
      } catch (err) {
        if ((err as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED") return undefined;
        throw err;
      }
    }, { timeoutMs: 60_000, intervalMs: 100 });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    origin,
    actorId,
    inboxUrl: String(actor.json.inbox),
    follow: async (actorUrl, opts = {}) => {
      const res = await control("POST", "follow", { object: actorUrl, ...opts });
      if (res.status !== 200) throw new Error(`bovine could not send the Follow (${res.status} ${JSON.stringify(res.json)}):\n${out.slice(-6000)}`);
      return res.json as { id: string; status?: number; body?: string };
    },
    following: async () => (await control("GET", "following")).json.items as string[],
    inbox: async () => (await control("GET", "inbox")).json.items as InboxEntry[],
    log: () => out,
    requests: () => [...out.matchAll(/"(GET|POST) (\S+) [^"]*" (\d{3}) \S+ "[^"]*" "([^"]*)"$/gm)]
      .map((m) => ({ method: m[1]!, path: m[2]!, status: Number(m[3]), userAgent: m[4]! })),
    stop,
  };
}
