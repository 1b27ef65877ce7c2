/**
 * The business's own webhooks: subscriptions (the signing secret is shown once, on creation and on
 * rotation), their delivery attempts (7 days), and replays. Targets pass the crawler's address guard.
 */

import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import ipaddr from 'ipaddr.js';
import { ulid } from 'ulid';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { checkUrl } from '../../domain/knowledge/address-policy';
import { ALL_EVENTS, EVENT_TYPES, type EventFilter } from '../../domain/webhooks/events';
import { SIGNATURE_HEADER } from '../../domain/webhooks/signature';
import {
  type DeliveryAttempt,
  MAX_SUBSCRIPTIONS,
  newSecret,
  normalisedFilter,
  rotated,
  type WebhookSubscription,
} from '../../domain/webhooks/subscription';
import type { Clock, HookQueue, WebhookStore } from '../../ports';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { errorResponse, IdParam, jsonBody, jsonResponse, ListQuery, pageOf } from '../schemas';

const tags = ['Webhooks'];
const security = [{ bearerAuth: [] }];

const EventFilterSchema = z.enum([ALL_EVENTS, ...EVENT_TYPES]).openapi({
  description: 'An event type, or "*" for every type (present and future)',
});

const subscriptionFields = {
  id: z.string(),
  url: z.string(),
  events: z.array(EventFilterSchema),
  description: z.string(),
  status: z.enum(['active', 'paused', 'disabled']),
  createdAt: z.string(),
  updatedAt: z.string(),
  failingSince: z
    .string()
    .optional()
    .openapi({ description: 'First failed attempt since the latest success' }),
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional(),
  previousSecretExpiresAt: z.string().optional().openapi({
    description: 'Until then requests are also signed with the secret before the latest rotation',
  }),
};

const SubscriptionSchema = z.object(subscriptionFields).openapi('WebhookSubscription');

// One flat object (not an allOf of two), so a client and a strict validator read it in one piece.
const WithSecretSchema = z
  .object({
    ...subscriptionFields,
    secret: z.string().openapi({
      description: `The signing secret: shown only now. Each request carries ${SIGNATURE_HEADER}: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`,
    }),
  })
  .openapi('WebhookSubscriptionWithSecret');

const AttemptSchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    status: z.enum(['delivered', 'retrying', 'failed']),
    at: z.string(),
    latencyMs: z.number(),
    responseStatus: z.number().int().optional(),
    responseBody: z.string().optional().openapi({ description: 'The first 500 bytes of the answer' }),
    error: z.string().optional(),
    nextAttemptAt: z.string().optional(),
    replayOf: z.string().optional(),
    event: z.record(z.string(), z.unknown()).openapi({ description: 'The event exactly as posted' }),
  })
  .openapi('WebhookDeliveryAttempt');

const UrlField = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .openapi({ example: 'https://crm.example.com/hooks/whatsapp' });

const CreateBody = z.strictObject({
  url: UrlField,
  events: z
    .array(EventFilterSchema)
    .min(1)
    .max(EVENT_TYPES.length + 1),
  description: z.string().trim().max(500).optional(),
});

const PatchBody = z.strictObject({
  url: UrlField.optional(),
  events: z
    .array(EventFilterSchema)
    .min(1)
    .max(EVENT_TYPES.length + 1)
    .optional(),
  description: z.string().trim().max(500).optional(),
  paused: z.boolean().optional().openapi({
    description: 'true pauses deliveries; false resumes them (also after the platform disabled it)',
  }),
});

const DeliveryParams = IdParam.extend({
  deliveryId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'deliveryId', in: 'path' } }),
});

