/**
 * Console accounts over the API: sign-in to an HttpOnly session cookie, the session and its CSRF token,
 * sign-out, a new password; and what admins do with users. The console is one client of these.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { ROLES, type User } from '../../domain/user';
import type { Accounts } from '../../services/accounts';
import type { AppEnv } from '../app-env';
import { CSRF_HEADER, SESSION_COOKIE } from '../auth';
import { ApiError } from '../errors';
import { errorResponse, jsonBody, jsonResponse } from '../schemas';

const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    disabled: z.boolean(),
    mustChangePassword: z.boolean(),
    failedSignIns: z.number().int(),
    lockedUntil: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('User');

const SessionSchema = z
  .object({
    user: UserSchema,
    csrfToken: z
      .string()
      .openapi({ description: `Send it as ${CSRF_HEADER} with every change made in this session` }),
    expiresAt: z.string(),
  })
  .openapi('Session');

const Email = z.string().trim().toLowerCase().email('must be an e-mail address').max(254);
const UserIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const tags = ['Accounts'];
const session: Record<string, string[]>[] = [{ sessionCookie: [] }];
const admin: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];

const routes = {
  signIn: createRoute({
    method: 'post',
    path: '/api/auth/sign-in',
    operationId: 'signIn',
    tags,
    security: [],
    summary: 'Sign in to the console: sets the HttpOnly session cookie and returns the CSRF token',
    request: { body: jsonBody(z.strictObject({ email: Email, password: z.string().min(1).max(200) })) },
    responses: {
      200: jsonResponse(SessionSchema, 'Signed in'),
      400: errorResponse('Invalid request'),
      401: errorResponse('Wrong e-mail address or password'),
      403: errorResponse('The account is disabled'),
      423: errorResponse('Locked after too many wrong passwords (details.lockedUntil)'),
      429: errorResponse('Too many failed sign-ins from this address'),
    },
  }),
  current: createRoute({
    method: 'get',
    path: '/api/auth/session',
    operationId: 'getSession',
    tags,
    security: session,
    summary: 'The signed-in user and the CSRF token of the session',
    responses: { 200: jsonResponse(SessionSchema, 'Signed in') },
  }),
  signOut: createRoute({
    method: 'post',
    path: '/api/auth/sign-out',
    operationId: 'signOut',
    tags,
    security: session,
    summary: 'End the session',
    responses: { 204: { description: 'Signed out' } },
  }),
  password: createRoute({
    method: 'post',
    path: '/api/auth/password',
    operationId: 'changePassword',
    tags,
    security: session,
    summary: 'Choose a new password (the first sign-in with a given password asks for one)',
    request: {
      body: jsonBody(
        z.strictObject({
          currentPassword: z.string().min(1).max(200),
          newPassword: z.string().min(1).max(200),
        }),
      ),
    },
    responses: { 204: { description: 'Changed' } },
  }),
  listUsers: createRoute({
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    tags,
    security: admin,
    summary: 'Console users (admins only)',
    responses: {
      200: jsonResponse(z.object({ items: z.array(UserSchema) }), 'Every user'),
      403: errorResponse('Not an admin'),
    },
  }),
  createUser: createRoute({
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    tags,
    security: admin,
    summary: 'Create a user with a one-time password, shown once (admins only)',
    request: {
      body: jsonBody(
        z.strictObject({ email: Email, name: z.string().trim().min(1).max(100), role: z.enum(ROLES) }),
      ),
    },
    responses: {
      201: jsonResponse(
        z.object({ user: UserSchema, password: z.string() }),
        'Created; give them the password',
      ),
      403: errorResponse('Not an admin'),
      409: errorResponse('A user with this e-mail address exists'),
    },
  }),
  updateUser: createRoute({
    method: 'patch',
    path: '/api/users/{id}',
    operationId: 'updateUser',
    tags,
    security: admin,
    summary: 'Rename a user, change their role, or disable them (their sessions end) (admins only)',
    request: {
      params: UserIdParam,
      body: jsonBody(
        z.strictObject({
          name: z.string().trim().min(1).max(100).optional(),
          role: z.enum(ROLES).optional(),
          disabled: z.boolean().optional(),
        }),
      ),
    },
    responses: {
      200: jsonResponse(UserSchema, 'Updated'),
      403: errorResponse('Not an admin'),
      404: errorResponse('No such user'),
      409: errorResponse('An admin may not disable their own account'),
    },
  }),
  resetPassword: createRoute({
    method: 'post',
    path: '/api/users/{id}/reset-password',
    operationId: 'resetUserPassword',
    tags,
    security: admin,
    summary: 'A new one-time password, shown once; unlocks the account and ends its sessions (admins only)',
    request: { params: UserIdParam },
    responses: {
      200: jsonResponse(z.object({ password: z.string() }), 'The new password'),
      403: errorResponse('Not an admin'),
      404: errorResponse('No such user'),
    },
  }),
};

/**
 * HttpOnly, Secure and SameSite=Strict: never read by scripts, sent only over HTTPS (browsers count
 * http://localhost as secure, so the local runtime works too) and only by the console itself.
 */
