/**
 * The send worker's pieces over in-memory ports: a recipient's send and its ledger, a single message's
 * send, the completion probe, and the decoding of queue bodies at the edge.
 */
import type { SQSEvent } from 'aws-lambda';
import { decodeSendTask, encodeSendTask } from '../../functions/adapters/sqs/send-jobs';
import type { Campaign, SendTask } from '../../functions/domain/campaign';
import type { SendFailure } from '../../functions/domain/whatsapp-errors';
import { createLogger } from '../../functions/logger';
import type { WhatsAppSender } from '../../functions/ports';
import { Pacer, type SendPacer } from '../../functions/services/pacer';
import { makeSendWorker } from '../../functions/services/send-worker';
import {
  MemoryCampaigns,
  MemoryClock,
  MemoryContacts,
  MemoryConversations,
  MemoryMessages,
  MemoryQueue,
  MemoryRecipients,
  MemoryRedelivery,
  memorySentRecords,
  ScriptedWhatsApp,
} from '../support/memory-ports';

const campaign = (over: Partial<Campaign> = {}): Campaign =>
  ({
    id: 'c1',
    name: 'spring',
    state: 'running',
    template: {
      id: 't1',
      version: 1,
      name: 'welcome',
      body: 'Hi {{customerName}}',
      category: 'utility',
      variables: ['customerName'],
    },
    total: 2,
    buckets: 1,
    gen: 1,
    createdAt: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    ...over,
  }) as Campaign;

const failure = (over: Partial<SendFailure>): SendFailure => ({
  code: 131000,
  title: 'Something went wrong',
  message: 'retry later',
  action: 'retry',
  ...over,
});

