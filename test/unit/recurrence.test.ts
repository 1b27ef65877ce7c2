import { nextRun, parseScheduleExpression, type ScheduleExpression } from '../../functions/domain/recurrence';

function expr(text: string): ScheduleExpression {
  const r = parseScheduleExpression(text);
  if (!r.ok) throw new Error(r.problem);
  return r.expression;
}

const next = (text: string, after: string, zone = 'UTC', extra: { anchor?: string; endAt?: string } = {}) =>
  nextRun(expr(text), new Date(after), {
    zone,
    anchor: new Date(extra.anchor ?? after),
    ...(extra.endAt ? { endAt: new Date(extra.endAt) } : {}),
  })?.toISOString();

describe('EventBridge Scheduler expressions', () => {
  it.each([
    ['cron(0 9 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 9 ? * ? *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 9 ? * MON)', 'must be cron(minutes hours day-of-month month day-of-week year)'],
    ['cron(60 9 ? * MON *)', 'minutes field "60: 60 is not between 0 and 59"'],
    ['cron(0 24 ? * MON *)', 'hours field'],
    ['cron(0 9 ? * FUNDAY *)', 'day-of-week field'],
    ['cron(0 9 32 * ? *)', 'day-of-month field'],
    ['cron(0 9 1 13 ? *)', 'month field'],
    ['cron(0/0 9 1 * ? *)', 'the step must be a whole number of 1 or more'],
    ['cron(5-1 9 1 * ? *)', 'is not a range'],
    ['rate(1 minutes)', 'write rate(1 minute)'],
    ['rate(5 minute)', 'write rate(5 minutes)'],
    ['rate(0 minutes)', 'at least 1'],
    ['rate(2 weeks)', 'must look like rate(5 minutes)'],
    ['every monday', 'must be cron('],
  ])('refuses %s with a reason', (text, problem) => {
    const r = parseScheduleExpression(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });

  it.each([
    'cron(0 9 ? * MON *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(* * * * ? *)',
    'cron(0 12 L * ? *)',
    'cron(0 12 LW * ? *)',
    'cron(0 10 15W * ? *)',
    'cron(0 10 ? * 3#2 *)',
    'cron(0 10 ? * 6L *)',
    'cron(0 9 ? JAN-MAR,DEC SAT,SUN 2026-2030)',
    'rate(1 minute)',
    'rate(12 hours)',
    'rate(1 day)',
  ])('accepts %s', (text) => {
    expect(parseScheduleExpression(text).ok).toBe(true);
  });

  describe('next run', () => {
    it("keeps 09:00 local every Monday across Berlin's changes in late March and late October", () => {
      const monday = 'cron(0 9 ? * MON *)';
      // Before 29 March 2026 Berlin is UTC+1, after it UTC+2; after 25 October UTC+1 again.
      expect(next(monday, '2026-03-20T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-23T08:00:00.000Z');
      expect(next(monday, '2026-03-23T08:00:00Z', 'Europe/Berlin')).toBe('2026-03-30T07:00:00.000Z');
      expect(next(monday, '2026-10-13T12:00:00Z', 'Europe/Berlin')).toBe('2026-10-19T07:00:00.000Z');
      expect(next(monday, '2026-10-19T07:00:00Z', 'Europe/Berlin')).toBe('2026-10-26T08:00:00.000Z');
    });

    it("keeps 08:30 local every day across New York's changes in March and November", () => {
      const daily = 'cron(30 8 * * ? *)';
      expect(next(daily, '2026-03-07T00:00:00Z', 'America/New_York')).toBe('2026-03-07T13:30:00.000Z');
      expect(next(daily, '2026-03-07T13:30:00Z', 'America/New_York')).toBe('2026-03-08T12:30:00.000Z');
      expect(next(daily, '2026-10-31T00:00:00Z', 'America/New_York')).toBe('2026-10-31T12:30:00.000Z');
      expect(next(daily, '2026-10-31T12:30:00Z', 'America/New_York')).toBe('2026-11-01T13:30:00.000Z');
    });

    it('fires a time skipped by the spring change just after it, and a repeated time once', () => {
      const at0230 = 'cron(30 2 * * ? *)';
      // 29 March 2026: 02:30 does not exist in Berlin; it fires at 03:30 local (01:30Z).
      expect(next(at0230, '2026-03-28T12:00:00Z', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
      // 25 October 2026: 02:30 happens twice; the first (00:30Z) only, then the next day.
      expect(next(at0230, '2026-10-24T12:00:00Z', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
      expect(next(at0230, '2026-10-25T00:30:00Z', 'Europe/Berlin')).toBe('2026-10-26T01:30:00.000Z');
    });

    it('reads every minute, steps, month and weekday names', () => {
      expect(next('cron(* * * * ? *)', '2026-11-24T10:00:30Z')).toBe('2026-11-24T10:01:00.000Z');
      expect(next('cron(0/15 8-17 ? * MON-FRI *)', '2026-11-27T17:50:00Z')).toBe('2026-11-30T08:00:00.000Z');
      expect(next('cron(0 9 ? JAN-MAR SAT *)', '2026-11-24T00:00:00Z')).toBe('2027-01-02T09:00:00.000Z');
    });

    it('reads L, W and #', () => {
      expect(next('cron(0 12 L * ? *)', '2026-02-10T00:00:00Z')).toBe('2026-02-28T12:00:00.000Z');
      // 31 October 2026 is a Saturday: the last weekday is Friday the 30th.
      expect(next('cron(0 12 LW * ? *)', '2026-10-01T00:00:00Z')).toBe('2026-10-30T12:00:00.000Z');
      // 15 August 2026 is a Saturday: the nearest weekday is Friday the 14th.
      expect(next('cron(0 10 15W * ? *)', '2026-08-01T00:00:00Z')).toBe('2026-08-14T10:00:00.000Z');
      // The second Tuesday (3 = TUE) of December 2026, and the last Friday (6 = FRI) of November.
      expect(next('cron(0 10 ? * 3#2 *)', '2026-12-01T00:00:00Z')).toBe('2026-12-08T10:00:00.000Z');
      expect(next('cron(0 10 ? * 6L *)', '2026-11-01T00:00:00Z')).toBe('2026-11-27T10:00:00.000Z');
    });

    it('counts rates from their anchor', () => {
      const anchor = '2026-11-24T10:00:00Z';
      expect(next('rate(5 minutes)', '2026-11-24T10:07:00Z', 'UTC', { anchor })).toBe(
        '2026-11-24T10:10:00.000Z',
      );
      expect(next('rate(5 minutes)', '2026-11-24T10:10:00Z', 'UTC', { anchor })).toBe(
        '2026-11-24T10:15:00.000Z',
      );
      expect(next('rate(1 day)', '2026-11-20T00:00:00Z', 'UTC', { anchor })).toBe(
        anchor.replace('Z', '.000Z'),
      );
    });

    it('has no next run past endAt or after the last listed year', () => {
      expect(next('cron(0 0 1 1 ? 2025)', '2026-01-01T00:00:00Z')).toBeUndefined();
      expect(
        next('cron(0 9 ? * MON *)', '2026-11-24T00:00:00Z', 'UTC', { endAt: '2026-11-29T00:00:00Z' }),
      ).toBeUndefined();
      expect(
        next('cron(0 9 ? * MON *)', '2026-11-24T00:00:00Z', 'UTC', { endAt: '2026-12-01T00:00:00Z' }),
      ).toBe('2026-11-30T09:00:00.000Z');
    });
  });
});
