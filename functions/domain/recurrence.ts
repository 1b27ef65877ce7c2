/**
 * EventBridge Scheduler's recurring expressions, `rate(...)` and `cron(...)`: checked as Scheduler checks
 * them (so a bad one is refused by the API with its reason, not by AWS later) and evaluated in an IANA
 * zone (so the API can say when a series runs next and the local runtime can fire it). Scheduler's cron
 * dialect (six fields ending in a year, `?` in one of the day fields, 1 = Sunday, L, W and #) is not the
 * Unix one that cron libraries implement, which is why it is evaluated here.
 */
import { isoDate, localDate, localToInstant, offsetAt } from './zoned-time';

/** A series' schedule as stored: a canonical expression, its zone, and optional bounds (UTC instants). */
export interface Recurrence {
  readonly expression: string;
  readonly timezone: string;
  readonly startAt?: string;
  readonly endAt?: string;
}

type DayTest = (y: number, m: number, d: number, weekday: number) => boolean;

export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly everyMs: number; readonly text: string }
  | {
      readonly kind: 'cron';
      readonly text: string;
      readonly minutes: readonly number[];
      readonly hours: readonly number[];
      readonly months: ReadonlySet<number>;
      readonly years: ReadonlySet<number> | 'any';
      readonly day: DayTest;
    };

export type ExpressionResult =
  | { readonly ok: true; readonly expression: ScheduleExpression }
  | { readonly ok: false; readonly problem: string };

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MAX_YEAR = 2199;

/** `rate(5 minutes)`: a positive whole number; the unit singular for 1 and plural otherwise, as Scheduler wants. */
export function parseRate(text: string): ExpressionResult {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text.trim());
  if (!m) return { ok: false, problem: 'must look like rate(5 minutes), rate(1 hour) or rate(2 days)' };
  const value = Number(m[1]);
  const unit = m[2]!;
  if (value < 1) return { ok: false, problem: 'the rate must be at least 1' };
  const singular = unit.replace(/s$/, '');
  if ((value === 1) !== (unit === singular)) {
    return {
      ok: false,
      problem: value === 1 ? `write rate(1 ${singular})` : `write rate(${value} ${singular}s)`,
    };
  }
  return {
    ok: true,
    expression: { kind: 'rate', everyMs: value * RATE_UNITS[singular]!, text: `rate(${value} ${unit})` },
  };
}

/** `cron(minutes hours day-of-month month day-of-week year)`, EventBridge style. */
export function parseCron(text: string): ExpressionResult {
  const m = /^cron\((.*)\)$/.exec(text.trim());
  const fields = (m ? m[1]! : '').trim().split(/\s+/);
  if (!m || fields.length !== 6) {
    return {
      ok: false,
      problem:
        'must be cron(minutes hours day-of-month month day-of-week year), for example cron(0 9 ? * MON *)',
    };
  }
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const fail = (field: string, problem: string): ExpressionResult => ({
    ok: false,
    problem: `${field} field "${problem}"`,
  });
  const minutes = parseList(min, 0, 59);
  if (typeof minutes === 'string') return fail('minutes', minutes);
  const hours = parseList(hour, 0, 23);
  if (typeof hours === 'string') return fail('hours', hours);
  const months = parseList(month, 1, 12, MONTHS, 1);
  if (typeof months === 'string') return fail('month', months);
  let years: Set<number> | 'any' = 'any';
  if (year !== '*') {
    const list = parseList(year, 1970, MAX_YEAR);
    if (typeof list === 'string') return fail('year', list);
    years = new Set(list);
  }
  if ((dom === '?') === (dow === '?')) {
    return {
      ok: false,
      problem: 'exactly one of day-of-month and day-of-week must be ? (for example cron(0 9 * * ? *))',
    };
  }
  const day = dom === '?' ? parseWeekdays(dow) : parseMonthDays(dom);
  if (typeof day === 'string') return fail(dom === '?' ? 'day-of-week' : 'day-of-month', day);
  return {
    ok: true,
    expression: {
      kind: 'cron',
      text: `cron(${fields.join(' ')})`,
      minutes,
      hours,
      months: new Set(months),
      years,
      day,
    },
  };
}

export function parseScheduleExpression(text: string): ExpressionResult {
  return text.trim().startsWith('rate(') ? parseRate(text) : parseCron(text);
}

/**
 * The first firing strictly after `after`, or undefined when there is none (a year list in the past, or
 * past `endAt`). Rates count from `anchor` (the series' start); crons are read in `zone`, so 09:00 stays
 * 09:00 local across daylight-saving changes (a time skipped by the change fires just after it).
 */
export function nextRun(
  expression: ScheduleExpression,
  after: Date,
  options: { zone: string; anchor: Date; endAt?: Date },
): Date | undefined {
  const next =
    expression.kind === 'rate'
      ? nextRate(expression.everyMs, after, options.anchor)
      : nextCron(expression, after, options.zone);
  if (!next || (options.endAt && next.getTime() > options.endAt.getTime())) return undefined;
  return next;
}

function nextRate(everyMs: number, after: Date, anchor: Date): Date {
  if (after.getTime() < anchor.getTime()) return anchor;
  const k = Math.floor((after.getTime() - anchor.getTime()) / everyMs) + 1;
  return new Date(anchor.getTime() + k * everyMs);
}

