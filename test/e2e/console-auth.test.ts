/**
 * Console sign-in through the local runtime's HTTP app: the session cookie and its CSRF token, the first
 * admin's one-time password, roles, what admins do to users and API keys, and the lockout. The tests run
 * in order on one platform: the admin's session from the first ones is used by the later ones. Every
 * sign-in comes from 127.0.0.1, so the file as a whole stays under the address's 20 failures.
 */
import { bootPlatform, type TestPlatform } from '../support/platform';

interface SignedIn {
  readonly token: string;
  readonly csrf: string;
  readonly userId: string;
}

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe('console accounts through the local runtime', () => {
  jest.setTimeout(30_000);
  let p: TestPlatform;
  beforeAll(async () => {
    p = await bootPlatform();
  }, 60_000);
  afterAll(() => p.stop());

  const signInRequest = (email: string, password: string) =>
    fetch(`${p.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  /** The wa_session cookie an answer sets: its value and its attributes (lower-cased names). */
  function sessionCookie(res: Response) {
    const lines = res.headers.getSetCookie().filter((l) => l.startsWith('wa_session='));
    expect(lines).toHaveLength(1);
    const [pair, ...attributes] = lines[0]!.split(/;\s*/);
    const attrs = new Map(
      attributes.map((a) => {
        const [name, ...value] = a.split('=');
        return [name!.toLowerCase(), value.join('=')] as const;
      }),
    );
    return { value: pair!.slice('wa_session='.length), attrs };
  }

  async function signIn(email: string, password: string): Promise<SignedIn> {
    const res = await signInRequest(email, password);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { csrfToken: string; user: { id: string } };
    return { token: sessionCookie(res).value, csrf: body.csrfToken, userId: body.user.id };
  }

  /**
   * A request as the console makes it: the session cookie, and for changes the CSRF token unless `csrf`
   * says otherwise (null: none).
   */
  function as(
    s: SignedIn,
    path: string,
    init: { method?: string; json?: unknown; csrf?: string | null } = {},
  ): Promise<Response> {
    const method = init.method ?? 'GET';
    const csrf = init.csrf === undefined ? (method === 'GET' ? null : s.csrf) : init.csrf;
    return fetch(`${p.url}${path}`, {
      method,
      headers: {
        cookie: `wa_session=${s.token}`,
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  }

  /** Checks an error answer's status and code, and gives its body. */
  async function expectError(res: Response, status: number, code: string): Promise<ErrorBody['error']> {
    const { error } = (await res.json()) as ErrorBody;
    expect({ status: res.status, code: error.code }).toEqual({ status, code });
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }

  /** An error answer's body (the status checked). */
  async function errorOf(res: Response, status: number): Promise<ErrorBody['error']> {
    expect(res.status).toBe(status);
    return ((await res.json()) as ErrorBody).error;
  }

  const ADMIN_PASSWORD = 'the admin chose this one';
  const AGENT_PASSWORD = 'the agent chose this one';
  let admin: SignedIn;

  it('signs in to an HttpOnly, Secure, SameSite=Strict wa_session cookie and answers with the CSRF token', async () => {
    expect(p.admin.source).toBe('created');
    expect(p.url).toMatch(/^http:\/\/(localhost|127\.0\.0\.1)/);
    const before = Date.now();
    const res = await signInRequest(p.admin.email, p.admin.password!);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      user: { id: string; email: string; role: string; mustChangePassword: boolean };
      csrfToken: string;
      expiresAt: string;
    };
    expect(body.user).toMatchObject({ email: p.admin.email, role: 'admin', mustChangePassword: true });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.csrfToken).toMatch(/^[\w-]{32}$/);
    const expiresAt = Date.parse(body.expiresAt);
    expect(expiresAt - before).toBeGreaterThan(12 * 3_600_000 - 60_000);
    expect(expiresAt - before).toBeLessThanOrEqual(12 * 3_600_000 + 60_000);

    const cookie = sessionCookie(res);
    expect(cookie.value).toMatch(/^[\w-]{43}$/);
    expect(cookie.value).not.toBe(body.csrfToken);
    expect(cookie.attrs.has('httponly')).toBe(true);
    expect(cookie.attrs.get('samesite')).toBe('Strict');
    expect(cookie.attrs.get('path')).toBe('/');
    // Secure always, even over http://localhost: browsers treat localhost as a secure context and keep
    // the cookie; anywhere else it travels over HTTPS only.
    expect(cookie.attrs.has('secure')).toBe(true);
    expect(Date.parse(cookie.attrs.get('expires')!)).toBe(Math.floor(expiresAt / 1000) * 1000);
    // The token is in the cookie only, never in the body.
    expect(JSON.stringify(body)).not.toContain(cookie.value);
    admin = { token: cookie.value, csrf: body.csrfToken, userId: body.user.id };
  });

  it('GET /api/auth/session answers with the cookie, and 401 without it or with a wrong one', async () => {
    const res = await as(admin, '/api/auth/session');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      user: { id: admin.userId, email: p.admin.email, mustChangePassword: true },
      csrfToken: admin.csrf,
    });
    await expectError(await fetch(`${p.url}/api/auth/session`), 401, 'unauthorized');
    await expectError(
      await as({ ...admin, token: 'not-a-session-token' }, '/api/auth/session'),
      401,
      'unauthorized',
    );
    // An API key is not a session.
    await expectError(await p.api('/api/auth/session'), 401, 'unauthorized');
  });

  it('with the one-time password every route but /api/auth/* answers 403 password_change_required', async () => {
    await expectError(await as(admin, '/api/campaigns'), 403, 'password_change_required');
    await expectError(await as(admin, '/api/users'), 403, 'password_change_required');
    await expectError(
      await as(admin, '/api/templates', { method: 'POST', json: { name: 'blocked', body: 'Hi' } }),
      403,
      'password_change_required',
    );
  });

  it('POST /api/auth/password checks the current password and the new one, then opens the rest', async () => {
    const wrong = await errorOf(
      await as(admin, '/api/auth/password', {
        method: 'POST',
        json: { currentPassword: 'not the password', newPassword: ADMIN_PASSWORD },
      }),
      400,
    );
    expect(wrong).toMatchObject({ code: 'validation_failed', details: { field: 'currentPassword' } });
    const short = await errorOf(
      await as(admin, '/api/auth/password', {
        method: 'POST',
        json: { currentPassword: p.admin.password, newPassword: 'short' },
      }),
      400,
    );
    expect(short).toMatchObject({ code: 'validation_failed', details: { field: 'newPassword' } });

    const changed = await as(admin, '/api/auth/password', {
      method: 'POST',
      json: { currentPassword: p.admin.password, newPassword: ADMIN_PASSWORD },
    });
    expect(changed.status).toBe(204);
    // The same session goes on, now everywhere.
    expect((await as(admin, '/api/campaigns')).status).toBe(200);
    expect(await (await as(admin, '/api/auth/session')).json()).toMatchObject({
      user: { mustChangePassword: false },
    });
    await expectError(await signInRequest(p.admin.email, p.admin.password!), 401, 'invalid_credentials');
    const again = await signIn(p.admin.email, ADMIN_PASSWORD);
    expect(again.token).not.toBe(admin.token);
  });

  it("a session's change needs its own X-CSRF-Token: none or a wrong one is 403 csrf_failed", async () => {
    const other = await signIn(p.admin.email, ADMIN_PASSWORD);
    const template = { name: 'csrf_check', body: 'Hello {{customerName}}' };
    for (const csrf of [null, '', 'x'.repeat(32), other.csrf]) {
      await expectError(
        await as(admin, '/api/templates', { method: 'POST', json: template, csrf }),
        403,
        'csrf_failed',
      );
    }
    expect((await as(admin, '/api/templates?limit=100')).status).toBe(200);
    const created = await as(admin, '/api/templates', { method: 'POST', json: template });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await expectError(
      await as(admin, `/api/templates/${id}`, { method: 'DELETE', csrf: null }),
      403,
      'csrf_failed',
    );
    expect((await as(admin, `/api/templates/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  let agent: SignedIn;
  let agentId: string;
  const agentEmail = 'agent@example.com';

  it('an admin creates an agent with a one-time password; the agent runs campaigns but no admin pages', async () => {
    const res = await as(admin, '/api/users', {
      method: 'POST',
      json: { email: 'Agent@Example.com', name: 'Agent Smith', role: 'agent' },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { user: { id: string }; password: string };
    expect(created.user).toMatchObject({ email: agentEmail, role: 'agent', mustChangePassword: true });
    expect(created.password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    agentId = created.user.id;
    await expectError(
      await as(admin, '/api/users', {
        method: 'POST',
        json: { email: agentEmail, name: 'Again', role: 'admin' },
      }),
      409,
      'conflict',
    );

    const first = await signIn(agentEmail, created.password);
    await expectError(await as(first, '/api/campaigns'), 403, 'password_change_required');
    expect(
      (
        await as(first, '/api/auth/password', {
          method: 'POST',
          json: { currentPassword: created.password, newPassword: AGENT_PASSWORD },
        })
      ).status,
    ).toBe(204);
    agent = first;

    expect((await as(agent, '/api/campaigns')).status).toBe(200);
    expect((await as(agent, '/api/templates?limit=10')).status).toBe(200);
    for (const path of ['/api/users', '/api/keys', '/api/settings']) {
      await expectError(await as(agent, path), 403, 'forbidden');
    }
    await expectError(
      await as(agent, '/api/keys', { method: 'POST', json: { name: 'mine' } }),
      403,
      'forbidden',
    );
    await expectError(
      await as(agent, `/api/users/${agentId}`, { method: 'PATCH', json: { role: 'admin' } }),
      403,
      'forbidden',
    );
    await expectError(
      await as(agent, `/api/users/${agentId}/reset-password`, { method: 'POST' }),
      403,
      'forbidden',
    );

    // The admin sees both users, never a password or its hash; and the settings.
    const listed = await as(admin, '/api/users');
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toMatch(/passwordHash|scrypt/);
    const users = (JSON.parse(text) as { items: { email: string; role: string }[] }).items;
    expect(users.map((u) => [u.email, u.role]).sort()).toEqual(
      [
        [p.admin.email, 'admin'],
        [agentEmail, 'agent'],
      ].sort(),
    );
    expect((await as(admin, '/api/settings')).status).toBe(200);
  });

  it("disabling the agent ends their session and refuses their sign-in; an admin can't disable themself", async () => {
    const res = await as(admin, `/api/users/${agentId}`, { method: 'PATCH', json: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: agentId, disabled: true });
    await expectError(await as(agent, '/api/campaigns'), 401, 'unauthorized');
    await expectError(await as(agent, '/api/auth/session'), 401, 'unauthorized');
    await expectError(await signInRequest(agentEmail, AGENT_PASSWORD), 403, 'account_disabled');
    // A wrong password tells a disabled account from none.
    await expectError(await signInRequest(agentEmail, 'not the password'), 401, 'invalid_credentials');

    await expectError(
      await as(admin, `/api/users/${admin.userId}`, { method: 'PATCH', json: { disabled: true } }),
      409,
      'conflict',
    );
    await expectError(
      await as(admin, '/api/users/01NOSUCHUSER', { method: 'PATCH', json: { name: 'x' } }),
      404,
      'not_found',
    );
  });

  it('resetting a password gives a new one-time password and ends the sessions', async () => {
    expect(
      (await as(admin, `/api/users/${agentId}`, { method: 'PATCH', json: { disabled: false } })).status,
    ).toBe(200);
    const session = await signIn(agentEmail, AGENT_PASSWORD);
    expect((await as(session, '/api/campaigns')).status).toBe(200);

    const res = await as(admin, `/api/users/${agentId}/reset-password`, { method: 'POST' });
    expect(res.status).toBe(200);
    const { password } = (await res.json()) as { password: string };
    expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);

    await expectError(await as(session, '/api/campaigns'), 401, 'unauthorized');
    await expectError(await signInRequest(agentEmail, AGENT_PASSWORD), 401, 'invalid_credentials');
    const fresh = await signInRequest(agentEmail, password);
    expect(fresh.status).toBe(200);
    expect(await fresh.json()).toMatchObject({ user: { id: agentId, mustChangePassword: true } });
  });

  it('an admin issues an API key from the console: shown once, a bearer credential until revoked', async () => {
    const res = await as(admin, '/api/keys', { method: 'POST', json: { name: 'ci' } });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { id: string; name: string; key: string };
    expect(issued).toMatchObject({ name: 'ci', id: expect.any(String), key: expect.any(String) });
    const bearer = (path: string) =>
      fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${issued.key}` } });
    expect((await bearer('/api/campaigns')).status).toBe(200);

    const listed = await as(admin, '/api/keys');
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(issued.key);
    const items = (JSON.parse(text) as { items: Record<string, unknown>[] }).items;
    const mine = items.find((k) => k.id === issued.id);
    expect(mine).toMatchObject({ id: issued.id, name: 'ci' });
    for (const item of items) {
      expect(item).not.toHaveProperty('key');
      expect(item).not.toHaveProperty('hash');
    }

    await expectError(
      await as(admin, `/api/keys/${issued.id}`, { method: 'DELETE', csrf: null }),
      403,
      'csrf_failed',
    );
    expect((await as(admin, `/api/keys/${issued.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await bearer('/api/campaigns'), 401, 'unauthorized');
    const after = (await (await as(admin, '/api/keys')).json()) as {
      items: { id: string; revokedAt?: string }[];
    };
    expect(after.items.find((k) => k.id === issued.id)?.revokedAt).toEqual(expect.any(String));
    await expectError(await as(admin, '/api/keys/01NOSUCHKEY', { method: 'DELETE' }), 404, 'not_found');
  });

  it('five wrong passwords lock an account for 15 minutes (423 with lockedUntil), even to the right one', async () => {
    const res = await as(admin, '/api/users', {
      method: 'POST',
      json: { email: 'locked@example.com', name: 'Locked', role: 'agent' },
    });
    const { user, password } = (await res.json()) as { user: { id: string }; password: string };

    for (let i = 1; i <= 4; i += 1) {
      await expectError(
        await signInRequest('locked@example.com', `wrong password ${i}`),
        401,
        'invalid_credentials',
      );
    }
    const before = Date.now();
    const locked = await errorOf(await signInRequest('locked@example.com', 'wrong password 5'), 423);
    expect(locked.code).toBe('account_locked');
    const lockedUntil = Date.parse(String(locked.details?.lockedUntil));
    expect(lockedUntil - before).toBeGreaterThan(15 * 60_000 - 60_000);
    expect(lockedUntil - before).toBeLessThanOrEqual(15 * 60_000 + 60_000);

    const still = await errorOf(await signInRequest('locked@example.com', password), 423);
    expect(still).toMatchObject({
      code: 'account_locked',
      details: { lockedUntil: locked.details?.lockedUntil },
    });
    const listed = (await (await as(admin, '/api/users')).json()) as {
      items: { id: string; lockedUntil?: string }[];
    };
    expect(listed.items.find((u) => u.id === user.id)?.lockedUntil).toBe(locked.details?.lockedUntil);

    // An unknown address answers as a wrong password does, not as a lock.
    const unknown = await errorOf(await signInRequest('nobody@example.com', 'wrong password'), 401);
    const wrong = await errorOf(await signInRequest(agentEmail, 'wrong password'), 401);
    expect(unknown).toEqual(wrong);

    // An admin's reset unlocks it.
    const reset = await as(admin, `/api/users/${user.id}/reset-password`, { method: 'POST' });
    const fresh = (await reset.json()) as { password: string };
    expect((await signInRequest('locked@example.com', fresh.password)).status).toBe(200);
  });

  it('wrong passwords sent at the same moment are all counted: the account still locks', async () => {
    const res = await as(admin, '/api/users', {
      method: 'POST',
      json: { email: 'burst@example.com', name: 'Burst', role: 'agent' },
    });
    const { password } = (await res.json()) as { password: string };
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => signInRequest('burst@example.com', `wrong password ${i}`)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 401, 401, 423]);
    await expectError(await signInRequest('burst@example.com', password), 423, 'account_locked');
  });

  it('signing out ends the session and clears the cookie', async () => {
    const session = await signIn(p.admin.email, ADMIN_PASSWORD);
    await expectError(
      await as(session, '/api/auth/sign-out', { method: 'POST', csrf: null }),
      403,
      'csrf_failed',
    );
    const out = await as(session, '/api/auth/sign-out', { method: 'POST' });
    expect(out.status).toBe(204);
    const cleared = sessionCookie(out);
    expect(cleared.value).toBe('');
    expect(cleared.attrs.get('max-age')).toBe('0');
    await expectError(await as(session, '/api/auth/session'), 401, 'unauthorized');
    await expectError(await as(session, '/api/campaigns'), 401, 'unauthorized');
    // Other sessions of the same user go on.
    expect((await as(admin, '/api/campaigns')).status).toBe(200);
  });

  it('refuses a malformed sign-in with 400', async () => {
    await expectError(await signInRequest('not an address', 'whatever'), 400, 'validation_failed');
  });
});
