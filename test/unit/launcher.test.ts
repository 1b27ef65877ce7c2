import type { Campaign } from '../../functions/domain/campaign';
import { createLogger } from '../../functions/logger';
import { runLaunchCommand } from '../../functions/services/launcher';
import { MemoryCampaigns, MemoryClock, MemoryQueue, MemoryRecipients } from '../support/memory-ports';

const campaign = {
  id: 'c1',
  name: 'spring',
  state: 'running',
  template: { id: 't1', version: 1, name: 'w', body: 'Hi', category: 'utility', variables: [] },
  total: 5,
  buckets: 1,
  gen: 2,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
} as unknown as Campaign;

function world() {
  const campaigns = new MemoryCampaigns();
  const recipients = new MemoryRecipients();
  const queue = new MemoryQueue();
  campaigns.put(campaign, { total: 5, queued: 5 });
  for (let i = 1; i <= 5; i++) recipients.add('c1', `+491511000010${i}`);
  const deps = {
    campaigns: campaigns as never,
    recipients,
    sendQueue: queue,
    launchQueue: queue,
    scheduler: { scheduleRelease: async () => {} },
    service: {} as never,
    clock: new MemoryClock(),
    logger: createLogger({ level: 'ERROR' }),
    pageSize: 2,
  };
  return { campaigns, recipients, queue, deps };
}

describe('the launcher over in-memory ports', () => {
  it('enqueues one task per queued recipient of the generation, then the first completion probe', async () => {
    const w = world();
    expect(await runLaunchCommand(w.deps, { campaignId: 'c1', gen: 2, action: 'launch' })).toBe('done');
    const tasks = w.queue.tasks.filter((t) => t.kind === 'recipient');
    expect(tasks.map((t) => (t.kind === 'recipient' ? t.phone : '')).sort()).toHaveLength(5);
    expect(tasks.every((t) => t.kind === 'recipient' && t.gen === 2)).toBe(true);
    expect(w.queue.tasks.at(-1)).toEqual({
      kind: 'probe',
      campaignId: 'c1',
      gen: 2,
      stalled: 0,
      lastQueued: -1,
    });
    // A launch command delivered twice enqueues nothing more: the checkpoint says it is done.
    await runLaunchCommand(w.deps, { campaignId: 'c1', gen: 2, action: 'launch' });
    expect(w.queue.tasks).toHaveLength(6);
  });

  it('near its deadline hands over to a new invocation, which continues from the last page', async () => {
    const w = world();
    const outcome = await runLaunchCommand(
      w.deps,
      { campaignId: 'c1', gen: 2, action: 'launch' },
      () => 1000,
    );
    expect(outcome).toBe('continued');
    expect(w.queue.commands).toEqual([{ campaignId: 'c1', gen: 2, action: 'launch' }]);
    expect(await runLaunchCommand(w.deps, { campaignId: 'c1', gen: 2, action: 'launch' })).toBe('done');
    const phones = w.queue.tasks.flatMap((t) => (t.kind === 'recipient' ? [t.phone] : []));
    expect(new Set(phones).size).toBe(5);
    expect(phones).toHaveLength(5);
  });

  it('ignores a command of another generation, and asks for a retry when the generation is not visible yet', async () => {
    const w = world();
    expect(await runLaunchCommand(w.deps, { campaignId: 'c1', gen: 1, action: 'launch' })).toBe('stale');
    expect(await runLaunchCommand(w.deps, { campaignId: 'c1', gen: 3, action: 'launch' })).toBe(
      'not_visible_yet',
    );
    expect(w.queue.tasks).toEqual([]);
  });
});
