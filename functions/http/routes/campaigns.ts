import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { RecipientRecord } from '../../domain/campaign';
import { recipientsCsv } from '../../domain/on-demand';
import type { RecipientInput } from '../../domain/recipients';
import { nextRun, parseScheduleExpression, type Recurrence } from '../../domain/recurrence';
import { checkSendWindow, type SendWindow } from '../../domain/send-window';
import { formatInZone, isValidTimeZone, localToInstant } from '../../domain/zoned-time';
import type { RecipientStore } from '../../ports';
import type { CampaignService, CampaignView } from '../../services/campaign-service';
import type { AppEnv } from '../app-env';
import { defaultCountryOf } from '../default-country';
import { ApiError } from '../errors';

import {
  CampaignInputSchema,
  CampaignSchema,
  describedQuery,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  ListQuery,
  RecipientSchema,
  type RecurrenceInputSchema,
  RescheduleSchema,
  SendAtSchema,
  type SendWindowSchema,
  TimeZoneSchema,
} from '../schemas';

const tags = ['Campaigns'];
const security = [{ bearerAuth: [] }];
const common = { 400: errorResponse('Invalid request'), 401: errorResponse('Missing or invalid API key') };

export const MAX_CSV_BYTES = 10 * 1024 * 1024;

const CsvQuery = z.object({
  name: z.string().trim().min(1).max(200),
  templateId: z.string().min(1).max(64),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  sendAt: SendAtSchema.optional(),
  timezone: TimeZoneSchema.optional(),
});

const createCampaign = createRoute({
  method: 'post',
  path: '/api/campaigns',
  operationId: 'createCampaign',
  tags,
  security,
  summary:
    'Create a campaign from JSON recipients, or from CSV (Content-Type: text/csv, header phone,<variable>,...)',
  description:
    'For CSV, pass name and templateId (and optionally defaultCountry, sendAt, timezone) as query parameters; up to 10 MB. ' +
    'Any invalid row rejects the whole request with 422 listing every bad row; nothing is stored.',
  parameters: describedQuery(CsvQuery, 'For a text/csv body only (a JSON body carries it inside)'),
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: CampaignInputSchema },
        'text/csv': { schema: z.string().openapi({ example: 'phone,customerName\n+4915112345678,Anna' }) },
      },
    },
  },
  responses: {
    201: jsonResponse(CampaignSchema, 'Created (draft, or scheduled when sendAt is given)'),
    ...common,
    404: errorResponse('No such template'),
    422: errorResponse('Some recipients are invalid (all listed), or sendAt is in the past'),
  },
});

const listCampaigns = createRoute({
  method: 'get',
  path: '/api/campaigns',
  operationId: 'listCampaigns',
  tags,
  security,
  summary: 'List campaigns, newest first',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(CampaignSchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...common,
  },
});

const getCampaign = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}',
  operationId: 'getCampaign',
  tags,
  security,
  summary: 'Get a campaign with live counts',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(CampaignSchema, 'The campaign'),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

const rescheduleCampaign = createRoute({
  method: 'patch',
  path: '/api/campaigns/{id}',
  operationId: 'rescheduleCampaign',
  tags,
  security,
  summary: "Set or move a draft or scheduled campaign's start (the schedule moves with it)",
  request: { params: IdParam, body: jsonBody(RescheduleSchema) },
  responses: {
    200: jsonResponse(CampaignSchema, 'Scheduled'),
    ...common,
    404: errorResponse('No such campaign'),
    409: errorResponse('Already started, completed or cancelled'),
    422: errorResponse('sendAt in the past, or an unknown time zone'),
  },
});

