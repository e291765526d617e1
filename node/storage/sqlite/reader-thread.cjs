// The SQLite reader thread (background-reader.ts): answers read-only queries on its own connection to
// the store's file, so that a query reading every match (facet counts over 100,000 challenges: up to a
// second) does not hold up the event loop that serves every other request. Plain JavaScript: a worker
// thread does not inherit the main thread's TypeScript loader, and this needs nothing but the driver.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");

// WAL: this connection reads the last commit while the main connection writes.
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${workerData.busyTimeoutMs}`);
const statements = new Map();
const STATEMENT_CACHE_SIZE = 256;

parentPort.on("message", ({ id, sql, params }) => {
  try {
    let st = statements.get(sql);
    if (!st) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    parentPort.postMessage({ id, rows: st.all(...params) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err), code: typeof err?.code === "string" ? err.code : undefined });
  }
});
