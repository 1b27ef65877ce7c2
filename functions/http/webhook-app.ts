import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { correlationId, withCorrelation } from '../correlation';
import { sameSecret } from '../domain/api-key';
import { readNotification } from '../domain/webhook';
import { isValidSignature } from '../domain/webhook-signature';
import { splitChange } from '../domain/webhook-split';
import type { Logger } from '../logger';
import { type EventsQueue, noWebhookMetrics, type WebhookMetrics } from '../ports';
import { sendError } from './errors';
import { securityHeaders } from './security-headers';

export const WEBHOOK_PATH = '/api/whatsapp/webhook';

/** Meta sends up to 3 MB per webhook. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024 + 64 * 1024;

export interface WebhookAppDeps {
  readonly verifyToken?: string;
  readonly appSecret?: string;
  readonly logger: Logger;
  readonly events: EventsQueue;
  /** CloudWatch counts (EMF) in Lambda; nothing locally, where the log lines say the same. */
  readonly metrics?: WebhookMetrics;
}

/**
 * Meta's webhook: GET answers the subscription check; POST checks the signature over the raw bytes,
 * validates the payload, puts its changes on the events queue and answers 200 at once. Processing
 * happens from the queue, so a burst or a slow store never makes Meta retry.
 */
export function createWebhookApp(d: WebhookAppDeps): Hono {
  const app = new Hono();
  const metrics = d.metrics ?? noWebhookMetrics;
  let warnedUnsigned = false;
  app.use('*', securityHeaders);
  app.use(WEBHOOK_PATH, async (c, next) => {
    // One id for this delivery from Meta, on every change it queues and every line its handling logs.
    const lambdaRequestId = (c.env as { event?: { requestContext?: { requestId?: string } } } | undefined)
      ?.event?.requestContext?.requestId;
    const id = lambdaRequestId ?? randomUUID();
    c.header('x-correlation-id', id);
    try {
      await withCorrelation(id, next);
    } finally {
      metrics.flush();
    }
  });

  app.get(WEBHOOK_PATH, (c) => {
    const mode = c.req.query('hub.mode');
    const token = c.req.query('hub.verify_token');
    const challenge = c.req.query('hub.challenge') ?? '';
    if (mode === 'subscribe' && d.verifyToken && token !== undefined && sameSecret(token, d.verifyToken)) {
      d.logger.info('webhook verified by Meta');
      return c.text(challenge, 200);
    }
    const reason = d.verifyToken
      ? 'hub.mode must be subscribe and hub.verify_token must match WHATSAPP_WEBHOOK_VERIFY_TOKEN'
      : 'WHATSAPP_WEBHOOK_VERIFY_TOKEN is not set, so no verification can succeed';
    d.logger.warn('webhook verification refused', { reason });
    return sendError(c, 403, 'verification_failed', reason);
  });

  app.post(
    WEBHOOK_PATH,
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: (c) => sendError(c, 413, 'payload_too_large', 'webhook bodies are limited to 3 MB'),
    }),
    async (c) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      if (d.appSecret) {
        if (!isValidSignature(raw, c.req.header('x-hub-signature-256'), d.appSecret)) {
          d.logger.warn('webhook signature missing or wrong; refused', {
            metric: 'webhook_signature_failure',
          });
          metrics.signatureFailure();
          return sendError(
            c,
            401,
            'invalid_signature',
            'X-Hub-Signature-256 is missing or does not match the body',
          );
        }
      } else if (!warnedUnsigned) {
        warnedUnsigned = true;
        d.logger.warn('WHATSAPP_APP_SECRET is not set: accepting unsigned webhooks (DEV mode only)');
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendError(c, 400, 'malformed_json', 'the webhook body is not valid JSON');
      }
      const notification = readNotification(body);
      if (!notification.ok) return sendError(c, 400, 'not_a_whatsapp_notification', notification.reason);
      const pieces = notification.changes.flatMap((change) => splitChange(change));
      await d.events.enqueue(pieces);
      metrics.received(pieces.length);

      return c.json({ received: pieces.length, id: correlationId() ?? randomUUID() }, 200);
    },
  );

  app.all(WEBHOOK_PATH, (c) => {
    c.header('allow', 'GET, POST');
    return sendError(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use GET or POST`);
  });
  app.onError((error, c) => {
    d.logger.error('webhook failed', error);
    return sendError(c, 500, 'internal_error', 'the webhook could not be queued; Meta will retry');
  });
  return app;
}
