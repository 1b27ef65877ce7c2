import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import { NotFoundError } from '../../domain/errors';
import { MAX_CONTACT_KEY } from '../../domain/identity';
import { isWindowOpen } from '../../domain/send-decision';
import type { Clock, ContactStore, ContactUpdates, ConversationStore } from '../../ports';
import type { Outbox } from '../../services/outbox';
import type { AppEnv } from '../app-env';
import { errorResponse, jsonBody, jsonResponse, ListQuery, MessageSchema, pageOf } from '../schemas';
import { publicMessage } from './messages';

const tags = ['Conversations'];
const security = [{ bearerAuth: [] }];

const ContactParam = z.object({
  contact: z
    .string()
    .min(3)
    .max(MAX_CONTACT_KEY)
    .openapi({
      param: { name: 'contact', in: 'path' },
      description: 'E.164 number (+ may be left out) or business-scoped user id (US.1349...)',
    }),
});

const ConversationSchema = z
  .object({
    contact: z.string(),
    profileName: z.string().optional(),
    userId: z.string().optional(),
    lastMessageAt: z.string(),
    lastMessagePreview: z.string(),
    lastDirection: z.enum(['in', 'out']),
    aiEnabled: z.boolean(),
    needsHuman: z.boolean(),
  })
  .openapi('Conversation');

const ConversationMessageSchema = z
  .object({
    contact: z.string(),
    wamid: z.string(),
    direction: z.enum(['in', 'out']),
    at: z.string(),
    type: z.string(),
    text: z.string().optional(),
    summary: z.string(),
    source: z.string().optional(),
    campaignId: z.string().optional(),
  })
  .openapi('ConversationMessage');

const ContactSchema = z
  .object({
    phone: z.string(),
    profileName: z.string().optional(),
    userId: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional().openapi({
      description: 'Values from list imports (the latest import wins), used as template variables',
    }),
    optedOut: z.boolean(),
    marketingOptOut: z.boolean(),
    optedOutAt: z.string().optional(),
    lastInboundAt: z.string().optional(),
    serviceWindowOpen: z.boolean(),
    history: z.array(z.object({ at: z.string(), change: z.string(), source: z.string() })),
  })
  .openapi('Contact');

