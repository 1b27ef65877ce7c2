/** Canned replies: admins write them, every agent reads them and types `/shortcut` to insert one. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { SHORTCUT_PATTERN, shortcutProblem } from '../../domain/canned-reply';
import { NotFoundError } from '../../domain/errors';
import type { CannedReplyStore, Clock } from '../../ports';
import type { AppEnv } from '../app-env';
import type { Caller } from '../auth';
import { ApiError } from '../errors';
import { errorResponse, jsonBody, jsonResponse } from '../schemas';

const tags = ['Conversations'];
const security = [{ bearerAuth: [] }];

const CannedReplySchema = z
  .object({
    shortcut: z.string(),
    text: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string().optional(),
  })
  .openapi('CannedReply');

const ShortcutParam = z.object({
  shortcut: z
    .string()
    .min(1)
    .max(32)
    .openapi({
      param: { name: 'shortcut', in: 'path' },
      description: `What an agent types after "/" (${SHORTCUT_PATTERN.source})`,
    }),
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/canned-replies',
    operationId: 'listCannedReplies',
    tags,
    security,
    summary: 'The canned replies, by shortcut',
    responses: {
      200: jsonResponse(z.object({ items: z.array(CannedReplySchema) }), 'All of them'),
      401: errorResponse('Missing or invalid API key'),
    },
  }),
  put: createRoute({
    method: 'put',
    path: '/api/canned-replies/{shortcut}',
    operationId: 'putCannedReply',
    tags,
    security,
    summary: 'Create or replace a canned reply (admins and API keys)',
    request: {
      params: ShortcutParam,
      body: jsonBody(z.strictObject({ text: z.string().trim().min(1).max(4096) })),
    },
    responses: {
      200: jsonResponse(CannedReplySchema, 'Saved'),
      400: errorResponse('Invalid shortcut or text'),
      401: errorResponse('Missing or invalid API key'),
      403: errorResponse('Only admins manage canned replies'),
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/api/canned-replies/{shortcut}',
    operationId: 'deleteCannedReply',
    tags,
    security,
    summary: 'Delete a canned reply (admins and API keys)',
    request: { params: ShortcutParam },
    responses: {
      204: { description: 'Deleted' },
      401: errorResponse('Missing or invalid API key'),
      403: errorResponse('Only admins manage canned replies'),
      404: errorResponse('No such canned reply'),
    },
  }),
};

function requireAdmin(caller: Caller): void {
  if (caller.kind === 'user' && caller.role !== 'admin')
    throw new ApiError(403, 'forbidden', 'only admins manage canned replies');
}

export function registerCannedReplyRoutes(
  app: OpenAPIHono<AppEnv>,
  d: { cannedReplies: CannedReplyStore; clock: Clock },
): void {
  app.openapi(routes.list, async (c) => {
    const items = (await d.cannedReplies.list()).sort((a, b) => a.shortcut.localeCompare(b.shortcut));
    return c.json({ items }, 200);
  });

  app.openapi(routes.put, async (c) => {
    requireAdmin(c.var.caller);
    const { shortcut } = c.req.valid('param');
    const problem = shortcutProblem(shortcut);
    if (problem)
      throw new ApiError(400, 'validation_failed', `shortcut: ${problem}`, [
        { field: 'shortcut', message: problem },
      ]);
    const reply = {
      shortcut,
      text: c.req.valid('json').text,
      updatedAt: d.clock.now().toISOString(),
      updatedBy: c.var.caller.name,
    };
    await d.cannedReplies.put(reply);
    c.var.logger.info('canned reply saved', { shortcut, by: c.var.caller.id });
    return c.json(reply, 200);
  });

  app.openapi(routes.delete, async (c) => {
    requireAdmin(c.var.caller);
    const { shortcut } = c.req.valid('param');
    if (!(await d.cannedReplies.delete(shortcut))) throw new NotFoundError(`no canned reply /${shortcut}`);
    c.var.logger.info('canned reply deleted', { shortcut, by: c.var.caller.id });
    return c.body(null, 204);
  });
}
