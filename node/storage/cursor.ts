// Opaque page cursors: base64url JSON of a tag plus the keyset position. Anything that does not
// decode to exactly the expected shape is an InvalidCursorError (a 400), never a SQL error.
import { InvalidCursorError } from "../domain/ports";

const MAX_CURSOR_LENGTH = 500;

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

/** Decodes a cursor that must start with `tag` and continue with values of the given kinds. */
export function decodeCursor(cursor: string, tag: string, kinds: readonly ("int" | "string")[]): (string | number)[] {
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
    const ok = kind === "int" ? Number.isSafeInteger(v) : typeof v === "string" && v.length <= 2048;
    if (!ok) throw new InvalidCursorError();
  });
  return values as (string | number)[];
}
