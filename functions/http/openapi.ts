/**
 * The OpenAPI document as a contract: the routes describe themselves (functions/http/routes), and this
 * module adds what no single route owns: the document's header, the WhatsApp webhook (served by its own
 * function, but part of the same API), and the answers the shared middleware gives on every route.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { IDEMPOTENCY_HEADER, IDEMPOTENT_OPERATIONS } from './idempotency';
import { errorResponse, jsonResponse } from './schemas';

type Document = ReturnType<OpenAPIHono['getOpenAPI31Document']>;
type Operation = {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

export const API_TAGS = [
  { name: 'System', description: 'Liveness and mode' },
  { name: 'Templates', description: 'Message templates with {{variables}}' },
  { name: 'Campaigns', description: 'One-time, scheduled and recurring sends to many recipients' },
  { name: 'Messages', description: 'Single messages through the send queue' },
  { name: 'Conversations', description: "Customers' messages, replies, opt-outs and handoff" },
  { name: 'Contacts', description: "A contact's opt-out state and its history" },
  { name: 'Media', description: "Customers' images, documents, audio and video, and agents' uploads" },
  { name: 'Lists', description: 'Contact lists and their members' },
  { name: 'Knowledge', description: "The assistant's website and document knowledge" },
  { name: 'Accounts', description: 'Console sign-in and sessions, users and API keys' },
  {
    name: 'Webhooks',
    description: "The business's own webhooks: subscriptions, deliveries and the events posted",
  },
  { name: 'WhatsApp webhook', description: "Meta's verification and notifications" },
];

export const API_INFO: Parameters<OpenAPIHono['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'WhatsApp Business Platform API',
    version: '0.1.0',
    description:
      'Templates, campaigns, delivery tracking, conversations and the website-grounded assistant over the ' +
      'WhatsApp Cloud API. Every error is `{"error":{"code","message","details"}}`.',
    license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
  },
  // Relative: the document is served by the API it describes, locally and behind API Gateway alike.
  servers: [{ url: '/', description: 'The server this document was read from' }],
  tags: API_TAGS,
};

const WebhookAck = z
  .object({ received: z.number().int().min(0), id: z.string() })
  .openapi('WebhookAck', { description: 'How many changes were queued, and an id for this delivery' });

const Notification = z
  .object({
    object: z.literal('whatsapp_business_account'),
    entry: z.array(z.record(z.string(), z.unknown())),
  })
  .passthrough()
  .openapi('WhatsAppNotification', {
    description: 'A WhatsApp Business Account notification as Meta posts it (statuses, messages, errors...)',
  });

/**
 * Routes no route module describes: this document and the reference page (functions/http/docs-ui.ts),
 * and the webhook, which runs in its own Lambda (functions/http/webhook-app.ts) but is part of this API.
 */
export function registerSharedDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['System'],
    summary: 'This document',
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document',
        content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/docs',
    operationId: 'getApiReference',
    tags: ['System'],
    summary: 'The API reference page (Swagger UI, served from this origin)',
    security: [],
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { schema: z.string() } } } },
  });
  const tags = ['WhatsApp webhook'];
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/whatsapp/webhook',
    operationId: 'verifyWhatsAppWebhook',
    tags,
    summary: "Answer Meta's subscription check with the challenge when the verify token matches",
    security: [],
    request: {
      query: z.object({
        'hub.mode': z.literal('subscribe'),
        'hub.verify_token': z.string().openapi({ description: 'Must equal WHATSAPP_WEBHOOK_VERIFY_TOKEN' }),
        'hub.challenge': z.string(),
      }),
    },
    responses: {
      200: { description: 'The challenge, echoed', content: { 'text/plain': { schema: z.string() } } },
      403: errorResponse('Wrong mode or token, or no verify token is configured'),
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/whatsapp/webhook',
    operationId: 'receiveWhatsAppNotification',
    tags,
    summary: 'Receive a notification from Meta; its changes are queued and the answer comes at once',
    description:
      'Signed by Meta with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`. ' +
      'Unsigned notifications are accepted only when no app secret is configured (DEV mode).',
    security: [],
    request: {
      headers: z.object({
        'x-hub-signature-256': z
          .string()
          .regex(/^sha256=[0-9a-f]{64}$/)
          .optional()
          .openapi({ description: 'Required when WHATSAPP_APP_SECRET is set' }),
      }),
      body: { required: true, content: { 'application/json': { schema: Notification } } },
    },
    responses: {
      200: jsonResponse(WebhookAck, 'Queued'),
      400: errorResponse('Not JSON, or not a WhatsApp notification'),
      401: errorResponse('X-Hub-Signature-256 missing or wrong'),
      413: errorResponse('Larger than 3 MB'),
      500: errorResponse('Could not be queued; Meta retries'),
    },
  });
}

