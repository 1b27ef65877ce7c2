/**
 * Analytics: what a campaign achieved (GET /api/campaigns/{id}/analytics) and the account's figures per
 * day and template (GET /api/analytics). Both read counters kept as things happen (domain/analytics.ts),
 * never the recipients, so they answer as fast for a million recipients as for ten.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { accountReport, type Figures, LATENCY_BOUNDS_SECONDS } from '../../domain/analytics';
import type { AccountAnalytics } from '../../ports';
import type { CampaignService } from '../../services/campaign-service';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { errorResponse, IdParam, jsonResponse } from '../schemas';

const security = [{ bearerAuth: [] }];
const common = {
  400: errorResponse('Invalid input'),
  401: errorResponse('Missing or invalid API key or session'),
};

const PercentilesSchema = z
  .object({
    count: z.number().int().openapi({ description: 'Recipients measured (both times known)' }),
    p50Seconds: z.number().nullable(),
    p90Seconds: z.number().nullable(),
    p99Seconds: z.number().nullable(),
    buckets: z.array(
      z.object({
        withinSeconds: z
          .number()
          .nullable()
          .openapi({ description: 'Upper bound of the bucket; null for the last (slower than a day)' }),
        count: z.number().int(),
      }),
    ),
  })
  .openapi('LatencyPercentiles', {
    description:
      `Percentiles read off fixed buckets (${LATENCY_BOUNDS_SECONDS.join(', ')} seconds and slower): ` +
      '"p90Seconds: 30" means 90% took at most 30 seconds. null when nothing was measured or the ' +
      'percentile is slower than a day.',
  });

const figureShape = {
  targeted: z.number().int().openapi({ description: 'Recipients the campaign (or the day) had' }),
  skipped: z
    .record(z.string(), z.number().int())
    .openapi({ description: 'Skipped recipients by reason (opted_out, cancelled)' }),
  sent: z.number().int().openapi({ description: 'Accepted by WhatsApp (including those that failed later)' }),
  delivered: z.number().int().openapi({ description: 'Delivered (read ones included)' }),
  read: z.number().int(),
  failed: z.number().int(),
  replied: z.object({ within24h: z.number().int(), within72h: z.number().int() }).openapi({
    description:
      "Recipients who wrote back or tapped a button (not STOP) within 24 and 72 hours of the campaign's message",
  }),
  optedOutWithin7d: z.number().int(),
  heldBackByMeta: z.number().int().openapi({
    description:
      "Held back by Meta's per-user marketing limit (131049) and sent again a day later; not failures",
  }),
  buttons: z
    .array(z.object({ button: z.string(), taps: z.number().int() }))
    .openapi({ description: 'Quick-reply taps by button title; each recipient counts once per button' }),
  failures: z
    .array(
      z.object({
        code: z.string().openapi({ description: "Meta's error code ('none': no answer came back)" }),
        title: z.string(),
        advice: z.string().openapi({ description: 'What to do about it' }),
        count: z.number().int(),
      }),
    )
    .openapi({ description: 'Failed recipients by error code, most first' }),
  timeToDelivered: PercentilesSchema,
  timeToRead: PercentilesSchema,
  pricing: z
    .array(z.object({ category: z.string(), messages: z.number().int() }))
    .openapi({ description: "Messages by Meta's pricing category (marketing, utility, service...)" }),
  billable: z.number().int().openapi({ description: 'Messages Meta said it bills' }),
};

export const CampaignAnalyticsSchema = z
  .object({ campaignId: z.string(), ...figureShape })
  .openapi('CampaignAnalytics');

const DayFiguresSchema = z.object({ day: z.string(), ...figureShape }).openapi('DayFigures');
const TemplateFiguresSchema = z
  .object({ templateId: z.string(), templateName: z.string(), ...figureShape })
  .openapi('TemplateFigures');

export const AccountAnalyticsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    total: z.object(figureShape),
    days: z.array(DayFiguresSchema).openapi({ description: 'Days with any figure, oldest first' }),
    templates: z.array(TemplateFiguresSchema).openapi({ description: 'Templates with any figure' }),
  })
  .openapi('AccountAnalytics');

/** The longest period one request may cover: a quarter, read as 16 queries of at most 92 rows per template. */
export const MAX_ANALYTICS_DAYS = 92;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const AnalyticsQuery = z.object({
  from: z
    .string()
    .regex(DAY, 'must be a date, YYYY-MM-DD')
    .optional()
    .openapi({ description: 'First day (UTC), inclusive; default 29 days before `to`' }),
  to: z
    .string()
    .regex(DAY, 'must be a date, YYYY-MM-DD')
    .optional()
    .openapi({ description: 'Last day (UTC), inclusive; default today' }),
  templateId: z.string().min(1).max(64).optional().openapi({ description: "Only this template's campaigns" }),
});

