/** The campaign routes as the OpenAPI document describes them; routes/campaigns.ts answers them. */
import { createRoute, z } from '@hono/zod-openapi';
import { RECIPIENT_STATUSES } from '../../domain/recipient-status';
import {
  CampaignInputSchema,
  CampaignSchema,
  describedQuery,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  ListQuery,
  pageOf,
  RecipientSchema,
  RescheduleSchema,
  SendAtSchema,
  TimeZoneSchema,
} from '../schemas';

const tags = ['Campaigns'];
const security = [{ bearerAuth: [] }];
const common = { 400: errorResponse('Invalid request'), 401: errorResponse('Missing or invalid API key') };

export const MAX_CSV_BYTES = 10 * 1024 * 1024;

export const CsvQuery = z.object({
  name: z.string().trim().min(1).max(200),
  templateId: z.string().min(1).max(64),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  sendAt: SendAtSchema.optional(),
  timezone: TimeZoneSchema.optional(),
});

export const createCampaign = createRoute({
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

export const listCampaigns = createRoute({
  method: 'get',
  path: '/api/campaigns',
  operationId: 'listCampaigns',
  tags,
  security,
  summary: 'List campaigns, newest first',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(pageOf(CampaignSchema), 'A page'),
    ...common,
  },
});

export const getCampaign = createRoute({
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

export const rescheduleCampaign = createRoute({
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

export const listRuns = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/runs',
  operationId: 'listCampaignRuns',
  tags,
  security,
  summary:
    "A recurring campaign's runs, newest first (each is a campaign with its own recipients and counts)",
  request: { params: IdParam, query: ListQuery },
  responses: {
    200: jsonResponse(pageOf(CampaignSchema), 'A page'),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

export const listRecipients = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/recipients',
  operationId: 'listCampaignRecipients',
  tags,
  security,
  summary: "A campaign's recipients with status, wamid, attempts and last error",
  request: {
    params: IdParam,
    query: ListQuery.extend({
      status: z.enum(RECIPIENT_STATUSES).optional(),
    }),
  },
  responses: {
    200: jsonResponse(pageOf(RecipientSchema), 'A page'),
    ...common,
    404: errorResponse('No such campaign'),
  },
});

export const RetryResultSchema = z
  .object({ ...CampaignSchema.shape, requeued: z.number().int().min(0) })
  .openapi('CampaignRetry');

export const ACTIONS = ['start', 'pause', 'resume', 'cancel', 'retry', 'recount'] as const;
export type Action = (typeof ACTIONS)[number];

export const actionRoute = (action: Action, summary: string) =>
  createRoute({
    method: 'post',
    path: `/api/campaigns/{id}/${action}`,
    operationId: `${action}Campaign`,
    tags,
    security,
    summary,
    ...(action === 'pause' || action === 'cancel'
      ? {
          description:
            'Once this answers, no WhatsApp request for the campaign starts (the answer waits about 0.6 s for the send workers to see the change). Requests already on the wire when it answers may still finish, and WhatsApp may deliver those messages.',
        }
      : action === 'recount'
        ? {
            description:
              'The counters are kept exact as recipients move; they can only lose a move when a process dies between writing a recipient and its counter. This compares them with the recipients and, when they differ while the campaign has been quiet for 60 s, corrects them (countCorrections records it). While recipients are still changing a difference may be updates on their way: the answer is then 409 counts_changing and nothing is touched.',
          }
        : {}),
    request: { params: IdParam },
    responses: {
      200:
        action === 'retry'
          ? jsonResponse(RetryResultSchema, 'The campaign, and how many recipients were queued again')
          : jsonResponse(CampaignSchema, 'The campaign after the action'),
      ...common,
      404: errorResponse('No such campaign'),
      409: errorResponse(
        action === 'recount'
          ? 'The counters differ while recipients are still changing (counts_changing); try again later'
          : 'Not allowed in the current state (details.state says which)',
      ),
      ...(action === 'start' || action === 'resume' || action === 'retry'
        ? {
            422: errorResponse(
              'LIVE: its Meta template is not approved in that language (template_not_approved), or does not take the parameters the mapping fills (template_mismatch)',
            ),
          }
        : {}),
    },
  });

export const SUMMARIES: Record<Action, string> = {
  start: 'Start sending now (a scheduled campaign starts early)',
  pause: 'Stop sending; nothing more goes out until resumed',
  resume: 'Continue a paused campaign where it stopped',
  cancel: 'Cancel for good: nothing more is sent, waiting recipients become skipped',
  retry: 'Re-send to recipients whose failure was retryable, and to any never attempted',
  recount: 'Recompute the counts from the recipients',
};

const TimelinePointSchema = z
  .object({
    minute: z.string().openapi({ description: 'UTC, YYYY-MM-DDTHH:MM' }),
    sent: z.number().int(),
    delivered: z.number().int(),
    read: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('TimelinePoint');

export const campaignTimeline = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/timeline',
  operationId: 'getCampaignTimeline',
  tags,
  security,
  summary: 'Recipients arriving in sent, delivered, read and failed, per minute (a series: its latest run)',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ items: z.array(TimelinePointSchema) }), 'Oldest minute first'),
    ...common,
    404: errorResponse('No such campaign'),
  },
});
