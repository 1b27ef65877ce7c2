/**
 * `Idempotency-Key` on the routes that create or change something: a request retried with the same key
 * (a timeout, a lost answer) gets the first answer again instead of a second message or campaign. The
 * key belongs to the caller, lives 24 hours, and may not be reused for a different request.
 *
 * Only successful answers are kept: a request that failed created nothing, so its retry runs again, and
 * a fixed mistake can be retried under the same key. The platform's own conditional writes hold the keys
 * (functions/adapters/dynamodb/idempotency-store.ts), not Powertools Idempotency: its unit is a function
 * call with a JSON payload, while here the unit is an HTTP request (method, path, query and raw body,
 * CSV included) answered by a Hono route, and the caller's key is part of the identity.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Clock, IdempotencyStore } from '../ports';
import type { AppEnv } from './app-env';
import { sendError } from './errors';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The operations that honour the header, as the OpenAPI document names their paths. */
export const IDEMPOTENT_OPERATIONS: readonly { method: 'POST'; path: string }[] = [
  { method: 'POST', path: '/api/messages' },
  { method: 'POST', path: '/api/campaigns' },
  ...['start', 'pause', 'resume', 'cancel', 'retry', 'recount'].map((action) => ({
    method: 'POST' as const,
    path: `/api/campaigns/{id}/${action}`,
  })),
  { method: 'POST', path: '/api/conversations/{contact}/messages' },
];

const MATCHERS = IDEMPOTENT_OPERATIONS.map((op) => ({
  method: op.method,
  pattern: new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** Answers bigger than this are not kept (a DynamoDB item holds 400 KB); none of these routes gets near. */
const MAX_KEPT_BYTES = 300_000;

export function idempotencyMiddleware(store: IdempotencyStore, clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined || !MATCHERS.some((m) => m.method === c.req.method && m.pattern.test(c.req.path))) {
      return next();
    }
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      const message = 'must be 1 to 255 visible ASCII characters, such as a UUID';
      return sendError(c, 400, 'validation_failed', `${IDEMPOTENCY_HEADER}: ${message}`, [
        { field: IDEMPOTENCY_HEADER, message },
      ]);
    }
    const url = new URL(c.req.url);
    const query = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b));
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([c.req.method, c.req.path, query, c.req.header('content-type') ?? '']))
      .update(Buffer.from(await c.req.arrayBuffer()))
      .digest('base64url');
    const id = `${c.var.caller.kind}:${c.var.caller.id}#${c.req.method} ${c.req.path}#${key}`;

    const claim = await store.claim(id, fingerprint, clock.now());
    if (claim.kind === 'different_request') {
      const message = 'was already used for a different request; use a new key for a new request';
      return sendError(c, 422, 'idempotency_key_reused', `${IDEMPOTENCY_HEADER}: ${message}`, {
        field: IDEMPOTENCY_HEADER,
      });
    }
    if (claim.kind === 'in_progress') {
      c.header('retry-after', '1');
      return sendError(
        c,
        409,
        'idempotency_key_in_use',
        `${IDEMPOTENCY_HEADER}: a request with this key is still being answered; retry in a second`,
        { field: IDEMPOTENCY_HEADER },
      );
    }
    if (claim.kind === 'replay') {
      return c.body(claim.answer.body, claim.answer.status as 200, {
        'content-type': claim.answer.contentType,
        'idempotent-replayed': 'true',
      });
    }

    // Route errors become answers inside next() (app.onError), so the status tells what happened.
    await next();
    const status = c.res.status;
    const body = status >= 200 && status < 300 ? await c.res.clone().text() : undefined;
    if (body !== undefined && Buffer.byteLength(body) <= MAX_KEPT_BYTES) {
      const answer = { status, contentType: c.res.headers.get('content-type') ?? 'application/json', body };
      await store.complete(id, fingerprint, answer, clock.now());
    } else {
      await store.release(id);
    }
  };
}
