/**
 * The inbox's store against dynalite: delivery ticks move only forward (every status Meta sends, in any
 * order, repeated), the newest customer message is tracked apart from the newest message, and the change
 * feed returns exactly what changed after its cursor.
 */
import { DynamoConversationStore } from '../../functions/adapters/dynamodb/conversation-store';
import type { ConversationMessage } from '../../functions/domain/conversation';
import { documentClient, isolatedConfig } from '../support/aws';

describe('DynamoConversationStore against dynalite', () => {
  const db = documentClient();
  let now = Date.parse('2026-12-02T10:00:00.000Z');
  const clock = { now: () => new Date(now) };
  let store: DynamoConversationStore;

  beforeAll(async () => {
    const config = await isolatedConfig();
    store = new DynamoConversationStore(db, config.tables.conversations, clock);
  });
  afterAll(() => db.destroy());

  const inbound = (contact: string, wamid: string, at: string): ConversationMessage => ({
    contact,
    wamid,
    direction: 'in',
    at,
    type: 'text',
    text: wamid,
    summary: wamid,
    source: 'customer',
  });

  it('moves delivery ticks forward only, whatever order and however often statuses come', async () => {
    const contact = '+4915110009001';
    const at = '2026-12-02T10:00:01.234Z';
    await store.append(inbound(contact, 'wamid.IN1', '2026-12-02T10:00:00.000Z'));
    // Recorded without a status (as if the "sent" webhook raced the record), then every status in turn.
    await store.append({
      contact,
      wamid: 'wamid.OUT1',
      direction: 'out',
      at,
      type: 'text',
      summary: 'hi',
      source: 'agent',
    });
    const tick = (status: 'sent' | 'delivered' | 'read' | 'failed') =>
      store.applyDelivery({
        contact,
        messageAt: at,
        wamid: 'wamid.OUT1',
        status,
        at: '2026-12-02T10:00:05.000Z',
      });
    const status = async () =>
      (await store.messages(contact, { limit: 10 })).items.find((m) => m.wamid === 'wamid.OUT1')?.delivery
        ?.status;
    expect(await tick('sent')).toBe('moved');
    expect(await tick('sent')).toBe('unchanged');
    expect(await tick('read')).toBe('moved');
    expect(await tick('delivered')).toBe('unchanged');
    expect(await tick('failed')).toBe('unchanged');
    expect(await status()).toBe('read');
    // A status for a message the conversation does not hold changes nothing (and creates nothing).
    expect(
      await store.applyDelivery({ contact, messageAt: at, wamid: 'wamid.NONE', status: 'read', at }),
    ).toBe('missing');
    expect((await store.messages(contact, { limit: 10 })).items).toHaveLength(2);
  });

  it("keeps the customer's newest message even when it sorts before the business's reply", async () => {
    const contact = '+4915110009002';
    await store.append(inbound(contact, 'wamid.A', '2026-12-02T10:00:00.000Z'));
    await store.append({
      contact,
      wamid: 'wamid.NOTICE',
      direction: 'out',
      at: '2026-12-02T10:00:00.500Z',
      type: 'text',
      summary: 'notice',
      source: 'system',
    });
    // WhatsApp's whole-second time: before the notice's, but it is the customer's newest.
    await store.append(inbound(contact, 'wamid.B', '2026-12-02T10:00:00.000Z'));
    const c = await store.get(contact);
    expect(c).toMatchObject({ lastInboundWamid: 'wamid.B', unread: 2, lastMessagePreview: 'notice' });
    expect(c?.waitingSince).toBe('2026-12-02T10:00:00.000Z');
  });

  it('feeds changes after a cursor, including reads and status changes', async () => {
    const contact = '+4915110009003';
    now += 60_000;
    await store.append(inbound(contact, 'wamid.C', new Date(now).toISOString()));
    // The feed holds what changed at or after the cursor: a poller passes its newest time less a margin.
    expect((await store.list({ limit: 100, changedSince: new Date(now).toISOString() })).items).toHaveLength(
      1,
    );
    const cursor = new Date(now + 1).toISOString();
    const feed = async () =>
      (await store.list({ limit: 100, changedSince: cursor })).items.map((c) => c.contact);
    expect(await feed()).toEqual([]);
    now += 1000;
    const read = await store.markRead(contact);
    expect(read.wasUnread).toBe(1);
    expect(await feed()).toEqual([contact]);
    expect((await store.markRead(contact)).wasUnread).toBe(0);
  });
});
