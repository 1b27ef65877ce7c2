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

const noLatency = { count: 0, p50Seconds: null, p90Seconds: null, p99Seconds: null, buckets: [] };
const noFigures = {
  campaignId: 'c1',
  targeted: 10,
  skipped: {},
  sent: 6,
  delivered: 3,
  read: 1,
  failed: 0,
  replied: { within24h: 0, within72h: 0 },
  optedOutWithin7d: 0,
  buttons: [],
  failures: [],
  timeToDelivered: noLatency,
  timeToRead: noLatency,
  pricing: [],
  billable: 0,
};

type Answer = { status: number; body: unknown };
let answers: Record<string, Answer>;
let requests: Request[];

beforeEach(() => {
  requests = [];
  answers = {
    'GET /api/campaigns/c1': { status: 200, body: campaign('running') },
    'GET /api/campaigns/c1/timeline': { status: 200, body: { items: [] } },
    'GET /api/campaigns/c1/recipients': { status: 200, body: { items: [] } },
    'GET /api/campaigns/c1/analytics': { status: 200, body: noFigures },
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

  it('shows the results with their rates, and the failures by error code with what to do', async () => {
    answers['GET /api/campaigns/c1'] = {
      status: 200,
      body: campaign('completed', { counts: { ...counts, queued: 0, failed: 3 } }),
    };
    const latency = (count: number, p50: number | null, p90: number | null, p99: number | null) => ({
      count,
      p50Seconds: p50,
      p90Seconds: p90,
      p99Seconds: p99,
      buckets: [],
    });
    answers['GET /api/campaigns/c1/analytics'] = {
      status: 200,
      body: {
        campaignId: 'c1',
        targeted: 10,
        skipped: { opted_out: 1 },
        sent: 8,
        delivered: 6,
        read: 3,
        failed: 3,
        replied: { within24h: 2, within72h: 3 },
        optedOutWithin7d: 1,
        buttons: [{ button: 'Yes please', taps: 3 }],
        failures: [
          {
            code: '131026',
            title: 'Message undeliverable',
            advice: 'They cannot receive WhatsApp.',
            count: 2,
          },
          { code: 'none', title: 'No answer from WhatsApp', advice: 'The platform retries these.', count: 1 },
        ],
        timeToDelivered: latency(6, 5, 30, 120),
        timeToRead: latency(3, 600, null, null),
        pricing: [{ category: 'marketing', messages: 8 }],
        billable: 8,
      },
    };
    render(<CampaignPage id="c1" />, host);
    await until(() => host.textContent?.includes('Why sends failed') ?? false, 'the results');
    const figure = (label: string) =>
      host.querySelector(`[data-figure="${label}"]`)?.parentElement?.textContent;
    expect(figure('sent')).toBe('8sent · 80%');
    expect(figure('delivered')).toBe('6delivered · 75%');
    expect(figure('replied (72 h)')).toBe('3replied (72 h) · 50%');
    expect(figure('opted out (7 days)')).toBe('1opted out (7 days) · 17%');
    expect(host.textContent).toContain('Skipped: 1 had opted out.');
    expect(host.querySelector('[data-testid="time-to-delivered"]')?.textContent).toBe(
      'half within 5 s, 90% within 30 s, 99% within 2 min (6 measured)',
    );
    expect(host.querySelector('[data-testid="time-to-read"]')?.textContent).toBe(
      'half within 10 min, 90% over a day, 99% over a day (3 measured)',
    );
    expect(host.querySelector('[data-testid="pricing"]')?.textContent).toBe('8 marketing · 8 billable');
    const cells = (testId: string) =>
      [...host.querySelectorAll(`[data-testid="${testId}"] tbody tr`)].map((r) =>
        [...r.querySelectorAll('td')].map((td) => td.textContent),
      );
    expect(cells('buttons')).toEqual([['Yes please', '3', '50%']]);
    expect(cells('failures')).toEqual([
      ['131026', 'Message undeliverable', '2', 'They cannot receive WhatsApp.'],
      ['—', 'No answer from WhatsApp', '1', 'The platform retries these.'],
    ]);
  });

  it('says in words when the results cannot be read, and the rest of the page still works', async () => {
    answers['GET /api/campaigns/c1/analytics'] = {
      status: 500,
      body: { error: { code: 'internal', message: 'boom' } },
    };
    render(<CampaignPage id="c1" />, host);
    await until(() => host.textContent?.includes('Recipients') ?? false, 'the page');
    await until(() => host.querySelector('[role="alert"]') !== null, 'the error');
    expect(host.querySelector('[role="alert"]')?.textContent).toBe('The results could not be read: boom');
    expect(host.textContent).not.toContain('Results');
    expect(host.querySelector('[data-count="sent"]')?.textContent).toBe('3');
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
