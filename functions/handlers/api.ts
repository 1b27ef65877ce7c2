import { handle } from 'hono/aws-lambda';
import { loadConfig } from '../config';
import { buildDeps, type Deps } from '../deps';
import { createApp } from '../http/app';
import { makeApiKeyVerifier } from '../http/auth';

/** The api Lambda: the whole Hono app behind API Gateway's HTTP API (payload format 2.0). */
export function makeHandler(deps: Deps) {
  const app = createApp({
    templates: deps.templates,
    verifyApiKey: makeApiKeyVerifier(deps.apiKeys),
    logger: deps.logger,
    mode: deps.config.mode,
  });
  return handle(app);
}

// Built once per container, at cold start.
export const handler = makeHandler(buildDeps(loadConfig()));
