import { handle } from 'hono/aws-lambda';
import type { Deps } from '../deps';
import { webhookApp } from '../wiring/webhook';
import { lazyHandler } from './lazy';

/** The webhook Lambda: verifies Meta's signature and queues the payload; answers in milliseconds. */
export const handler = lazyHandler((deps: Deps) => handle(webhookApp(deps)));
