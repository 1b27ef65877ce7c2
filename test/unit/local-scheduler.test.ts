import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../functions/logger';
import { type LocalSchedule, LocalScheduler } from '../../local/local-scheduler';

function fakeClock(start: string) {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('LocalScheduler', () => {
  const logger = createLogger({ level: 'ERROR' });

  it('fires a one-time schedule at its time, once, and deletes it', async () => {
    const clock = fakeClock('2026-03-29T00:59:00Z');
    const fired: LocalSchedule[] = [];
    const s = new LocalScheduler({ clock, logger, onFire: async (x) => void fired.push(x) });
    s.upsert({ name: 'c1', at: '2026-03-29T01:00:00Z', payload: { campaignId: 'c1' } });
    await s.tick();
    expect(fired).toEqual([]);
    clock.advance(60_000);
    await s.tick();
    await s.tick();
    expect(fired.map((f) => f.payload)).toEqual([{ campaignId: 'c1' }]);
    expect(s.list()).toEqual([]);
  });

  it('keeps a schedule whose target failed and fires it again on the next tick', async () => {
    const clock = fakeClock('2026-01-01T00:00:00Z');
    let calls = 0;
    const s = new LocalScheduler({
      clock,
      logger,
      onFire: async () => {
        calls += 1;
        if (calls === 1) throw new Error('launcher down');
      },
    });
    s.upsert({ name: 'c1', at: '2026-01-01T00:00:00Z', payload: {} });
    await s.tick();
    expect(s.list()).toHaveLength(1);
    await s.tick();
    expect(calls).toBe(2);
    expect(s.list()).toHaveLength(0);
  });

  it('persists schedules and fires those that came due while stopped', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sched-')), 'schedules.json');
    const clock = fakeClock('2026-01-01T00:00:00Z');
    const first = new LocalScheduler({ file, clock, logger, onFire: async () => {} });
    first.upsert({ name: 'later', at: '2026-01-01T00:05:00Z', payload: { n: 1 } });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(1);

    clock.advance(10 * 60_000);
    const fired: string[] = [];
    const second = new LocalScheduler({
      file,
      clock,
      logger,
      onFire: async (x) => void fired.push(x.name),
      tickMs: 60_000,
    });
    second.start();
    await second.stop();
    expect(fired).toEqual(['later']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('fires a recurring schedule at each time with the scheduled time in its payload, and holds it while disabled', async () => {
    const clock = fakeClock('2026-11-24T10:00:20Z');
    const fired: unknown[] = [];
    const s = new LocalScheduler({ clock, logger, onFire: async (x) => void fired.push(x.payload) });
    const series = {
      name: 'campaign-S',
      recurrence: { expression: 'rate(1 minute)', timezone: 'UTC' },
      payload: { campaignId: 'S', gen: 0, action: 'fire', at: '<aws.scheduler.scheduled-time>' },
    };
    s.upsert(series);
    // A rate counts from when the schedule was made: the first firing is one interval later.
    expect(s.get('campaign-S')?.at).toBe('2026-11-24T10:01:20.000Z');
    await s.tick();
    expect(fired).toEqual([]);
    clock.advance(60_000);
    await s.tick();
    await s.tick();
    clock.advance(60_000);
    await s.tick();
    expect(fired).toEqual([
      { campaignId: 'S', gen: 0, action: 'fire', at: '2026-11-24T10:01:20.000Z' },
      { campaignId: 'S', gen: 0, action: 'fire', at: '2026-11-24T10:02:20.000Z' },
    ]);

    s.upsert({ ...series, anchor: s.get('campaign-S')!.anchor!, enabled: false });
    clock.advance(4 * 60_000);
    await s.tick();
    expect(fired).toHaveLength(2);

    s.upsert({ ...series, anchor: s.get('campaign-S')!.anchor!, enabled: true });
    // Resumed at 10:06:20: the next time of the series, still counted from its start.
    expect(s.get('campaign-S')?.at).toBe('2026-11-24T10:07:20.000Z');
    await s.tick();
    expect(fired).toHaveLength(2);
    clock.advance(60_000);
    await s.tick();
    expect(fired).toHaveLength(3);
  });

  it('reads cron schedules in their zone and stops after endAt', async () => {
    const clock = fakeClock('2026-03-27T12:00:00Z');
    const fired: string[] = [];
    const s = new LocalScheduler({
      clock,
      logger,
      onFire: async (x) => void fired.push((x.payload as { at: string }).at),
    });
    s.upsert({
      name: 'daily',
      recurrence: {
        expression: 'cron(0 9 * * ? *)',
        timezone: 'Europe/Berlin',
        endAt: '2026-03-30T00:00:00Z',
      },
      payload: { at: '<aws.scheduler.scheduled-time>' },
    });
    for (let i = 0; i < 4; i++) {
      clock.advance(24 * 3600_000);
      await s.tick();
    }
    // 09:00 CET, then 09:00 CEST after the change on 29 March; nothing after endAt.
    expect(fired).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    expect(s.get('daily')?.at).toBeUndefined();
  });

  it('skips firings of a recurring schedule missed while stopped, and says so', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sched-')), 'schedules.json');
    const clock = fakeClock('2026-11-24T10:00:00Z');
    const first = new LocalScheduler({ file, clock, logger, onFire: async () => {} });
    first.upsert({
      name: 'series',
      recurrence: { expression: 'rate(1 minute)', timezone: 'UTC' },
      payload: {},
    });

    clock.advance(10 * 60_000 + 30_000);
    const lines: unknown[] = [];
    const spyLogger = Object.assign(Object.create(logger) as typeof logger, {
      info: (...args: unknown[]) => void lines.push(args),
    });

    const fired: string[] = [];
    const second = new LocalScheduler({
      file,
      clock,
      logger: spyLogger,
      onFire: async (x) => void fired.push(x.name),
      tickMs: 60_000,
    });
    second.start();
    await second.stop();
    expect(fired).toEqual([]);
    expect(second.get('series')?.at).toBe('2026-11-24T10:11:00.000Z');
    expect(JSON.stringify(lines)).toContain(
      'series firings missed while the platform was stopped are skipped',
    );
  });
});
