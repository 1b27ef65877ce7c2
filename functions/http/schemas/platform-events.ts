/**
 * The events posted to the business's webhooks, as the OpenAPI document's `webhooks` section describes
 * them: one entry per event type, each the common envelope with that type's payload. The payload shapes
 * mirror functions/domain/webhooks/events.ts; test/unit/platform-event-schemas.test.ts checks the events
 * the platform actually builds against these schemas, so the two cannot drift apart.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { EVENT_TYPES, EVENT_VERSION, type EventType } from '../../domain/webhooks/events';
import { SIGNATURE_HEADER } from '../../domain/webhooks/signature';
import type { AppEnv } from '../app-env';

const at = z.string().openapi({ description: 'When it happened (ISO 8601)' });

const EventErrorSchema = z
  .object({
    code: z.union([z.string(), z.number(), z.null()]),
    title: z.string(),
    message: z.string().optional(),
    details: z.string().optional(),
  })
  .openapi('PlatformEventError', {
    description: "WhatsApp's error (Meta's code and title) or the platform's",
  });

const ActorSchema = z
  .object({
    kind: z.enum(['user', 'api', 'assistant', 'customer']),
    id: z.string().optional(),
    name: z.string().optional(),
  })
  .openapi('PlatformEventActor');

const MessageStatusSchema = z
  .object({
    wamid: z.string(),
    to: z
      .string()
      .openapi({ description: 'E.164, or a business-scoped user id when WhatsApp gave only that' }),
    status: z.enum(['sent', 'delivered', 'read', 'failed']),
    at,
    campaignId: z.string().optional(),
    messageId: z
      .string()
      .optional()
      .openapi({ description: "A single message's id (POST /api/messages, replies)" }),
    source: z.string().optional(),
    error: EventErrorSchema.optional(),
    retryable: z
      .boolean()
      .optional()
      .openapi({ description: 'Failed only: whether a campaign retry may send it' }),
  })
  .openapi('MessageStatusEventData');

const MediaReferenceSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    mimeType: z.string(),
    size: z.number().int().optional(),
    filename: z.string().optional(),
    caption: z.string().optional(),
    url: z.string().openapi({ description: 'The API path that serves the file (GET, with the API key)' }),
  })
  .openapi('MediaReference');

const MessageReceivedSchema = z
  .object({
    wamid: z.string(),
    from: z.string(),
    profileName: z.string().optional(),
    type: z.string(),
    text: z.string().optional(),
    summary: z.string(),
    at,
    contextWamid: z.string().optional(),
    media: MediaReferenceSchema.optional(),
    mediaError: z.string().optional(),
  })
  .openapi('MessageReceivedEventData');

const ButtonClickedSchema = z
  .object({
    wamid: z.string(),
    from: z.string(),
    text: z.string(),
    payload: z.string().optional(),
    at,
    contextWamid: z.string().optional(),
    campaignId: z.string().optional(),
  })
  .openapi('ButtonClickedEventData');

const ConversationSchema = z
  .object({
    contact: z.string(),
    profileName: z.string().optional(),
    status: z.enum(['open', 'assigned', 'resolved']),
    at,
    by: ActorSchema.optional(),
    reason: z.string().optional(),
    assigneeId: z.string().optional(),
    assigneeName: z.string().optional(),
  })
  .openapi('ConversationEventData');

const ContactOptSchema = z
  .object({
    contact: z.string(),
    scope: z.enum(['all', 'marketing']),
    source: z.string().openapi({ description: 'keyword, user_preferences or whatsapp_131050' }),
    at,
  })
  .openapi('ContactOptEventData');

const CampaignSchema = z
  .object({
    campaignId: z.string(),
    name: z.string(),
    state: z.enum(['running', 'paused', 'completed', 'cancelled', 'scheduled']),
    at,
    recurring: z.boolean().optional(),
    seriesId: z.string().optional(),
    total: z.number().int().optional(),
    resumed: z.boolean().optional().openapi({ description: 'Started only: after a pause or a retry' }),
    pauseReason: z.string().optional(),
    counts: z.record(z.string(), z.number().int()).optional().openapi({ description: 'Completed only' }),
  })
  .openapi('CampaignEventData');

const TemplateStatusSchema = z
  .object({
    name: z.string(),
    language: z.string(),
    status: z.string(),
    previousStatus: z.string().optional(),
    metaId: z.string().optional(),
    category: z.string().optional(),
    reason: z.string().optional(),
    at,
  })
  .openapi('TemplateStatusEventData');

const PAYLOADS: Record<EventType, z.ZodType> = {
  'message.sent': MessageStatusSchema,
  'message.delivered': MessageStatusSchema,
  'message.read': MessageStatusSchema,
  'message.failed': MessageStatusSchema,
  'message.received': MessageReceivedSchema,
  'button.clicked': ButtonClickedSchema,
  'conversation.handoff': ConversationSchema,
  'conversation.assigned': ConversationSchema,
  'conversation.resolved': ConversationSchema,
  'contact.opted_out': ContactOptSchema,
  'contact.opted_in': ContactOptSchema,
  'campaign.started': CampaignSchema,
  'campaign.paused': CampaignSchema,
  'campaign.completed': CampaignSchema,
  'campaign.cancelled': CampaignSchema,
  'template.status_changed': TemplateStatusSchema,
};

const WHAT: Record<EventType, string> = {
  'message.sent': 'WhatsApp accepted an outbound message for delivery',
  'message.delivered': "An outbound message reached the customer's phone",
  'message.read': 'The customer read an outbound message',
  'message.failed': 'An outbound message failed, with WhatsApp error code and title',
  'message.received': 'A customer wrote (media come as references to download with the API key)',
  'button.clicked': 'A customer tapped a quick-reply button, with the campaign that sent it',
  'conversation.handoff':
    'A conversation needs a person (the assistant could not help, or the customer asked)',
  'conversation.assigned': 'A conversation was assigned to an agent',
  'conversation.resolved': 'A conversation was resolved',
  'contact.opted_out': 'A contact opted out (STOP, WhatsApp’s own setting, or error 131050)',
  'contact.opted_in': 'A contact opted in again',
  'campaign.started': 'A campaign started, resumed or was retried',
  'campaign.paused': 'A campaign paused (by a person or for a reason the platform gives)',
  'campaign.completed': 'Every recipient of a campaign settled; the final counts are included',
  'campaign.cancelled': 'A campaign was cancelled',
  'template.status_changed': "Meta changed a template's status (approved, rejected, paused, disabled...)",
};

/** The envelope of one event type with its payload. */
export function eventSchema(type: EventType) {
  return z
    .object({
      id: z.string().openapi({ description: 'Stable across retries and replays: deduplicate by it' }),
      type: z.literal(type),
      time: z.string(),
      version: z.literal(EVENT_VERSION),
      data: PAYLOADS[type],
    })
    .openapi(`Event_${type.replace('.', '_')}`);
}

/** Adds every event type to the document's `webhooks` section (what a subscription's URL receives). */
export function registerEventWebhooks(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'platformSignature', {
    type: 'apiKey',
    in: 'header',
    name: SIGNATURE_HEADER,
    description:
      'What the receiver checks: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body"> keyed with the ' +
      "subscription's secret (one v1 per valid secret while a rotation overlaps); see the README's snippets.",
  });
  for (const type of EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `event_${type.replace('.', '_')}`,
      security: [{ platformSignature: [] }],
      tags: ['Webhooks'],
      summary: WHAT[type],
      description:
        `Posted to each active subscription whose events include "${type}" or "*". Signed: ` +
        `${SIGNATURE_HEADER}: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">. At least once and in no ` +
        'particular order: deduplicate by id, order by time. Answer 2xx within the timeout; 5xx, 429 ' +
        '(Retry-After honoured) and timeouts are retried with backoff for 24 hours, other answers are not.',
      request: {
        headers: z.object({
          'X-Platform-Event-Id': z.string(),
          'X-Platform-Event-Type': z.string(),
        }),
        body: { content: { 'application/json': { schema: eventSchema(type) } }, required: true },
      },
      responses: { 200: { description: 'Received (any 2xx)' } },
    });
  }
}
