// Work for one origin that arrives while earlier work for it is running is done together, in the
// next run: a group commit per origin. The first item of an idle origin waits one turn of the event
// loop (so that items added in the same turn join it) and no longer; later items wait only for the
// run ahead of them. One run per origin at a time, at most `max` items per run.
//
// In a burst (the run ahead held at least `linger.from` items) the next run also waits up to
// `linger.ms` for its batch to fill, and starts at once when `max` items are there. Without it a
// batch held what arrived during one run, about as many as ran in it: a burst of 1,500 hints went as
// ≈ 16 per fetch and transaction, whose fixed costs (a signed GET, the full-text index's flush and the
// WAL's sync at each commit) then weighed on every document. A lone hint never waits.
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

/** How a burst's next run waits for its batch to fill. */
export interface Linger {
  /** A run that held at least this many items means a burst. */
  from: number;
  /** The longest the next run then waits for `max` items (ms). */
  ms: number;
}

export class OriginBatches<T, R> {
  private readonly lines = new Map<string, Waiting<T, R>[]>();
  /** Per origin whose next run is waiting for its batch to fill: ends that wait. */
  private readonly filling = new Map<string, () => void>();

  /** `run` must answer one outcome per item; if it throws, every item of that run fails with the error. */
  constructor(
    private readonly run: (origin: string, items: T[]) => Promise<Outcomes<R>>,
    private readonly max: number,
    private readonly linger: Linger | null = null,
  ) {}

  add(origin: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const line = this.lines.get(origin);
      if (line) {
        line.push({ item, resolve, reject });
        if (line.length >= this.max) this.filling.get(origin)?.();
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
      let ran = 0;
      while (line.length > 0) {
        if (this.linger && ran >= this.linger.from && line.length < this.max) await this.fill(origin, this.linger.ms);
        const batch = line.splice(0, this.max);
        ran = batch.length;
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

  /** Resolves after `ms`, or as soon as the origin's line holds `max` items. */
  private fill(origin: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.filling.delete(origin);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.filling.set(origin, done);
    });
  }
}
