import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { apiKeyId, hashApiKey, sameSecret } from '../domain/api-key';
import type { Role } from '../domain/user';
import type { ApiKeyStore } from '../ports';
import type { Accounts } from '../services/accounts';
import type { AppEnv } from './app-env';
import { sendError } from './errors';

/** Who is calling: a machine client with an API key, or a person signed in to the console. */
export type Caller =
  | { readonly kind: 'key'; readonly id: string; readonly name: string }
  | { readonly kind: 'user'; readonly id: string; readonly name: string; readonly role: Role };

export type ApiKeyVerifier = (presented: string) => Promise<Caller | undefined>;

export const SESSION_COOKIE = 'wa_session';
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * Checks a bearer key against the stored hashes. The local runtime may also accept DEV_API_KEY,
 * compared in constant time; Lambda never gets a dev key.
 */
export function makeApiKeyVerifier(store: ApiKeyStore, devApiKey?: string): ApiKeyVerifier {
  return async (presented) => {
    if (devApiKey !== undefined && sameSecret(presented, devApiKey))
      return { kind: 'key', id: 'dev', name: 'DEV_API_KEY' };
    const id = apiKeyId(presented);
    if (!id) return undefined;
    const record = await store.get(id);
    if (!record || record.revokedAt) return undefined;
    return sameSecret(hashApiKey(presented), record.hash)
      ? { kind: 'key', id: record.id, name: record.name }
      : undefined;
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Paths only admins may use (an API key counts as an admin: it is an operator's credential). */
const ADMIN_ONLY = [/^\/api\/users(\/|$)/, /^\/api\/keys(\/|$)/, /^\/api\/settings$/];
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route not in `isPublic` needs an API key (Authorization: Bearer) or a console session (the
 * HttpOnly cookie). A session's state-changing request must also carry its CSRF token in X-CSRF-Token,
 * and an agent's session may not reach the admin routes.
 */
export function authenticate(
  d: { verifyApiKey: ApiKeyVerifier; accounts: Pick<Accounts, 'sessionFor'> },
  isPublic: (path: string) => boolean,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    const token = bearerToken(c.req.header('authorization'));
    if (token) {
      const caller = await d.verifyApiKey(token);
      if (!caller) return sendError(c, 401, 'unauthorized', 'the API key is not valid or has been revoked');
      c.set('caller', caller);
      return next();
    }
    const cookie = getCookie(c, SESSION_COOKIE);
    const signedIn = cookie ? await d.accounts.sessionFor(cookie) : undefined;
    if (!signedIn) {
      return sendError(
        c,
        401,
        'unauthorized',
        'sign in to the console, or send an API key as "Authorization: Bearer <key>"',
      );
    }
    if (
      CHANGES.has(c.req.method) &&
      !sameSecret(c.req.header(CSRF_HEADER) ?? '', signedIn.session.csrfToken)
    ) {
      return sendError(c, 403, 'csrf_failed', `a signed-in change needs the session's ${CSRF_HEADER} header`);
    }
    const { user } = signedIn;
    // A one-time password (the first admin's, or one an admin reset) opens only the password change.
    if (user.mustChangePassword && !c.req.path.startsWith('/api/auth/')) {
      return sendError(
        c,
        403,
        'password_change_required',
        'choose a new password first (POST /api/auth/password); the one you signed in with was for one use',
      );
    }
    if (user.role !== 'admin' && ADMIN_ONLY.some((p) => p.test(c.req.path))) {
      return sendError(c, 403, 'forbidden', 'only admins manage users, API keys and settings');
    }
    c.set('caller', { kind: 'user', id: user.id, name: user.name, role: user.role });
    c.set('session', signedIn.session);
    c.set('sessionToken', cookie!);
    return next();
  };
}

/** The caller as the console shows it, for routes that need to know who is acting. */
export const callerOf = (c: Context<AppEnv>) => c.var.caller;
