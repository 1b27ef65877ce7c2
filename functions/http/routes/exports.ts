/**
 * CSV downloads: a campaign's recipients and a conversation's messages, streamed a store page at a time
 * (csv-response.ts) so a 100,000-recipient campaign never sits in memory. The cells are made safe for
 * spreadsheets as they are written (domain/csv-cells.ts).
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors';
import { isUserId, MAX_CONTACT_KEY } from '../../domain/identity';
import { csvExport } from '../../domain/on-demand';
import { RECIPIENT_STATUSES } from '../../domain/recipient-status';
import type { ConversationStore, RecipientStore } from '../../ports';
import type { CampaignService } from '../../services/campaign-service';
import type { AppEnv } from '../app-env';
import { csvDownload } from '../csv-response';
import { errorResponse, IdParam } from '../schemas';
import { contactKey } from './conversations';

const security = [{ bearerAuth: [] }];

/** Recipients per store read: about 200 KB of CSV, well under DynamoDB's 1 MB page. */
const RECIPIENT_PAGE = 1000;
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

export interface ExportRouteDeps {
  readonly campaignService: Pick<CampaignService, 'view'>;
  readonly recipients: Pick<RecipientStore, 'list'>;
  readonly conversations: Pick<ConversationStore, 'get' | 'messages'>;
}

export function registerExportRoutes(app: OpenAPIHono<AppEnv>, d: ExportRouteDeps): void {
  app.openapi(exportRecipientsRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { status } = c.req.valid('query');
    // Before the stream starts, so an unknown campaign is a 404 answer.
    const campaign = await d.campaignService.view(id);
    const csv = await csvExport();
    const pages = async function* () {
      let cursor: string | undefined;
      do {
        const page = await d.recipients.list(id, campaign.buckets, {
          limit: RECIPIENT_PAGE,
          ...(cursor ? { cursor } : {}),
          ...(status ? { status } : {}),
        });
        yield page.items;
        cursor = page.nextCursor;
      } while (cursor);
    };
    async function* rows() {
      // The header needs every variable name before the first row: one read for the names (only they are
      // kept), then one for the rows. A recipient written between the two (a list audience still being
      // written at launch) may be missed, and a variable only it has left out.
      const names = new Set<string>();
      for await (const items of pages())
        for (const r of items) for (const n of Object.keys(r.variables)) names.add(n);
      const columns = csv.recipientColumns(names, campaign.template.variables);
      yield [columns.header];
      for await (const items of pages()) yield items.map((r) => csv.recipientRow(r, columns));
    }
    c.var.logger.info('recipients exported', { campaignId: id, ...(status ? { status } : {}) });
    return csvDownload(c, csv.exportFilename('campaign', id, 'recipients'), rows(), csv.csvText);
  });

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
