/** A console user's session in tests: sign in as the browser does, then call the API with the cookie. */

export interface SignedIn {
  readonly token: string;
  readonly csrf: string;
  readonly userId: string;
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<SignedIn> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((l) => l.startsWith('wa_session='))!;
  const body = (await res.json()) as { csrfToken: string; user: { id: string } };
  return {
    token: cookie.split(';')[0]!.slice('wa_session='.length),
    csrf: body.csrfToken,
    userId: body.user.id,
  };
}

/** A request with the session's cookie, and its CSRF token on anything that changes state. */
export function asUser(
  baseUrl: string,
  s: SignedIn,
  to: string,
  init: { method?: string; json?: unknown } = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  return fetch(`${baseUrl}${to}`, {
    method,
    headers: {
      cookie: `wa_session=${s.token}`,
      ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf }),
      ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
}

/**
 * A console user made through the API (with the platform's API key) who has replaced the one-time
 * password, signed in.
 */
export async function newUser(
  p: { url: string; api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response> },
  who: { email: string; name: string; role: 'admin' | 'agent' },
  password = 'a-passphrase-for-tests',
): Promise<SignedIn> {
  const created = await p.api('/api/users', { method: 'POST', json: who });
  expect(created.status).toBe(201);
  const { password: first } = (await created.json()) as { password: string };
  const once = await signIn(p.url, who.email, first);
  const changed = await asUser(p.url, once, '/api/auth/password', {
    method: 'POST',
    json: { currentPassword: first, newPassword: password },
  });
  expect(changed.status).toBe(204);
  return signIn(p.url, who.email, password);
}
