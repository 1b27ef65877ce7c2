/** The events consumer over in-memory ports, with real webhook payloads read by the domain parser. */
import type { SQSEvent } from 'aws-lambda';
import { inboundWebhook } from '../../bin/simulate';
import type { Campaign } from '../../functions/domain/campaign';
import { readNotification } from '../../functions/domain/webhook';
import { createLogger } from '../../functions/logger';
import { CONFIRMATIONS, makeEventsProcessor } from '../../functions/services/events';
import { Outbox } from '../../functions/services/outbox';
import { fixtureJson } from '../support/fixtures';
import {
  MemoryCampaigns,
  MemoryClock,
  MemoryContactRecords,
  MemoryConversations,
  MemoryInboundQueue,
  MemoryMessages,
  MemoryParking,
  MemoryQueue,
  MemoryRecipients,
  MemoryRedelivery,
  MemoryStatusTarget,
} from '../support/memory-ports';

function world() {
  const recipients = new MemoryRecipients();
  const messages = new MemoryMessages();
  const campaigns = new MemoryCampaigns();
  const contacts = new MemoryContactRecords();
  const conversations = new MemoryConversations();
  const inbound = new MemoryInboundQueue();
  const queue = new MemoryQueue();
  const clock = new MemoryClock(new Date('2026-12-01T10:00:05Z'));
  const parking = new MemoryParking();
  const outbox = new Outbox({ messages, sendQueue: queue, contacts, clock, mode: 'DEV' });
  const handle = makeEventsProcessor({
    statuses: new MemoryStatusTarget(recipients, messages),
    messages,
    campaigns,
    conversations: {
      ...conversations,
      append: (m: never) => conversations.append(m),
      mergeInto: (from: string, to: string) => conversations.mergeInto(from, to),
      get: async (contact: string) =>
        (await conversations.get(contact)) ?? {
          contact,
          aiEnabled: true,
          needsHuman: false,
          lastMessageAt: '',
          lastMessagePreview: '',
          lastDirection: 'in',
        },
    } as never,
    contacts,
    inboundQueue: inbound,
    outbox,
    parking,
    // Media downloads have their own tests (media-inbound.test.ts); here nothing is fetched.
    media: { keep: async () => ({ mediaError: 'not fetched in this test' }) },
    redelivery: new MemoryRedelivery(),
    clock,
    logger: createLogger({ level: 'ERROR' }),
    optOutKeywords: [],
    assistantDelaySeconds: 3,
  });
  let n = 0;
  const deliverBodies = (bodies: string[]) =>
    handle({
      Records: bodies.map((body) => ({
        messageId: `e${++n}`,
        receiptHandle: `r${n}`,
        body,
        attributes: { ApproximateReceiveCount: '1' },
      })),
    } as unknown as SQSEvent);
  const deliver = (payload: unknown) => {
    const notification = readNotification(payload);
    if (!notification.ok) throw new Error(notification.reason);
    return handle({
      Records: notification.changes.map((change) => ({
        messageId: `e${++n}`,
        receiptHandle: `r${n}`,
        body: JSON.stringify(change),
        attributes: { ApproximateReceiveCount: '1' },
      })),
    } as unknown as SQSEvent);
  };
  return {
    recipients,
    messages,
    campaigns,
    contacts,
    conversations,
    inbound,
    queue,
    parking,
    deliver,
    deliverBodies,
  };
}

