// Dates as editors type them: a wall-clock time in a named time zone (what <input type="datetime-local">
// gives), turned into RFC 3339 with the offset that zone has at that instant (summer time included),
// and back. The challenge keeps the offset, so readers see the time the authority meant.

/** Minutes east of UTC that `timeZone` has at the instant `utcMs`. */
function offsetMinutes(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Math.round((Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - utcMs) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** "2027-01-29T12:00" in Europe/Berlin → "2027-01-29T12:00:00+01:00"; null when it is not such a value. */
export function localToIso(local: string, timeZone: string): string | null {
  const m = LOCAL_RE.exec(local);
  if (!m || !isTimeZone(timeZone)) return null;
  const naive = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  if (Number.isNaN(naive) || new Date(naive).getUTCDate() !== +m[3]!) return null;
  // Two passes: the offset at the guessed instant, then at the instant it gives (DST boundaries).
  let offset = offsetMinutes(naive - offsetMinutes(naive, timeZone) * 60_000, timeZone);
  offset = offsetMinutes(naive - offset * 60_000, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An RFC 3339 instant as the wall-clock time of `timeZone` ("YYYY-MM-DDTHH:MM"), or "" when absent. */
export function isoToLocal(iso: string | undefined, timeZone: string): string {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms) || !isTimeZone(timeZone)) return "";
  const d = new Date(ms + offsetMinutes(ms, timeZone) * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
