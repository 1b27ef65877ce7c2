import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { webhookApp } from '../wiring/webhook';

/** The webhook Lambda: verifies Meta's signature and queues the payload; answers in milliseconds. */
export const handler = handle(webhookApp(buildDeps(loadConfig())));
