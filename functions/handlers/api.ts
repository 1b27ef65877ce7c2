import { handle } from 'hono/aws-lambda';
import { buildDeps, type Deps } from '../deps';
import { apiApp } from '../wiring/api';
import { lazyHandler } from './lazy';

/** The api Lambda: the whole Hono app behind API Gateway's HTTP API (payload format 2.0). */
export function makeHandler(deps: Deps) {
  return handle(apiApp(deps));
}

export const handler = lazyHandler((config) => buildDeps(config), makeHandler);
