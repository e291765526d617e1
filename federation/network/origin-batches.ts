// Work for one origin that arrives while earlier work for it is running is done together, in the
// next run: a group commit per origin. The first item of an idle origin waits one turn of the event
// loop (so that items added in the same turn join it) and no longer; later items wait only for the
// run ahead of them. One run per origin at a time, at most `max` items per run.
//
// Used by the mirror inbox (./mirror-inbox.ts): the peer hints that the inbox workers hand over while
// a fetch from that origin is going are fetched in one request and stored in one call of the mirror
// (one transaction on SQLite; on MongoDB the writes follow one another).

/** What a run did with each of its items, in their order: a value, or the error that item fails with. */
export type Outcomes<R> = ({ ok: true; value: R } | { ok: false; error: unknown })[];

interface Waiting<T, R> {
  item: T;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export class OriginBatches<T, R> {
  private readonly lines = new Map<string, Waiting<T, R>[]>();

  /** `run` must answer one outcome per item; if it throws, every item of that run fails with the error. */
  constructor(private readonly run: (origin: string, items: T[]) => Promise<Outcomes<R>>, private readonly max: number) {}

  add(origin: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const line = this.lines.get(origin);
      if (line) {
        line.push({ item, resolve, reject });
        return;
      }
      this.lines.set(origin, [{ item, resolve, reject }]);
      setImmediate(() => void this.drain(origin));
    });
  }

  /** Runs batches while the origin has waiting items; the line ends when it is empty. */
  private async drain(origin: string): Promise<void> {
    const line = this.lines.get(origin)!;
    try {
      while (line.length > 0) {
        const batch = line.splice(0, this.max);
        let outcomes: Outcomes<R>;
        try {
          outcomes = await this.run(origin, batch.map((w) => w.item));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        batch.forEach((w, i) => {
          const o = Array.isArray(outcomes) ? outcomes[i] : undefined;
          if (o?.ok) w.resolve(o.value);
          else w.reject(o ? o.error : new Error("no outcome for this item"));
        });
      }
    } finally {
      // Whatever happened, the origin's line ends here: the next item starts a new one.
      this.lines.delete(origin);
      for (const w of line.splice(0)) w.reject(new Error("the batch line ended before this item ran"));
    }
  }
}