const notFound = errorResponse('No such webhook subscription');
const unauthorized = errorResponse('Missing or invalid API key');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/webhooks',
    operationId: 'createWebhook',
    tags,
    security,
    summary: 'Subscribe a URL to events; the answer carries the signing secret, once',
    request: { body: jsonBody(CreateBody) },
    responses: {
      201: jsonResponse(WithSecretSchema, 'Subscribed'),
      400: errorResponse('Invalid body'),
      401: unauthorized,
      409: errorResponse(`Already ${MAX_SUBSCRIPTIONS} subscriptions`),
      422: errorResponse('The URL is not one events may be posted to'),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/webhooks',
    operationId: 'listWebhooks',
    tags,
    security,
    summary: 'Every webhook subscription',
    responses: {
      200: jsonResponse(z.object({ items: z.array(SubscriptionSchema) }), 'All of them, oldest first'),
      401: unauthorized,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/webhooks/{id}',
    operationId: 'getWebhook',
    tags,
    security,
    summary: 'One webhook subscription',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(SubscriptionSchema, 'The subscription'),
      401: unauthorized,
      404: notFound,
    },
  }),
  update: createRoute({
    method: 'patch',
    path: '/api/webhooks/{id}',
    operationId: 'updateWebhook',
    tags,
    security,
    summary: 'Change the URL, the events or the description; pause or resume',
    request: { params: IdParam, body: jsonBody(PatchBody) },
    responses: {
      200: jsonResponse(SubscriptionSchema, 'Changed'),
      400: errorResponse('Invalid body'),
      401: unauthorized,
      404: notFound,
      422: errorResponse('The URL is not one events may be posted to'),
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/api/webhooks/{id}',
    operationId: 'deleteWebhook',
    tags,
    security,
    summary: 'Delete a subscription (events already queued for it are dropped)',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, 401: unauthorized, 404: notFound },
  }),
  rotate: createRoute({
    method: 'post',
    path: '/api/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    tags,
    security,
    summary: 'A new signing secret; the old one keeps signing alongside it for 24 hours',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(WithSecretSchema, 'The new secret, shown once'),
      401: unauthorized,
      404: notFound,
    },
  }),
  deliveries: createRoute({
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    tags,
    security,
    summary: 'Delivery attempts of the last 7 days, newest first',
    request: { params: IdParam, query: ListQuery },
    responses: {
      200: jsonResponse(pageOf(AttemptSchema), 'A page of attempts'),
      400: errorResponse('Invalid limit or cursor'),
      401: unauthorized,
      404: notFound,
    },
  }),
  replay: createRoute({
    method: 'post',
    path: '/api/webhooks/{id}/deliveries/{deliveryId}/replay',
    operationId: 'replayWebhookDelivery',
    tags,
    security,
    summary: 'Post the event of an attempt again (same event id), with a fresh retry window',
    request: { params: DeliveryParams },
    responses: {
      202: jsonResponse(z.object({ queued: z.literal(true), eventId: z.string() }), 'Queued for delivery'),
      401: unauthorized,
      404: errorResponse('No such subscription or attempt'),
      409: errorResponse('The subscription is paused or disabled'),
    },
  }),
};

/** What the API shows of a subscription: never its secrets. */
function publicSubscription(s: WebhookSubscription) {
  const { secret: _s, previousSecret: _p, ...rest } = s;
  return rest as z.infer<typeof SubscriptionSchema>;
}

export interface WebhookRouteDeps {
  readonly store: WebhookStore;
  readonly queue: HookQueue;
  readonly clock: Clock;
  /** Loopback receivers allowed (the local runtime, tests); everything else must be public https. */
  readonly allowLoopback: boolean;
}

/** Why a URL may not receive events: a public https URL, or http(s) on loopback where allowed. */
export function targetProblem(value: string, allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  const loopback = pointsAtThisMachine(url);
  if (loopback && !allowLoopback) return 'must not point at this machine (loopback)';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) return 'must be an https URL';
  if (url.hash) return 'must not have a #fragment';
  return checkUrl(url, { allowLoopback });
}

/**
 * Whether the URL's host is this machine: "localhost", any name under .localhost (RFC 6761 reserves them
 * for loopback and resolvers answer them so), with or without the root's trailing dot, or an address in
 * the loopback range (an IPv4 one written as IPv6 included). The address guard checks again at connect.
 */
function pointsAtThisMachine(url: URL): boolean {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(host)) return false;
  const ip = ipaddr.parse(host);
  const v4 =
    ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()
      ? (ip as ipaddr.IPv6).toIPv4Address()
      : ip;
  return v4.range() === 'loopback';
}

