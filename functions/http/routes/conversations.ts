import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import type { Conversation } from '../../domain/conversation';
import {
  type Assignee,
  CONVERSATION_STATUSES,
  ConversationStateError,
  type StatusAction,
  type StatusActor,
} from '../../domain/conversation-status';
import { NotFoundError } from '../../domain/errors';
import { MAX_CONTACT_KEY } from '../../domain/identity';
import { isMediaId, MAX_CAPTION_LENGTH, type OutgoingMedia, uploadKindOf } from '../../domain/media';
import { isWindowOpen } from '../../domain/send-decision';
import type {
  Clock,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  ListStore,
  MediaStore,
  ReadReceipts,
  TemplateStore,
} from '../../ports';
import type { Accounts } from '../../services/accounts';
import type { Outbox } from '../../services/outbox';
import type { AppEnv } from '../app-env';
import type { Caller } from '../auth';
import { ApiError } from '../errors';
import { errorResponse, jsonBody, jsonResponse, ListQuery, MessageSchema, pageOf } from '../schemas';
import { ConversationMediaSchema } from '../schemas/media';
import { publicMessage, templateSnapshot } from './messages';

const tags = ['Conversations'];
const security = [{ bearerAuth: [] }];

const ContactParam = z.object({
  contact: z
    .string()
    .trim()
    .min(3)
    .max(MAX_CONTACT_KEY)
    .openapi({
      param: { name: 'contact', in: 'path' },
      description: 'E.164 number (+ may be left out) or business-scoped user id (US.1349...)',
    }),
});

const StatusSchema = z.enum(CONVERSATION_STATUSES).openapi('ConversationStatus', {
  description:
    "ai: the assistant answers; open: waiting for a person; assigned: a named user owns it; resolved: ended (the customer's next message starts it again)",
});

