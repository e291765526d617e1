// Sortable, unique sequence values: the insertion order that SQLite gets from AUTOINCREMENT.
// MongoDB has no counter that is atomic on every server speaking its protocol ($inc is a read and
// a write on FerretDB 1.x), so the order comes from the clock: milliseconds and a per-process
// counter, zero-padded so string order is numeric order, plus a random tail that keeps two
// processes in the same millisecond apart. Within one process the values strictly increase.
import { randomBytes } from "node:crypto";

let lastMs = 0;
let counter = 0;

export function nextSequence(): string {
  const now = Date.now();
  if (now > lastMs) { lastMs = now; counter = 0; } else counter++;
  return `${String(lastMs).padStart(15, "0")}${String(counter).padStart(6, "0")}-${randomBytes(4).toString("hex")}`;
}
