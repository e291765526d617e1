// Connecting to MongoDB (or anything speaking its wire protocol, e.g. FerretDB in the tests) and
// what the rest of the adapter needs to know about errors and server capabilities.
import { MongoClient, type Db } from "mongodb";

export const DEFAULT_DATABASE = "ipn";

/**
 * The database named in the URL path ("mongodb://h1,h2/ipn_prod?replicaSet=rs"), or "ipn".
 * The authority may list several hosts, so this is not a WHATWG URL; credentials are
 * percent-encoded and never contain "/".
 */
export function databaseName(url: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/[^/?#]*(?:\/([^?#]*))?/i.exec(url.trim());
  if (!m) throw new Error(`not a MongoDB URL: ${redact(url)}`);
  const name = decodeURIComponent(m[1] ?? "");
  if (name === "") return DEFAULT_DATABASE;
  if (/[/\\. "$*<>:|?]/.test(name) || name.includes("\0") || name.length > 63) throw new Error(`invalid MongoDB database name "${name}"`);
  return name;
}

/** The URL without its password, for error messages. */
export function redact(url: string): string {
  return url.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}

export async function connect(url: string, opts: { serverSelectionTimeoutMs?: number } = {}): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(url, {
    // "a 202 means stored": a write is acknowledged once a majority has it in the journal.
    writeConcern: { w: "majority", j: true },
    serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs ?? 10_000,
    // Never stamp our own name on documents or switch off retries: the defaults are what we test.
  });
  try {
    await client.connect();
    const db = client.db(databaseName(url));
    await db.command({ ping: 1 });
    return { client, db };
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`cannot reach MongoDB at ${redact(url)}: ${(err as Error).message}`);
  }
}

/** E11000: a unique index refused the write. (FerretDB does not say which index; callers find out.) */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] } | null;
  return e?.code === 11000 || (Array.isArray(e?.writeErrors) && e.writeErrors.some((w) => w.code === 11000));
}

/** The indexes of the failed writes of a bulk write (insertMany, bulkWrite) when every failure was a duplicate key; else null. */
export function duplicateWriteErrors(err: unknown): number[] | null {
  const e = err as { writeErrors?: unknown } | null;
  const list = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : null;
  if (!list || list.length === 0) return null;
  const failures = list as { code?: unknown; index?: unknown }[];
  if (!failures.every((w) => w.code === 11000 && typeof w.index === "number")) return null;
  return failures.map((w) => w.index as number);
}

/** The server does not implement an option or stage (FerretDB: code 238 NotImplemented). */
export function isNotImplemented(err: unknown): boolean {
  const e = err as { code?: unknown; codeName?: unknown; message?: unknown } | null;
  return e?.code === 238 || e?.codeName === "NotImplemented" || (typeof e?.message === "string" && /not implemented/i.test(e.message));
}
