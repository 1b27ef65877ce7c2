import { action, allRecipients, createTemplate, waitForState } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

/** The platform's clock, moved by the test: schedules fire when it says so, not in real time. */
function testClock(start: string) {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = Date.parse(iso);
    },
  };
}

interface CampaignJson {
  id: string;
  state: string;
  counts: Record<string, number>;
  waiting: number;
  nextReleaseAt?: string;
  nextRunAt?: string;
  runCount?: number;
  lastRunId?: string;
  recurrence?: { expression: string; timezone: string };
  seriesId?: string;
  runAt?: string;
  pauseReason?: string;
  name: string;
}

describe('recurring campaigns and quiet hours in the local runtime', () => {
  jest.setTimeout(90_000);
  const clock = testClock('2026-11-24T10:00:00Z');
  let p: TestPlatform;
  let templateId: string;
  beforeAll(async () => {
    p = await bootPlatform({}, { clock, schedulerTickMs: 50 });
    templateId = await createTemplate(p, {
      name: 'weekly',
      body: 'Hello {{customerName}}! This week: 10% off.',
    });
  });
  afterAll(() => p.stop());

  const get = async (path: string) => (await (await p.api(path)).json()) as CampaignJson;
  const runsOf = async (id: string) =>
    ((await (await p.api(`/api/campaigns/${id}/runs`)).json()) as { items: CampaignJson[] }).items;
  const post = (path: string, json: unknown) => p.api(path, { method: 'POST', json });

  it('runs a series every minute, each run to the list as it is then, until paused; cancel deletes it', async () => {
    const list = (await (await post('/api/lists', { name: 'Weekly' })).json()) as { id: string };
    await post(`/api/lists/${list.id}/contacts`, {
      contacts: [{ phone: '+4915110000501', attributes: { customerName: 'Ada' } }],
    });

    const res = await post('/api/campaigns', {
      name: 'Every minute',
      templateId,
      lists: [list.id],
      recurrence: { rate: 'rate(1 minute)' },
    });
    expect(res.status).toBe(201);
    const series = (await res.json()) as CampaignJson;
    expect(series).toMatchObject({
      state: 'scheduled',
      recurrence: { expression: 'rate(1 minute)', timezone: 'UTC' },
      nextRunAt: '2026-11-24T10:01:00.000Z',
      runCount: 0,
    });
    const schedule = `campaign-${series.id}`;
    expect(p.scheduler.get(schedule)).toMatchObject({ at: '2026-11-24T10:01:00.000Z', enabled: true });

    clock.set('2026-11-24T10:01:00Z');
    const first = await waitFor(
      async () => {
        const runs = await runsOf(series.id);
        return runs[0]?.state === 'completed' ? runs : undefined;
      },
      20_000,
      'the first run',
    );
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      id: `${series.id}-20261124T1001`,
      seriesId: series.id,
      runAt: '2026-11-24T10:01:00.000Z',
      counts: { total: 1, sent: 1 },
    });
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000501: Hello Ada! This week: 10% off.');

    // Bob joins between runs: the next run includes him.
    await post(`/api/lists/${list.id}/contacts`, {
      contacts: [{ phone: '+4915110000502', attributes: { customerName: 'Bob' } }],
    });
    clock.set('2026-11-24T10:02:00Z');
    const second = await waitFor(
      async () => {
        const runs = await runsOf(series.id);
        return runs.length === 2 && runs[0]?.state === 'completed' ? runs : undefined;
      },
      20_000,
      'the second run',
    );
    expect(second.map((r) => r.runAt)).toEqual(['2026-11-24T10:02:00.000Z', '2026-11-24T10:01:00.000Z']);
    expect(second[0]!.counts).toMatchObject({ total: 2, sent: 2 });
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000502: Hello Bob! This week: 10% off.');
    expect(await get(`/api/campaigns/${series.id}`)).toMatchObject({
      runCount: 2,
      lastRunId: `${series.id}-20261124T1002`,
      counts: { total: 2, sent: 2 },
      nextRunAt: '2026-11-24T10:03:00.000Z',
    });

    // The same firing delivered twice makes one run.
    await p.deps.launchQueue.send({
      campaignId: series.id,
      gen: 0,
      action: 'fire',
      at: '2026-11-24T10:02:00.000Z',
    });

    expect((await action(p, series.id, 'pause')).status).toBe(200);
    expect(p.scheduler.get(schedule)?.enabled).toBe(false);
    for (const minute of ['03', '04', '05']) {
      clock.set(`2026-11-24T10:${minute}:00Z`);
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(await runsOf(series.id)).toHaveLength(2);
    expect(await get(`/api/campaigns/${series.id}`)).toMatchObject({ state: 'paused', runCount: 2 });
    expect((await get(`/api/campaigns/${series.id}`)).nextRunAt).toBeUndefined();

    expect((await action(p, series.id, 'resume')).status).toBe(200);
    expect(p.scheduler.get(schedule)).toMatchObject({ at: '2026-11-24T10:06:00.000Z', enabled: true });
    clock.set('2026-11-24T10:06:00Z');
    await waitFor(
      async () => ((await runsOf(series.id)).length === 3 ? true : undefined),
      20_000,
      'a third run',
    );

    expect((await action(p, series.id, 'cancel')).status).toBe(200);
    expect(p.scheduler.get(schedule)).toBeUndefined();
    // A firing already on its way when the series was cancelled makes nothing.
    await p.deps.launchQueue.send({
      campaignId: series.id,
      gen: 0,
      action: 'fire',
      at: '2026-11-24T10:07:00.000Z',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await runsOf(series.id)).toHaveLength(3);
    expect((await get(`/api/campaigns/${series.id}`)).state).toBe('cancelled');
  });

  it('runs a series with inline recipients on a cron in its zone; a series cannot be started or moved', async () => {
    clock.set('2026-11-24T10:10:00Z');
    const res = await post('/api/campaigns', {
      name: 'Mondays',
      templateId,
      recipients: [{ phone: '+4915110000511', variables: { customerName: 'Cleo' } }],
      recurrence: { cron: '0 9 ? * MON *', timezone: 'Europe/Berlin' },
    });
    expect(res.status).toBe(201);
    const series = (await res.json()) as CampaignJson;
    // Monday 30 November 2026, 09:00 in Berlin (UTC+1).
    expect(series).toMatchObject({
      recurrence: { expression: 'cron(0 9 ? * MON *)', timezone: 'Europe/Berlin' },
      nextRunAt: '2026-11-30T08:00:00.000Z',
    });
    expect((await action(p, series.id, 'start')).status).toBe(409);
    const move = await p.api(`/api/campaigns/${series.id}`, {
      method: 'PATCH',
      json: { sendAt: '2026-12-01T09:00:00Z' },
    });
    expect(move.status).toBe(409);

    clock.set('2026-11-30T08:00:00Z');
    const runs = await waitFor(
      async () => {
        const items = await runsOf(series.id);
        return items[0]?.state === 'completed' ? items : undefined;
      },
      20_000,
      'the Monday run',
    );
    expect(runs[0]).toMatchObject({ runAt: '2026-11-30T08:00:00.000Z', counts: { total: 1, sent: 1 } });
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000511: Hello Cleo! This week: 10% off.');
    await action(p, series.id, 'cancel');
  });

  it('holds recipients outside their own quiet hours, shows them waiting, and sends each at its opening', async () => {
    // 19:30 UTC: 20:30 in Berlin (closed), 14:30 in New York (open), 01:00 in India (closed).
    clock.set('2026-11-30T19:30:00Z');
    const res = await post('/api/campaigns', {
      name: 'Polite',
      templateId,
      recipients: [
        { phone: '+4915110000521', variables: { customerName: 'Dora' } },
        { phone: '+12125550100', variables: { customerName: 'Eve', timezone: 'America/New_York' } },
        { phone: '+919812345678', variables: { customerName: 'Farid' } },
      ],
      sendWindow: {
        start: '09:00',
        end: '20:00',
        timezone: 'recipient',
        fallbackTimezone: 'America/Chicago',
      },
    });
    expect(res.status).toBe(201);
    const campaign = (await res.json()) as CampaignJson;
    await action(p, campaign.id, 'start');

    const waiting = await waitFor(
      async () => {
        const c = await get(`/api/campaigns/${campaign.id}`);
        return c.counts.sent === 1 && c.waiting === 2 ? c : undefined;
      },
      20_000,
      'one sent, two waiting',
    );
    // India opens first: 09:00 IST on 1 December is 03:30 UTC.
    expect(waiting).toMatchObject({
      state: 'running',
      counts: { queued: 2 },
      nextReleaseAt: '2026-12-01T03:30:00.000Z',
    });
    expect(p.printed).toContain('[DEV] WhatsApp send to +12125550100: Hello Eve! This week: 10% off.');
    const queued = await allRecipients(p, campaign.id, 'queued');
    expect(queued.map((r) => [r.phone, (r as { deferredUntil?: string }).deferredUntil]).sort()).toEqual([
      ['+4915110000521', '2026-12-01T08:00:00.000Z'],
      ['+919812345678', '2026-12-01T03:30:00.000Z'],
    ]);
    expect(p.scheduler.get(`release-${campaign.id}-20261201T0330`)).toBeDefined();
    // Nobody is failed for the hour of day, and the campaign does not finish while people wait.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get(`/api/campaigns/${campaign.id}`)).state).toBe('running');

    clock.set('2026-12-01T03:30:00Z');
    const india = await waitFor(
      async () => {
        const c = await get(`/api/campaigns/${campaign.id}`);
        return c.counts.sent === 2 ? c : undefined;
      },
      20_000,
      'the release in India',
    );
    expect(india).toMatchObject({ waiting: 1, nextReleaseAt: '2026-12-01T08:00:00.000Z', state: 'running' });
    expect(p.printed).toContain('[DEV] WhatsApp send to +919812345678: Hello Farid! This week: 10% off.');
    expect(p.printed.join('\n')).not.toContain('+4915110000521: Hello Dora');

    clock.set('2026-12-01T08:00:00Z');
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.counts).toMatchObject({ total: 3, sent: 3, queued: 0, failed: 0 });
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000521: Hello Dora! This week: 10% off.');
  });

  it('pausing, resuming and cancelling a series does the same to the run under way', async () => {
    clock.set('2026-12-01T09:00:00Z');
    const res = await post('/api/campaigns', {
      name: 'Evening news',
      templateId,
      recipients: [{ phone: '+4915110000531', variables: { customerName: 'Gus' } }],
      recurrence: { rate: 'rate(1 hour)' },
      // Closed at 10:00 UTC: the run holds its recipient, so it is still running when the series is paused.
      sendWindow: { start: '22:00', end: '23:00', timezone: 'UTC' },
    });
    expect(res.status).toBe(201);
    const series = (await res.json()) as CampaignJson;
    clock.set('2026-12-01T10:00:00Z');
    const run = await waitFor(
      async () => {
        const runs = await runsOf(series.id);
        return runs[0]?.waiting === 1 ? runs[0] : undefined;
      },
      20_000,
      'a run holding its recipient',
    );
    expect(run.state).toBe('running');

    expect((await action(p, series.id, 'pause')).status).toBe(200);
    expect(await get(`/api/campaigns/${run.id}`)).toMatchObject({
      state: 'paused',
      pauseReason: 'the recurring campaign it belongs to was paused',
    });
    expect((await action(p, series.id, 'resume')).status).toBe(200);
    expect((await get(`/api/campaigns/${run.id}`)).state).toBe('running');

    // A run paused by hand stays paused when its series is resumed.
    expect((await action(p, run.id, 'pause')).status).toBe(200);
    expect((await action(p, series.id, 'pause')).status).toBe(200);
    expect((await action(p, series.id, 'resume')).status).toBe(200);
    expect((await get(`/api/campaigns/${run.id}`)).state).toBe('paused');

    expect((await action(p, series.id, 'cancel')).status).toBe(200);
    const cancelled = await waitFor(
      async () => {
        const c = await get(`/api/campaigns/${run.id}`);
        return c.state === 'cancelled' && c.counts.skipped === 1 ? c : undefined;
      },
      20_000,
      'the run cancelled with its waiting recipient skipped',
    );
    expect(cancelled.counts).toMatchObject({ sent: 0, skipped: 1 });
    expect(p.printed.join('\n')).not.toContain('+4915110000531');
  });

  it.each([
    [{ recurrence: { cron: '0 9 * * * *', timezone: 'Europe/Berlin' } }, 'recurrence.cron'],

    [{ recurrence: { cron: '0 9 ? * MON *' } }, 'recurrence.timezone'],
    [{ recurrence: { cron: '0 9 ? * MON *', timezone: 'Mars/Base' } }, 'recurrence.timezone'],
    [{ recurrence: { rate: 'rate(1 minutes)' } }, 'recurrence.rate'],
    [{ recurrence: { rate: '5 minutes', endAt: '2020-01-01T00:00:00Z' } }, 'recurrence.endAt'],
    [{ recurrence: { cron: '0 9 1 1 ? 2025', timezone: 'UTC' } }, 'recurrence.cron'],
    [{ sendWindow: { start: '09:00', end: '20:00', timezone: 'recipient' } }, 'sendWindow.fallbackTimezone'],
    [{ sendWindow: { start: '9am', end: '20:00', timezone: 'UTC' } }, 'sendWindow.start'],
  ])('refuses %j with 422 naming %s, storing nothing', async (extra, field) => {
    const before = ((await (await p.api('/api/campaigns?limit=100')).json()) as { items: unknown[] }).items
      .length;
    const res = await post('/api/campaigns', {
      name: 'bad',
      templateId,
      recipients: [{ phone: '+4915110000599', variables: { customerName: 'X' } }],
      ...extra,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { message: string; details: { field: string } } };
    expect(body.error.details.field).toBe(field);
    expect(body.error.message).toContain(field);
    const after = ((await (await p.api('/api/campaigns?limit=100')).json()) as { items: unknown[] }).items
      .length;
    expect(after).toBe(before);
  });

  it('refuses sendAt and recurrence together', async () => {
    const res = await post('/api/campaigns', {
      name: 'both',
      templateId,
      recipients: [{ phone: '+4915110000599', variables: { customerName: 'X' } }],
      sendAt: '2027-01-01T09:00:00Z',
      recurrence: { rate: 'rate(1 day)' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('recurrence');
  });
});
