/** The campaign lifecycle over in-memory ports: creation checks, and each action's launch command. */
import type { Template } from '../../functions/domain/template';
import { createLogger } from '../../functions/logger';
import { CampaignService, RecipientsRejectedError } from '../../functions/services/campaign-service';
import { MemoryCampaigns, MemoryClock, MemoryQueue, MemoryRecipients } from '../support/memory-ports';

const template: Template = {
  id: 't1',
  name: 'welcome',
  body: 'Hello {{customerName}}',
  category: 'utility',
  variables: ['customerName'],
  version: 1,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
};

function world() {
  const campaigns = new MemoryCampaigns();
  const recipients = new MemoryRecipients();
  campaigns.recipientsStore = recipients;
  const queue = new MemoryQueue();
  const schedules: string[] = [];
  const service = new CampaignService({
    campaigns: campaigns as never,
    recipients,
    templates: { get: async (id: string) => (id === 't1' ? template : undefined) } as never,
    launchQueue: queue,
    scheduler: {
      scheduleStart: async (id) => void schedules.push(`start ${id}`),
      cancelStart: async (id) => void schedules.push(`cancel ${id}`),
      scheduleSeries: async (id, _r, enabled) => void schedules.push(`series ${id} ${enabled}`),
      scheduleRelease: async () => {},
    },
    clock: new MemoryClock(),
    logger: createLogger({ level: 'ERROR' }),
  });
  return { campaigns, recipients, queue, schedules, service };
}

const rows = (...names: string[]) =>
  names.map((name, i) => ({
    row: i + 1,
    input: { phone: `+4915110000${100 + i}`, variables: { customerName: name } },
  }));

describe('the campaign service over in-memory ports', () => {
  it('creates a draft with every recipient, merging duplicates, and refuses bad rows all at once', async () => {
    const w = world();
    const draft = await w.service.create({ name: 'spring', templateId: 't1', rows: rows('Ann', 'Ben') });
    expect(draft).toMatchObject({ state: 'draft', total: 2, counts: { total: 2, queued: 2 } });
    expect(w.recipients.items.size).toBe(2);
    const bad = w.service.create({
      name: 'bad',
      templateId: 't1',
      rows: [
        { row: 1, input: { phone: 'nope', variables: { customerName: 'A' } } },
        { row: 2, input: { phone: '+4915110000200' } },
      ],
    });
    await expect(bad).rejects.toBeInstanceOf(RecipientsRejectedError);
    await expect(bad).rejects.toMatchObject({
      rows: [{ row: 1 }, { row: 2, missingVariables: ['customerName'] }],
    });
    expect(w.campaigns.items.size).toBe(1);
  });

  it('start, pause, resume and cancel move the state and say what the launcher must do, under a new generation', async () => {
    const w = world();
    const { id } = await w.service.create({ name: 'spring', templateId: 't1', rows: rows('Ann') });
    expect((await w.service.start(id)).state).toBe('running');
    expect((await w.service.pause(id)).state).toBe('paused');
    expect((await w.service.resume(id)).state).toBe('running');
    expect((await w.service.cancel(id)).state).toBe('cancelled');
    expect(w.queue.commands).toEqual([
      { campaignId: id, gen: 1, action: 'launch' },
      { campaignId: id, gen: 2, action: 'launch' },
      { campaignId: id, gen: 2, action: 'cancel' },
    ]);
    await expect(w.service.start(id)).rejects.toMatchObject({ currentState: 'cancelled' });
  });

  it('schedules a campaign with sendAt, and starting it early removes the schedule', async () => {
    const w = world();
    const at = new Date('2026-12-02T09:00:00Z');
    const scheduled = await w.service.create({
      name: 'later',
      templateId: 't1',
      rows: rows('Ann'),
      sendAt: at,
    });
    expect(scheduled.state).toBe('scheduled');
    await w.service.start(scheduled.id);
    expect(w.schedules).toEqual([`start ${scheduled.id}`, `cancel ${scheduled.id}`]);
  });
});
