import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoCampaignStore } from '../../functions/adapters/dynamodb/campaign-store';
import { DynamoContactStore } from '../../functions/adapters/dynamodb/contact-store';
import { DynamoMessageStore } from '../../functions/adapters/dynamodb/message-store';
import { DynamoRecipientStore } from '../../functions/adapters/dynamodb/recipient-store';
import { SqsJsonQueue, SqsSendQueue, sendPacked } from '../../functions/adapters/sqs/queues';
import { bucketOf, type Campaign } from '../../functions/domain/campaign';
import type { InboundJob } from '../../functions/domain/conversation';
import { StateConflictError } from '../../functions/domain/errors';
import { QUEUES } from '../../functions/resources';
import { reconcileCounts } from '../../functions/services/counters';
import { ensureQueue } from '../../local/provision';
import { documentClient, isolatedConfig, sqsClient, uniqueSuffix } from '../support/aws';
import { phoneNumber } from '../support/wait';

const template = {
  id: 't',
  version: 1,
  name: 't',
  body: 'Hi {{n}}',
  category: 'utility' as const,
  variables: ['n'],
};

function campaignOf(id: string, total: number, buckets: number): Campaign {
  const now = new Date().toISOString();
  return { id, name: id, state: 'draft', template, total, buckets, gen: 0, createdAt: now, updatedAt: now };
}