export const campaignAnalyticsRoute = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/analytics',
  operationId: 'getCampaignAnalytics',
  tags: ['Campaigns'],
  security,
  summary: 'What the campaign achieved: funnel, replies, buttons, opt-outs, failures, latency, pricing',
  description:
    'Kept as counters while the campaign runs. The funnel follows the status counts; replies count ' +
    "a recipient's first message within 72 hours of the campaign's, opt-outs within 7 days. A series " +
    'answers for its latest run.',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(CampaignAnalyticsSchema, 'The figures'),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

export const accountAnalyticsRoute = createRoute({
  method: 'get',
  path: '/api/analytics',
  operationId: 'getAccountAnalytics',
  tags: ['Campaigns'],
  security,
  summary: "The account's campaign figures per day and per template",
  description:
    'Each figure is counted on the day (UTC) it happened: targeted on the day the audience was taken, ' +
    `sent, delivered and read on the day of the status. At most ${MAX_ANALYTICS_DAYS} days per request.`,
  request: { query: AnalyticsQuery },
  responses: {
    200: jsonResponse(AccountAnalyticsSchema, 'The figures'),
    ...common,
  },
});

export interface AnalyticsRouteDeps {
  readonly campaignService: CampaignService;
  readonly analytics: AccountAnalytics;
  readonly now: () => Date;
}

export function registerAnalyticsRoutes(app: OpenAPIHono<AppEnv>, deps: AnalyticsRouteDeps): void {
  app.openapi(campaignAnalyticsRoute, async (c) => {
    const id = c.req.valid('param').id;
    const figures: Figures & { campaignId: string } = await deps.campaignService.analytics(id);
    return c.json(figures, 200);
  });

  app.openapi(accountAnalyticsRoute, async (c) => {
    const q = c.req.valid('query');
    const { from, to } = period(q.from, q.to, deps.now());
    const rows = (await deps.analytics.days(from, to)).filter(
      (r) => q.templateId === undefined || r.templateId === q.templateId,
    );
    return c.json({ from, to, ...accountReport(rows) }, 200);
  });
}

/** The days asked for, checked: real dates, in order, at most MAX_ANALYTICS_DAYS. */
function period(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const end = to ?? now.toISOString().slice(0, 10);
  const endMs = dayMs(end, 'to');
  const start = from ?? new Date(endMs - 29 * 86_400_000).toISOString().slice(0, 10);
  const startMs = dayMs(start, 'from');
  if (startMs > endMs) throw invalid('from', `must not be after to (${end})`);
  const days = (endMs - startMs) / 86_400_000 + 1;
  if (days > MAX_ANALYTICS_DAYS)
    throw invalid('from', `at most ${MAX_ANALYTICS_DAYS} days per request; ${start} to ${end} is ${days}`);
  return { from: start, to: end };
}

function dayMs(day: string, field: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day)
    throw invalid(field, `is not a real date: ${day}`);
  return ms;
}

function invalid(field: string, message: string): ApiError {
  return new ApiError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);
}
