/**
 * A campaign's schedule, series and quiet hours as the API receives them, checked before anything is
 * stored: each error is a 422 naming the field (sendAt, recurrence.cron, sendWindow.start...).
 */
import type { z } from '@hono/zod-openapi';
import { nextRun, parseScheduleExpression, type Recurrence } from '../domain/recurrence';
import { checkSendWindow, type SendWindow } from '../domain/send-window';
import { isValidTimeZone, localToInstant } from '../domain/zoned-time';
import { ApiError } from './errors';
import type { RecurrenceInputSchema, SendWindowSchema } from './schemas';

/** sendAt with an offset names an instant; a local sendAt needs a timezone. Errors name the field. */
export function parseSendAt(
  value: string,
  timezone: string | undefined,
  now: Date,
): { at: Date; timezone?: string } {
  const invalid = unprocessable('invalid_send_at');
  if (timezone !== undefined && !isValidTimeZone(timezone)) {
    throw invalid('timezone', `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`);
  }
  const at = toInstant(value, timezone, 'sendAt', invalid);
  if (at.getTime() <= now.getTime()) throw invalid('sendAt', `${value} is in the past`);
  return { at, ...(timezone ? { timezone } : {}) };
}

const unprocessable = (code: string) => (field: string, message: string) =>
  new ApiError(422, code, `${field}: ${message}`, { field });

/** An ISO date-time with an offset, or a local one read in `timezone`. */
function toInstant(
  value: string,
  timezone: string | undefined,
  field: string,
  invalid: (field: string, message: string) => ApiError,
): Date {
  if (/(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) throw invalid(field, `${value} is not a date-time`);
    return at;
  }
  if (timezone === undefined) {
    throw invalid(field, 'a local date-time needs a timezone (or write it with an offset, such as +01:00)');
  }
  const local = localToInstant(value, timezone);
  if (!local.ok) throw invalid(field, local.problem);
  return local.instant;
}

/**
 * Checks a series' schedule as EventBridge Scheduler would, and that it fires at least once; errors
 * name the field (recurrence.cron, recurrence.timezone, recurrence.endAt...).
 */
export function parseRecurrence(input: z.infer<typeof RecurrenceInputSchema>, now: Date): Recurrence {
  const invalid = unprocessable('invalid_recurrence');
  const field = input.cron !== undefined ? 'recurrence.cron' : 'recurrence.rate';
  const raw = (input.cron ?? input.rate ?? '').trim();
  const wrapper = input.cron !== undefined ? 'cron' : 'rate';
  const text = raw.startsWith(`${wrapper}(`) ? raw : `${wrapper}(${raw})`;
  const parsed = parseScheduleExpression(text);
  if (!parsed.ok) throw invalid(field, parsed.problem);
  if (input.cron !== undefined && input.timezone === undefined) {
    throw invalid(
      'recurrence.timezone',
      'needed with cron: the zone its hours are read in, such as Europe/Berlin',
    );
  }
  const zone = input.timezone ?? 'UTC';
  if (!isValidTimeZone(zone))
    throw invalid(
      'recurrence.timezone',
      `unknown time zone "${zone}" (use an IANA name such as Europe/Berlin)`,
    );
  const startAt = input.startAt ? toInstant(input.startAt, zone, 'recurrence.startAt', invalid) : undefined;
  const endAt = input.endAt ? toInstant(input.endAt, zone, 'recurrence.endAt', invalid) : undefined;
  if (endAt && endAt.getTime() <= now.getTime())
    throw invalid('recurrence.endAt', `${input.endAt} is in the past`);
  if (startAt && endAt && endAt.getTime() <= startAt.getTime())
    throw invalid('recurrence.endAt', 'must be after startAt');
  const from = startAt && startAt.getTime() > now.getTime() ? new Date(startAt.getTime() - 1) : now;
  const first = nextRun(parsed.expression, from, {
    zone,
    anchor: startAt ?? now,
    ...(endAt ? { endAt } : {}),
  });
  if (!first)
    throw invalid(field, 'never fires (no matching time in the coming years, or none before endAt)');
  return {
    expression: parsed.expression.text,
    timezone: zone,
    ...(startAt ? { startAt: startAt.toISOString() } : {}),
    ...(endAt ? { endAt: endAt.toISOString() } : {}),
  };
}

/** Checks quiet hours; errors name the field (sendWindow.start, sendWindow.timezone...). */
export function parseSendWindow(input: z.infer<typeof SendWindowSchema>): SendWindow {
  const problems = checkSendWindow(input);
  if (problems.length > 0) {
    throw new ApiError(
      422,
      'invalid_send_window',
      problems.map((p) => `sendWindow.${p.field}: ${p.message}`).join('; '),
      {
        field: `sendWindow.${problems[0]!.field}`,
        problems: problems.map((p) => ({ ...p, field: `sendWindow.${p.field}` })),
      },
    );
  }
  return {
    start: input.start,
    end: input.end,
    timezone: input.timezone,
    ...(input.days ? { days: [...new Set(input.days)] } : {}),
    ...(input.fallbackTimezone ? { fallbackTimezone: input.fallbackTimezone } : {}),
  };
}
