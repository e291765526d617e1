// The machine's raw limits, measured at the start of every run on the same machine and load as the
// benchmarks they are compared with: RSA-2048 sign/verify, SQLite 4 KiB inserts (one per
// transaction with synchronous=FULL as the store uses, NORMAL for reference, and 1,000 per
// transaction), an indexed page query over 100k rows, loopback HTTP and JSON.
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { type BenchContext, CEILINGS_PREFIX, type Ceilings } from "./lib/context";
import { COUNTRIES, challengeDoc } from "./lib/documents";
import { fmt, rateSync, summarize } from "./lib/report";

function rsa(ms: number): { signs: number; verifies: number } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
  // What an HTTP signature signs: a short header block.
  const data = Buffer.from(`(request-target): post /inbox\nhost: example.org\ndate: ${new Date().toUTCString()}\ndigest: SHA-256=${"x".repeat(44)}`);
  const sig = sign("sha256", data, privateKey);
  return {
    signs: rateSync(() => sign("sha256", data, privateKey), ms),
    verifies: rateSync(() => verify("sha256", data, publicKey, sig), ms),
  };
}

interface SqliteFigures {
  full: number;
  normal: number;
  batched: number;
  queryMs: number;
}

function sqlite(dir: string, rows: number, ms: number): SqliteFigures {
  const docs = Array.from({ length: 200 }, (_, n) => JSON.stringify(challengeDoc({ origin: "https://x.example", hub: "h", key: `k${n}`, n })));
  const open = (name: string, sync: "FULL" | "NORMAL") => {
    const db = new Database(path.join(dir, name));
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${sync}`);
    db.exec("CREATE TABLE t (rid INTEGER PRIMARY KEY, id TEXT UNIQUE, country TEXT, status TEXT, deadline INTEGER, doc TEXT)");
    db.exec("CREATE INDEX t_listing ON t (country, status, deadline)");
    return db;
  };
  let seq = 0;
  const row = () => {
    const n = seq++;
    return [
      `https://x.example/challenges/${n}`,
      COUNTRIES[n % COUNTRIES.length],
      n % 5 ? "open" : "forthcoming",
      (n * 7919) % 1_000_000,
      docs[n % docs.length],
    ];
  };
  const single = (sync: "FULL" | "NORMAL") => {
    const db = open(`single-${sync}.db`, sync);
    const ins = db.prepare("INSERT INTO t (id, country, status, deadline, doc) VALUES (?, ?, ?, ?, ?)");
    const tx = db.transaction(() => ins.run(...row()));
    const rate = rateSync(() => tx(), ms, 20);
    db.close();
    return rate;
  };
  const full = single("FULL");
  const normal = single("NORMAL");

  const db = open("batched.db", "FULL");
  const ins = db.prepare("INSERT INTO t (id, country, status, deadline, doc) VALUES (?, ?, ?, ?, ?)");
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) ins.run(...row());
  });
  const t0 = performance.now();
  for (let done = 0; done < rows; done += 1000) batch(Math.min(1000, rows - done));
  const batched = rows / ((performance.now() - t0) / 1000);

  const q = db.prepare("SELECT id, doc FROM t WHERE country = ? AND status = 'open' AND deadline > ? ORDER BY deadline LIMIT 20");
  const samples: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t = performance.now();
    q.all(COUNTRIES[i % COUNTRIES.length], (i * 104729) % 500_000);
    samples.push(performance.now() - t);
  }
  db.close();
  return { full, normal, batched, queryMs: summarize(samples).p50 };
}

/**
 * The raw HTTP server of the round-trip ceilings: a prepared 20-document page at /page (the size of a
 * listing page), a tiny answer anywhere else, nothing computed per request. The listing benchmark
 * also times it between its own requests (bench/listing.ts).
 */
export async function startRawServer(): Promise<{ port: number; close(): Promise<void> }> {
  const small = Buffer.from(JSON.stringify({ ok: true, items: [] }));
  const page = Buffer.from(
    JSON.stringify({ items: Array.from({ length: 20 }, (_, n) => challengeDoc({ origin: "https://x.example", hub: "h", key: `k${n}`, n })) }),
  );
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = req.url === "/page" ? page : small;
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function httpFigures(rounds: number): Promise<{ rttMs: number; rttPageMs: number; postPerSec: number }> {
  const server = await startRawServer();
  const port = server.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const request = (method: string, p: string, body?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, method, path: p, agent, headers: body ? { "content-type": "application/json", "content-length": body.length } : {} },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => resolve());
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const rtt = async (p: string) => {
    for (let i = 0; i < 50; i++) await request("GET", p);
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await request("GET", p);
      samples.push(performance.now() - t);
    }
    return summarize(samples).p50;
  };
  const rttMs = await rtt("/small");
  const rttPageMs = await rtt("/page");
  const activity = Buffer.from(JSON.stringify(challengeDoc({ origin: "https://x.example", hub: "h", key: "k", n: 1 })));
  const total = rounds * 4;
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (sent < total) {
        sent++;
        await request("POST", "/inbox", activity);
      }
    }),
  );
  const postPerSec = total / ((performance.now() - t0) / 1000);
  agent.destroy();
  await server.close();
  return { rttMs, rttPageMs, postPerSec };
}

