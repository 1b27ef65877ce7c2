import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import type { TemplateSnapshot } from '../../domain/campaign';
import { NotFoundError } from '../../domain/errors';
import { isUserId } from '../../domain/identity';
import type { SingleMessage } from '../../domain/message';
import { phones } from '../../domain/on-demand';
import type { Clock, MessageStore, TemplateStore } from '../../ports';
import type { Outbox } from '../../services/outbox';
import type { AppEnv } from '../app-env';
import { defaultCountryOf } from '../default-country';
import { ApiError } from '../errors';

import {
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  MessageInputSchema,
  MessageSchema,
} from '../schemas';

const tags = ['Messages'];
const security = [{ bearerAuth: [] }];

const sendMessage = createRoute({
  method: 'post',
  path: '/api/messages',
  operationId: 'sendMessage',
  tags,
  security,
  summary: 'Send one message now (through the send queue): free-form text, or a template with variables',
  request: { body: jsonBody(MessageInputSchema) },
  responses: {
    202: jsonResponse(MessageSchema, 'Queued'),
    400: errorResponse('Invalid request'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such template'),
    409: errorResponse('The contact opted out, or free-form text outside the 24-hour window'),
    422: errorResponse('Missing variables or over WhatsApp limits'),
  },
});

const getMessage = createRoute({
  method: 'get',
  path: '/api/messages/{id}',
  operationId: 'getMessage',
  tags,
  security,
  summary: 'Status of a single message',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(MessageSchema, 'The message'),
    401: errorResponse('Missing or invalid API key'),
    404: errorResponse('No such message'),
  },
});

export interface MessageRouteDeps {
  readonly templates: TemplateStore;
  readonly messages: MessageStore;
  readonly outbox: Outbox;
  readonly clock: Clock;
}

const TIMES = ['sentAt', 'deliveredAt', 'readAt', 'failedAt'] as const;

/** What a caller sees of a message: the fields named here, never what the store keeps for itself. */
export function publicMessage(m: SingleMessage): z.infer<typeof MessageSchema> {
  const stored = m as SingleMessage & Partial<Record<(typeof TIMES)[number] | 'skipReason', string>>;
  const out: Record<string, unknown> = {
    id: m.id,
    to: m.to,
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
  for (const key of ['text', 'wamid', 'lastError', 'source', 'skipReason', ...TIMES] as const) {
    if (stored[key] !== undefined) out[key] = stored[key];
  }
  if (m.template) out.templateId = m.template.id;
  return out as z.infer<typeof MessageSchema>;
}

/** The template as a message carries it (a copy: later edits do not change what was queued). */
export async function templateSnapshot(templates: TemplateStore, id: string): Promise<TemplateSnapshot> {
  const found = await templates.get(id);
  if (!found) throw new NotFoundError(`template ${id} does not exist`);
  const { createdAt: _c, updatedAt: _u, ...snapshot } = found;
  return snapshot;
}

export function registerMessageRoutes(app: OpenAPIHono<AppEnv>, d: MessageRouteDeps): void {
  app.openapi(sendMessage, async (c) => {
    const input = c.req.valid('json');
    const country = await defaultCountryOf(input.defaultCountry);
    // A customer known only by their business-scoped user id is addressed by it; anything else is a phone.
    const phone = isUserId(input.to.trim())
      ? ({ ok: true, e164: input.to.trim() } as const)
      : (await phones()).normalizePhone(input.to, country);
    if (!phone.ok) {
      throw new ApiError(400, 'validation_failed', `to: ${phone.problem}`, [
        { field: 'to', message: phone.problem },
      ]);
    }
    const template =
      input.templateId !== undefined ? await templateSnapshot(d.templates, input.templateId) : undefined;
    const message = await d.outbox.send({
      id: ulid(d.clock.now().getTime()),
      to: phone.e164,
      source: 'api',
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(template ? { template, variables: input.variables } : {}),
    });
    c.var.logger.info('message queued', { messageId: message.id });
    return c.json(publicMessage(message), 202);
  });

  app.openapi(getMessage, async (c) => {
    const message = await d.messages.get(c.req.valid('param').id);
    if (!message) throw new NotFoundError(`message ${c.req.valid('param').id} does not exist`);
    return c.json(publicMessage(message), 200);
  });
}