export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>, d: WebhookRouteDeps): void {
  const checkTarget = (url: string) => {
    const problem = targetProblem(url, d.allowLoopback);
    if (problem)
      throw new ApiError(422, 'invalid_target', `url: ${problem}`, [{ field: 'url', message: problem }]);
  };
  const existing = async (id: string) => {
    const s = await d.store.get(id);
    if (!s) throw new NotFoundError(`no webhook subscription ${id}`);
    return s;
  };

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    checkTarget(body.url);
    if ((await d.store.list()).length >= MAX_SUBSCRIPTIONS) {
      throw new ConflictError(
        `there are already ${MAX_SUBSCRIPTIONS} webhook subscriptions; delete one first`,
      );
    }
    const now = d.clock.now().toISOString();
    const subscription: WebhookSubscription = {
      id: `wh_${ulid()}`,
      url: body.url,
      events: normalisedFilter(body.events as EventFilter[]),
      description: body.description ?? '',
      status: 'active',
      secret: newSecret(),
      createdAt: now,
      updatedAt: now,
    };
    await d.store.create(subscription);
    c.var.logger.info('webhook subscription created', { id: subscription.id, events: subscription.events });
    return c.json({ ...publicSubscription(subscription), secret: subscription.secret }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const items = (await d.store.list()).sort((a, b) => a.id.localeCompare(b.id)).map(publicSubscription);
    return c.json({ items }, 200);
  });

  app.openapi(routes.get, async (c) =>
    c.json(publicSubscription(await existing(c.req.valid('param').id)), 200),
  );

  app.openapi(routes.update, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.url !== undefined) checkTarget(body.url);
    const before = await existing(id);
    const resume = body.paused === false && before.status !== 'active';
    const updated = await d.store.update(
      id,
      {
        updatedAt: d.clock.now().toISOString(),
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events ? { events: normalisedFilter(body.events as EventFilter[]) } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.paused === true
          ? { status: 'paused' as const }
          : resume
            ? { status: 'active' as const }
            : {}),
      },
      // Resumed: it starts with a clean record, so one failure does not disable it again at once.
      resume ? ['disabledAt', 'disabledReason', 'failingSince'] : [],
    );
    if (!updated) throw new NotFoundError(`no webhook subscription ${id}`);
    c.var.logger.info('webhook subscription changed', { id, status: updated.status });
    return c.json(publicSubscription(updated), 200);
  });

  app.openapi(routes.delete, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await d.store.delete(id))) throw new NotFoundError(`no webhook subscription ${id}`);
    c.var.logger.info('webhook subscription deleted', { id });
    return c.body(null, 204);
  });

  app.openapi(routes.rotate, async (c) => {
    const { id } = c.req.valid('param');
    const before = await existing(id);
    const now = d.clock.now();
    const secrets = rotated(before, now);
    const updated = await d.store.update(id, { ...secrets, updatedAt: now.toISOString() });
    if (!updated) throw new NotFoundError(`no webhook subscription ${id}`);
    c.var.logger.info('webhook secret rotated', { id });
    return c.json({ ...publicSubscription(updated), secret: secrets.secret }, 200);
  });

  app.openapi(routes.deliveries, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    await existing(id);
    const page = await d.store.listAttempts(id, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return c.json(
      {
        items: page.items.map((a) => ({ ...a, event: a.event as unknown as Record<string, unknown> })),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
      200,
    );
  });

  app.openapi(routes.replay, async (c) => {
    const { id, deliveryId } = c.req.valid('param');
    const sub = await existing(id);
    const attempt: DeliveryAttempt | undefined = await d.store.getAttempt(id, deliveryId);
    if (!attempt) throw new NotFoundError(`no delivery ${deliveryId} of webhook subscription ${id}`);
    if (sub.status !== 'active') {
      throw new ApiError(
        409,
        'subscription_not_active',
        `the subscription is ${sub.status}; resume it first`,
      );
    }
    await d.queue.send({
      kind: 'delivery',
      subscriptionId: id,
      event: attempt.event,
      attempt: 1,
      firstAttemptAt: d.clock.now().toISOString(),
      replayOf: deliveryId,
    });
    c.var.logger.info('webhook delivery replayed', { id, deliveryId, eventId: attempt.event.id });
    return c.json({ queued: true as const, eventId: attempt.event.id }, 202);
  });
}