function world(
  pacer: SendPacer = new Pacer(0),
  options: { visibilityTimeoutSeconds?: number; requestTimeoutMs?: number; whatsapp?: WhatsAppSender } = {},
) {
  const ports = {
    campaigns: new MemoryCampaigns(),
    recipients: new MemoryRecipients(),
    contacts: new MemoryContacts(),
    messages: new MemoryMessages(),
    conversations: new MemoryConversations(),
    queue: new MemoryQueue(),
    redelivery: new MemoryRedelivery(),
    whatsapp: new ScriptedWhatsApp(),
    clock: new MemoryClock(),
  };
  const worker = makeSendWorker({
    campaigns: ports.campaigns as never,
    recipients: ports.recipients,
    contacts: ports.contacts,
    messages: ports.messages,
    conversations: ports.conversations as never,
    sentRecords: memorySentRecords(ports.messages, ports.conversations),
    whatsapp: options.whatsapp ?? ports.whatsapp,
    sendQueue: ports.queue,
    launchQueue: ports.queue,
    redelivery: ports.redelivery,
    pacer,
    clock: ports.clock,
    logger: createLogger({ level: 'ERROR' }),
    mode: 'DEV',
    maxAttempts: 3,
    maxReceiveCount: 10,
    decode: decodeSendTask,
    ...(options.visibilityTimeoutSeconds
      ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
      : {}),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  let n = 0;
  const run = (tasks: (SendTask | string)[], receiveCount = 1, remainingMs?: number) =>
    worker(
      {
        Records: tasks.map((t) => ({
          messageId: `m${++n}`,
          receiptHandle: `r${n}`,
          body: typeof t === 'string' ? t : encodeSendTask(t),
          attributes: { ApproximateReceiveCount: String(receiveCount) },
        })),
      } as unknown as SQSEvent,
      remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => remainingMs },
    );
  return { ...ports, run };
}

/** A pacer that holds every job until `letGo`: a job waiting its turn while the world changes. */
function heldPacer() {
  let letGo: () => void = () => {};
  const waiting = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  return { pacer: { acquire: () => waiting, pause: () => {}, refund: () => {} }, letGo: () => letGo() };
}

/** A pacer that lets everyone through and counts what the jobs gave back or held. */
function countingPacer() {
  const counts = { acquired: 0, refunded: 0, paused: 0 };
  const pacer: SendPacer = {
    acquire: async () => {
      counts.acquired += 1;
    },
    refund: () => {
      counts.refunded += 1;
    },
    pause: () => {
      counts.paused += 1;
    },
  };
  return { pacer, counts };
}

/** WhatsApp where chosen numbers hang until released; everyone else is accepted at once. */
function hangingWhatsApp(hang: Set<string>) {
  const sent: string[] = [];
  const release: (() => void)[] = [];
  const whatsapp: WhatsAppSender = {
    async send(message) {
      if (hang.has(message.to)) await new Promise<void>((r) => release.push(r));
      sent.push(message.to);
      return { ok: true, wamid: `wamid.H${sent.length}` };
    },
    markRead: async () => ({ ok: true }),
  };
  const releaseAll = () => {
    for (const r of release.splice(0)) r();
  };
  return { whatsapp, sent, releaseAll };
}

const task = (phone: string, gen = 1): SendTask => ({
  kind: 'recipient',
  campaignId: 'c1',
  bucket: 0,
  phone,
  gen,
});

describe('a campaign recipient through the send worker', () => {
  it('is sent once however often its task is delivered, with counters, wamid lookup and conversation', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000001', { customerName: 'Ann' });
    // Two copies in one batch: the second finds the first holding the claim and comes back after it.
    const out = await w.run([task(key.phone), task(key.phone)]);
    expect(out.batchItemFailures).toHaveLength(1);
    const again = await w.run([task(key.phone)], 2);
    expect(again.batchItemFailures).toEqual([]);
    expect(w.whatsapp.sent).toHaveLength(1);
    expect((await w.recipients.get(key))?.status).toBe('sent');
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, sent: 1 });
    const [recorded] = w.conversations.appended;
    // The lookup names the send and the conversation's copy of it (whose ticks statuses move).
    expect(w.messages.refs.get('wamid.T1')).toEqual({
      kind: 'campaign',
      campaignId: 'c1',
      bucket: 0,
      phone: key.phone,
      conversation: { contact: key.phone, at: recorded?.at },
    });
    expect(w.conversations.appended).toEqual([
      expect.objectContaining({
        contact: key.phone,
        direction: 'out',
        source: 'campaign',
        campaignId: 'c1',
        delivery: { status: 'sent', at: recorded?.at },
      }),
    ]);
  });

  it('sends nothing for a job that was waiting at the pacer when the campaign was paused', async () => {
    const { pacer, letGo } = heldPacer();
    const w = world(pacer);
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000009', { customerName: 'Ida' });
    const running = w.run([task(key.phone)]);
    await new Promise((r) => setTimeout(r, 50));
    await w.campaigns.changeState('c1', ['running'], 'paused');
    // The gate reads the campaign again every quarter second while the job waits.
    await new Promise((r) => setTimeout(r, 400));
    letGo();
    expect((await running).batchItemFailures).toEqual([]);
    expect(w.whatsapp.sent).toHaveLength(0);
    // Still queued and not held by a claim, so a resume sends it at once.
    expect(await w.recipients.get(key)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await w.recipients.claim(key, 'next', Date.now(), 1000)).toMatchObject({ claimed: true });
  });

  it('skips, as cancelled, a job that was waiting at the pacer when the campaign was cancelled', async () => {
    const { pacer, letGo } = heldPacer();
    const w = world(pacer);
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000010', { customerName: 'Jo' });
    const running = w.run([task(key.phone)]);
    await new Promise((r) => setTimeout(r, 50));
    await w.campaigns.changeState('c1', ['running'], 'cancelled');
    await new Promise((r) => setTimeout(r, 400));
    letGo();
    await running;
    expect(w.whatsapp.sent).toHaveLength(0);
    expect(await w.recipients.get(key)).toMatchObject({ status: 'skipped', skipReason: 'cancelled' });
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, skipped: 1 });
  });

  it('does not send on a claim that ran out while the job waited at the pacer, and comes back', async () => {
    const { pacer, letGo } = heldPacer();
    const w = world(pacer);
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000011', { customerName: 'Kai' });
    const running = w.run([task(key.phone)]);
    await new Promise((r) => setTimeout(r, 20));
    w.clock.advance(21_000); // past the default 20 s lease
    letGo();
    expect((await running).batchItemFailures).toHaveLength(1);
    expect(w.redelivery.delays).toEqual([1]);
    expect(w.whatsapp.sent).toHaveLength(0);
    expect(await w.recipients.get(key)).toMatchObject({ status: 'queued' });
  });

  it('sends the other records of a batch while one waits for a hung Graph request', async () => {
    const hung = '+4915110000020';
    const graph = hangingWhatsApp(new Set([hung]));
    const w = world(new Pacer(0), { whatsapp: graph.whatsapp });
    w.campaigns.put(campaign({ total: 3 }), { total: 3, queued: 3 });
    const keys = ['+4915110000020', '+4915110000021', '+4915110000022'].map((p) =>
      w.recipients.add('c1', p, { customerName: 'X' }),
    );
    const batch = w.run(keys.map((k) => task(k.phone)));
    await new Promise((r) => setTimeout(r, 50));
    // The two others are sent and recorded while the first still waits for its answer.
    expect(graph.sent).toEqual(['+4915110000021', '+4915110000022']);
    expect((await w.recipients.get(keys[1]!))?.status).toBe('sent');
    expect((await w.recipients.get(keys[2]!))?.status).toBe('sent');
    expect((await w.recipients.get(keys[0]!))?.status).toBe('queued');
    graph.releaseAll();
    expect((await batch).batchItemFailures).toEqual([]);
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, sent: 3 });
  });

  it('gives its pacer slot back when WhatsApp answered with an error, keeps it for a timeout, and holds back on 130429', async () => {
    const { pacer, counts } = countingPacer();
    const w = world(pacer);
    w.campaigns.put(campaign({ total: 3 }), { total: 3, queued: 3 });
    const [a, b, c] = ['+4915110000030', '+4915110000031', '+4915110000032'].map((p) =>
      w.recipients.add('c1', p, { customerName: 'X' }),
    );
    w.whatsapp.answer(failure({ code: null, httpStatus: 500, title: 'HTTP 500' }));
    await w.run([task(a!.phone)]);
    expect(counts).toEqual({ acquired: 1, refunded: 1, paused: 0 });
    w.whatsapp.answer(failure({ code: null, title: 'Request timed out', uncertain: true }));
    await w.run([task(b!.phone)]);
    expect(counts).toEqual({ acquired: 2, refunded: 1, paused: 0 });
    w.whatsapp.answer(failure({ code: 130429, title: 'Rate limit hit' }));
    await w.run([task(c!.phone)]);
    expect(counts).toEqual({ acquired: 3, refunded: 1, paused: 1 });
  });

  it("gives a refused send's pair-rate slot back, so its retry goes after the backoff; a timed-out one keeps it", async () => {
    const w = world();
    w.campaigns.put(campaign({ total: 2 }), { total: 2, queued: 2 });
    const refused = w.recipients.add('c1', '+4915110000035', { customerName: 'R' });
    const timedOut = w.recipients.add('c1', '+4915110000036', { customerName: 'T' });
    w.whatsapp.answer(failure({ code: null, httpStatus: 500, title: 'HTTP 500' }));
    await w.run([task(refused.phone)]);
    w.whatsapp.answer(failure({ code: null, title: 'Request timed out', uncertain: true }));
    await w.run([task(timedOut.phone)]);
    // The customer who got nothing may be messaged again at once; the one who may have got it may not.
    expect(w.contacts.items.get(refused.phone)?.lastSentAtMs).toBeUndefined();
    expect(w.contacts.items.get(timedOut.phone)?.lastSentAtMs).toBeDefined();
    w.clock.advance(1_000);
    await w.run([task(refused.phone)], 2);
    expect(await w.recipients.get(refused)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('steps back without a Graph call when the request could not end before the invocation is cut off', async () => {
    const { pacer, counts } = countingPacer();
    const w = world(pacer, { requestTimeoutMs: 5000 });
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000040', { customerName: 'Lu' });
    // 5 s of request timeout and 1 s to record do not fit in the 4 s Lambda has left.
    const out = await w.run([task(key.phone)], 1, 4000);
    expect(out.batchItemFailures).toHaveLength(1);
    expect(w.redelivery.delays).toEqual([1]);
    expect(w.whatsapp.sent).toHaveLength(0);
    expect(counts.refunded).toBe(1);
    // Not held by the claim: the next receive (with a fresh invocation's time) sends it.
    expect(await w.recipients.get(key)).toMatchObject({ status: 'queued', attempts: 0 });
    await w.run([task(key.phone)], 2, 10_000);
    expect(w.whatsapp.sent).toHaveLength(1);
  });

  it('keeps a record it still holds invisible to other workers (a visibility heartbeat), and stops when done', async () => {
    const { pacer, letGo } = heldPacer();
    const w = world(pacer, { visibilityTimeoutSeconds: 0.2 });
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000041', { customerName: 'Mo' });
    const running = w.run([task(key.phone)]);
    await new Promise((r) => setTimeout(r, 350));
    // Every half visibility timeout while held, the record's visibility is set again.
    expect(w.redelivery.delays.length).toBeGreaterThanOrEqual(2);
    expect(new Set(w.redelivery.delays)).toEqual(new Set([0.2]));
    letGo();
    await running;
    const after = w.redelivery.delays.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(w.redelivery.delays).toHaveLength(after);
    expect(w.whatsapp.sent).toHaveLength(1);
  });

  it('skips an opted-out contact and counts it skipped, without a Graph call', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000002', { customerName: 'Ben' });
    w.contacts.items.set(key.phone, { phone: key.phone, optedOut: true });
    await w.run([task(key.phone)]);
    expect(w.whatsapp.sent).toHaveLength(0);
    expect(await w.recipients.get(key)).toMatchObject({ status: 'skipped', skipReason: 'opted_out' });
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, skipped: 1 });
  });

  it('retries a transient failure after a delay, then records it failed (retryable) on the last attempt', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000003', { customerName: 'Cleo' });
    w.whatsapp.answer(failure({}), failure({}), failure({}));
    const first = await w.run([task(key.phone)]);
    expect(first.batchItemFailures).toHaveLength(1);
    expect(w.redelivery.delays[0]).toBeGreaterThanOrEqual(1);
    expect((await w.recipients.get(key))?.status).toBe('queued');
    w.clock.advance(60_000);
    await w.run([task(key.phone)], 2);
    w.clock.advance(60_000);
    await w.run([task(key.phone)], 3);
    expect(await w.recipients.get(key)).toMatchObject({ status: 'failed', retryable: true, attempts: 3 });
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, failed: 1 });
  });

  it('pauses the campaign, with the reason, when the account cannot send', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const key = w.recipients.add('c1', '+4915110000004', { customerName: 'Dan' });
    w.whatsapp.answer(failure({ code: 190, title: 'Access token expired', action: 'pause' }));
    await w.run([task(key.phone)]);
    expect(await w.campaigns.get('c1')).toMatchObject({
      state: 'paused',
      pauseReason: 'WhatsApp error 190: Access token expired',
    });
    expect((await w.recipients.get(key))?.status).toBe('queued');
  });

  it('does nothing for a paused campaign or a task of an earlier launch, and skips for a cancelled one', async () => {
    const w = world();
    w.campaigns.put(campaign({ gen: 2 }), { total: 2, queued: 2 });
    const stale = w.recipients.add('c1', '+4915110000005', { customerName: 'Eve' });
    await w.run([task(stale.phone, 1)]);
    expect(w.whatsapp.sent).toHaveLength(0);
    w.campaigns.put(campaign({ state: 'cancelled' }), { total: 2, queued: 2 });
    await w.run([task(stale.phone, 1)]);
    expect((await w.recipients.get(stale))?.status).toBe('skipped');
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 1, skipped: 1 });
  });

  it('drops a body that is not a send job, naming why, without failing the batch', async () => {
    const w = world();
    const out = await w.run(['{"t":"c","c":"x"}', 'not json']);
    expect(out.batchItemFailures).toEqual([]);
  });
});

