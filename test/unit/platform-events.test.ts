/**
 * The events posted to the business's webhooks: campaign state changes are announced once each, after
 * they are written, and every event the platform builds keeps the OpenAPI document's `webhooks` contract.
 */
import type { Campaign } from '../../functions/domain/campaign';
import { StateConflictError } from '../../functions/domain/errors';
import {
  buttonClickedEvent,
  contactOptEvent,
  conversationEvent,
  messageReceivedEvent,
  messageStatusEvent,
  templateStatusEvent,
} from '../../functions/domain/webhooks/announce';
import { EVENT_TYPES, type PlatformEvent } from '../../functions/domain/webhooks/events';
import { apiDocument } from '../../functions/http/api-document';
import { announcingCampaigns } from '../../functions/services/campaign-announcements';
import { ContractChecker } from '../support/contract';
import { MemoryCampaigns } from '../support/memory-ports';

const campaign = (over: Partial<Campaign> = {}): Campaign =>
  ({
    id: 'c1',
    name: 'spring',
    state: 'draft',
    template: { id: 't1', version: 1, name: 'welcome', body: 'Hi', category: 'utility', variables: [] },
    total: 3,
    buckets: 1,
    gen: 0,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    ...over,
  }) as Campaign;

function announced() {
  const published: PlatformEvent[] = [];
  const memory = new MemoryCampaigns();
  const store = announcingCampaigns(memory, {
    async publish(events) {
      published.push(...events);
    },
  });
  return { memory, store, published };
}

describe('campaign events', () => {
  it('announces a start, a pause with its reason, a resume and a completion with the counts', async () => {
    const { memory, store, published } = announced();
    memory.put(campaign(), { queued: 3 });
    await store.changeState('c1', ['draft', 'scheduled'], 'running', {}, { bumpGen: true });
    await store.changeState('c1', ['running'], 'paused', { pauseReason: 'WhatsApp error 190' });
    await store.changeState('c1', ['paused'], 'running', {}, { bumpGen: true });
    await memory.addCounts('c1', { queued: -3, delivered: 2, failed: 1 });
    await store.changeState('c1', ['running'], 'completed');

    expect(published.map((e) => e.type)).toEqual([
      'campaign.started',
      'campaign.paused',
      'campaign.started',
      'campaign.completed',
    ]);
    const [started, paused, resumed, completed] = published.map(
      (e) => e.data as unknown as Record<string, unknown>,
    );
    expect(started).toMatchObject({ campaignId: 'c1', name: 'spring', state: 'running', resumed: false });
    expect(paused).toMatchObject({ state: 'paused', pauseReason: 'WhatsApp error 190' });
    expect(resumed).toMatchObject({ state: 'running', resumed: true });
    expect(completed).toMatchObject({ state: 'completed', counts: { delivered: 2, failed: 1, queued: 0 } });
    // One launch's start and the next one's are different events; each id is stable for its change.
    expect(new Set(published.map((e) => e.id)).size).toBe(4);
  });

  it('announces nothing for a change its condition refused, and leaves the rest of the store as it was', async () => {
    const { memory, store, published } = announced();
    memory.put(campaign({ state: 'completed' }));
    await expect(store.changeState('c1', ['running'], 'paused')).rejects.toBeInstanceOf(StateConflictError);
    expect(published).toEqual([]);
    expect((await store.get('c1'))?.state).toBe('completed');
    expect(await store.counts('c1')).toEqual(await memory.counts('c1'));
  });

  it('still announces a completion when its counts cannot be read', async () => {
    const { memory, store, published } = announced();
    memory.put(campaign({ state: 'running' }));
    memory.counts = async () => {
      throw new Error('throttled');
    };
    await store.changeState('c1', ['running'], 'completed');
    expect(published).toHaveLength(1);
    expect(published[0]!.data).not.toHaveProperty('counts');
  });
});

describe('the events keep the webhooks contract of the OpenAPI document', () => {
  let checker: ContractChecker;
  beforeAll(async () => {
    checker = new ContractChecker((await apiDocument()) as never);
  });

  const at = '2026-12-01T10:00:00.000Z';
  const samples = (): PlatformEvent[] => [
    messageStatusEvent({ wamid: 'wamid.1', to: '+4915112345678', status: 'sent', at, campaignId: 'c1' }),
    messageStatusEvent({
      wamid: 'wamid.2',
      to: '+4915112345678',
      status: 'failed',
      at,
      messageId: 'm1',
      source: 'api',
      error: { code: 131026, title: 'Message undeliverable', details: 'not on WhatsApp' },
      retryable: false,
    }),
    messageReceivedEvent({
      wamid: 'wamid.3',
      from: '+4915112345678',
      profileName: 'Ana',
      type: 'image',
      summary: '[image] a photo',
      at,
      contextWamid: 'wamid.1',
      media: {
        id: 'md1',
        kind: 'image',
        mimeType: 'image/jpeg',
        size: 12,
        caption: 'a photo',
        url: '/api/media/md1',
      },
    }),
    buttonClickedEvent({
      wamid: 'wamid.4',
      from: '+4915112345678',
      text: 'Yes',
      payload: 'YES',
      at,
      campaignId: 'c1',
    }),
    conversationEvent({
      contact: '+4915112345678',
      status: 'assigned',
      at,
      by: { kind: 'user', id: 'u1', name: 'Bea' },
      assigneeId: 'u1',
      assigneeName: 'Bea',
    })!,
    contactOptEvent('opted_out', { contact: '+4915112345678', scope: 'all', source: 'keyword', at }),
    templateStatusEvent({
      name: 'welcome',
      language: 'en_US',
      status: 'REJECTED',
      previousStatus: 'PENDING',
      metaId: '123',
      category: 'MARKETING',
      reason: 'INVALID_FORMAT',
      at,
    }),
  ];

  it('has one webhook per event type', () => {
    for (const type of EVENT_TYPES)
      expect(checker.checkEvent(JSON.stringify({ type }))).not.toContain(
        `event ${type}: no such webhook in the document`,
      );
    expect(checker.checkEvent(JSON.stringify({ type: 'message.exploded' }))).toEqual([
      'event message.exploded: no such webhook in the document',
    ]);
  });

  it('accepts every event the platform builds', async () => {
    const { store, memory, published } = announced();
    memory.put(campaign({ state: 'running', seriesId: 's1' }), { sent: 3 });
    await store.changeState('c1', ['running'], 'paused', { pauseReason: 'template paused' });
    await store.changeState('c1', ['paused'], 'cancelled');
    memory.put(campaign({ id: 'c2', state: 'running' }), { delivered: 3 });
    await store.changeState('c2', ['running'], 'completed');
    const events = [...samples(), ...published];
    expect(events.length).toBe(10);
    for (const event of events) expect(checker.checkEvent(JSON.stringify(event))).toEqual([]);
  });

  it('refuses an event that drifted from the document', () => {
    const event = messageStatusEvent({ wamid: 'wamid.1', to: '+4915112345678', status: 'read', at });
    const drifted = { ...event, data: { ...event.data, readBy: 'someone' } };
    expect(checker.checkEvent(JSON.stringify(drifted)).join('\n')).toMatch(/additional/);
    expect(checker.checkEvent(JSON.stringify({ ...event, version: 2 })).length).toBeGreaterThan(0);
  });
});
