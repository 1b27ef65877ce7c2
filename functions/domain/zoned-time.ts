/**
 * Local date-times in IANA time zones, with the daylight-saving edge cases decided explicitly:
 * a time that does not exist (clocks jump forward) moves forward by the jump; a time that happens twice
 * (clocks fall back) means the first of the two. Only Intl is used: no time-zone database to ship.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock time in `zone` at instant `utcMs`, encoded as if it were UTC. */
function wallClock(utcMs: number, zone: string): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(utcMs))
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
}

/** The zone's offset from UTC (ms, east positive) at instant `utcMs`. */
export function offsetAt(utcMs: number, zone: string): number {
  return wallClock(utcMs, zone) - Math.floor(utcMs / 1000) * 1000;
}

/** The calendar date in `zone` at an instant: year, month (1-12), day, and weekday (0 = Sunday). */
export function localDate(instant: Date, zone: string): { y: number; m: number; d: number; weekday: number } {
  const wall = new Date(wallClock(instant.getTime(), zone));
  return {
    y: wall.getUTCFullYear(),
    m: wall.getUTCMonth() + 1,
    d: wall.getUTCDate(),
    weekday: wall.getUTCDay(),
  };
}

/** "2026-03-29" for a calendar date (month 1-12); days past the month's end roll over. */
export function isoDate(y: number, m: number, d: number): string {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

export type ZonedResult =
  | { readonly ok: true; readonly instant: Date; readonly adjustment?: 'skipped_forward' | 'first_of_two' }
  | { readonly ok: false; readonly problem: string };

/** Converts "2026-03-29T09:00" in `zone` to the instant it names. */
export function localToInstant(local: string, zone: string): ZonedResult {
  const m = LOCAL.exec(local);
  if (!m) return { ok: false, problem: 'must be a local date-time such as 2026-12-01T09:00' };
  if (!isValidTimeZone(zone))
    return { ok: false, problem: `unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)` };
  const wall = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
  // Offsets on either side of any transition near this time: every valid reading uses one of them.
  const before = wall - offsetAt(wall - 12 * 3600_000, zone);
  const after = wall - offsetAt(wall + 12 * 3600_000, zone);
  const valid = [...new Set([before, after])]
    .filter((t) => wallClock(t, zone) === wall)
    .sort((a, b) => a - b);
  if (valid.length === 2) return { ok: true, instant: new Date(valid[0]!), adjustment: 'first_of_two' };
  if (valid.length === 1) return { ok: true, instant: new Date(valid[0]!) };
  // In the gap of a spring-forward: the offset from before the jump lands just as far after it.
  return { ok: true, instant: new Date(before), adjustment: 'skipped_forward' };
}

/** "2026-03-29T03:30:00+02:00": the instant as a wall-clock time in `zone`, with its offset. */
export function formatInZone(instant: Date, zone: string): string {
  const wall = wallClock(instant.getTime(), zone);
  const offsetMinutes = Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${new Date(wall).toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}