const IDEMPOTENCY_PARAMETER = {
  name: IDEMPOTENCY_HEADER,
  in: 'header',
  required: false,
  description:
    'Any unique value (a UUID): a retry with the same key within 24 hours gets the first successful answer ' +
    '(with `Idempotent-Replayed: true`) instead of doing the work twice. The same key with a different ' +
    'request is a 422 `idempotency_key_reused`; while the first is still running, a 409 `idempotency_key_in_use`.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const ERROR_OFFSET_PARAMETER = {
  name: 'errorOffset',
  in: 'query',
  required: false,
  description:
    'An error answer lists at most 100 problems (rows or fields) and says how many there are in all; the ' +
    'same request with `errorOffset=N` lists them from the N-th on (`details.nextErrorOffset` gives N).',
  schema: { type: 'integer', minimum: 0 },
};

const shared = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * Adds the answers the middleware in app.ts gives before a route runs: 401 without a valid key, 403 for a
 * console session refused (a change without its CSRF token, a one-time password not yet changed), 400
 * for an invalid parameter or body, 413 for a body over its limit, 415 for a body that is not what the
 * route reads. A route's own, more specific description of the same status wins.
 */
export function completeDocument(doc: Document): Document {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      if (IDEMPOTENT_OPERATIONS.some((o) => o.path === path && o.method.toLowerCase() === method)) {
        op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_PARAMETER];
        op.responses['422'] ??= shared(
          'Invalid input, or an Idempotency-Key already used for another request',
        );
        op.responses['409'] ??= shared('A request with this Idempotency-Key is still being answered');
      }
      const add = (status: string, description: string) => {
        op.responses[status] ??= shared(description);
      };
      const secured = op.security === undefined || op.security.length > 0;
      // Every route that takes an API key also takes a console session (the HttpOnly cookie).
      const requirements = (op.security ?? []) as Record<string, string[]>[];
      if (requirements.some((r) => 'bearerAuth' in r) && !requirements.some((r) => 'sessionCookie' in r)) {
        op.security = [...requirements, { sessionCookie: [] }];
      }
      if (secured) add('401', 'No valid API key or console session');
      // The session checks in auth.ts: a change needs the CSRF token, a one-time password opens only
      // /api/auth/*, and only admins reach the admin routes (which describe their own 403).
      const refusals = [
        ...(method !== 'get'
          ? ["a console session's change without its X-CSRF-Token header (csrf_failed)"]
          : []),
        ...(path.startsWith('/api/auth/')
          ? []
          : ['a console session whose one-time password must be changed first (password_change_required)']),
      ];
      const refused = refusals.join(', or ');
      if (secured && refused) add('403', `${refused[0]!.toUpperCase()}${refused.slice(1)}`);
      if ((op.parameters?.length ?? 0) > 0 || op.requestBody) add('400', 'Invalid request');
      if (op.requestBody && secured) {
        add('413', 'The body is over its size limit');
        add('415', 'The body has a content type this route does not read');
        op.parameters = [...(op.parameters ?? []), ERROR_OFFSET_PARAMETER];
      }
    }
  }
  return doc;
}
