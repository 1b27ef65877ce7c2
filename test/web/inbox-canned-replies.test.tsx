import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setCsrfToken } from '../../web/src/api';
import { SettingsScreen } from '../../web/src/screens/settings';
import { SessionContext, type SessionInfo } from '../../web/src/session';
import { button, type, until, withHost } from './support/dom';

const admin: SessionInfo = {
  csrfToken: 'csrf-1',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: {
    id: 'u9',
    email: 'boss@example.com',
    name: 'Boss',
    role: 'admin',
    disabled: false,
    failedSignIns: 0,
    mustChangePassword: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  },
};

let replies: { shortcut: string; text: string; updatedAt: string; updatedBy?: string }[];
let requests: { method: string; path: string; body: unknown }[];

beforeEach(() => {
  replies = [
    { shortcut: 'hours', text: 'We open 9 to 5.', updatedAt: '2026-12-01T00:00:00Z', updatedBy: 'Boss' },
  ];
  requests = [];
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const path = decodeURIComponent(new URL(request.url).pathname);
    const text = request.method === 'GET' ? '' : await request.text();
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method: request.method, path, body });
    const json = (status: number, value: unknown) =>
      new Response(status === 204 ? null : JSON.stringify(value), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    if (path === '/api/canned-replies') return json(200, { items: replies });
    const shortcut = path.startsWith('/api/canned-replies/') ? path.slice('/api/canned-replies/'.length) : '';
    if (shortcut && request.method === 'PUT') {
      const saved = { shortcut, text: (body as { text: string }).text, updatedAt: '2026-12-02T00:00:00Z' };
      replies = [...replies.filter((r) => r.shortcut !== shortcut), saved];
      return json(200, saved);
    }
    if (shortcut && request.method === 'DELETE') {
      replies = replies.filter((r) => r.shortcut !== shortcut);
      return json(204, undefined);
    }
    if (path === '/api/users' || path === '/api/keys') return json(200, { items: [] });
    return json(404, { error: { code: 'not_found', message: 'no such thing' } });
  }) as typeof fetch;
  setCsrfToken('csrf-1');
});

describe('canned replies in the settings', () => {
  let host!: HTMLElement;
  withHost((h) => {
    host = h;
  });
  const section = () => host.querySelector('section[aria-labelledby="settings-canned"]') as HTMLElement;

  it('lists, adds, edits and deletes them', async () => {
    render(
      <SessionContext.Provider value={admin}>
        <SettingsScreen />
      </SessionContext.Provider>,
      host,
    );
    await until(() => section()?.textContent?.includes('We open 9 to 5.') ?? false, 'the list');

    // A shortcut the API would refuse is explained before anything is sent.
    type(section().querySelector('input[name="shortcut"]') as HTMLInputElement, 'Bad Name');
    type(section().querySelector('textarea[name="text"]') as HTMLTextAreaElement, 'Hello!');
    await act(() => button(section(), 'Add canned reply')?.click());
    expect(section().querySelector('.field-error')?.textContent).toContain('lower-case letters');
    expect(requests.some((r) => r.method === 'PUT')).toBe(false);

    await act(() => type(section().querySelector('input[name="shortcut"]') as HTMLInputElement, '/greet'));
    await act(() => button(section(), 'Add canned reply')?.click());
    await until(() => section().textContent?.includes('Saved /greet.') ?? false, 'the new reply');
    expect(requests.find((r) => r.method === 'PUT')).toMatchObject({
      path: '/api/canned-replies/greet',
      body: { text: 'Hello!' },
    });
    await until(() => section().textContent?.includes('/greet') ?? false, 'the reloaded list');

    // Typing an existing shortcut says that saving replaces it.
    await act(() => type(section().querySelector('input[name="shortcut"]') as HTMLInputElement, 'hours'));
    expect(section().textContent).toContain('/hours exists already: saving replaces its text.');
    expect(button(section(), 'Replace')).toBeDefined();

    const row = () =>
      [...section().querySelectorAll('tbody tr')].find((r) => r.textContent?.includes('/hours'))!;
    await act(() => button(row() as HTMLElement, 'Edit')?.click());
    await act(() => type(row().querySelector('textarea') as HTMLTextAreaElement, 'We open 8 to 6.'));
    await act(() => button(row() as HTMLElement, 'Save')?.click());
    await until(() => section().textContent?.includes('We open 8 to 6.') ?? false, 'the edit');

    await act(() => button(row() as HTMLElement, 'Delete')?.click());
    await act(() => button(row() as HTMLElement, 'Delete')?.click());
    await until(() => !section().textContent?.includes('We open 8 to 6.'), 'the deletion');
    expect(requests.find((r) => r.method === 'DELETE')?.path).toBe('/api/canned-replies/hours');
  });
});
