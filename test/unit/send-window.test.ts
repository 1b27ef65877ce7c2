import { phoneCountryZone } from '../../functions/domain/phone-zone';
import {
  checkSendWindow,
  nextOpening,
  recipientZone,
  type SendWindow,
} from '../../functions/domain/send-window';

const day: SendWindow = { start: '09:00', end: '20:00', timezone: 'Europe/Berlin' };
const opening = (w: SendWindow, at: string, zone = w.timezone) =>
  nextOpening(new Date(at), w, zone)?.toISOString();

describe('quiet hours', () => {
  it('is open inside the window and says when it next opens outside it', () => {
    expect(opening(day, '2026-11-24T10:00:00Z')).toBeUndefined(); // 11:00 in Berlin
    expect(opening(day, '2026-11-24T19:30:00Z')).toBe('2026-11-25T08:00:00.000Z'); // 20:30 -> 09:00
    expect(opening(day, '2026-11-24T05:00:00Z')).toBe('2026-11-24T08:00:00.000Z'); // 06:00 -> 09:00
    expect(opening(day, '2026-11-24T18:59:59Z')).toBeUndefined(); // 19:59:59 still open
    expect(opening(day, '2026-11-24T19:00:00Z')).toBe('2026-11-25T08:00:00.000Z'); // closes at 20:00
  });

  it("keeps local hours across Berlin's changes in late March and late October", () => {
    // Saturday 28 March 20:30 CET; the window opens on Sunday 29 March at 09:00 CEST (07:00Z).
    expect(opening(day, '2026-03-28T19:30:00Z')).toBe('2026-03-29T07:00:00.000Z');
    // Saturday 24 October 20:30 CEST; Sunday 25 October 09:00 CET is 08:00Z.
    expect(opening(day, '2026-10-24T18:30:00Z')).toBe('2026-10-25T08:00:00.000Z');
  });

  it("keeps local hours across New York's changes", () => {
    const ny: SendWindow = { start: '09:00', end: '20:00', timezone: 'America/New_York' };
    expect(opening(ny, '2026-03-08T03:00:00Z')).toBe('2026-03-08T13:00:00.000Z'); // 09:00 EDT
    expect(opening(ny, '2026-11-01T03:00:00Z')).toBe('2026-11-01T14:00:00.000Z'); // 09:00 EST
  });

  it('opens only on the given days', () => {
    const weekdays: SendWindow = { ...day, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    // Saturday 28 November 2026 at noon: waits for Monday 30 November, 09:00 CET.
    expect(opening(weekdays, '2026-11-28T11:00:00Z')).toBe('2026-11-30T08:00:00.000Z');
    expect(opening(weekdays, '2026-11-27T11:00:00Z')).toBeUndefined();
  });

  it('runs an overnight window past midnight', () => {
    const night: SendWindow = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(opening(night, '2026-11-24T23:00:00Z')).toBeUndefined();
    expect(opening(night, '2026-11-25T05:59:00Z')).toBeUndefined();
    expect(opening(night, '2026-11-25T07:00:00Z')).toBe('2026-11-25T22:00:00.000Z');
  });

  describe("each recipient's zone", () => {
    const own: SendWindow = { ...day, timezone: 'recipient', fallbackTimezone: 'America/Chicago' };
    it.each([
      ['+4915112345678', {}, 'Europe/Berlin', 'country'],
      ['+919812345678', {}, 'Asia/Kolkata', 'country'],
      ['+447911123456', {}, 'Europe/London', 'country'],
      // Several zones with different clocks: the contact's attribute, else the campaign's fallback.
      ['+14155550123', {}, 'America/Chicago', 'fallback'],
      ['+14155550123', { timezone: 'America/Los_Angeles' }, 'America/Los_Angeles', 'contact'],
      ['+4915112345678', { timezone: 'Asia/Tokyo' }, 'Asia/Tokyo', 'contact'],
      ['+14155550123', { timezone: 'Mars/Olympus' }, 'America/Chicago', 'fallback'],
      ['+34612345678', {}, 'America/Chicago', 'fallback'],
    ])('%s with %j reads the window in %s (%s)', (phone, attributes, zone, source) => {
      expect(recipientZone(phone, attributes, own, phoneCountryZone)).toEqual({ zone, source });
    });

    it('uses the campaign zone for everyone when one is given', () => {
      expect(recipientZone('+14155550123', { timezone: 'Asia/Tokyo' }, day, phoneCountryZone)).toEqual({
        zone: 'Europe/Berlin',
        source: 'campaign',
      });
    });

    it('defers a US number at 21:00 in its own zone while Berlin is asleep too', () => {
      const zone = recipientZone(
        '+14155550123',
        { timezone: 'America/Los_Angeles' },
        own,
        phoneCountryZone,
      ).zone;
      // 2026-11-24T05:00Z is 21:00 in Los Angeles: opens at 09:00 PST (17:00Z).
      expect(opening(own, '2026-11-24T05:00:00Z', zone)).toBe('2026-11-24T17:00:00.000Z');
    });
  });

  it('names each problem of a window', () => {
    expect(checkSendWindow({ start: '9:00', end: '25:00', timezone: 'Nowhere/Land' })).toEqual([
      { field: 'start', message: 'must be a time such as 09:00' },
      { field: 'end', message: 'must be a time such as 20:00' },
      { field: 'timezone', message: expect.stringContaining('unknown time zone "Nowhere/Land"') },
    ]);
    expect(
      checkSendWindow({ start: '09:00', end: '09:00', timezone: 'recipient' }).map((p) => p.field),
    ).toEqual(['end', 'fallbackTimezone']);
    expect(checkSendWindow({ ...day, days: [] })).toEqual([
      { field: 'days', message: 'name at least one day' },
    ]);
    expect(checkSendWindow(day)).toEqual([]);
  });
});