describe('the completion probe', () => {
  it('completes a campaign once its counters say nothing is queued, without recounting', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 2, queued: 0, sent: 2 });
    const a = w.recipients.add('c1', '+4915110000006');
    const b = w.recipients.add('c1', '+4915110000007');
    for (const r of [a, b])
      w.recipients.items.set(`c1|0|${r.phone}`, { ...(await w.recipients.get(r))!, status: 'sent' });
    await w.run([{ kind: 'probe', campaignId: 'c1', gen: 1, stalled: 0, lastQueued: -1 }]);
    expect((await w.campaigns.get('c1'))?.state).toBe('completed');
    expect(w.campaigns.recounts).toBe(0);
  });

  it('corrects counters a dead worker left behind only when the recipients have been quiet, then completes', async () => {
    const w = world();
    // A worker died between marking the recipient sent and moving the counter: the counters stay queued.
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    const r = w.recipients.add('c1', '+4915110000009');
    const sentAt = w.clock.now().toISOString();
    w.recipients.items.set(`c1|0|${r.phone}`, {
      ...(await w.recipients.get(r))!,
      status: 'sent',
      updatedAt: sentAt,
    });
    const stalledProbe = { kind: 'probe' as const, campaignId: 'c1', gen: 1, stalled: 9, lastQueued: 1 };
    // Ten quiet probes, but the recipient changed a moment ago: its counter may be on its way.
    await w.run([stalledProbe]);
    expect((await w.campaigns.get('c1'))?.state).toBe('running');
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 1, sent: 0 });
    // A minute later the difference is a lost move: corrected once, and the campaign completes.
    w.clock.advance(61_000);
    await w.run([{ ...stalledProbe, stalled: 19 }]);
    expect(await w.campaigns.counts('c1')).toMatchObject({ queued: 0, sent: 1 });
    expect(w.campaigns.recounts).toBe(1);
    expect((await w.campaigns.get('c1'))?.state).toBe('completed');
  });

  it('comes back later while recipients are queued', async () => {
    const w = world();
    w.campaigns.put(campaign(), { total: 1, queued: 1 });
    w.recipients.add('c1', '+4915110000008');
    await w.run([{ kind: 'probe', campaignId: 'c1', gen: 1, stalled: 0, lastQueued: -1 }]);
    expect((await w.campaigns.get('c1'))?.state).toBe('running');
    expect(w.queue.tasks).toEqual([expect.objectContaining({ kind: 'probe', lastQueued: 1, stalled: 0 })]);
  });
});

