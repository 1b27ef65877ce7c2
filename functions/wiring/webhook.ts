/** How the webhook Lambda is assembled from Deps; its handler file and the local runtime both call this. */
import { PowertoolsWebhookMetrics } from '../adapters/metrics/powertools-metrics';
import { sendPacked } from '../adapters/sqs/queues';
import type { CoreDeps } from '../deps/core';
import { createWebhookApp } from '../http/webhook-app';

export function webhookApp(deps: CoreDeps) {
  const url = deps.config.queues.events;
  return createWebhookApp({
    ...(deps.config.whatsapp.webhookVerifyToken
      ? { verifyToken: deps.config.whatsapp.webhookVerifyToken }
      : {}),
    ...(deps.config.whatsapp.appSecret ? { appSecret: deps.config.whatsapp.appSecret } : {}),
    logger: deps.logger,
    // In Lambda the counts go to CloudWatch as EMF; locally the log lines carry them.
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME ? { metrics: new PowertoolsWebhookMetrics() } : {}),

    enqueue: async (bodies) => {
      if (!url) throw new Error('events queue is not configured');
      await sendPacked(deps.sqs, url, bodies);
    },
  });
}
