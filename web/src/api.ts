import { createPlatformClient, type PlatformClient } from '../../clients/typescript';
import { type Problem, problemOf } from './problems';

/**
 * The console's only way to the platform: the client generated from the OpenAPI document, on the same
 * origin (the session cookie goes along by itself), with the session's CSRF token on every change.
 */
let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function consoleFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if (csrfToken && UNSAFE.has(request.method)) request.headers.set('x-csrf-token', csrfToken);
  return fetch(request, { credentials: 'same-origin' });
}

export function createConsoleClient(baseUrl = globalThis.location?.origin ?? ''): PlatformClient {
  return createPlatformClient({ baseUrl, fetch: consoleFetch });
}

export const api: PlatformClient = createConsoleClient();

/** What any call of the client gives back, reduced to the data or a Problem in words. */
export type Outcome<T> = { ok: true; data: T } | { ok: false; problem: Problem };

export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await request;
    if (response.ok) return { ok: true, data: data as T };
    if (response.status === 401) window.dispatchEvent(new Event('console:signed-out'));
    if (
      response.status === 403 &&
      (error as { error?: { code?: string } })?.error?.code === 'password_change_required'
    ) {
      window.dispatchEvent(new Event('console:password-change'));
    }
    return { ok: false, problem: problemOf(response.status, error) };
  } catch (e) {
    return {
      ok: false,
      problem: {
        code: 'network',
        message: `The platform did not answer (${(e as Error).message}); check that it is running.`,
        status: 0,
        fields: {},
        rows: [],
      },
    };
  }
}