describe('the events consumer over in-memory ports', () => {
  it('moves a campaign recipient forward once however often a status comes, and counts the move once', async () => {
    const w = world();
    w.campaigns.put({ id: 'c1', state: 'running', gen: 1, buckets: 1 } as Campaign, { total: 1, sent: 1 });
    const key = w.recipients.add('c1', '+16315551181');
    w.recipients.items.set(`c1|0|${key.phone}`, { ...(await w.recipients.get(key))!, status: 'sent' });
    const delivered = fixtureJson<{
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    }>('19-status-delivered-cbp.json');
    const status = delivered.entry[0]!.changes[0]!.value.statuses[0]!;
    status.biz_opaque_callback_data = `c:c1:0:${key.phone}`;
    await w.deliver(delivered);
    await w.deliver(delivered);
    expect((await w.recipients.get(key))?.status).toBe('delivered');
    expect(await w.campaigns.counts('c1')).toMatchObject({ sent: 0, delivered: 1 });
  });

  it('stores an inbound message once and hands it to the assistant once', async () => {
    const w = world();
    const payload = inboundWebhook({
      from: '+4915110000020',
      text: 'Do you repair e-bikes?',
      at: new Date('2026-12-01T10:00:00Z'),
    });
    await w.deliver(payload);
    await w.deliver(payload);
    expect(w.conversations.appended.filter((m) => m.direction === 'in')).toHaveLength(1);
    expect(w.inbound.jobs).toEqual([
      expect.objectContaining({ contact: '+4915110000020', text: 'Do you repair e-bikes?' }),
    ]);
    expect((await w.contacts.get('+4915110000020'))?.lastInboundAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('opts a contact out on STOP and confirms once through the outbox, whatever the opt-out', async () => {
    const w = world();
    await w.deliver(
      inboundWebhook({ from: '+4915110000021', text: 'STOP', at: new Date('2026-12-01T10:00:00Z') }),
    );
    await w.deliver(
      inboundWebhook({ from: '+4915110000021', text: 'stop', at: new Date('2026-12-01T10:00:01Z') }),
    );
    expect((await w.contacts.get('+4915110000021'))?.optedOut).toBe(true);
    const confirmations = [...w.messages.items.values()];
    expect(confirmations).toEqual([
      expect.objectContaining({
        to: '+4915110000021',
        text: CONFIRMATIONS.opt_out,
        source: 'system',
        ignoreOptOut: true,
      }),
    ]);
    expect(w.queue.tasks).toEqual([{ kind: 'message', messageId: confirmations[0]!.id }]);
    expect(w.inbound.jobs).toEqual([]);
  });

  it('applies a parked change (too large for a queue message) and then discards it', async () => {
    const w = world();
    const payload = inboundWebhook({
      from: '+4915110000022',
      text: 'Parked hello',
      at: new Date('2026-12-01T10:00:00Z'),
    });
    const notification = readNotification(payload);
    if (!notification.ok) throw new Error(notification.reason);
    const key = await w.parking.park(JSON.stringify(notification.changes[0]));
    const out = await w.deliverBodies([JSON.stringify({ parked: key })]);
    expect(out.batchItemFailures).toEqual([]);
    expect(w.conversations.appended.map((m) => m.text)).toEqual(['Parked hello']);
    expect(w.parking.objects.size).toBe(0);
    // The same pointer again (SQS delivered it twice): the change is gone, nothing is applied twice.
    expect((await w.deliverBodies([JSON.stringify({ parked: key })])).batchItemFailures).toEqual([]);
    expect(w.conversations.appended).toHaveLength(1);
  });
});

describe('customers known by a business-scoped user id', () => {
  const fixture = (name: string) => fixtureJson<Record<string, unknown>>(name);

  it('keeps a username user (no phone) under the user id, and moves the conversation to the phone once both are seen', async () => {
    const w = world();
    // 33: "from" is empty, only from_user_id identifies the customer.
    await w.deliver(fixture('33-text-inbound-username-empty-from-meta-doc.json'));
    expect(w.conversations.appended.map((m) => m.contact)).toEqual(['user.93737...']);
    // The same user later writes with both identifiers (as in 03): linked, and merged into the phone.
    const both = inboundWebhook({ from: '+16505550199', text: 'It is me again' });
    const value = both.entry[0]!.changes[0]!.value as {
      messages: Record<string, unknown>[];
      contacts: Record<string, unknown>[];
    };
    value.messages[0]!.from_user_id = 'user.93737...';
    value.contacts[0]!.user_id = 'user.93737...';
    await w.deliver(both);
    expect(await w.contacts.phoneOf('user.93737...')).toBe('+16505550199');
    expect(w.conversations.appended.map((m) => m.contact)).toEqual(['+16505550199', '+16505550199']);
    // A message with only the user id now finds the phone's conversation.
    await w.deliver(fixture('33-text-inbound-username-empty-from-meta-doc.json'));
    expect(w.conversations.appended.at(-1)?.contact).toBe('+16505550199');
  });
});