function nextCron(
  cron: Extract<ScheduleExpression, { kind: 'cron' }>,
  after: Date,
  zone: string,
): Date | undefined {
  const start = localDate(after, zone);
  // Eight years of days bounds the search; an expression with nothing in them has no next run.
  for (let i = 0; i < 366 * 8; i++) {
    const date = new Date(Date.UTC(start.y, start.m - 1, start.d + i));
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    if (cron.years !== 'any' && y > Math.max(...cron.years)) return undefined;
    if (y > MAX_YEAR) return undefined;
    if (cron.years !== 'any' && !cron.years.has(y)) continue;
    if (!cron.months.has(m) || !cron.day(y, m, d, date.getUTCDay())) continue;
    const found = earliestOnDay(cron, y, m, d, zone, after.getTime());
    if (found !== undefined) return new Date(found);
  }
  return undefined;
}

function earliestOnDay(
  cron: Extract<ScheduleExpression, { kind: 'cron' }>,
  y: number,
  m: number,
  d: number,
  zone: string,
  afterMs: number,
): number | undefined {
  const dayWall = Date.UTC(y, m - 1, d);
  // The local day lies within these instants whatever the zone; one offset for both ends means no change.
  const offset = offsetAt(dayWall - 14 * 3_600_000, zone);
  const uniform = offset === offsetAt(dayWall + 38 * 3_600_000, zone);
  let best: number | undefined;
  for (const h of cron.hours) {
    for (const mi of cron.minutes) {
      const at = uniform ? dayWall + h * 3_600_000 + mi * 60_000 - offset : zonedMs(y, m, d, h, mi, zone);
      if (at > afterMs && (best === undefined || at < best)) {
        best = at;
        // Without a change that day the instants rise with the fields: the first one is the earliest.
        if (uniform) return best;
      }
    }
  }
  return best;
}

function zonedMs(y: number, m: number, d: number, h: number, mi: number, zone: string): number {
  const local = `${isoDate(y, m, d)}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
  const r = localToInstant(local, zone);
  if (!r.ok) throw new Error(r.problem);
  return r.instant.getTime();
}

/** A comma list of values, ranges and steps (`*`, `5`, `1-5`, `0/15`, `*\/10`, `MON-FRI`), sorted. */
function parseList(
  text: string,
  min: number,
  max: number,
  names?: readonly string[],
  nameBase = 0,
): number[] | string {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') return `${text}: malformed`;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return `${text}: the step must be a whole number of 1 or more`;
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = value(a ?? '', min, max, names, nameBase);
      hi = value(b ?? '', min, max, names, nameBase);
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi)
        return `${text}: ${range} is not a range within ${min}-${max}`;
    } else {
      lo = value(range, min, max, names, nameBase);
      if (Number.isNaN(lo)) return `${text}: ${range} is not between ${min} and ${max}`;
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function value(text: string, min: number, max: number, names?: readonly string[], nameBase = 0): number {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + nameBase;
  if (!/^\d+$/.test(text)) return Number.NaN;
  const n = Number(text);
  return n >= min && n <= max ? n : Number.NaN;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function weekdayOf(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The weekday nearest to day `n` of the month, without leaving the month (Quartz's `nW`). */
function nearestWeekday(y: number, m: number, n: number): number {
  const last = daysIn(y, m);
  const day = Math.min(n, last);
  const wd = weekdayOf(y, m, day);
  if (wd === 6) return day === 1 ? 3 : day - 1;
  if (wd === 0) return day === last ? day - 2 : day + 1;
  return day;
}

function parseMonthDays(text: string): DayTest | string {
  if (text === 'L') return (y, m, d) => d === daysIn(y, m);
  if (text === 'LW') {
    return (y, m, d) => {
      const last = daysIn(y, m);
      const wd = weekdayOf(y, m, last);
      return d === (wd === 6 ? last - 1 : wd === 0 ? last - 2 : last);
    };
  }
  const w = /^(\d{1,2})W$/.exec(text);
  if (w) {
    const n = Number(w[1]);
    if (n < 1 || n > 31) return `${text}: the day must be between 1 and 31`;
    return (y, m, d) => d === nearestWeekday(y, m, n);
  }
  const days = parseList(text, 1, 31);
  if (typeof days === 'string') return days;
  const set = new Set(days);
  return (_y, _m, d) => set.has(d);
}

function parseWeekdays(text: string): DayTest | string {
  // Scheduler numbers the week 1 (SUN) to 7 (SAT); Date's getUTCDay counts 0 (Sunday) to 6.
  const nth = /^([1-7]|[A-Za-z]{3})#([1-5])$/.exec(text);
  if (nth) {
    const wd = value(nth[1]!, 1, 7, WEEKDAYS, 1) - 1;
    if (Number.isNaN(wd)) return `${text}: unknown weekday`;
    const k = Number(nth[2]);
    return (_y, _m, d, weekday) => weekday === wd && Math.ceil(d / 7) === k;
  }
  const last = /^([1-7]|[A-Za-z]{3})?L$/.exec(text);
  if (last) {
    const wd = last[1] === undefined ? 6 : value(last[1], 1, 7, WEEKDAYS, 1) - 1;
    if (Number.isNaN(wd)) return `${text}: unknown weekday`;
    return (y, m, d, weekday) => weekday === wd && d + 7 > daysIn(y, m);
  }
  const days = parseList(text, 1, 7, WEEKDAYS, 1);
  if (typeof days === 'string') return days;
  const set = new Set(days.map((n) => n - 1));
  return (_y, _m, _d, weekday) => set.has(weekday);
}