function json(ms: number): number {
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    type: "Create",
    id: "https://x.example/a/1",
    actor: "https://x.example/hubs/h",
    object: challengeDoc({ origin: "https://x.example", hub: "h", key: "k", n: 3 }),
  };
  const text = JSON.stringify(activity);
  return rateSync(() => JSON.stringify(JSON.parse(text)), ms);
}

export async function measureCeilings(ctx: BenchContext): Promise<Ceilings> {
  const ms = ctx.quick ? 500 : 1500;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ipn-bench-ceil-"));
  try {
    const jsonPerSec = json(ms);
    const r = rsa(ms);
    const s = sqlite(dir, ctx.quick ? 20_000 : 100_000, ms);
    const h = await httpFigures(ctx.quick ? 500 : 2000);
    const c: Ceilings = {
      rsaSignPerSec: r.signs,
      rsaVerifyPerSec: r.verifies,
      sqliteFullPerSec: s.full,
      sqliteNormalPerSec: s.normal,
      sqliteBatchedPerSec: s.batched,
      indexedQueryMs: s.queryMs,
      httpRttMs: h.rttMs,
      httpRttPageMs: h.rttPageMs,
      httpPostPerSec: h.postPerSec,
      jsonPerSec,
    };
    return c;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** DESIGN §8's figures for these machines, printed beside ours so a loaded machine shows. */
const DESIGN = { sign: 1190, verify: 31_000, json: 40_000, post: 18_000, full: 3400, batched: 15_000 };

export async function ceilings(ctx: BenchContext): Promise<void> {
  const c = await measureCeilings(ctx);
  const info = (id: string, name: string, value: number, unit: string, note?: string) =>
    ctx.emit({ id, name, value, unit, target: { kind: "info", value: 0, text: "" }, note });
  info("C-rsa-sign", "RSA-2048 signs/s (node:crypto, one core)", c.rsaSignPerSec, "/s", `DESIGN §8: ≈ ${DESIGN.sign}/s`);
  info("C-rsa-verify", "RSA-2048 verifies/s (one core)", c.rsaVerifyPerSec, "/s", `DESIGN §8: ≈ ${DESIGN.verify}/s`);
  info("C-sqlite-full", "SQLite 4 KiB inserts, 1 per tx, synchronous=FULL (the store)", c.sqliteFullPerSec, "/s", `DESIGN §8: ≈ ${DESIGN.full}/s`);
  info("C-sqlite-normal", "SQLite 4 KiB inserts, 1 per tx, synchronous=NORMAL", c.sqliteNormalPerSec, "/s");
  info(
    "C-sqlite-batched",
    `SQLite 4 KiB inserts, 1,000 per tx (${ctx.quick ? "20k" : "100k"} rows)`,
    c.sqliteBatchedPerSec,
    "/s",
    `DESIGN §8: ≈ ${DESIGN.batched}/s`,
  );
  info("C-indexed-query", `indexed 20-row page query over ${ctx.quick ? "20k" : "100k"} rows, p50`, c.indexedQueryMs, "ms", "DESIGN §8: 0.2–0.6 ms");
  info("C-http-rtt", "loopback HTTP GET round trip (keep-alive, one core), p50", c.httpRttMs, "ms");
  info("C-http-rtt-page", "loopback HTTP GET round trip with a 20-document page (~90 KiB), p50", c.httpRttPageMs, "ms");
  info("C-http-post", "loopback HTTP POST of a 4 KiB activity (keep-alive, 16 in flight, one core)", c.httpPostPerSec, "/s", `DESIGN §8: ≈ ${DESIGN.post}/s`);
  info("C-json", "JSON parse+stringify of a ~4 KiB activity", c.jsonPerSec, "/s", `DESIGN §8: ≈ ${DESIGN.json}/s`);
  // The node's own processes load Fedify, whose JSON-LD bundle (jsonld/dist/jsonld.esm.js, via
  // @fedify/vocab-runtime) installs core-js polyfills over JSON.stringify and Array.prototype.push
  // process-wide. Shown so the cost is visible next to the raw figure.
  const nativeStringify = JSON.stringify;
  await import("@fedify/vocab");
  const polyfilled = json(ctx.quick ? 500 : 1500);
  info(
    "C-json-fedify",
    "JSON parse+stringify of the same activity once @fedify/vocab is loaded",
    polyfilled,
    "/s",
    `${fmt(c.jsonPerSec / polyfilled)}× slower: core-js (bundled in jsonld's browser build, loaded by @fedify/vocab-runtime) replaces JSON.stringify${JSON.stringify === nativeStringify ? " (not replaced in this run)" : ""}`,
  );
  process.stdout.write(`${CEILINGS_PREFIX}${JSON.stringify(c)}\n`);
}
