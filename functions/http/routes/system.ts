import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Mode } from '../../domain/mode';
import type { AppEnv } from '../app-env';
import { jsonResponse } from '../schemas';

const health = createRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Liveness check (no API key needed)',
  security: [],
  responses: {
    200: jsonResponse(z.object({ status: z.literal('ok'), mode: z.enum(['DEV', 'LIVE']) }), 'The API is up'),
  },
});

export function registerSystemRoutes(app: OpenAPIHono<AppEnv>, mode: Mode): void {
  app.openapi(health, (c) => c.json({ status: 'ok' as const, mode }, 200));
}
