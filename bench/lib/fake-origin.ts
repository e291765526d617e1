// A fake remote IPN peer in its own process (its CPU is not billed to the node under test): a hub
// actor with an RSA key (Fedify), the canonical documents of its challenges at
// /api/v1/challenges/{key} and, several per request, at /api/v1/sync/documents?key=…, and a batch of Create activities signed in advance (draft-cavage, as
// Fedify's second knock and Mastodon send them) that it POSTs to a target inbox on request.
// Run through startFakeOrigin(); the child speaks JSON lines on stdin/stdout.
import "../../node/runtime/shims";
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { createFederation, MemoryKvStore, signRequest } from "@fedify/fedify";
import { Endpoints, Organization } from "@fedify/vocab";
import { challengeDoc } from "./documents";

/** Marks the child's answers on stdout (anything else there is passed over). */
const REPLY = "@@REPLY ";

export interface FakeOrigin {
  origin: string;
  hubId: string;
  /** Signs Create activities for challenges from..from+count-1 addressed to `inbox` (not sent yet). */
  prepare(inbox: string, from: number, count: number): Promise<void>;
  /** POSTs the prepared activities with `concurrency` in flight; resolves with the status counts. */
  send(concurrency: number): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const HUB = "national_hub";

export async function startFakeOrigin(): Promise<FakeOrigin> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", __filename], {
    cwd: path.join(__dirname, "..", ".."),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  lines.on("line", (l) => {
    if (l.startsWith(REPLY)) waiting.shift()?.(JSON.parse(l.slice(REPLY.length)) as Record<string, unknown>);
  });
  const ask = (msg: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      waiting.push((v) => (typeof v.error === "string" ? reject(new Error(v.error)) : resolve(v)));
      child.stdin!.write(`${JSON.stringify(msg)}\n`);
    });
  const hello = await ask({ op: "hello" });
  return {
    origin: hello.origin as string,
    hubId: hello.hubId as string,
    async prepare(inbox, from, count) {
      await ask({ op: "prepare", inbox, from, count });
    },
    async send(concurrency) {
      return (await ask({ op: "send", concurrency })).statuses as Record<string, number>;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}

async function serve(): Promise<void> {
  const rsa = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;

  let origin = "";
  const docs = new Map<string, string>();
  let federation: ReturnType<typeof createFederation<void>> | null = null;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", origin);
      const m = /^\/api\/v1\/challenges\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const body = docs.get(decodeURIComponent(m[1]!));
        if (!body) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": "application/json" }).end(body);
        return;
      }
      if (url.pathname === "/api/v1/sync/documents") {
        const keys = (url.searchParams.get("key") ?? "").split(",").filter(Boolean);
        const items = keys.map((k) => docs.get(k)).filter((d): d is string => d !== undefined);
        const missing = keys.filter((k) => !docs.has(k));
        res.writeHead(200, { "content-type": "application/json" }).end(`{"items":[${items.join(",")}],"gone":[],"missing":${JSON.stringify(missing)}}`);
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await federation!.fetch(new Request(url, { method: req.method, headers }), {
        contextData: undefined,
        onNotFound: () => new Response(null, { status: 404 }),
        onNotAcceptable: () => new Response(null, { status: 406 }),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
  federation
    .setActorDispatcher("/hubs/{identifier}", async (ctx, identifier) => {
      if (identifier !== HUB) return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Organization({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: new URL(`/hubs/${identifier}/inbox`, origin),
        endpoints: new Endpoints({ sharedInbox: new URL("/inbox", origin) }),
        publicKey: keys[0]!.cryptographicKey,
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === HUB ? [rsa] : []));
  const hubId = `${origin}/hubs/${HUB}`;

  let prepared: Request[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = (r: Request, body: Buffer) =>
    new Promise<number>((resolve) => {
      const u = new URL(r.url);
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        headers[k] = v;
      });
      headers["content-length"] = String(body.length);
      const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", () => resolve(-1));
      req.end(body);
    });
  const bodies = new WeakMap<Request, Buffer>();

  const handle = async (msg: { op: string; inbox?: string; from?: number; count?: number; concurrency?: number }): Promise<Record<string, unknown>> => {
    switch (msg.op) {
      case "hello":
        return { origin, hubId };
      case "prepare": {
        prepared = [];
        for (let n = msg.from ?? 0; n < (msg.from ?? 0) + msg.count!; n++) {
          const key = `inbound-${n}`;
          const doc = challengeDoc({ origin, hub: HUB, key, n, country: "FR" });
          docs.set(key, JSON.stringify(doc));
          const activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            id: `${origin}/challenges/${key}/activities/create`,
            type: "Create",
            actor: hubId,
            published: doc.published,
            to: "https://www.w3.org/ns/activitystreams#Public",
            object: {
              id: doc.id,
              type: "Note",
              attributedTo: hubId,
              name: doc.title.en,
              content: `<p>${doc.summary.en}</p><p>${doc.description.en}</p>`,
              url: doc.url,
              published: doc.published,
            },
          };
          const body = Buffer.from(JSON.stringify(activity));
          const signed = await signRequest(
            new Request(msg.inbox!, { method: "POST", headers: { "content-type": "application/activity+json", accept: "application/activity+json" }, body }),
            rsa.privateKey,
            new URL(`${hubId}#main-key`),
            { spec: "draft-cavage-http-signatures-12" },
          );
          bodies.set(signed, body);
          prepared.push(signed);
        }
        return { ok: true };
      }
      case "send": {
        const statuses: Record<string, number> = {};
        let next = 0;
        await Promise.all(
          Array.from({ length: msg.concurrency ?? 8 }, async () => {
            while (next < prepared.length) {
              const r = prepared[next++]!;
              const s = await post(r, bodies.get(r)!);
              statuses[s] = (statuses[s] ?? 0) + 1;
            }
          }),
        );
        return { statuses };
      }
      default:
        return { error: `unknown op ${msg.op}` };
    }
  };
  process.on("SIGTERM", () => process.exit(0));
  const input = createInterface({ input: process.stdin });
  input.on("line", (l) => {
    handle(JSON.parse(l) as { op: string }).then(
      (r) => process.stdout.write(`${REPLY}${JSON.stringify(r)}\n`),
      (e: unknown) => process.stdout.write(`${REPLY}${JSON.stringify({ error: String(e) })}\n`),
    );
  });
  input.on("close", () => process.exit(0));
}

if (require.main === module) {
  serve().catch((error: unknown) => {
    process.stderr.write(`fake origin: ${String(error)}\n`);
    process.exit(1);
  });
}