const StatusChangeSchema = z
  .object({
    at: z.string(),
    by: z.object({
      kind: z.enum(['user', 'api', 'assistant', 'customer']),
      id: z.string().optional(),
      name: z.string().optional(),
    }),
    action: z.enum(['handoff', 'claim', 'assign', 'resolve', 'customer_message', 'release']),
    from: StatusSchema,
    to: StatusSchema,
    assigneeId: z.string().optional(),
    assigneeName: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('ConversationStatusChange');

const ConversationSchema = z
  .object({
    contact: z.string(),
    profileName: z.string().optional(),
    userId: z.string().optional(),
    lastMessageAt: z.string(),
    lastMessagePreview: z.string(),
    lastDirection: z.enum(['in', 'out']),
    aiEnabled: z.boolean(),
    needsHuman: z.boolean().openapi({ description: 'True while the status is open or assigned' }),
    status: StatusSchema,
    assigneeId: z.string().optional(),
    assigneeName: z.string().optional(),
    statusChangedAt: z.string().optional(),
    unread: z.number().int().optional().openapi({
      description:
        'Customer messages since a person last opened the conversation (POST .../read) or answered it',
    }),
    waitingSince: z.string().optional().openapi({
      description: "When the customer's oldest unanswered message arrived; absent once the business answered",
    }),
    lastInboundWamid: z.string().optional(),
    changedAt: z.string().optional().openapi({
      description: "The platform's time of the latest change (message or status): the list's order",
    }),
    history: z.array(StatusChangeSchema).optional().openapi({
      description: 'The latest 50 status changes, oldest first (left out of lists)',
    }),
  })
  .openapi('Conversation');

const ConversationMessageSchema = z
  .object({
    contact: z.string(),
    wamid: z.string(),
    direction: z.enum(['in', 'out', 'note']).openapi({
      description: "note: a person's private note for the team, never sent to the customer",
    }),
    at: z.string(),
    type: z.string(),
    text: z.string().optional(),
    summary: z.string(),
    source: z.string().optional(),
    campaignId: z.string().optional(),
    agent: z.object({ id: z.string(), name: z.string() }).optional().openapi({
      description: "The user who wrote an agent's reply or a note",
    }),
    sources: z
      .array(z.object({ url: z.string(), title: z.string().optional() }))
      .optional()
      .openapi({ description: "The pages an assistant's answer came from" }),
    delivery: z
      .object({
        status: z.enum(['sent', 'delivered', 'read', 'failed']),
        at: z.string(),
        error: z
          .object({
            code: z.union([z.number(), z.string(), z.null()]),
            title: z.string(),
            message: z.string().optional(),
            details: z.string().optional(),
          })
          .optional(),
      })
      .optional()
      .openapi({ description: 'Outbound messages: the latest delivery status WhatsApp reported' }),
    media: ConversationMediaSchema.optional(),
    mediaError: z.string().optional().openapi({
      description: "Why a customer's media could not be kept, in words (the message itself is kept)",
      example: 'the image is 7.2 MB; the limit is 5 MB',
    }),
  })
  .openapi('ConversationMessage');

const NoteSchema = z.strictObject({ text: z.string().trim().min(1).max(4096) });

const ReplyBody = z
  .strictObject({
    text: z.string().min(1).max(4096).optional(),
    templateId: z.string().min(1).max(64).optional().openapi({
      description: "Once the 24-hour window has closed WhatsApp only delivers templates: the template's id",
    }),
    variables: z.record(z.string(), z.string().max(1024)).default({}),
    mediaId: z.string().min(1).max(64).optional().openapi({
      description: 'An image or document uploaded with POST /api/media (its id), sent with `caption`',
    }),
    caption: z.string().min(1).max(MAX_CAPTION_LENGTH).optional(),
  })
  .refine((m) => [m.text, m.templateId, m.mediaId].filter((x) => x !== undefined).length === 1, {
    message: 'give one of text, templateId (with variables) or mediaId (with a caption)',
    path: ['text'],
  })
  .refine((m) => m.caption === undefined || m.mediaId !== undefined, {
    message: 'a caption goes with mediaId',
    path: ['caption'],
  })
  .openapi('ConversationReply');

const ContactSchema = z
  .object({
    phone: z.string(),
    profileName: z.string().optional(),
    userId: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional().openapi({
      description: 'Values from list imports (the latest import wins), used as template variables',
    }),
    lists: z.array(z.object({ id: z.string(), name: z.string() })).openapi({
      description: 'The lists the contact is a member of',
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
const stateErrors = {
  404: errorResponse('No such conversation'),
  409: errorResponse(
    "Not allowed from the conversation's status (invalid_state, with the status in details)",
  ),
};

const actionRoute = (path: string, operationId: string, summary: string) =>
  ({
    method: 'post',
    path: `/api/conversations/{contact}/${path}`,
    operationId,
    tags,
    security,
    summary,
    request: { params: ContactParam },
    responses: {
      200: jsonResponse(ConversationSchema, 'The conversation, in its new status'),
      ...common,
      ...stateErrors,
    },
  }) as const;

const ClaimBody = z.strictObject({
  assigneeId: z.string().min(1).max(64).optional().openapi({
    description: 'The user who takes it; required with an API key, and only oneself for a signed-in user',
  }),
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/conversations',
    operationId: 'listConversations',
    tags,
    security,
    summary: 'Conversations, latest activity first',
    request: {
      query: ListQuery.extend({
        needsHuman: z.enum(['true', 'false']).optional(),
        status: StatusSchema.optional(),
        assignee: z.string().min(1).max(64).optional().openapi({
          description: 'Only conversations this user owns; "me" is the signed-in user',
        }),
        waiting: z.enum(['true']).optional().openapi({
          description: 'Only conversations whose customer waits for an answer',
        }),
        changedSince: z.iso.datetime().optional().openapi({
          description:
            'Polling: every conversation changed at or after this time (give the largest changedAt you hold, minus a few seconds, and merge by contact), oldest change first; the other filters are ignored, so a client also sees conversations leave its view',
        }),
      }),
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
    summary: 'Every message with a customer and the team’s notes, oldest first (or newest first)',
    request: {
      params: ContactParam,
      query: ListQuery.extend({
        order: z.enum(['oldest', 'newest']).default('oldest').openapi({
          description: 'newest: the latest messages first (what a thread view polls)',
        }),
      }),
    },
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
    summary:
      "An agent's reply: free-form text inside the 24-hour customer service window, a template after it. A signed-in user who replies takes the conversation unless someone else owns it.",
    request: { params: ContactParam, body: jsonBody(ReplyBody) },
    responses: {
      202: jsonResponse(MessageSchema, 'Queued'),
      ...common,
      404: errorResponse('No such template'),
      409: errorResponse('The window is closed (a template is required) or the contact opted out'),
      422: errorResponse('Missing variables or over WhatsApp limits'),
    },
  }),
  note: createRoute({
    method: 'post',
    path: '/api/conversations/{contact}/notes',
    operationId: 'addConversationNote',
    tags,
    security,
    summary: 'A private note for the team in the thread; the customer never sees it',
    request: { params: ContactParam, body: jsonBody(NoteSchema) },
    responses: {
      201: jsonResponse(ConversationMessageSchema, 'The note'),
      ...common,
      404: errorResponse('No such conversation'),
    },
  }),
  read: createRoute({
    method: 'post',
    path: '/api/conversations/{contact}/read',
    operationId: 'markConversationRead',
    tags,
    security,
    summary:
      "A person has seen the conversation: its unread count goes to 0, and (unless INBOX_READ_RECEIPTS is off) the customer's latest message is marked read on WhatsApp",
    request: { params: ContactParam },
    responses: {
      200: jsonResponse(ConversationSchema, 'The conversation'),
      ...common,
      404: errorResponse('No such conversation'),
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
    summary:
      'Turn the assistant on or off, or mark that a person must answer (needsHuman true hands off, false gives the conversation back to the assistant)',
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
  claim: createRoute({
    method: 'post',
    path: '/api/conversations/{contact}/claim',
    operationId: 'claimConversation',
    tags,
    security,
    summary: 'Take the conversation: the signed-in user owns it (an API key names the user)',
    request: {
      params: ContactParam,
      body: { required: false, content: { 'application/json': { schema: ClaimBody } } },
    },
    responses: {
      200: jsonResponse(ConversationSchema, 'The conversation, assigned'),
      ...common,
      ...stateErrors,
      422: errorResponse('The named user does not exist or is disabled'),
    },
  }),
  assign: createRoute({
    method: 'post',
    path: '/api/conversations/{contact}/assign',
    operationId: 'assignConversation',
    tags,
    security,
    summary: 'Give the conversation to a user (admins and API keys)',
    request: { params: ContactParam, body: jsonBody(z.strictObject({ userId: z.string().min(1).max(64) })) },
    responses: {
      200: jsonResponse(ConversationSchema, 'The conversation, assigned'),
      ...common,
      403: errorResponse('Only admins assign conversations'),
      ...stateErrors,
      422: errorResponse('The user does not exist or is disabled'),
    },
  }),
  resolve: createRoute(
    actionRoute(
      'resolve',
      'resolveConversation',
      "End the conversation; the customer's next message starts it again",
    ),
  ),
  handoff: createRoute(
    actionRoute(
      'handoff',
      'handoffConversation',
      'Hand the conversation to a person: it waits for someone (status open)',
    ),
  ),
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
  readonly templates: TemplateStore;
  readonly lists: Pick<ListStore, 'get'>;
  readonly media: { readonly store: Pick<MediaStore, 'head'> };
  readonly outbox: Outbox;
  readonly receipts: ReadReceipts;
  readonly clock: Clock;
  readonly accounts: Pick<Accounts, 'get'>;
  /** Whether a person opening a conversation marks the customer's message read on WhatsApp. */
  readonly inboxReadReceipts: boolean;
}

type PublicConversation = z.infer<typeof ConversationSchema>;

function publicConversation(c: Conversation): PublicConversation {
  const { history, ...rest } = c;
  return { ...rest, ...(history ? { history: history.map((h) => ({ ...h, by: { ...h.by } })) } : {}) };
}

export function actorOf(caller: Caller): StatusActor {
  return caller.kind === 'user'
    ? { kind: 'user', id: caller.id, name: caller.name, admin: caller.role === 'admin' }
    : { kind: 'api', id: caller.id, name: caller.name };
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
    const { limit, cursor, needsHuman, status, assignee, waiting, changedSince } = c.req.valid('query');
    let assigneeId = assignee;
    if (assignee === 'me') {
      if (c.var.caller.kind !== 'user')
        throw new ApiError(400, 'invalid_request', 'assignee=me needs a signed-in user; give a user id');
      assigneeId = c.var.caller.id;
    }
    const page = await d.conversations.list({
      limit,
      ...(cursor ? { cursor } : {}),
      ...(needsHuman ? { needsHuman: needsHuman === 'true' } : {}),
      ...(status ? { status } : {}),
      ...(assigneeId ? { assigneeId } : {}),
      ...(waiting ? { waiting: true } : {}),
      // Compared as text with stored ISO times: "10:00:00Z" must read as "10:00:00.000Z".
      ...(changedSince ? { changedSince: new Date(changedSince).toISOString() } : {}),
    });
    return c.json({ ...page, items: page.items.map(publicConversation) }, 200);
  });

  /** A user who may own a conversation: one that exists and is enabled. */
  async function assignee(id: string): Promise<Assignee> {
    const user = await d.accounts.get(id);
    if (!user) throw new ApiError(422, 'invalid_assignee', `there is no user ${id}`);
    if (user.disabled) throw new ApiError(422, 'invalid_assignee', `the user ${user.name} is disabled`);
    return { id: user.id, name: user.name };
  }

  async function change(contact: string, act: StatusAction, caller: Caller) {
    const { conversation, changed } = await d.conversations.changeStatus(
      contact,
      act,
      actorOf(caller),
      d.clock.now().toISOString(),
    );
    return { conversation, changed };
  }

  app.openapi(routes.claim, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const body: { assigneeId?: string } = c.req.valid('json') ?? {};
    const caller = c.var.caller;
    let who: Assignee;
    if (caller.kind === 'user') {
      if (body.assigneeId !== undefined && body.assigneeId !== caller.id) {
        throw new ApiError(
          400,
          'invalid_request',
          'a signed-in user claims a conversation for themselves; to give it to someone else, use /assign',
        );
      }
      who = { id: caller.id, name: caller.name };
    } else {
      if (!body.assigneeId)
        throw new ApiError(
          400,
          'invalid_request',
          'with an API key, name the user who takes it: {"assigneeId": "..."}',
        );
      who = await assignee(body.assigneeId);
    }
    const { conversation, changed } = await change(contact, { type: 'claim', assignee: who }, caller);
    if (changed) c.var.logger.info('conversation claimed', { assigneeId: who.id, by: caller.id });
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.assign, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const caller = c.var.caller;
    if (caller.kind === 'user' && caller.role !== 'admin')
      throw new ApiError(403, 'forbidden', 'only admins assign conversations; claim it to take it yourself');
    const who = await assignee(c.req.valid('json').userId);
    const { conversation, changed } = await change(contact, { type: 'assign', assignee: who }, caller);
    if (changed) c.var.logger.info('conversation assigned', { assigneeId: who.id, by: caller.id });
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.resolve, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const { conversation } = await change(contact, { type: 'resolve' }, c.var.caller);
    c.var.logger.info('conversation resolved', { by: c.var.caller.id });
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.handoff, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const { conversation, changed } = await change(
      contact,
      { type: 'handoff', reason: 'person' },
      c.var.caller,
    );
    if (changed) c.var.logger.info('conversation handed to a person', { by: c.var.caller.id });
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.messages, async (c) => {
    const { limit, cursor, order } = c.req.valid('query');
    const page = await d.conversations.messages(contactKey(c.req.valid('param').contact), {
      limit,
      ...(cursor ? { cursor } : {}),
      newestFirst: order === 'newest',
    });
    return c.json(page as { items: z.infer<typeof ConversationMessageSchema>[]; nextCursor?: string }, 200);
  });

  app.openapi(routes.reply, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const input = c.req.valid('json');
    const caller = c.var.caller;
    const template = input.templateId ? await templateSnapshot(d.templates, input.templateId) : undefined;
    const media = input.mediaId ? await uploaded(input.mediaId, input.caption) : undefined;
    const message = await d.outbox.send({
      id: ulid(d.clock.now().getTime()),
      to: contact,
      source: 'agent',
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(template ? { template, variables: input.variables } : {}),
      ...(media ? { media } : {}),
      ...(caller.kind === 'user' ? { agent: { id: caller.id, name: caller.name } } : {}),
    });
    // The reply is queued: the answer must say so even if taking the conversation fails (a client that
    // saw an error would send it again).
    await takeOnReply(contact, caller).catch((error: unknown) => {
      c.var.logger.warn('reply queued, but the conversation could not be taken', { error: String(error) });
    });
    return c.json(publicMessage(message), 202);
  });

  /** A file an agent uploaded (POST /api/media), as the outbox sends it. */
  async function uploaded(id: string, caption: string | undefined): Promise<OutgoingMedia> {
    const info = isMediaId(id) ? await d.media.store.head(id) : undefined;
    if (!info)
      throw new ApiError(
        422,
        'invalid_media',
        `there is no uploaded file ${id}; upload it with POST /api/media`,
      );
    const kind = uploadKindOf(info.mimeType);
    if (!kind) throw new ApiError(422, 'invalid_media', `a ${info.mimeType} file cannot be sent on WhatsApp`);
    return {
      id: info.id,
      kind,
      mimeType: info.mimeType,
      size: info.size,
      ...(info.filename ? { filename: info.filename } : {}),
      ...(caption ? { caption } : {}),
    };
  }

  /**
   * A person now has the conversation, so the assistant stays quiet (and drops a reply it was preparing).
   * A signed-in user who answers takes it, unless it is someone else's; an API key hands it over (status
   * open) for a person to take.
   */
  async function takeOnReply(contact: string, caller: Caller): Promise<void> {
    const at = d.clock.now().toISOString();
    if (caller.kind === 'user') {
      const current = await d.conversations.get(contact);
      if (current?.status === 'assigned') return;
      try {
        await change(contact, { type: 'claim', assignee: { id: caller.id, name: caller.name } }, caller);
        return;
      } catch (error) {
        if (!(error instanceof ConversationStateError) && !(error instanceof NotFoundError)) throw error;
      }
    }
    await d.conversations.requestHuman(contact, { by: actorOf(caller), reason: 'agent_replied', at });
  }

  app.openapi(routes.note, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    if (!(await d.conversations.get(contact))) throw new NotFoundError(`no conversation with ${contact}`);
    const caller = c.var.caller;
    const now = d.clock.now();
    const text = c.req.valid('json').text;
    const note = {
      contact,
      wamid: `note.${ulid(now.getTime())}`,
      direction: 'note' as const,
      at: now.toISOString(),
      type: 'note',
      text,
      summary: text,
      source: 'agent' as const,
      agent: { id: caller.id, name: caller.name },
    };
    await d.conversations.append(note);
    return c.json(note, 201);
  });

  app.openapi(routes.read, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const { conversation, wasUnread } = await d.conversations.markRead(contact);
    // Only what the customer wrote since someone last looked: opening a conversation twice sends one receipt.
    if (d.inboxReadReceipts && wasUnread > 0 && conversation.lastInboundWamid) {
      await d.receipts.markRead(contact, conversation.lastInboundWamid, { typing: false });
    }
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.get, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const conversation = await d.conversations.get(contact);
    if (!conversation) throw new NotFoundError(`no conversation with ${contact}`);
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.update, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const { aiEnabled, needsHuman } = c.req.valid('json');
    let conversation = await d.conversations.update(contact, aiEnabled === undefined ? {} : { aiEnabled });
    // needsHuman is the status seen as a yes or no: true hands off (a conversation someone owns stays
    // theirs), false gives it back to the assistant.
    if (needsHuman === true) {
      await d.conversations.requestHuman(contact, {
        by: actorOf(c.var.caller),
        reason: 'needs_human',
        at: d.clock.now().toISOString(),
      });
      conversation = (await d.conversations.get(contact)) ?? conversation;
    } else if (needsHuman === false) {
      conversation = (await change(contact, { type: 'release' }, c.var.caller)).conversation;
    }
    c.var.logger.info('conversation updated', {
      aiEnabled: conversation.aiEnabled,
      status: conversation.status,
    });
    return c.json(publicConversation(conversation), 200);
  });

  app.openapi(routes.contact, async (c) => {
    const contact = contactKey(c.req.valid('param').contact);
    const record = await d.contacts.getRecord(contact);
    if (!record) throw new NotFoundError(`no contact ${contact}`);
    // A list deleted since the import is left out.
    const lists = (await Promise.all((record.lists ?? []).slice(0, 50).map((id) => d.lists.get(id)))).flatMap(
      (l) => (l ? [{ id: l.id, name: l.name }] : []),
    );
    return c.json(
      {
        phone: record.phone,
        ...(record.profileName ? { profileName: record.profileName } : {}),
        ...(record.userId ? { userId: record.userId } : {}),
        ...(record.attributes && Object.keys(record.attributes).length > 0
          ? { attributes: { ...record.attributes } }
          : {}),
        lists,
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
