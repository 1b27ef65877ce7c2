import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setCsrfToken } from '../../web/src/api';
import { CampaignPage } from '../../web/src/screens/campaign';
import { button, until, withHost } from './support/dom';

const counts = { total: 10, queued: 4, sent: 3, delivered: 2, read: 1, failed: 0, skipped: 0 };
const campaign = (state: string, extra: Record<string, unknown> = {}) => ({
  id: 'c1',
  name: 'Spring sale',
  state,
  template: { id: 't1', version: 2, name: 'welcome' },
  counts,
  waiting: 0,
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  ...extra,
});

type Answer = { status: number; body: unknown };
let answers: Record<string, Answer>;
let requests: Request[];

beforeEach(() => {
  requests = [];
  answers = {
    'GET /api/campaigns/c1': { status: 200, body: campaign('running') },
    'GET /api/campaigns/c1/timeline': { status: 200, body: { items: [] } },
    'GET /api/campaigns/c1/recipients': { status: 200, body: { items: [] } },
  };
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    requests.push(request);
    const url = new URL(request.url);
    const answer = answers[`${request.method} ${url.pathname}`] ?? { status: 404, body: {} };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  setCsrfToken('csrf-123');
});

describe('the campaign page', () => {
  let host!: HTMLElement;
  withHost((h) => {
    host = h;
  });

  it('shows the counts and pauses only after the confirmation, with the CSRF token', async () => {
    answers['POST /api/campaigns/c1/pause'] = {
      status: 200,
      body: campaign('paused', { pausedAt: '2026-12-02T10:01:00Z' }),
    };
    render(<CampaignPage id="c1" />, host);
    await until(() => host.textContent?.includes('Spring sale') ?? false, 'the campaign');
    expect(host.querySelector('[data-count="sent"]')?.textContent).toBe('3');
    expect(host.textContent).toContain('60% processed');

    await act(() => button(host, 'Pause')?.click());
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
    expect(host.textContent).toContain('Pause sending?');
    await act(() => button(host, 'Yes, pause')?.click());
    await until(() => host.textContent?.includes('Paused.') ?? false, 'the paused notice');

    const pause = requests.find((r) => r.method === 'POST');
    expect(new URL(pause!.url).pathname).toBe('/api/campaigns/c1/pause');
    expect(pause!.headers.get('x-csrf-token')).toBe('csrf-123');
    expect(button(host, 'Resume')).toBeDefined();
    expect(button(host, 'Pause')).toBeUndefined();
  });

  it('says in words why an action was refused', async () => {
    answers['POST /api/campaigns/c1/cancel'] = {
      status: 409,
      body: {
        error: { code: 'invalid_state', message: 'the campaign is completed; it cannot be cancelled' },
      },
    };
    render(<CampaignPage id="c1" />, host);
    await until(() => button(host, 'Cancel campaign') !== undefined, 'the actions');
    await act(() => button(host, 'Cancel campaign')?.click());
    await act(() => button(host, 'Yes, cancel')?.click());
    await until(() => host.querySelector('[role="alert"]') !== null, 'the error');
    expect(host.querySelector('[role="alert"]')?.textContent).toBe(
      'the campaign is completed; it cannot be cancelled',
    );
  });

  it('groups failures by error code with what to do', async () => {
    answers['GET /api/campaigns/c1'] = {
      status: 200,
      body: campaign('completed', { counts: { ...counts, queued: 0, failed: 3 } }),
    };
    const failed = (phone: string, code: number, title: string) => ({
      phone,
      status: 'failed',
      variables: {},
      attempts: 1,
      updatedAt: '2026-12-02T10:00:00Z',
      lastError: { code, title },
    });
    answers['GET /api/campaigns/c1/recipients'] = {
      status: 200,
      body: {
        items: [
          failed('+491', 131026, 'Message undeliverable'),
          failed('+492', 131026, 'Message undeliverable'),
          failed('+493', 131047, 'Re-engagement message'),
        ],
      },
    };
    render(<CampaignPage id="c1" />, host);
    await until(() => host.textContent?.includes('Why sends failed') ?? false, 'the failure groups');
    const rows = [...host.querySelectorAll('table')[0]!.querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows[0]?.slice(0, 3)).toEqual(['131026', 'Message undeliverable', '2']);
    expect(rows[0]?.[3]).toMatch(/cannot receive WhatsApp/);
    expect(rows[1]?.[0]).toBe('131047');
    expect(rows[1]?.[3]).toMatch(/24 hours/);
  });
});

describe('the campaigns list refresh', () => {
  it('updates the first page in place and keeps the older pages already shown', async () => {
    const { mergeFirstPage } = await import('../../web/src/screens/campaigns');
    const c = (id: string, state = 'completed') => campaign(state, { id, name: id }) as never;
    const shown = [c('c3', 'running'), c('c2'), c('c1')];
    const merged = mergeFirstPage(shown, [c('c4', 'running'), c('c3')]);
    expect(merged.map((x: { id: string }) => x.id)).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect((merged[1] as { state: string }).state).toBe('completed');
  });
});
