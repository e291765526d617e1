// Sortable, unique sequence values.
//
// StoreSequence: the order of the outbox (activities) and of the feed effects comes from the store,
// not from any process's clock, so web replicas with skewed clocks still relay a challenge's Create
// before its Update. It rests on the one write that is atomic on every server speaking the protocol
// (FerretDB 1.x runs $inc and conditional updates as a read then a write): an insert checked by the
// unique _id. Each allocation reads the highest value taken and inserts the next one; a concurrent
// allocator that took it first makes the insert fail, and we read again. Values are "s" + 15 digits:
// string order is numeric order, and they sort after the clock values of earlier versions (digits),
// so an upgraded database relays what was already pending first.
//
// nextSequence (clock): still used where only uniqueness and rough order within one process matter
// (queue message ids, hub and follower creation order).
import { randomBytes } from "node:crypto";
import type { Collection } from "mongodb";
import { duplicateWriteErrors } from "./connection";

let lastMs = 0;
let counter = 0;

export function nextSequence(): string {
  const now = Date.now();
  if (now > lastMs) { lastMs = now; counter = 0; } else counter++;
  return `${String(lastMs).padStart(15, "0")}${String(counter).padStart(6, "0")}-${randomBytes(4).toString("hex")}`;
}

/** One document per value taken: {_id: "<name>:<15 digits>", at}. */
export interface SequenceDoc { _id: string; at: Date }

const DIGITS = 15;
/** Allocations between two prunes of old values (the highest is always kept). */
const PRUNE_EVERY = 500;
/** Values younger than this are kept: an allocator that read the highest value may still be inserting above it. */
const KEEP_MS = 60 * 60_000;
const MAX_ATTEMPTS = 1000;

export class StoreSequence {
  private allocations = 0;

  constructor(private readonly c: Collection<SequenceDoc>, private readonly name: string) {
    if (name.includes(":") || name.includes(";")) throw new Error(`bad sequence name ${name}`);
  }

  private key(n: number): string {
    return `${this.name}:${String(n).padStart(DIGITS, "0")}`;
  }

  private async highest(): Promise<number> {
    const top = await this.c.find({ _id: { $gt: `${this.name}:`, $lt: `${this.name};` } }, { projection: { _id: 1 } })
      .sort({ _id: -1 }).limit(1).toArray();
    return top[0] ? Number(top[0]._id.slice(this.name.length + 1)) : 0;
  }

  /** The highest value taken so far ("s0" before any): a later next() by any process returns more. */
  async current(): Promise<string> {
    return `s${String(await this.highest()).padStart(DIGITS, "0")}`;
  }

  /** The next value, strictly above every value any process has taken before this call began. */
  async next(): Promise<string> {
    return (await this.nextMany(1))[0]!;
  }

  /**
   * `count` values in order, each strictly above every value taken before it was read, in one read and
   * one insert when no other allocator interferes (a batch of feed effects): the values are inserted in
   * one ordered insertMany, which stops at the first value another allocator took. Those inserted before
   * it are ours; the rest are allocated again above the new highest (read again).
   */
  async nextMany(count: number): Promise<string[]> {
    const out: string[] = [];
    for (let attempt = 0; out.length < count && attempt < MAX_ATTEMPTS; attempt++) {
      const from = (await this.highest()) + 1;
      const wanted = count - out.length;
      const at = new Date();
      let inserted = wanted;
      try {
        await this.c.insertMany(Array.from({ length: wanted }, (_, i) => ({ _id: this.key(from + i), at })), { ordered: true });
      } catch (err) {
        const taken = firstDuplicateIndex(err);
        if (taken === null) throw err;
        inserted = taken;
      }
      for (let i = 0; i < inserted; i++) out.push(`s${String(from + i).padStart(DIGITS, "0")}`);
      const before = this.allocations;
      this.allocations += inserted;
      if (inserted > 0 && Math.floor(before / PRUNE_EVERY) !== Math.floor(this.allocations / PRUNE_EVERY)) void this.prune(from + inserted - 1).catch(() => undefined);
    }
    if (out.length < count) throw new Error(`sequence ${this.name}: no value after ${MAX_ATTEMPTS} attempts`);
    return out;
  }

  private async prune(below: number): Promise<void> {
    await this.c.deleteMany({ _id: { $gt: `${this.name}:`, $lt: this.key(below) }, at: { $lt: new Date(Date.now() - KEEP_MS) } });
  }
}

/** Where an ordered insertMany stopped on a value taken by someone else; null for any other failure. */
function firstDuplicateIndex(err: unknown): number | null {
  const indexes = duplicateWriteErrors(err);
  return indexes && indexes.length > 0 ? Math.min(...indexes) : null;
}
