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
});
