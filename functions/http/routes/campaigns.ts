import type { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { RecipientRecord } from '../../domain/campaign';
import { recipientsCsv } from '../../domain/on-demand';
import type { RecipientInput } from '../../domain/recipients';
import { formatInZone } from '../../domain/zoned-time';
import type { RecipientStore } from '../../ports';
import type { CampaignService, CampaignView } from '../../services/campaign-service';
import type { AppEnv } from '../app-env';
import { parseRecurrence, parseSendAt, parseSendWindow } from '../campaign-input';
import {
  ACTIONS,
  actionRoute,
  CsvQuery,
  campaignTimeline,
  createCampaign,
  getCampaign,
  listCampaigns,
  listRecipients,
  listRuns,
  MAX_CSV_BYTES,
  rescheduleCampaign,
  SUMMARIES,
} from './campaign-routes';

export { MAX_CSV_BYTES };

import { defaultCountryOf } from '../default-country';
import { ApiError } from '../errors';

import type {
  CampaignInputSchema,
  CampaignSchema,
  RecipientSchema,
  RecurrenceInputSchema,
  SendWindowSchema,
} from '../schemas';

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

  app.openapi(campaignTimeline, async (c) =>
    c.json({ items: await service.timeline(c.req.valid('param').id) }, 200),
  );

  for (const action of ACTIONS) {
    app.openapi(actionRoute(action, SUMMARIES[action]), async (c) => {
      const id = c.req.valid('param').id;
      const view = await service[action](id);
      c.var.logger.info(`campaign ${action}`, { campaignId: id, state: view.state });
      return c.json(publicCampaign(view), 200);
    });
  }
}
