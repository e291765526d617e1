// How queued messages are serialised for storage (issue 13, ADR 0020). A fan-out puts one message per
// inbox on the outbox lane, and each carries the same signed activity and the sender's keys (≈ 12 KiB,
// the same objects by reference). Serialised whole, a fan-out to 50 inboxes wrote 600 KiB to the
// queue's table and the same again to delete it. Here a batch serialises each object value once, and
// the fields that several of its messages hold by reference become one shared part, stored once by a
// store that can (SQLite: fedify_mq_parts); each message keeps only its own fields.

/** The fields several messages of one batch hold by reference, as one JSON object: `{"activity":…,"keys":…}`. */
export interface SharedPart { readonly json: string }

/** A serialized message and its ordering key, as stored. */
export interface QueuedRow {
  /**
   * The message's JSON. With `shared`, only its own fields, written as the end of an object that
   * continues the shared part's: `,"inbox":…}` (or `}`). On its own that is not JSON, on purpose: a
   * process of an earlier version reading the row (a rolling update) fails to parse it and hands the
   * message back, instead of delivering half of it.
   */
  message: string;
  orderingKey: string | null;
  shared?: SharedPart;
}

/** The whole message of a row, as enqueued. */
export function inlined(row: { message: string; shared?: SharedPart | null }): string {
  return row.shared ? row.shared.json.slice(0, -1) + row.message : row.message;
}

type JsonObject = Record<string, unknown>;

/**
 * Shared parts as parsed objects, by their store's part id, for the process that hands their messages
 * to handlers. A fan-out's part (≈ 12 KiB) was read and parsed again for each of its messages: in P1's
 * profile, a fifth of the queue's CPU and most of the garbage it made. A part id is never reused and a
 * part never changes, so an entry never goes stale; the newest `limit` are kept.
 *
 * Every message of the fan-out then holds the same objects, so they are frozen: a handler that changed
 * one would change it for all the others; frozen, the change does not happen, and in strict code (ours,
 * Fedify's) it throws where it is made. Each message itself is a new object: its own fields, over the part's.
 */
export class ParsedParts {
  private readonly parsed = new Map<number, Readonly<JsonObject>>();

  constructor(private readonly limit = 32) {}

  /** The part, parsed; `read` gives its text when it is not held here (null: the part is missing). */
  get(id: number, read: () => string | null): Readonly<JsonObject> | null {
    let part = this.parsed.get(id);
    if (part === undefined) {
      const json = read();
      if (json === null) return null;
      part = deepFreeze(JSON.parse(json) as JsonObject);
      if (this.parsed.size >= this.limit) this.parsed.delete(this.parsed.keys().next().value!);
      this.parsed.set(id, part);
    }
    return part;
  }
}

/** A row's whole message: its own fields (`,"inbox":…}` or `}`, see QueuedRow) over its parsed part. */
export function joined(own: string, shared: Readonly<JsonObject>): JsonObject {
  return own === "}" ? { ...shared } : { ...shared, ...(JSON.parse(`{${own.slice(1)}`) as JsonObject) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Below this size a value shared by reference is cheaper to repeat than to store apart. */
const MIN_SHARED_CHARS = 1024;

interface Field { name: string; json: string; value: object | null }
interface Pending { fields: Field[] | string; orderingKey: string | null }

/**
 * The messages of one batch (one enqueueMany, or the enqueues of one turn stored together). Each is
 * serialised when added, so a message that cannot be (a cycle, a BigInt) fails its own caller. An
 * object value is serialised the first time the batch meets it: a caller that changes an object between
 * two enqueues of the same turn must pass a copy (Fedify and the relay build each fan-out from values
 * they no longer change).
 */
export class RowBatch {
  private readonly pending: Pending[] = [];
  private readonly json = new Map<object, string>();
  private readonly uses = new Map<object, number>();

  get size(): number {
    return this.pending.length;
  }

  add(message: unknown, orderingKey: string | null): void {
    if (!isPlainObject(message)) {
      this.pending.push({ fields: JSON.stringify(message) ?? "null", orderingKey });
      return;
    }
    const fields: Field[] = [];
    for (const name of Object.keys(message)) {
      const value = message[name];
      if (typeof value === "object" && value !== null) {
        let json = this.json.get(value);
        if (json === undefined) {
          json = JSON.stringify(value) as string;
          this.json.set(value, json);
        }
        this.uses.set(value, (this.uses.get(value) ?? 0) + 1);
        fields.push({ name, json, value });
      } else {
        const json = JSON.stringify(value) as string | undefined;
        // Left out, as JSON.stringify leaves out an undefined, a function or a symbol.
        if (json !== undefined) fields.push({ name, json, value: null });
      }
    }
    this.pending.push({ fields, orderingKey });
  }

  /** Forgets the messages added after the first `size` (a caller's that failed part-way). */
  truncate(size: number): void {
    this.pending.length = Math.min(size, this.pending.length);
  }

  /** The rows to store, in the order added; messages that hold the same large values share one part. */
  rows(): QueuedRow[] {
    const parts = new Map<string, SharedPart>();
    const ids = new Map<object, number>();
    const idOf = (value: object) => {
      let id = ids.get(value);
      if (id === undefined) {
        id = ids.size;
        ids.set(value, id);
      }
      return id;
    };
    return this.pending.map(({ fields, orderingKey }) => {
      if (typeof fields === "string") return { message: fields, orderingKey };
      const isShared = (f: Field) => f.value !== null && f.json.length >= MIN_SHARED_CHARS && this.uses.get(f.value)! > 1;
      const shared = fields.filter(isShared);
      if (shared.length === 0) return { message: objectOf(fields), orderingKey };
      const key = shared.map((f) => `${f.name}\u0000${idOf(f.value!)}`).join("\u0000");
      let part = parts.get(key);
      if (!part) {
        part = { json: objectOf(shared) };
        parts.set(key, part);
      }
      const own = fields.filter((f) => !isShared(f));
      return { message: own.length ? `,${objectOf(own).slice(1)}` : "}", orderingKey, shared: part };
    });
  }
}

function objectOf(fields: readonly Field[]): string {
  return `{${fields.map((f) => `${JSON.stringify(f.name)}:${f.json}`).join(",")}}`;
}

/** An object JSON.stringify writes field by field: no toJSON of its own, no prototype beyond Object's. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}
