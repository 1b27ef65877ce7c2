import { handle } from 'hono/aws-lambda';
import { buildCore } from '../deps/core';
import { webhookApp } from '../wiring/webhook';
import { lazyHandler } from './lazy';

/** The webhook Lambda: verifies Meta's signature and queues the payload; answers in milliseconds. */
export const handler = lazyHandler(
  (config) => buildCore(config),
  (deps) => handle(webhookApp(deps)),
);
