import type { MiddlewareHandler } from 'hono';

/** JSON answers run no code and embed nowhere; a page that sets its own policy (the docs) keeps it. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Headers on every answer: no content sniffing, no referrer, no framing, and answers to authenticated
 * requests are never stored by a proxy (they carry customers' data), nor by a browser unless they say
 * `private` themselves.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
  headers.set('x-frame-options', 'DENY');
  if (!headers.has('content-security-policy')) headers.set('content-security-policy', API_CSP);
  // Public files (the docs page's scripts) set their own caching; nothing else may be kept, except in the
  // caller's own browser when the answer says `private` (media, whose bytes never change under their id).
  const privateCaching = /^private\b/.test(headers.get('cache-control') ?? '');
  if (
    !privateCaching &&
    (c.req.header('authorization') || c.req.header('cookie') || !headers.has('cache-control'))
  ) {
    headers.set('cache-control', 'no-store');
  }
};