const common = { 400: errorResponse('Invalid request'), 401: errorResponse('Missing or invalid API key') };

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/conversations',
    operationId: 'listConversations',
    tags,
    security,
    summary: 'Conversations, latest activity first',
    request: {
      query: ListQuery.extend({ needsHuman: z.enum(['true', 'false']).optional() }),
    },
    responses: {
      200: jsonResponse(pageOf(ConversationSchema), 'A page'),
      ...common,
    },
  }),
  messages: createRoute({
    method: 'get',
    path: '/api/conversations/{contact}/messages',
    operationId: 'listConversationMessages',
    tags,
    security,
    summary: 'Every message with a customer, oldest first',
    request: { params: ContactParam, query: ListQuery },
    responses: {
      200: jsonResponse(pageOf(ConversationMessageSchema), 'A page'),
      ...common,
    },
  }),
  reply: createRoute({
    method: 'post',
    path: '/api/conversations/{contact}/messages',
    operationId: 'replyInConversation',
    tags,
    security,
    summary: "An agent's free-form reply (only inside the 24-hour customer service window)",
    request: { params: ContactParam, body: jsonBody(z.strictObject({ text: z.string().min(1).max(4096) })) },
    responses: {
      202: jsonResponse(MessageSchema, 'Queued'),
      ...common,
      409: errorResponse('The window is closed (a template is required) or the contact opted out'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/conversations/{contact}',
    operationId: 'getConversation',
    tags,
    security,
    summary: 'One conversation: its latest message, whether the assistant answers it, whether a person must',
    request: { params: ContactParam },
    responses: {
      200: jsonResponse(ConversationSchema, 'The conversation'),
      ...common,
      404: errorResponse('No such conversation'),
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/conversations/{contact}',
    operationId: 'updateConversation',
    tags,
    security,
    summary: 'Turn the assistant on or off, or mark that a person must answer',
    request: {
      params: ContactParam,
      body: jsonBody(
        z.strictObject({ aiEnabled: z.boolean().optional(), needsHuman: z.boolean().optional() }),
      ),
    },
    responses: {
      200: jsonResponse(ConversationSchema, 'Updated'),
      ...common,
      404: errorResponse('No such conversation'),
    },
  }),
  contact: createRoute({
    method: 'get',
    path: '/api/contacts/{contact}',
    operationId: 'getContact',
    tags: ['Contacts'],
    security,
    summary: "A contact's opt-out state and its history",
    request: { params: ContactParam },
    responses: {
      200: jsonResponse(ContactSchema, 'The contact'),
      ...common,
      404: errorResponse('Unknown contact'),
    },
  }),
};

export interface ConversationRouteDeps {
  readonly conversations: ConversationStore;
  readonly contacts: ContactStore & ContactUpdates;
  readonly outbox: Outbox;
  readonly clock: Clock;
}

/**
 * "+4915...", "4915..." (the "+" is easy to lose in a URL) and business-scoped ids ("US.123...") all work.
 * The router has already decoded the path parameter once; decoding again would read "%252B49" as "+49"
 * and fail on a literal "%" ("%25zz").
 */
export function contactKey(raw: string): string {
  const value = raw.trim();
  return /^\d{6,15}$/.test(value) ? `+${value}` : value;
}

export function registerConversationRoutes(app: OpenAPIHono<AppEnv>, d: ConversationRouteDeps): void {
  app.openapi(routes.list, async (c) => {
    const { limit, cursor, needsHuman } = c.req.valid('query');
    const page = await d.conversations.list({
      limit,
      ...(cursor ? { cursor } : {}),
      ...(needsHuman ? { needsHuman: needsHuman === 'true' } : {}),
    });
    return c.json(page as { items: z.infer<typeof ConversationSchema>[]; nextCursor?: string }, 200);
  });

  app.openapi(routes.messages, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await d.conversations.messages(contactKey(c.req.valid('param').contact), {
      limit,
      ...(cursor ? { cursor } : {}),
    });
    return c.json(page as { items: z.infer<typeof ConversationMessageSchema>[]; nextCursor?: string }, 200);
  });

  app.openapi(routes.reply, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const { text } = c.req.valid('json');
    const message = await d.outbox.send({
      id: ulid(d.clock.now().getTime()),
      to: contact,
      text,
      source: 'agent',
    });
    // A person now has the conversation: the assistant stays quiet (and drops a reply it was preparing)
    // until it is given back with PATCH {"needsHuman": false}.
    await d.conversations.requestHuman(contact);
    return c.json(publicMessage(message), 202);
  });

  app.openapi(routes.get, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const conversation = await d.conversations.get(contact);
    if (!conversation) throw new NotFoundError(`no conversation with ${contact}`);
    return c.json(conversation satisfies z.infer<typeof ConversationSchema>, 200);
  });

  app.openapi(routes.update, async (c) => {
    const conversation = await d.conversations.update(
      contactKey(c.req.valid('param').contact),
      c.req.valid('json'),
    );
    c.var.logger.info('conversation updated', {
      aiEnabled: conversation.aiEnabled,
      needsHuman: conversation.needsHuman,
    });
    return c.json(conversation satisfies z.infer<typeof ConversationSchema>, 200);
  });

  app.openapi(routes.contact, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const record = await d.contacts.getRecord(contact);
    if (!record) throw new NotFoundError(`no contact ${contact}`);
    return c.json(
      {
        phone: record.phone,
        ...(record.profileName ? { profileName: record.profileName } : {}),
        ...(record.userId ? { userId: record.userId } : {}),
        ...(record.attributes && Object.keys(record.attributes).length > 0
          ? { attributes: { ...record.attributes } }
          : {}),
        optedOut: record.optedOut === true,
        marketingOptOut: record.marketingOptOut === true,
        ...(record.optedOutAt ? { optedOutAt: record.optedOutAt } : {}),
        ...(record.lastInboundAt ? { lastInboundAt: record.lastInboundAt } : {}),
        serviceWindowOpen: isWindowOpen(record.lastInboundAt, d.clock.now()),
        history: [...(record.history ?? [])],
      },
      200,
    );
  });
}
