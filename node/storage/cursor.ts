// Opaque page cursors: base64url JSON of a tag plus the keyset position. Anything that does not
// decode to exactly the expected shape is an InvalidCursorError (a 400), never a SQL error.
import { InvalidCursorError } from "../domain/ports";

const MAX_CURSOR_LENGTH = 500;

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

/** Decodes a cursor that must start with `tag` and continue with values of the given kinds. */
export function decodeCursor(cursor: string, tag: string, kinds: readonly ("int" | "number" | "string")[]): (string | number)[] {
  if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length + 1 || parsed[0] !== tag) throw new InvalidCursorError();
  const values = parsed.slice(1);
  kinds.forEach((kind, i) => {
    const v: unknown = values[i];
    const ok = kind === "int" ? Number.isSafeInteger(v)
      : kind === "number" ? typeof v === "number" && Number.isFinite(v)
      : typeof v === "string" && v.length <= 2048;
    if (!ok) throw new InvalidCursorError();
  });
  return values as (string | number)[];
}

/**
 * Listing cursors page both ways: a cursor names a position in the sort order and a direction, "after"
 * it (the next page; tag as given) or "before" it (the previous page; tag + "<"). Both stores read the
 * rows beyond the position in the direction asked, limit + 1 of them, and turn them into a page here.
 */
export interface ListingPosition { back: boolean; key: number; id: string }

/** `key` is an integer (an instant) for the time orders, any finite number (a score) for relevance. */
export function decodeListingCursor(cursor: string, tag: string, key: "int" | "number" = "int"): ListingPosition {
  const kinds = [key, "string"] as const;
  let back = false;
  let parts: (string | number)[];
  try {
    parts = decodeCursor(cursor, tag, kinds);
  } catch {
    parts = decodeCursor(cursor, `${tag}<`, kinds);
    back = true;
  }
  return { back, key: parts[0] as number, id: parts[1] as string };
}

/** A page from rows read beyond `from` (in reverse order when paging back), with cursors to both neighbours. */
export function listingPage<R>(rows: R[], o: { limit: number; tag: string; from: ListingPosition | null; positionOf: (r: R) => [number, string] }):
  { items: R[]; nextCursor: string | null; prevCursor: string | null } {
  const more = rows.length > o.limit;
  const back = o.from?.back ?? false;
  const items = back ? rows.slice(0, o.limit).reverse() : rows.slice(0, o.limit);
  const first = items[0];
  const last = items[items.length - 1];
  const after = (r: R | undefined) => (r ? encodeCursor([o.tag, ...o.positionOf(r)]) : null);
  const before = (r: R | undefined) => (r ? encodeCursor([`${o.tag}<`, ...o.positionOf(r)]) : null);
  if (!back) {
    // Reached from a cursor, there is at least the row at that position before this page.
    return { items, nextCursor: more ? after(last) : null, prevCursor: o.from ? before(first) : null };
  }
  // Paging back from a position, the row at that position comes after this page.
  return { items, nextCursor: after(last), prevCursor: more ? before(first) : null };
}