function startSession(c: Context<AppEnv>, token: string, expiresAt: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    expires: new Date(expiresAt),
  });
}

/**
 * The address a sign-in is throttled by. Not X-Forwarded-For, which a client writes itself: in AWS the
 * viewer address that the console's CloudFront Function writes over whatever the client sent, else API
 * Gateway's source IP; locally the socket's peer. A caller that goes to the execute-api URL directly can
 * still set the header itself (docs/operations.md); the per-account lockout holds either way.
 */
function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as
    | {
        event?: { requestContext?: { http?: { sourceIp?: string } } };
        incoming?: { socket?: { remoteAddress?: string } };
      }
    | undefined;
  const viewer = c.req.header('cloudfront-viewer-address');
  if (viewer) return viewer.replace(/:\d+$/, '');
  return env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

const view = (user: User) => ({ ...user, ...(user.lockedUntil ? { lockedUntil: user.lockedUntil } : {}) });

export function registerAccountRoutes(app: OpenAPIHono<AppEnv>, accounts: Accounts): void {
  app.openapi(routes.signIn, async (c) => {
    const { email, password } = c.req.valid('json');
    const address = clientAddress(c);
    const signedIn = await accounts.signIn(email, password, address);
    startSession(c, signedIn.token, signedIn.session.expiresAt);
    return c.json(
      {
        user: view(signedIn.user),
        csrfToken: signedIn.session.csrfToken,
        expiresAt: signedIn.session.expiresAt,
      },
      200,
    );
  });

  app.openapi(routes.current, async (c) => {
    const s = c.var.session;
    if (!s) throw new ApiError(401, 'unauthorized', 'this is for console sessions; an API key has none');
    const found = await accounts.sessionFor(c.var.sessionToken!);
    if (!found) throw new ApiError(401, 'unauthorized', 'the session has ended; sign in again');
    return c.json({ user: view(found.user), csrfToken: s.csrfToken, expiresAt: s.expiresAt }, 200);
  });

  app.openapi(routes.signOut, async (c) => {
    if (c.var.sessionToken) await accounts.signOut(c.var.sessionToken);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.body(null, 204);
  });

  app.openapi(routes.password, async (c) => {
    if (c.var.caller.kind !== 'user') throw new ApiError(400, 'not_a_user', 'API keys have no password');
    const { currentPassword, newPassword } = c.req.valid('json');
    await accounts.changePassword(c.var.caller.id, currentPassword, newPassword);
    return c.body(null, 204);
  });

  app.openapi(routes.listUsers, async (c) => c.json({ items: (await accounts.list()).map(view) }, 200));

  app.openapi(routes.createUser, async (c) => {
    const created = await accounts.create(c.req.valid('json'));
    c.var.logger.info('user created', { userId: created.user.id, by: c.var.caller.id });
    return c.json({ user: view(created.user), password: created.password }, 201);
  });

  app.openapi(routes.updateUser, async (c) => {
    const { id } = c.req.valid('param');
    if (c.var.caller.kind === 'user' && c.var.caller.id === id && c.req.valid('json').disabled) {
      throw new ApiError(409, 'conflict', 'you cannot disable your own account');
    }
    return c.json(view(await accounts.update(id, c.req.valid('json'))), 200);
  });

  app.openapi(routes.resetPassword, async (c) =>
    c.json({ password: await accounts.resetPassword(c.req.valid('param').id) }, 200),
  );
}
