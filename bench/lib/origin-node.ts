// A real IPN node in its own process, used as the origin that others follow (propagation) or
// backfill from: it creates a hub, optionally holds `seed` local challenges, and publishes through
// the hub API on request. Spoken to with JSON lines on stdin/stdout via startOriginNode().
//
// Seeding (not measured): local challenges are written through the store's own repository class
// on a second connection to the node's SQLite file, all inside one outer transaction (the
// repository's transactions become savepoints), with no outbox activity — a node that published
// them long ago. One transaction per challenge would cost one fsync each.
import "../../node/runtime/shims";
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { INSTANCE_IDENTIFIER } from "../../federation/network/instance-actor";
import { SqliteChallengeRepository } from "../../node/storage/sqlite/challenges";
import { openDatabase } from "../../node/storage/sqlite/database";
import { challengeDoc } from "./documents";
import { createHub, publish, startBenchNode } from "./nodes";

/** Marks the child's answers on stdout (anything else there is passed over). */
const REPLY = "@@REPLY ";

export interface OriginNode {
  origin: string;
  listenUrl: string;
  /** Publishes a new challenge through the hub API; resolves with its IRI. */
  publish(n: number): Promise<string>;
  /**
   * Puts a follower node on this node's allowlist (straight into its peer repository, so this node
   * does not follow it back): the instance actor accepts follows from allowlisted peers only.
   */
  allow(origin: string, country: string): Promise<void>;
  /** How many peers' instance actors follow this node's instance actor. */
  instanceFollowers(): Promise<number>;
  close(): Promise<void>;
}

export async function startOriginNode(seed: number): Promise<OriginNode> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", __filename, String(seed)], {
    cwd: path.join(__dirname, "..", ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  lines.on("line", (l) => {
    if (l.startsWith(REPLY)) waiting.shift()?.(JSON.parse(l.slice(REPLY.length)) as Record<string, unknown>);
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`origin node exited with ${code}`))));
  exited.catch(() => {});
  const ask = (msg: Record<string, unknown>) =>
    Promise.race([
      exited,
      new Promise<Record<string, unknown>>((resolve, reject) => {
        waiting.push((v) => (typeof v.error === "string" ? reject(new Error(v.error)) : resolve(v)));
        child.stdin!.write(`${JSON.stringify(msg)}\n`);
      }),
    ]);
  const hello = await ask({ op: "hello" });
  return {
    origin: hello.origin as string,
    listenUrl: hello.listenUrl as string,
    async publish(n) {
      return (await ask({ op: "publish", n })).id as string;
    },
    async allow(peer, country) {
      await ask({ op: "allow", origin: peer, country });
    },
    async instanceFollowers() {
      return (await ask({ op: "followers" })).count as number;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin!.end();
      });
    },
  };
}

async function serve(seed: number): Promise<void> {
  const node = await startBenchNode({ IPN_COUNTRY: "DE" });
  const hub = await createHub(node, "origin_hub");
  if (seed > 0) {
    const db = openDatabase(path.join(node.dataDir, "ipn.db"));
    const repo = new SqliteChallengeRepository(db);
    const pending: Promise<void>[] = [];
    db.transaction(() => {
      for (let n = 0; n < seed; n++) {
        const key = `seeded-${n}`;
        const doc = challengeDoc({ origin: node.origin, hub: hub.handle, key, n, country: "DE" });
        pending.push(repo.insert({ id: doc.id, key, origin: node.origin, country: "DE", doc, version: 1, withdrawnAt: null }, null));
      }
    })();
    await Promise.all(pending);
    db.close();
  }
  const handle = async (msg: { op: string; n?: number; origin?: string; country?: string }): Promise<Record<string, unknown>> => {
    switch (msg.op) {
      case "hello":
        return { origin: node.origin, listenUrl: node.listenUrl };
      case "publish":
        return {
          id: await publish(node, hub, challengeDoc({ origin: node.origin, hub: hub.handle, key: `p${msg.n}`, n: 500_000 + (msg.n ?? 0), country: "DE" })),
        };
      case "allow":
        await node.store.peers.upsert({
          origin: msg.origin!,
          country: msg.country ?? "FR",
          role: "national",
          source: "api",
          addedAt: new Date().toISOString(),
        });
        return {};
      case "followers":
        return { count: await node.store.followers.count(INSTANCE_IDENTIFIER) };
      default:
        return { error: `unknown op ${msg.op}` };
    }
  };
  const input = createInterface({ input: process.stdin });
  input.on("line", (l) => {
    handle(JSON.parse(l) as { op: string }).then(
      (r) => process.stdout.write(`${REPLY}${JSON.stringify(r)}\n`),
      (e: unknown) => process.stdout.write(`${REPLY}${JSON.stringify({ error: String(e) })}\n`),
    );
  });
  input.on("close", () => {
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

if (require.main === module) {
  serve(Number(process.argv[2] ?? "0")).catch((error: unknown) => {
    process.stderr.write(`origin node: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
