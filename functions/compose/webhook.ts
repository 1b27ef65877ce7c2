/** The webhook function: checks Meta's signature and queues the changes; it holds no store at all. */
import { PowertoolsWebhookMetrics } from '../adapters/metrics/powertools-metrics';
import { createWebhookApp } from '../http/webhook-app';
import type { Context } from './context';
import { eventsQueue } from './events-queue';

export function buildWebhook(c: Context) {
  const w = c.config.whatsapp;
  // In LIVE mode an unsigned webhook could be anyone: without the app secret, refuse to start at all.
  if (c.config.mode === 'LIVE' && !w.appSecret) {
    throw new Error(
      'WHATSAPP_APP_SECRET must be set in LIVE mode: it verifies that webhooks come from Meta (App Dashboard > App settings > Basic)',
    );
  }
  return createWebhookApp({
    ...(w.webhookVerifyToken ? { verifyToken: w.webhookVerifyToken } : {}),
    ...(w.appSecret ? { appSecret: w.appSecret } : {}),
    logger: c.logger,
    // In Lambda the counts go to CloudWatch as EMF; locally the log lines carry them.
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? { metrics: new PowertoolsWebhookMetrics() } : {}),
    events: eventsQueue(c),
  });
}
