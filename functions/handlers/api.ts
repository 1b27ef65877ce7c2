import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDeps, type Deps } from '../deps';
import { apiApp } from '../wiring/api';

/** The api Lambda: the whole Hono app behind API Gateway's HTTP API (payload format 2.0). */
export function makeHandler(deps: Deps) {
  return handle(apiApp(deps));
}

// Built once per container, at cold start.
export const handler = makeHandler(buildDeps(loadConfig()));