describe('a single message through the send worker', () => {
  const now = '2026-12-01T10:00:00.000Z';
  const inWindow = { lastInboundAt: '2026-12-01T09:00:00.000Z' };

  it("drops the assistant's reply when a person took the conversation after it was prepared (the race)", async () => {
    const w = world();
    const to = '+4915110000010';
    w.contacts.items.set(to, { phone: to, ...inWindow });
    w.conversations.items.set(to, {
      contact: to,
      aiEnabled: true,
      needsHuman: false,
      status: 'ai',
      lastMessageAt: now,
      lastMessagePreview: '',
      lastDirection: 'in',
    });
    await w.messages.create({
      id: 'ai1',
      to,
      status: 'queued',
      text: 'An answer',
      attempts: 0,
      source: 'ai',
      createdAt: now,
      updatedAt: now,
    });
    // An agent claims the conversation between the assistant's decision and its send.
    await w.conversations.requestHuman(to);
    await w.run([{ kind: 'message', messageId: 'ai1' }]);
    expect(w.whatsapp.sent).toHaveLength(0);
    expect(await w.messages.get('ai1')).toMatchObject({ status: 'skipped', skipReason: 'person_took_over' });

    // The same reply while the assistant still has the conversation goes out.
    w.conversations.items.set(to, { ...(await w.conversations.get(to))!, needsHuman: false, status: 'ai' });
    await w.messages.create({
      id: 'ai2',
      to,
      status: 'queued',
      text: 'An answer',
      attempts: 0,
      source: 'ai',
      createdAt: now,
      updatedAt: now,
    });
    await w.run([{ kind: 'message', messageId: 'ai2' }]);
    expect(w.whatsapp.sent).toHaveLength(1);
  });

  it.each([
    ['assigned', true],
    ['open', true],
    ['resolved', false],
  ] as const)(
    "drops the assistant's reply when the conversation became %s after it was prepared",
    async (status, human) => {
      const w = world();
      const to = '+4915110000012';
      w.contacts.items.set(to, { phone: to, ...inWindow });
      const base = {
        contact: to,
        aiEnabled: true,
        lastMessageAt: now,
        lastMessagePreview: '',
        lastDirection: 'in' as const,
      };
      w.conversations.items.set(to, { ...base, needsHuman: false, status: 'ai' });
      await w.messages.create({
        id: 'ai1',
        to,
        status: 'queued',
        text: 'An answer',
        attempts: 0,
        source: 'ai',
        createdAt: now,
        updatedAt: now,
      });
      // A user claims (or someone resolves) between the assistant's decision and its send.
      w.conversations.items.set(to, {
        ...base,
        needsHuman: human,
        status,
        ...(status === 'assigned' ? { assigneeId: 'u1', assigneeName: 'Ana' } : {}),
      });
      await w.run([{ kind: 'message', messageId: 'ai1' }]);
      expect(w.whatsapp.sent).toHaveLength(0);
      expect(await w.messages.get('ai1')).toMatchObject({
        status: 'skipped',
        skipReason: 'person_took_over',
      });
    },
  );

  it('fails free-form text outside the window with window_closed, and sends it inside', async () => {
    const w = world();
    const to = '+4915110000011';
    await w.messages.create({
      id: 'm1',
      to,
      status: 'queued',
      text: 'Hi',
      attempts: 0,
      source: 'api',
      createdAt: now,
      updatedAt: now,
    });
    await w.run([{ kind: 'message', messageId: 'm1' }]);
    expect(await w.messages.get('m1')).toMatchObject({
      status: 'failed',
      lastError: { code: 'window_closed' },
    });
    w.contacts.items.set(to, { phone: to, ...inWindow });
    await w.messages.create({
      id: 'm2',
      to,
      status: 'queued',
      text: 'Hi',
      attempts: 0,
      source: 'api',
      createdAt: now,
      updatedAt: now,
    });
    await w.run([{ kind: 'message', messageId: 'm2' }]);
    expect((await w.messages.get('m2'))?.status).toBe('sent');
  });
});

