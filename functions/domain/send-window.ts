/**
 * Quiet hours: a campaign may only reach a recipient between `start` and `end` local time, on `days`.
 * A recipient outside the window waits for its next opening; nobody is failed for the hour of day.
 */
import { isoDate, isValidTimeZone, localDate, localToInstant } from './zoned-time';

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAY_NAMES)[number];

export interface SendWindow {
  /** "09:00": the window opens at this local time... */
  readonly start: string;
  /** ...and closes at this one; an end before the start runs past midnight (22:00-06:00). */
  readonly end: string;
  /** Days on which the window opens; every day when absent. */
  readonly days?: readonly Weekday[];
  /** An IANA zone for everyone, or "recipient": each recipient's own zone. */
  readonly timezone: string;
  /** With "recipient": the zone for recipients whose own zone cannot be told. */
  readonly fallbackTimezone?: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Problems with a window as a user wrote it, each with the field it is about. */
export function checkSendWindow(w: SendWindow): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!HHMM.test(w.start)) problems.push({ field: 'start', message: 'must be a time such as 09:00' });
  if (!HHMM.test(w.end)) problems.push({ field: 'end', message: 'must be a time such as 20:00' });
  if (w.start === w.end)
    problems.push({
      field: 'end',
      message: 'must differ from start (leave sendWindow out to send any time)',
    });
  if (w.days && w.days.length === 0) problems.push({ field: 'days', message: 'name at least one day' });
  if (w.timezone === 'recipient') {
    if (!w.fallbackTimezone) {
      problems.push({
        field: 'fallbackTimezone',
        message:
          'needed with timezone "recipient", for numbers whose country has several time zones and no timezone attribute',
      });
    } else if (!isValidTimeZone(w.fallbackTimezone)) {
      problems.push({ field: 'fallbackTimezone', message: `unknown time zone "${w.fallbackTimezone}"` });
    }
  } else if (!isValidTimeZone(w.timezone)) {
    problems.push({
      field: 'timezone',
      message: `unknown time zone "${w.timezone}" (an IANA name such as Europe/Berlin, or "recipient")`,
    });
  }
  return problems;
}

/**
 * When the window next opens for someone in `zone`, or undefined when it is open at `now`. Days are
 * walked in local time, so a window keeps its local hours across daylight-saving changes.
 */
export function nextOpening(now: Date, w: SendWindow, zone: string): Date | undefined {
  const today = localDate(now, zone);
  const overnight = w.end <= w.start;
  // Yesterday too: an overnight window that opened yesterday may still be open.
  for (let i = -1; i <= 8; i++) {
    const date = new Date(Date.UTC(today.y, today.m - 1, today.d + i));
    if (w.days && !w.days.includes(WEEKDAY_NAMES[date.getUTCDay()]!)) continue;
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    const opens = at(isoDate(y, m, d), w.start, zone);
    const closes = at(isoDate(y, m, overnight ? d + 1 : d), w.end, zone);
    if (now.getTime() >= opens && now.getTime() < closes) return undefined;
    if (opens > now.getTime()) return new Date(opens);
  }
  return undefined;
}

function at(date: string, hhmm: string, zone: string): number {
  const r = localToInstant(`${date}T${hhmm}`, zone);
  if (!r.ok) throw new Error(r.problem);
  return r.instant.getTime();
}

/** When a recipient's window next opens, read in its zone; undefined when it is open now. */
export function recipientOpening(
  now: Date,
  w: SendWindow,
  phone: string,
  attributes: Readonly<Record<string, string>>,
  countryZone: CountryZone,
): Date | undefined {
  return nextOpening(now, w, recipientZone(phone, attributes, w, countryZone).zone);
}

export type ZoneSource = 'contact' | 'country' | 'fallback' | 'campaign';

/** A phone number's country's single clock (domain/phone-zone.ts), passed in so it loads only when used. */
export type CountryZone = (phone: string) => string | undefined;

/**
 * The zone a recipient's window is read in. With a fixed zone, that zone. With "recipient": the contact's
 * `timezone` attribute when it is a valid zone, else the phone number's country when all its zones keep
 * the same clock (Germany, India), else the campaign's fallback (the United States, Brazil, Spain...).
 */
export function recipientZone(
  phone: string,
  attributes: Readonly<Record<string, string>>,
  w: SendWindow,
  countryZone: CountryZone,
): { zone: string; source: ZoneSource } {
  if (w.timezone !== 'recipient') return { zone: w.timezone, source: 'campaign' };
  const own = attributes.timezone?.trim();
  if (own && isValidTimeZone(own)) return { zone: own, source: 'contact' };
  const zone = countryZone(phone);
  if (zone) return { zone, source: 'country' };
  return { zone: w.fallbackTimezone ?? 'UTC', source: 'fallback' };
}