describe('campaign stores against dynalite', () => {
  const db = documentClient();
  let campaigns: DynamoCampaignStore;
  let recipients: DynamoRecipientStore;
  let contacts: DynamoContactStore;
  let messages: DynamoMessageStore;
  let contactsTable: string;

  beforeAll(async () => {
    const config = await isolatedConfig();
    campaigns = new DynamoCampaignStore(db, config.tables.campaigns, config.tables.recipients);
    recipients = new DynamoRecipientStore(db, config.tables.recipients);
    contactsTable = config.tables.contacts;
    contacts = new DynamoContactStore(db, contactsTable);
    messages = new DynamoMessageStore(db, config.tables.messages);
  });
  afterAll(() => db.destroy());

  it('creates recipients across buckets and counts them', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 300, 4);
    const list = Array.from({ length: 300 }, (_, i) => ({
      phone: phoneNumber(i),
      variables: { n: String(i) },
    }));
    await campaigns.create(c, list);
    expect(await campaigns.counts(c.id)).toEqual({
      total: 300,
      queued: 300,
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 0,
      skipped: 0,
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await recipients.list(c.id, c.buckets, { limit: 70, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.phone));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(300);
    expect(await recipients.histogram(c.id, c.buckets)).toMatchObject({ total: 300, queued: 300 });
  });

  it('claims a recipient once; a second claim waits for the lease; only the holder records the send', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 1, 1);
    await campaigns.create(c, [{ phone: '+4915110000000', variables: { n: 'x' } }]);
    const key = { campaignId: c.id, bucket: 0, phone: '+4915110000000' };
    const first = await recipients.claim(key, 'A', 1_000, 5_000);
    expect(first).toMatchObject({
      claimed: true,
      recipient: { phone: '+4915110000000', variables: { n: 'x' }, status: 'queued' },
    });
    expect(await recipients.claim(key, 'B', 2_000, 5_000)).toMatchObject({
      claimed: false,
      current: { status: 'queued' },
    });
    // After the lease, another worker may take over; the first holder can then no longer record a send.
    expect(await recipients.claim(key, 'B', 7_000, 5_000)).toMatchObject({ claimed: true });
    expect(await recipients.markSent(key, 'A', 'wamid.A', new Date().toISOString())).toBe(false);
    expect(await recipients.markSent(key, 'B', 'wamid.B', new Date().toISOString())).toBe(true);
    expect(await recipients.markSent(key, 'B', 'wamid.B2', new Date().toISOString())).toBe(false);
    expect(await recipients.claim(key, 'C', 99_000, 5_000)).toMatchObject({
      claimed: false,
      current: { status: 'sent', wamid: 'wamid.B' },
    });
  });

  it('moves failures back to the queue only when retryable, and skips only unclaimed recipients', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 3, 1);
    await campaigns.create(c, [
      { phone: '+4915110000001', variables: {} },
      { phone: '+4915110000002', variables: {} },
      { phone: '+4915110000003', variables: {} },
    ]);
    const k = (p: string) => ({ campaignId: c.id, bucket: 0, phone: p });
    const now = Date.now();
    await recipients.claim(k('+4915110000001'), 'T1', now, 60_000);
    await recipients.markFailed(
      k('+4915110000001'),
      'T1',
      { code: 131000, title: 'x' },
      { retryable: true, countAttempt: true },
      new Date().toISOString(),
    );
    await recipients.claim(k('+4915110000002'), 'T2', now, 60_000);
    await recipients.markFailed(
      k('+4915110000002'),
      'T2',
      { code: 131026, title: 'y' },
      { retryable: false, countAttempt: true },
      new Date().toISOString(),
    );
    expect(await recipients.requeue(k('+4915110000001'), new Date().toISOString())).toBe(true);
    expect(await recipients.requeue(k('+4915110000002'), new Date().toISOString())).toBe(false);

    await recipients.claim(k('+4915110000003'), 'T3', now, 60_000);
    expect(await recipients.markSkipped(k('+4915110000003'), 'cancelled', new Date(now).toISOString())).toBe(
      false,
    );
    expect(
      await recipients.markSkipped(k('+4915110000003'), 'opted_out', new Date(now).toISOString(), 'T3'),
    ).toBe(true);
    expect(await recipients.histogram(c.id, 1)).toMatchObject({ queued: 1, failed: 1, skipped: 1 });
  });

  it('spreads counter increments over shards and sums them', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 100, 1);
    await campaigns.create(c, []);
    await Promise.all(Array.from({ length: 100 }, () => campaigns.addCounts(c.id, { queued: -1, sent: 1 })));
    expect(await campaigns.counts(c.id)).toMatchObject({ queued: 0, sent: 100 });
  });

  /** A clock `ms` ahead of now: the recipients look that long quiet. */
  const later = (ms: number) => ({ now: () => new Date(Date.now() + ms) });

  it('reconciles a lost counter update, but never one still on its way', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 3, 1);
    await campaigns.create(c, [
      { phone: '+4915110000091', variables: {} },
      { phone: '+4915110000092', variables: {} },
      { phone: '+4915110000093', variables: {} },
    ]);
    const send = async (phone: string) => {
      const key = { campaignId: c.id, bucket: 0, phone };
      await recipients.claim(key, 'T', Date.now(), 60_000);
      await recipients.markSent(key, 'T', `wamid.${phone}`, new Date().toISOString());
    };

    // In flight: the recipient moved a moment ago and its counter is still on its way: nothing is touched.
    await send('+4915110000091');
    expect(await reconcileCounts({ campaigns, recipients, clock: later(0) }, c.id, 1)).toBe('busy');
    expect(await campaigns.counts(c.id)).toMatchObject({ queued: 3, sent: 0 });
    await campaigns.addCounts(c.id, { queued: -1, sent: 1 });
    expect(await reconcileCounts({ campaigns, recipients, clock: later(0) }, c.id, 1)).toBe('agreed');

    // A counter that lands while the recipients are read is not taken for a lost one, however quiet.
    await send('+4915110000092');
    let reads = 0;
    const landing = {
      ...campaigns,
      tally: async (id: string) => {
        const t = await campaigns.tally(id);
        if (++reads === 1) await campaigns.addCounts(c.id, { queued: -1, sent: 1 });
        return t;
      },
      addCounts: campaigns.addCounts.bind(campaigns),
      noteRecount: campaigns.noteRecount.bind(campaigns),
    } as typeof campaigns;
    expect(await reconcileCounts({ campaigns: landing, recipients, clock: later(61_000) }, c.id, 1)).toBe(
      'agreed',
    );
    expect(await campaigns.counts(c.id)).toMatchObject({ queued: 1, sent: 2 });

    // Lost: a worker died between the two writes; after a quiet minute the difference is corrected once.
    await send('+4915110000093');
    expect(await reconcileCounts({ campaigns, recipients, clock: later(0) }, c.id, 1)).toBe('busy');
    expect(await reconcileCounts({ campaigns, recipients, clock: later(61_000) }, c.id, 1)).toBe('corrected');
    expect(await campaigns.counts(c.id)).toMatchObject({ queued: 0, sent: 3 });
    expect((await campaigns.get(c.id))?.countCorrections).toBe(1);
    expect(await reconcileCounts({ campaigns, recipients, clock: later(61_000) }, c.id, 1)).toBe('agreed');
  });

  it('reconciles the waiting counter with the recipients held by quiet hours', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 2, 1);
    await campaigns.create(c, [
      { phone: '+4915110000093', variables: {} },
      { phone: '+4915110000094', variables: {} },
    ]);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    for (const phone of ['+4915110000093', '+4915110000094']) {
      expect(
        await recipients.defer({ campaignId: c.id, bucket: 0, phone }, until, { nowMs: Date.now() }),
      ).toBe(true);
    }
    // Both deferrals were counted, then a release and a cancel racing on one recipient took it off twice.
    await campaigns.addCounts(c.id, { waiting: 2 });
    await campaigns.addCounts(c.id, { waiting: -2 });
    expect((await campaigns.tally(c.id)).waiting).toBe(0);
    const quiet = { campaigns, recipients, clock: later(61_000) };
    expect(await reconcileCounts(quiet, c.id, 1)).toBe('corrected');
    expect(await campaigns.tally(c.id)).toMatchObject({ waiting: 2, counts: { queued: 2 } });
    expect(await reconcileCounts(quiet, c.id, 1)).toBe('agreed');
  });

  it('changes state only from the allowed states and bumps the generation', async () => {
    const c = campaignOf(`c-${uniqueSuffix()}`, 0, 1);
    await campaigns.create(c, []);
    const running = await campaigns.changeState(
      c.id,
      ['draft'],
      'running',
      { startedAt: 'now' },
      { bumpGen: true },
    );
    expect(running).toMatchObject({ state: 'running', gen: 1, startedAt: 'now' });
    await expect(campaigns.changeState(c.id, ['draft'], 'running')).rejects.toThrow(StateConflictError);
    const paused = await campaigns.changeState(c.id, ['running'], 'paused', { pauseReason: 'token' });
    const resumed = await campaigns.changeState(
      c.id,
      ['paused'],
      'running',
      {},
      { bumpGen: true, clear: ['pauseReason'] },
    );
    expect(paused.pauseReason).toBe('token');
    expect(resumed.pauseReason).toBeUndefined();
    expect(resumed.gen).toBe(2);
  });

  it('reserves the pair-rate slot and honours opt-outs in one write', async () => {
    const phone = `+49151${Date.now() % 100000000}`.slice(0, 14);
    const first = await contacts.reserveSendSlot(phone, 10_000, 6_000, 'any');
    expect(first).toMatchObject({ ok: true, contact: { phone } });
    expect(await contacts.reserveSendSlot(phone, 12_000, 6_000, 'any')).toEqual({
      ok: false,
      reason: 'too_soon',
      waitMs: 4_000,
    });
    await contacts.releaseSendSlot(phone, 10_000);
    expect(await contacts.reserveSendSlot(phone, 12_000, 6_000, 'any')).toMatchObject({ ok: true });
    await db.send(
      new UpdateCommand({
        TableName: contactsTable,
        Key: { pk: phone },
        UpdateExpression: 'SET marketingOptOut = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
    expect(await contacts.reserveSendSlot(phone, 99_000, 6_000, 'marketing')).toEqual({
      ok: false,
      reason: 'opted_out',
    });
    expect(await contacts.reserveSendSlot(phone, 99_000, 6_000, 'any')).toMatchObject({ ok: true });
  });

  it('stores single messages and wamid lookups', async () => {
    const id = `m-${uniqueSuffix()}`;
    const at = new Date().toISOString();
    await messages.create({
      id,
      to: '+4915110000000',
      status: 'queued',
      text: 'hi',
      attempts: 0,
      createdAt: at,
      updatedAt: at,
    });
    expect(await messages.claim(id, 'T', 1, 1000)).toBe(true);
    expect(await messages.claim(id, 'U', 2, 1000)).toBe(false);
    expect(await messages.markSent(id, 'T', 'wamid.X', at)).toBe(true);
    expect(await messages.get(id)).toMatchObject({ status: 'sent', wamid: 'wamid.X', attempts: 1 });
    await messages.putWamidRef('wamid.X', { kind: 'message', messageId: id }, 2_000_000_000);
    expect(await messages.getWamidRef('wamid.X')).toEqual({ kind: 'message', messageId: id });
  });

  it('queues customer text with emoji intact (fauxqs, like any strict SQS, refuses raw characters above U+FFFF)', async () => {
    const sqs = sqsClient();
    const inbound = await ensureQueue(sqs, `inbound-${uniqueSuffix()}`, QUEUES.inbound);
    const item = {
      contact: '+4915110000000',
      wamid: 'wamid.E',
      type: 'text',
      text: 'Danke 😊 – Grüße',
      at: 'now',
    };
    await new SqsJsonQueue<InboundJob>(sqs, inbound.url).send(item);
    const events = await ensureQueue(sqs, `events-${uniqueSuffix()}`, QUEUES.events);
    await sendPacked(sqs, events.url, [JSON.stringify({ reaction: '😮' }), JSON.stringify({ text: 'ok' })]);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbound.url, MaxNumberOfMessages: 10 }));
    expect((got.Messages ?? []).map((m) => JSON.parse(m.Body!))).toEqual([item]);
    const packed: unknown[] = [];
    for (let i = 0; i < 5 && packed.length < 2; i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: events.url, MaxNumberOfMessages: 10 }),
      );
      packed.push(...(out.Messages ?? []).map((m) => JSON.parse(m.Body!)));
    }
    expect(packed).toEqual(expect.arrayContaining([{ reaction: '😮' }, { text: 'ok' }]));
    sqs.destroy();
  });

  it('enqueues send jobs 10 per batch call', async () => {
    const sqs = sqsClient();
    const queue = await ensureQueue(sqs, `send-${uniqueSuffix()}`, QUEUES.send);
    const jobs = Array.from({ length: 25 }, (_, i) => ({
      kind: 'recipient' as const,
      campaignId: 'c1',
      phone: phoneNumber(i),
      bucket: bucketOf(phoneNumber(i), 1),
      gen: 1,
    }));
    await new SqsSendQueue(sqs, queue.url).enqueue(jobs);
    const bodies: string[] = [];
    for (let i = 0; i < 10 && bodies.length < 25; i++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));
      bodies.push(...(out.Messages ?? []).map((m) => m.Body!));
    }
    expect(bodies.map((b) => JSON.parse(b).p).sort()).toEqual(jobs.map((j) => j.phone).sort());
    sqs.destroy();
  });
});