describe('the send queue format', () => {
  it('round-trips every task and refuses anything else', () => {
    const tasks: SendTask[] = [
      task('+4915110000012'),
      { kind: 'message', messageId: 'm1' },
      { kind: 'probe', campaignId: 'c1', gen: 3, stalled: 2, lastQueued: 7 },
      { kind: 'receipt', wamid: 'wamid.IN1', typing: true },
    ];
    for (const t of tasks) expect(decodeSendTask(encodeSendTask(t))).toEqual({ ok: true, task: t });
    expect(decodeSendTask('{"t":"m"}')).toEqual({ ok: false, problem: 'not a send job' });
    expect(decodeSendTask('{')).toEqual({ ok: false, problem: 'not JSON' });
  });
});

describe('a read receipt through the send worker', () => {
  it('marks the message read (with typing when asked), once, unpaced and never retried', async () => {
    const { pacer } = heldPacer(); // a pacer that never lets a message through
    const w = world(pacer);
    const out = await w.run([
      { kind: 'receipt', wamid: 'wamid.IN1', typing: true },
      { kind: 'receipt', wamid: 'wamid.IN2', typing: false },
    ]);
    expect(out.batchItemFailures).toEqual([]);
    expect(w.whatsapp.receipts).toEqual([
      { wamid: 'wamid.IN1', typing: true },
      { wamid: 'wamid.IN2', typing: false },
    ]);
    expect(w.whatsapp.sent).toEqual([]);
  });

  it('drops a receipt WhatsApp refuses, without a retry', async () => {
    const whatsapp = new ScriptedWhatsApp();
    whatsapp.markRead = async () => ({ ok: false, failure: failure({ code: 100, action: 'fail' }) });
    const w = world(new Pacer(0), { whatsapp });
    expect(
      (await w.run([{ kind: 'receipt', wamid: 'wamid.GONE', typing: false }])).batchItemFailures,
    ).toEqual([]);
  });
});