const listRuns = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/runs',
  operationId: 'listCampaignRuns',
  tags,
  security,
  summary:
    "A recurring campaign's runs, newest first (each is a campaign with its own recipients and counts)",
  request: { params: IdParam, query: ListQuery },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(CampaignSchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

const listRecipients = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/recipients',
  operationId: 'listCampaignRecipients',
  tags,
  security,
  summary: "A campaign's recipients with status, wamid, attempts and last error",
  request: {
    params: IdParam,
    query: ListQuery.extend({
      status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed', 'skipped']).optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({ items: z.array(RecipientSchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

const RetryResultSchema = z
  .object({ ...CampaignSchema.shape, requeued: z.number().int().min(0) })
  .openapi('CampaignRetry');

const ACTIONS = ['start', 'pause', 'resume', 'cancel', 'retry', 'recount'] as const;
type Action = (typeof ACTIONS)[number];

const actionRoute = (action: Action, summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/campaigns/{id}/${action}`,
    operationId: `${action}Campaign`,
    tags,
    security,
    summary,
    request: { params: IdParam },
    responses: {
      200:
        action === 'retry'
          ? jsonResponse(RetryResultSchema, 'The campaign, and how many recipients were queued again')
          : jsonResponse(CampaignSchema, 'The campaign after the action'),
      ...common,
      404: errorResponse('No such campaign'),
      409: errorResponse('Not allowed in the current state (details.state says which)'),
    },
  });

const SUMMARIES: Record<Action, string> = {
  start: 'Start sending now (a scheduled campaign starts early)',
  pause: 'Stop sending; nothing more goes out until resumed',
  resume: 'Continue a paused campaign where it stopped',
  cancel: 'Cancel for good: nothing more is sent, waiting recipients become skipped',
  retry: 'Re-send to recipients whose failure was retryable, and to any never attempted',
  recount: 'Recompute the counts from the recipients',
};

export function publicCampaign(view: CampaignView): z.infer<typeof CampaignSchema> {
  const {
    template,
    gen: _gen,
    buckets: _buckets,
    total: _total,
    preparing: _preparing,
    audience,
    audienceEstimate,
    nextReleaseAt,
    ...rest
  } = view;
  return {
    ...rest,
    ...(view.sendAt && view.timezone
      ? { sendAtLocal: formatInZone(new Date(view.sendAt), view.timezone) }
      : {}),
    ...(audience && 'lists' in audience
      ? {
          audience: {
            lists: [...audience.lists],
            ...(audience.variables ? { variables: { ...audience.variables } } : {}),
            ...(audienceEstimate !== undefined ? { estimatedRecipients: audienceEstimate } : {}),
          },
        }
      : {}),
    ...(view.waiting > 0 && nextReleaseAt ? { nextReleaseAt } : {}),
    template: { id: template.id, version: template.version, name: template.name },
  } as z.infer<typeof CampaignSchema>;
}

function publicRecipient(r: RecipientRecord): z.infer<typeof RecipientSchema> {
  const { campaignId: _c, bucket: _b, ...rest } = r;
  return rest as z.infer<typeof RecipientSchema>;
}

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

export function registerCampaignRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: { service: CampaignService; recipients: RecipientStore; now: () => Date },
): void {
  const { service } = deps;

  // CSV uploads arrive as text/csv; they are read here and take the same path as JSON recipients.
  app.use('/api/campaigns', async (c, next) => {
    if (c.req.method !== 'POST' || !/^text\/csv\b/i.test(c.req.header('content-type') ?? '')) return next();
    const query = CsvQuery.safeParse(c.req.query());
    if (!query.success) {
      const details = query.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
      throw new ApiError(
        400,
        'validation_failed',
        details.map((d) => `${d.field}: ${d.message}`).join('; '),
        details,
      );
    }
    const csv = (await recipientsCsv()).parseRecipientsCsv(await c.req.text());
    if (!csv.ok) {
      throw new ApiError(
        csv.rows ? 422 : 400,
        csv.rows ? 'invalid_recipients' : 'invalid_csv',
        csv.message,
        csv.rows ? { rows: csv.rows } : undefined,
      );
    }
    return created(c, query.data, csv.rows);
  });

  async function created(
    c: Context<AppEnv>,
    input: {
      name: string;
      templateId: string;
      defaultCountry?: string | undefined;
      sendAt?: string | undefined;
      timezone?: string | undefined;
    },
    rows: { row: number; input: RecipientInput }[],
    audience: {
      lists?: string[];
      variables?: Record<string, string>;
      recurrence?: z.infer<typeof RecurrenceInputSchema>;
      sendWindow?: z.infer<typeof SendWindowSchema>;
    } = {},
  ) {
    const defaultCountry = await defaultCountryOf(input.defaultCountry);
    const schedule =
      input.sendAt !== undefined ? parseSendAt(input.sendAt, input.timezone, deps.now()) : undefined;
    const recurrence = audience.recurrence ? parseRecurrence(audience.recurrence, deps.now()) : undefined;
    const sendWindow = audience.sendWindow ? parseSendWindow(audience.sendWindow) : undefined;
    const view = await service.create({
      ...(recurrence ? { recurrence } : {}),
      ...(sendWindow ? { sendWindow } : {}),
      name: input.name,
      templateId: input.templateId,
      rows,
      ...(audience.lists ? { lists: audience.lists } : {}),
      ...(audience.variables ? { variables: audience.variables } : {}),
      ...(defaultCountry ? { defaultCountry } : {}),
      ...(schedule
        ? { sendAt: schedule.at, ...(schedule.timezone ? { timezone: schedule.timezone } : {}) }
        : {}),
    });
    return c.json(publicCampaign(view), 201);
  }

  app.openapi(createCampaign, async (c) => {
    // The text/csv variant never reaches this handler (see the middleware above).
    const body = c.req.valid('json') as z.infer<typeof CampaignInputSchema>;
    return created(
      c,
      body,
      (body.recipients ?? []).map((input, i) => ({ row: i + 1, input })),
      {
        ...(body.lists ? { lists: body.lists } : {}),
        ...(body.variables ? { variables: body.variables } : {}),
        ...(body.recurrence ? { recurrence: body.recurrence } : {}),
        ...(body.sendWindow ? { sendWindow: body.sendWindow } : {}),
      },
    ) as never;
  });

  app.openapi(listCampaigns, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await service.list({ limit, ...(cursor ? { cursor } : {}) });
    return c.json(
      { items: page.items.map(publicCampaign), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      200,
    );
  });

  app.openapi(getCampaign, async (c) =>
    c.json(publicCampaign(await service.view(c.req.valid('param').id)), 200),
  );

  app.openapi(listRuns, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await service.runs(c.req.valid('param').id, { limit, ...(cursor ? { cursor } : {}) });
    return c.json(
      { items: page.items.map(publicCampaign), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      200,
    );
  });

  app.openapi(listRecipients, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, cursor, status } = c.req.valid('query');
    const campaign = await service.view(id);
    const page = await deps.recipients.list(id, campaign.buckets, {
      limit,
      ...(cursor ? { cursor } : {}),
      ...(status ? { status } : {}),
    });
    return c.json(
      { items: page.items.map(publicRecipient), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      200,
    );
  });

  app.openapi(rescheduleCampaign, async (c) => {
    const id = c.req.valid('param').id;
    const { sendAt, timezone } = c.req.valid('json');
    const schedule = parseSendAt(sendAt, timezone, deps.now());
    const view = await service.reschedule(id, schedule.at, schedule.timezone);
    c.var.logger.info('campaign scheduled', { campaignId: id, sendAt: view.sendAt });
    return c.json(publicCampaign(view), 200);
  });

  for (const action of ACTIONS) {
    app.openapi(actionRoute(action, SUMMARIES[action]), async (c) => {
      const id = c.req.valid('param').id;
      const view = await service[action](id);
      c.var.logger.info(`campaign ${action}`, { campaignId: id, state: view.state });
      return c.json(publicCampaign(view), 200);
    });
  }
}
