import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSqliteStore } from "./node/storage/sqlite";
import { challengeDoc, COUNTRIES } from "./bench/lib/documents";
import type { MirrorWrite } from "./node/domain/ports";

async function main() {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "qb-")), "s.db");
  const store = createSqliteStore(file);
  const N = Number(process.env.N ?? 100000);
  for (const country of COUNTRIES) await store.peers.upsert({ origin: `https://${country.toLowerCase()}.b`, country, role: "national", source: "api", addedAt: new Date().toISOString() });
  const t0 = performance.now();
  for (let done = 0; done < N; done += 1000) {
    const writes: MirrorWrite[] = [];
    for (let n = done; n < done + 1000; n++) { const country = COUNTRIES[n % COUNTRIES.length]!; const origin = `https://${country.toLowerCase()}.b`; writes.push({ origin, country, doc: challengeDoc({ origin, hub: `hub${n % 7}`, key: `c${n}`, n, country }) }); }
    await store.mirror.upsertMany(writes);
  }
  console.log("seed docs/s", Math.round(N / ((performance.now() - t0) / 1000)));
  for (const q of [{ q: "hospital" }, { q: "hospital", sort: "deadline" as const }, { q: "solar battery", country: ["IT"] }, { q: "hospitals" }, { q: "zzzrare" }]) {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 15; i++) { const t = performance.now(); const p = await store.challenges.list({ limit: 20, ...q }); times.push(performance.now() - t); n = p.items.length; }
    times.sort((a, b) => a - b);
    console.log(JSON.stringify(q), "items", n, "p50 ms", times[7]!.toFixed(1), "max", times[14]!.toFixed(1), "total", await store.challenges.count({ limit: 20, ...q }));
  }
  await store.close();
}
main();
