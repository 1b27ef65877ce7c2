/**
 * CSV downloads: a campaign's recipients and a conversation's messages, streamed a store page at a time
 * (csv-response.ts) so a 100,000-recipient campaign never sits in memory. The cells are made safe for
 * spreadsheets as they are written (domain/csv-cells.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors';
import { EXPORT_KEEP_DAYS, EXPORT_LINK_SECONDS } from '../../domain/export-job';
import { isUserId, MAX_CONTACT_KEY } from '../../domain/identity';
import { csvExport } from '../../domain/on-demand';
import { RECIPIENT_STATUSES } from '../../domain/recipient-status';
import type { ConversationStore, RecipientStore } from '../../ports';
import type { CampaignService } from '../../services/campaign-service';
import type { ExportJobs } from '../../services/export-jobs';
import { recipientCsvRows } from '../../services/recipient-export';
import type { AppEnv } from '../app-env';
import { csvDownload } from '../csv-response';
import { ApiError } from '../errors';
import { errorResponse, IdParam, jsonResponse } from '../schemas';
import { contactKey } from './conversations';

const security = [{ bearerAuth: [] }];

const MESSAGE_PAGE = 500;

const CELLS_NOTE =
  'Cells a spreadsheet could read as a formula (starting with =, +, -, @, a tab or a carriage return) get a ' +
  "leading ' and are quoted, so they show as text; E.164 phone numbers (+4915112345678) are left as they are. " +
  'UTF-8 with a byte order mark (for Excel), CRLF line ends.';

const csvResponse = (description: string, example: string) => ({
  description,
  headers: {
    'Content-Disposition': {
      schema: { type: 'string' as const },
      description: 'attachment; filename="..."',
    },
  },
  content: { 'text/csv': { schema: z.string().openapi({ example }) } },
});

/** A contact as the conversation routes take it, limited to the shapes a contact can have. */
const ExportContactParam = z.object({
  contact: z
    .string()
    .trim()
    .min(3)
    .max(MAX_CONTACT_KEY)
    .refine((raw) => isContact(contactKey(raw)), {
      message: 'must be a phone number in E.164 (+4915112345678, the + may be left out) or a user id',
    })
    .openapi({
      param: { name: 'contact', in: 'path' },
      description: 'E.164 number (+ may be left out) or business-scoped user id (US.1349...)',
    }),
});

function isContact(key: string): boolean {
  return /^\+[1-9]\d{5,14}$/.test(key) || isUserId(key);
}

export const exportRecipientsRoute = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}/recipients.csv',
  operationId: 'exportCampaignRecipients',
  tags: ['Campaigns'],
  security,
  summary: "A campaign's recipients as a CSV download: status, variables, error, attempts and wamid",
  description:
    'One row per recipient, streamed as it is read. Columns: phone, status, one column per variable (every ' +
    "name any recipient has: the template's first, then the others by name; a variable named like a fixed " +
    'column is headed variables.<name>), errorCode and errorTitle (failed recipients), skipReason, attempts, ' +
    `updatedAt, wamid. ${CELLS_NOTE}`,
  request: {
    params: IdParam,
    query: z.object({
      status: z
        .enum(RECIPIENT_STATUSES)
        .optional()
        .openapi({ description: 'Only recipients in this status' }),
    }),
  },
  responses: {
    200: csvResponse(
      'The recipients',
      'phone,status,customerName,errorCode,errorTitle,skipReason,attempts,updatedAt,wamid\r\n' +
        '+4915112345678,sent,Anna,,,,1,2026-12-01T10:00:00.000Z,wamid.HBgM...\r\n',
    ),
    400: errorResponse('Invalid request'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such campaign'),
    422: errorResponse('More recipients than a download carries: start an export job instead'),
  },
});

