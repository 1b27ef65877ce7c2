import { handle } from 'hono/aws-lambda';
import { lambdaHandler } from '../compose/lambda';
import { buildWebhook } from '../compose/webhook';

/** The webhook Lambda: verifies Meta's signature and queues the payload; answers in milliseconds. */
export const handler = lambdaHandler('webhook', (c) => handle(buildWebhook(c)));
