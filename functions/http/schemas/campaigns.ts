/** Campaigns, their recipients and schedules, and single messages. */
import { z } from '@hono/zod-openapi';
import { RECIPIENT_STATUSES } from '../../domain/recipient-status';
import { WEEKDAY_NAMES } from '../../domain/send-window';
import { VariableName } from './common';

export const CountryCodeSchema = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as DE or US')
  .openapi({ description: 'Country for numbers written without + and country code' });

export const SendAtSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/,
    'must be an ISO 8601 date-time: with an offset (2026-12-01T09:00:00+01:00), or local (2026-12-01T09:00) with a timezone',
  )
  .openapi({ description: 'When to start: an instant with an offset, or a local date-time with `timezone`' });

export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: 'IANA time zone, such as Europe/Berlin, for a local sendAt' });

export const RecurrenceInputSchema = z
  .strictObject({
    cron: z.string().min(1).max(256).optional().openapi({
      description:
        'EventBridge Scheduler cron, read in `timezone`: cron(0 9 ? * MON *) (every Monday 09:00), or just its six fields',
    }),
    rate: z.string().min(1).max(64).optional().openapi({
      description: 'EventBridge Scheduler rate: rate(1 minute), rate(2 hours), rate(7 days)',
    }),
    timezone: TimeZoneSchema.optional().openapi({
      description: 'IANA zone the cron hours are read in (needed with cron; rates ignore it)',
    }),
    startAt: SendAtSchema.optional().openapi({ description: 'No run before this (rates count from it)' }),
    endAt: SendAtSchema.optional().openapi({ description: 'No run after this' }),
  })
  .refine((r) => (r.cron === undefined) !== (r.rate === undefined), {
    message: 'give either cron or rate',
    path: ['cron'],
  })
  .openapi('RecurrenceInput');

export const SendWindowSchema = z
  .strictObject({
    start: z.string().openapi({ example: '09:00', description: 'Local time the window opens' }),
    end: z
      .string()
      .openapi({ example: '20:00', description: 'Local time it closes (before start: overnight)' }),
    days: z
      .array(z.enum(WEEKDAY_NAMES))
      .max(7)
      .optional()
      .openapi({
        description: 'Days it opens (every day when absent)',
        example: ['mon', 'tue', 'wed', 'thu', 'fri'],
      }),
    timezone: z.string().min(1).max(64).openapi({
      description:
        'An IANA zone, or "recipient": each recipient\'s own (contact timezone attribute, else phone country)',
    }),
    fallbackTimezone: TimeZoneSchema.optional().openapi({
      description: 'With "recipient": for numbers whose country has several zones and no timezone attribute',
    }),
  })
  .openapi('SendWindow');

export const RecipientInputSchema = z.strictObject({
  phone: z.string().min(1).max(40),
  variables: z.record(VariableName, z.string().max(1024)).optional(),
});

export const CampaignInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    templateId: z.string().min(1).max(64),
    recipients: z.array(RecipientInputSchema).min(1).max(200_000).optional(),
    lists: z.array(z.string().min(1).max(64)).min(1).max(20).optional().openapi({
      description: 'Send to the members of these lists instead of `recipients`',
    }),
    variables: z.record(VariableName, z.string().max(1024)).optional().openapi({
      description: "Values for every list member, over their contact's attributes",
    }),
    defaultCountry: CountryCodeSchema.optional(),
    sendAt: SendAtSchema.optional(),
    timezone: TimeZoneSchema.optional(),
    recurrence: RecurrenceInputSchema.optional().openapi({
      description:
        'Makes the campaign a series: each firing creates a run sent to the audience as it is then',
    }),
    sendWindow: SendWindowSchema.optional().openapi({
      description: 'Quiet hours: recipients outside the window wait for its next opening',
    }),
  })
  .refine((c) => (c.recipients === undefined) !== (c.lists === undefined), {
    message: 'give either recipients or lists',
    path: ['recipients'],
  })
  .refine((c) => c.sendAt === undefined || c.recurrence === undefined, {
    message: 'give either sendAt (once) or recurrence (a series), not both',
    path: ['recurrence'],
  })
  .openapi('CampaignInput');

export const RescheduleSchema = z
  .strictObject({ sendAt: SendAtSchema, timezone: TimeZoneSchema.optional() })
  .openapi('Reschedule');

export const CountsSchema = z
  .object({
    total: z.number().int(),
    queued: z.number().int(),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  })
  .openapi('CampaignCounts', {
    description: 'Each recipient counts once, under its current status; they add up to total',
  });

