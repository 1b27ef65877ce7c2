/** API keys for machine clients, issued and revoked from the console (admins only). */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { issueApiKey } from '../../domain/api-key';
import { NotFoundError } from '../../domain/errors';
import type { ApiKeyStore, Clock } from '../../ports';
import type { AppEnv } from '../app-env';
import { errorResponse, IdParam, jsonBody, jsonResponse } from '../schemas';

const KeySchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), revokedAt: z.string().optional() })
  .openapi('ApiKey');
const tags = ['Accounts'];
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/keys',
    operationId: 'listApiKeys',
    tags,
    security,
    summary: 'API keys, active and revoked; never the keys themselves (admins only)',
    responses: {
      200: jsonResponse(z.object({ items: z.array(KeySchema) }), 'Every key'),
      403: errorResponse('Not an admin'),
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/keys',
    operationId: 'createApiKey',
    tags,
    security,
    summary: 'Issue an API key; the answer is the only time it is shown (admins only)',
    request: { body: jsonBody(z.strictObject({ name: z.string().trim().min(1).max(100) })) },
    responses: {
      201: jsonResponse(z.object({ ...KeySchema.shape, key: z.string() }).openapi('IssuedApiKey'), 'Issued'),
      403: errorResponse('Not an admin'),
    },
  }),
  revoke: createRoute({
    method: 'delete',
    path: '/api/keys/{id}',
    operationId: 'revokeApiKey',
    tags,
    security,
    summary: 'Revoke an API key at once (admins only)',
    request: { params: IdParam },
    responses: {
      204: { description: 'Revoked' },
      403: errorResponse('Not an admin'),
      404: errorResponse('No such key'),
    },
  }),
};

const view = ({
  hash: _h,
  ...key
}: {
  hash: string;
  id: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
}) => key;

export function registerKeyRoutes(app: OpenAPIHono<AppEnv>, d: { apiKeys: ApiKeyStore; clock: Clock }): void {
  app.openapi(routes.list, async (c) => c.json({ items: (await d.apiKeys.list()).map(view) }, 200));

  app.openapi(routes.create, async (c) => {
    const issued = issueApiKey();
    const record = {
      id: issued.id,
      name: c.req.valid('json').name,
      hash: issued.hash,
      createdAt: d.clock.now().toISOString(),
    };
    await d.apiKeys.put(record);
    c.var.logger.info('API key issued', { keyId: issued.id, by: c.var.caller.id });
    return c.json({ ...view(record), key: issued.key }, 201);
  });

  app.openapi(routes.revoke, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await d.apiKeys.revoke(id, d.clock.now().toISOString())))
      throw new NotFoundError(`no API key ${id}`);
    c.var.logger.info('API key revoked', { keyId: id, by: c.var.caller.id });
    return c.body(null, 204);
  });
}