export const exportMessagesRoute = createRoute({
  method: 'get',
  path: '/api/conversations/{contact}/messages.csv',
  operationId: 'exportConversationMessages',
  tags: ['Conversations'],
  security,
  summary: "A conversation's messages and notes as a CSV download, oldest first",
  description:
    "Columns: at, direction (in, out, note), type, text (a media message's summary when it has no text), " +
    "status (an outbound message's latest delivery status), wamid, source, agent (who wrote an agent's " +
    `reply or a note). ${CELLS_NOTE}`,
  request: { params: ExportContactParam },
  responses: {
    200: csvResponse(
      'The messages',
      'at,direction,type,text,status,wamid,source,agent\r\n' +
        '2026-12-01T10:00:00.000Z,in,text,Hello,,wamid.HBgM...,customer,\r\n',
    ),
    400: errorResponse('Not a phone number or user id'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such conversation'),
  },
});

const ExportJobSchema = z
  .object({
    id: z.string(),
    kind: z.literal('campaign_recipients'),
    campaignId: z.string(),
    status: z.enum(RECIPIENT_STATUSES).optional().openapi({ description: 'Only recipients in this status' }),
    state: z.enum(['running', 'ready', 'failed']),
    createdAt: z.string(),
    finishedAt: z.string().optional(),
    rows: z.number().int().optional(),
    bytes: z.number().int().optional(),
    error: z.string().optional().openapi({ description: 'Why it failed, in words' }),
    filename: z.string(),
    url: z
      .string()
      .optional()
      .openapi({
        description: `Downloads the file (ready only); works for ${EXPORT_LINK_SECONDS / 60} minutes, ask again for a new one`,
      }),
    expiresAt: z
      .string()
      .optional()
      .openapi({ description: `The file is kept ${EXPORT_KEEP_DAYS} days` }),
  })
  .openapi('ExportJob');

const StatusQuery = z.object({
  status: z.enum(RECIPIENT_STATUSES).optional().openapi({ description: 'Only recipients in this status' }),
});

export const startExportRoute = createRoute({
  method: 'post',
  path: '/api/campaigns/{id}/exports',
  operationId: 'startRecipientsExport',
  tags: ['Campaigns'],
  security,
  summary: "Writes a campaign's recipients CSV as a file in the background (for any size)",
  description:
    'The same CSV as GET .../recipients.csv, written to a file however many recipients there are (a ' +
    'download carries at most EXPORT_SYNC_MAX_ROWS, 20,000 by default). Poll GET /api/exports/{id} until ' +
    "`state` is `ready`, then download `url`. Like the download, the query's `status` keeps one status.",
  request: { params: IdParam, query: StatusQuery },
  responses: {
    202: jsonResponse(ExportJobSchema, 'Started'),
    400: errorResponse('Invalid request'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such campaign'),
  },
});

export const exportJobRoute = createRoute({
  method: 'get',
  path: '/api/exports/{id}',
  operationId: 'getExport',
  tags: ['Campaigns'],
  security,
  summary: 'An export job: running, ready (with a download link) or failed (with the reason)',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(ExportJobSchema, 'The job'),
    400: errorResponse('Invalid request'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such export'),
  },
});

export interface ExportRouteDeps {
  readonly campaignService: Pick<CampaignService, 'view'>;
  readonly exportJobs: Pick<ExportJobs, 'start' | 'view'>;
  /** Rows a download may carry; more answer 422 and point at the export job. */
  readonly maxDownloadRows: number;
  readonly recipients: Pick<RecipientStore, 'list'>;
  readonly conversations: Pick<ConversationStore, 'get' | 'messages'>;
}

export function registerExportRoutes(app: OpenAPIHono<AppEnv>, d: ExportRouteDeps): void {
  app.openapi(exportRecipientsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { status } = c.req.valid('query');
    // Before the stream starts, so an unknown campaign is a 404 answer.
    const campaign = await d.campaignService.view(id);
    const rows = status ? campaign.counts[status] : campaign.counts.total;
    if (rows > d.maxDownloadRows) {
      const message =
        `${rows} recipients are more than a download carries (${d.maxDownloadRows}): ` +
        `POST /api/campaigns/${id}/exports${status ? `?status=${status}` : ''} writes the file in the background`;
      throw new ApiError(422, 'too_many_rows', message, { rows, maxDownloadRows: d.maxDownloadRows });
    }
    const csv = await csvExport();
    c.var.logger.info('recipients exported', { campaignId: id, ...(status ? { status } : {}) });
    return csvDownload(
      c,
      csv.exportFilename('campaign', id, 'recipients'),
      recipientCsvRows(d.recipients, campaign, status),
      csv.csvText,
    );
  });

  app.openapi(startExportRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { status } = c.req.valid('query');
    const campaign = await d.campaignService.view(id);
    return c.json(await d.exportJobs.start(campaign, status), 202);
  });

  app.openapi(exportJobRoute, async (c) => c.json(await d.exportJobs.view(c.req.valid('param').id), 200));

  app.openapi(exportMessagesRoute, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    if (!(await d.conversations.get(contact))) throw new NotFoundError(`no conversation with ${contact}`);
    const csv = await csvExport();
    async function* rows() {
      yield [csv.MESSAGE_HEADER];
      let cursor: string | undefined;
      do {
        const page = await d.conversations.messages(contact, {
          limit: MESSAGE_PAGE,
          ...(cursor ? { cursor } : {}),
        });
        yield page.items.map(csv.messageRow);
        cursor = page.nextCursor;
      } while (cursor);
    }
    return csvDownload(c, csv.exportFilename('conversation', contact, 'messages'), rows(), csv.csvText);
  });
}
