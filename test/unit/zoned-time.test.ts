import { formatInZone, isValidTimeZone, localToInstant } from '../../functions/domain/zoned-time';

describe('local date-times in time zones', () => {
  it.each([
    // Ordinary days on both sides of Europe's changes.
    ['2026-03-28T09:00', 'Europe/Berlin', '2026-03-28T08:00:00.000Z', undefined],
    ['2026-03-30T09:00', 'Europe/Berlin', '2026-03-30T07:00:00.000Z', undefined],
    ['2026-10-24T09:00', 'Europe/Berlin', '2026-10-24T07:00:00.000Z', undefined],
    ['2026-10-26T09:00', 'Europe/Berlin', '2026-10-26T08:00:00.000Z', undefined],
    // 29 March 2026, 02:00 -> 03:00 in Berlin: 02:30 does not exist and moves on by the hour skipped.
    ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z', 'skipped_forward'],
    ['2026-03-29T03:00', 'Europe/Berlin', '2026-03-29T01:00:00.000Z', undefined],
    // 25 October 2026, 03:00 -> 02:00 in Berlin: 02:30 happens twice; the first is meant.
    ['2026-10-25T02:30', 'Europe/Berlin', '2026-10-25T00:30:00.000Z', 'first_of_two'],
    // New York: 8 March 2026 (2:00 -> 3:00) and 1 November 2026 (2:00 -> 1:00).
    ['2026-03-08T09:00', 'America/New_York', '2026-03-08T13:00:00.000Z', undefined],
    ['2026-03-08T02:15', 'America/New_York', '2026-03-08T07:15:00.000Z', 'skipped_forward'],
    ['2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z', 'first_of_two'],
    ['2026-11-02T09:00', 'America/New_York', '2026-11-02T14:00:00.000Z', undefined],
    ['2026-07-01T12:00', 'Asia/Kolkata', '2026-07-01T06:30:00.000Z', undefined],
  ])('%s in %s is %s', (local, zone, iso, adjustment) => {
    const r = localToInstant(local, zone);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.instant.toISOString()).toBe(iso);
      expect(r.adjustment).toBe(adjustment);
    }
  });

  it('refuses unknown zones and malformed times', () => {
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(localToInstant('2026-12-01T09:00', 'Mars/Olympus')).toEqual({
      ok: false,
      problem: expect.stringContaining('unknown time zone'),
    });
    expect(localToInstant('1 Dec, 9am', 'Europe/Berlin')).toEqual({
      ok: false,
      problem: expect.stringContaining('local date-time'),
    });
  });

  it('shows an instant in a zone with its offset', () => {
    expect(formatInZone(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
    expect(formatInZone(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe(
      '2026-11-01T01:30:00-04:00',
    );
    expect(formatInZone(new Date('2026-07-01T06:30:00Z'), 'Asia/Kolkata')).toBe('2026-07-01T12:00:00+05:30');
  });
});