export const CampaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(['draft', 'scheduled', 'running', 'paused', 'completed', 'cancelled']),
    template: z.object({ id: z.string(), version: z.number().int(), name: z.string() }),
    counts: CountsSchema,
    duplicatesMerged: z.number().int().optional(),
    usMarketingSkips: z
      .number()
      .int()
      .optional()
      .openapi({
        description:
          'Recipients with United States numbers this marketing campaign skips: Meta does not deliver marketing ' +
          'templates there (SKIP_US_MARKETING=false sends them)',
      }),
    countCorrections: z.number().int().optional(),

    sendAt: z.string().optional().openapi({ description: 'When a scheduled campaign starts, in UTC' }),
    timezone: z.string().optional(),
    sendAtLocal: z.string().optional().openapi({ description: 'sendAt in `timezone`, with its offset' }),
    pauseReason: z.string().optional(),

    audience: z
      .object({
        lists: z.array(z.string()),
        variables: z.record(z.string(), z.string()).optional(),
        estimatedRecipients: z.number().int().optional(),
      })
      .optional()
      .openapi({
        description: 'List campaigns: the lists, taken when the campaign starts (each run, for a series)',
      }),
    sendWindow: SendWindowSchema.optional(),
    waiting: z
      .number()
      .int()
      .openapi({ description: 'Queued recipients waiting for their quiet hours to end' }),
    nextReleaseAt: z.string().optional().openapi({ description: 'When the next waiting recipients go' }),

    recurrence: z
      .object({
        expression: z.string(),
        timezone: z.string(),
        startAt: z.string().optional(),
        endAt: z.string().optional(),
      })
      .optional()
      .openapi({ description: 'A series: its schedule (counts are those of its latest run)' }),
    nextRunAt: z.string().optional().openapi({ description: "A scheduled series' next firing, in UTC" }),
    runCount: z.number().int().optional(),
    lastRunId: z.string().optional(),
    lastRunAt: z.string().optional(),
    seriesId: z.string().optional().openapi({ description: 'A run: the series it belongs to' }),
    runAt: z.string().optional().openapi({ description: 'A run: the firing time it was made for' }),

    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().optional(),
    pausedAt: z.string().optional(),
    completedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
  })
  .openapi('Campaign');

export const SendErrorSchema = z
  .object({
    code: z.union([z.number(), z.string(), z.null()]),
    title: z.string(),
    message: z.string().optional(),
    details: z.string().optional(),
  })
  .openapi('SendError');

export const RecipientSchema = z
  .object({
    phone: z.string(),
    status: z.enum(RECIPIENT_STATUSES),
    variables: z.record(z.string(), z.string()),
    attempts: z.number().int(),
    wamid: z.string().optional(),
    lastError: SendErrorSchema.optional(),
    retryable: z.boolean().optional(),
    skipReason: z.string().optional().openapi({
      description: 'opted_out, cancelled, or us_marketing_paused (a marketing template to a US number)',
    }),
    deferredUntil: z
      .string()
      .optional()
      .openapi({ description: 'Outside its quiet hours: waits (queued) until this time' }),
    sentAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    readAt: z.string().optional(),
    failedAt: z.string().optional(),
    repliedAt: z
      .string()
      .optional()
      .openapi({ description: 'Their first message after this campaign reached them (within 72 hours)' }),
    optedOutAt: z
      .string()
      .optional()
      .openapi({ description: 'When they opted out, within 7 days of this campaign' }),
    buttonsTapped: z
      .array(z.string())
      .optional()
      .openapi({ description: "The campaign message's buttons they tapped, by title" }),
    pricingCategory: z
      .string()
      .optional()
      .openapi({ description: "How Meta billed the message (its statuses' pricing.category)" }),
    billable: z.boolean().optional(),
    heldBackAt: z.string().optional().openapi({
      description:
        'When Meta held the marketing message back (131049): it waits (queued, deferredUntil) a day',
    }),
    deferReason: z.string().optional().openapi({ description: 'meta_131049 when held back by Meta' }),
    updatedAt: z.string(),
  })
  .openapi('Recipient');

export const MessageInputSchema = z
  .strictObject({
    to: z
      .string()
      .min(1)
      .max(160)
      .openapi({ description: 'A phone number, or a business-scoped user id (US.1349...)' }),
    text: z.string().min(1).max(4096).optional(),
    templateId: z.string().min(1).max(64).optional(),
    variables: z.record(z.string(), z.string().max(1024)).default({}),
    defaultCountry: CountryCodeSchema.optional(),
  })
  .refine((m) => (m.text === undefined) !== (m.templateId === undefined), {
    message: 'give either text or templateId (with variables), not both',
    path: ['text'],
  })
  .openapi('MessageInput');

export const MessageSchema = z
  .object({
    id: z.string(),
    to: z.string(),
    status: z.enum(RECIPIENT_STATUSES),
    text: z.string().optional(),
    templateId: z.string().optional(),
    attempts: z.number().int(),
    wamid: z.string().optional(),
    lastError: SendErrorSchema.optional(),
    source: z
      .enum(['api', 'agent', 'ai', 'system'])
      .optional()
      .openapi({ description: 'Who wrote it: the API, an agent, the assistant, or the platform itself' }),
    skipReason: z.string().optional(),
    sentAt: z.string().optional(),
    deliveredAt: z.string().optional(),
    readAt: z.string().optional(),
    failedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Message');
