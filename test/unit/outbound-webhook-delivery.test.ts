import type { SQSEvent } from 'aws-lambda';
import type { Page } from '../../functions/domain/page';
import { messageStatusEvent } from '../../functions/domain/webhooks/announce';
import type { PlatformEvent } from '../../functions/domain/webhooks/events';
import { DEFAULT_RETRY, type TargetAnswer } from '../../functions/domain/webhooks/retry';
import { parseSignatureHeader, verifySignature } from '../../functions/domain/webhooks/signature';
import type {
  DeliveryAttempt,
  WebhookMessage,
  WebhookSubscription,
} from '../../functions/domain/webhooks/subscription';
import type { Logger } from '../../functions/logger';
import type {
  Clock,
  EventPublisher,
  HookMetrics,
  HookQueue,
  SubscriptionPatch,
  WebhookPoster,
  WebhookStore,
} from '../../functions/ports';
import {
  bestEffort,
  noEvents,
  SUBSCRIPTIONS_MAX_AGE_MS,
  SubscribedEventPublisher,
} from '../../functions/services/event-publisher';
import { makeHookDelivery } from '../../functions/services/webhook-delivery';

const T0 = new Date('2026-12-02T10:00:00.000Z');
const DAY_MS = 86_400_000;
const epoch = (d: Date | number) => Math.floor(new Date(d).getTime() / 1000);

class FakeClock implements Clock {
  constructor(public t = T0.getTime()) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

function subscription(id: string, over: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return {
    id,
    url: `https://${id}.example.com/hook`,
    events: ['message.delivered'],
    description: id,
    status: 'active',
    secret: `whsec_${id}`,
    createdAt: new Date(T0.getTime() - DAY_MS).toISOString(),
    updatedAt: new Date(T0.getTime() - DAY_MS).toISOString(),
    ...over,
  };
}

/** The port, in memory, as the DynamoDB store promises it (conditional disable, failingSince set once). */
class MemoryWebhookStore implements WebhookStore {
  private readonly subs = new Map<string, WebhookSubscription>();
  readonly attempts: { attempt: DeliveryAttempt; expiresAt: number }[] = [];
  readonly calls: string[] = [];
  /** Ids whose reads and writes throw, as a store that is down would. */
  readonly broken = new Set<string>();

  constructor(subs: WebhookSubscription[] = []) {
    for (const s of subs) this.subs.set(s.id, structuredClone(s));
  }

  private check(id: string) {
    if (this.broken.has(id)) throw new Error(`store unavailable for ${id}`);
  }

  async list() {
    this.calls.push('list');
    return [...this.subs.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((s) => structuredClone(s));
  }
  async get(id: string) {
    this.calls.push(`get:${id}`);
    this.check(id);
    const s = this.subs.get(id);
    return s && structuredClone(s);
  }
  async create(s: WebhookSubscription) {
    if (this.subs.has(s.id)) return false;
    this.subs.set(s.id, structuredClone(s));
    return true;
  }
  async update(
    id: string,
    patch: SubscriptionPatch & { updatedAt: string },
    clear: readonly (keyof WebhookSubscription)[] = [],
  ) {
    const s = this.subs.get(id);
    if (!s) return undefined;
    const next: Record<string, unknown> = { ...s, ...patch };
    for (const k of clear) delete next[k];
    this.subs.set(id, next as unknown as WebhookSubscription);
    return structuredClone(next) as unknown as WebhookSubscription;
  }
  async delete(id: string) {
    return this.subs.delete(id);
  }
  async noteFailure(id: string, at: string) {
    this.calls.push(`noteFailure:${id}`);
    this.check(id);
    const s = this.subs.get(id);
    if (!s) return undefined;
    const next = s.failingSince ? s : { ...s, failingSince: at };
    this.subs.set(id, next);
    return structuredClone(next);
  }
  async noteSuccess(id: string) {
    this.calls.push(`noteSuccess:${id}`);
    this.check(id);
    const s = this.subs.get(id);
    if (!s) return;
    const { failingSince: _, ...rest } = s;
    this.subs.set(id, rest);
  }
  async disable(id: string, at: string, reason: string) {
    this.calls.push(`disable:${id}`);
    const s = this.subs.get(id);
    if (s?.status !== 'active') return false;
    this.subs.set(id, { ...s, status: 'disabled', disabledAt: at, disabledReason: reason, updatedAt: at });
    return true;
  }
  async putAttempt(attempt: DeliveryAttempt, expiresAt: number) {
    this.check(attempt.subscriptionId);
    this.attempts.push({ attempt: structuredClone(attempt), expiresAt });
  }
  async getAttempt(subscriptionId: string, attemptId: string) {
    return this.attempts.find(
      (a) => a.attempt.subscriptionId === subscriptionId && a.attempt.id === attemptId,
    )?.attempt;
  }
  async listAttempts(subscriptionId: string, page: { limit: number }): Promise<Page<DeliveryAttempt>> {
    const items = this.attempts
      .map((a) => a.attempt)
      .filter((a) => a.subscriptionId === subscriptionId)
      .reverse()
      .slice(0, page.limit);
    return { items };
  }

  peek(id: string) {
    return this.subs.get(id);
  }
  attemptsOf(id: string) {
    return this.attempts.filter((a) => a.attempt.subscriptionId === id).map((a) => a.attempt);
  }
}

class RecordingQueue implements HookQueue {
  readonly sent: { message: WebhookMessage; delaySeconds?: number }[] = [];
  async send(message: WebhookMessage, options?: { delaySeconds?: number }) {
    this.sent.push({ message: structuredClone(message), ...(options ?? {}) });
  }
  /** Takes what was queued, as the next batch would receive it. */
  drain(): WebhookMessage[] {
    return this.sent.splice(0).map((s) => s.message);
  }
}

type Answer = TargetAnswer & { readonly body?: string };
const ok: Answer = { kind: 'answered', status: 200, ms: 8 };
const status = (s: number, extra: Partial<{ retryAfter: string; body: string }> = {}): Answer => ({
  kind: 'answered',
  status: s,
  ms: 20,
  ...extra,
});

/** Answers each URL from its script (then 200), or with a promise the test settles. */
class ScriptedPoster implements WebhookPoster {
  readonly posts: { url: string; body: string; headers: Readonly<Record<string, string>> }[] = [];
  private readonly scripts = new Map<string, (Answer | Promise<Answer>)[]>();
  constructor(private readonly log?: string[]) {}
  answer(url: string, ...answers: (Answer | Promise<Answer>)[]) {
    this.scripts.set(url, [...(this.scripts.get(url) ?? []), ...answers]);
  }
  async post(url: string, body: string, headers: Readonly<Record<string, string>>) {
    this.posts.push({ url, body, headers: { ...headers } });
    this.log?.push(`post:${url}`);
    return (await this.scripts.get(url)?.shift()) ?? ok;
  }
}

function fakeLogger() {
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  return { logger, asLogger: logger as unknown as Logger };
}

function fakeMetrics() {
  return { attempt: jest.fn(), disabled: jest.fn(), flush: jest.fn() } satisfies HookMetrics;
}

function batch(...bodies: (WebhookMessage | string)[]): SQSEvent {
  return {
    Records: bodies.map((b, i) => ({
      messageId: `m${i}`,
      body: typeof b === 'string' ? b : JSON.stringify(b),
      messageAttributes: {},
    })),
  } as unknown as SQSEvent;
}

const delivered = messageStatusEvent({
  wamid: 'wamid.A',
  to: '+4915123456789',
  status: 'delivered',
  at: '2026-12-02T09:59:58.000Z',
});
const read = messageStatusEvent({
  wamid: 'wamid.A',
  to: '+4915123456789',
  status: 'read',
  at: '2026-12-02T09:59:59.000Z',
});
const eventMessage = (event: PlatformEvent): WebhookMessage => ({ kind: 'event', event });
const url = (id: string) => `https://${id}.example.com/hook`;

function setup(subs: WebhookSubscription[], log?: string[]) {
  const store = new MemoryWebhookStore(subs);
  const queue = new RecordingQueue();
  const poster = new ScriptedPoster(log);
  const clock = new FakeClock();
  const metrics = fakeMetrics();
  const { logger, asLogger } = fakeLogger();
  const deliver = makeHookDelivery({
    store,
    queue,
    poster,
    clock,
    logger: asLogger,
    metrics,
    policy: DEFAULT_RETRY,
    random: () => 1, // the full backoff step: 5 s, 10 s, 20 s ...
  });
  return { store, queue, poster, clock, metrics, logger, deliver };
}

describe('webhook delivery: fan-out', () => {
  it('posts an event to every active subscription that wants its type, and to no other', async () => {
    const w = setup([
      subscription('s1', { events: ['message.delivered'] }),
      subscription('s2', { events: ['*'] }),
      subscription('paused', { events: ['*'], status: 'paused' }),
      subscription('disabled', { events: ['*'], status: 'disabled' }),
      subscription('other', { events: ['message.read'] }),
    ]);
    const result = await w.deliver(batch(eventMessage(delivered)));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(w.poster.posts.map((p) => p.url).sort()).toEqual([url('s1'), url('s2')]);
    for (const id of ['s1', 's2']) {
      expect(w.store.attemptsOf(id)).toEqual([
        expect.objectContaining({
          subscriptionId: id,
          eventId: delivered.id,
          eventType: 'message.delivered',
          attempt: 1,
          status: 'delivered',
          at: T0.toISOString(),
          latencyMs: 8,
          responseStatus: 200,
          event: delivered,
        }),
      ]);
    }
    expect(w.store.attempts[0]!.attempt).not.toHaveProperty('error');
    expect(w.store.attempts[0]!.attempt).not.toHaveProperty('nextAttemptAt');
    expect(w.store.attempts.map((a) => a.expiresAt)).toEqual([
      epoch(T0) + 7 * 86_400,
      epoch(T0) + 7 * 86_400,
    ]);
    expect(w.queue.sent).toEqual([]);
    expect(w.metrics.attempt.mock.calls).toEqual([
      ['delivered', 8],
      ['delivered', 8],
    ]);
    expect(w.metrics.flush).toHaveBeenCalledTimes(1);
  });

  it('reads the subscriptions once per batch', async () => {
    const w = setup([subscription('s1', { events: ['*'] })]);
    await w.deliver(batch(eventMessage(delivered), eventMessage(read)));
    expect(w.store.calls.filter((c) => c === 'list')).toHaveLength(1);
    expect(w.poster.posts).toHaveLength(2);
  });

  it('signs each post with its subscription secret over the exact body, with the event id and type', async () => {
    const w = setup([subscription('s1'), subscription('s2', { events: ['*'] })]);
    await w.deliver(batch(eventMessage(delivered)));
    expect(w.poster.posts).toHaveLength(2);
    for (const post of w.poster.posts) {
      const own = post.url === url('s1') ? 'whsec_s1' : 'whsec_s2';
      const other = own === 'whsec_s1' ? 'whsec_s2' : 'whsec_s1';
      const signature = post.headers['X-Platform-Signature'];
      expect(parseSignatureHeader(signature!).t).toBe(epoch(T0));
      expect(verifySignature(signature, post.body, own, epoch(T0))).toBe(true);
      expect(verifySignature(signature, post.body, other, epoch(T0))).toBe(false);
      expect(verifySignature(signature, `${post.body}\n`, own, epoch(T0))).toBe(false);
      expect(post.headers['X-Platform-Event-Id']).toBe(delivered.id);
      expect(post.headers['X-Platform-Event-Type']).toBe('message.delivered');
      expect(JSON.parse(post.body)).toEqual(delivered);
    }
  });

  it('signs with both secrets while a rotation overlaps', async () => {
    const w = setup([
      subscription('s1', {
        secret: 'whsec_new',
        previousSecret: 'whsec_old',
        previousSecretExpiresAt: new Date(T0.getTime() + 3_600_000).toISOString(),
      }),
    ]);
    await w.deliver(batch(eventMessage(delivered)));
    const post = w.poster.posts[0]!;
    expect(parseSignatureHeader(post.headers['X-Platform-Signature']!).v1).toHaveLength(2);
    expect(verifySignature(post.headers['X-Platform-Signature'], post.body, 'whsec_new', epoch(T0))).toBe(
      true,
    );
    expect(verifySignature(post.headers['X-Platform-Signature'], post.body, 'whsec_old', epoch(T0))).toBe(
      true,
    );
  });

  it('a slow receiver does not hold the others', async () => {
    const log: string[] = [];
    // Listed first, so its post is made first.
    const w = setup([subscription('slow'), subscription('fast', { createdAt: T0.toISOString() })], log);
    let answerSlow!: (a: Answer) => void;
    w.poster.answer(url('slow'), new Promise<Answer>((resolve) => (answerSlow = resolve)));
    const putAttempt = w.store.putAttempt.bind(w.store);
    w.store.putAttempt = async (a, e) => {
      log.push(`attempt:${a.subscriptionId}`);
      return putAttempt(a, e);
    };
    let settled = false;
    const running = w.deliver(batch(eventMessage(delivered))).then((r) => {
      settled = true;
      return r;
    });
    for (let i = 0; i < 20 && !log.includes('attempt:fast'); i++) await new Promise((r) => setImmediate(r));
    expect(log).toEqual([`post:${url('slow')}`, `post:${url('fast')}`, 'attempt:fast']);
    expect(settled).toBe(false);
    answerSlow(ok);
    expect(await running).toEqual({ batchItemFailures: [] });
    expect(log).toEqual([`post:${url('slow')}`, `post:${url('fast')}`, 'attempt:fast', 'attempt:slow']);
  });
});

describe('webhook delivery: retries', () => {
  it('a 500 records a retrying attempt and queues attempt 2 of the same event, delayed at most 900 s', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), status(500, { body: 'upstream broke' }));
    await w.deliver(batch(eventMessage(delivered)));
    const next = new Date(T0.getTime() + 5000).toISOString(); // attempt 1, full step: 5 s
    expect(w.store.attemptsOf('s1')).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'retrying',
        responseStatus: 500,
        responseBody: 'upstream broke',
        error: 'HTTP 500',
        nextAttemptAt: next,
      }),
    ]);
    expect(w.queue.sent).toHaveLength(1);
    const [{ message, delaySeconds }] = w.queue.sent as [{ message: WebhookMessage; delaySeconds?: number }];
    expect(message).toEqual({
      kind: 'delivery',
      subscriptionId: 's1',
      event: delivered,
      attempt: 2,
      firstAttemptAt: T0.toISOString(),
      notBefore: next,
    });
    expect(delaySeconds).toBe(5);
    expect(delaySeconds).toBeLessThanOrEqual(900);
    expect(w.store.peek('s1')!.failingSince).toBe(T0.toISOString());
    expect(w.metrics.attempt).toHaveBeenCalledWith('retrying', 20);
    expect(w.logger.warn).toHaveBeenCalledWith(
      'webhook delivery failed',
      expect.objectContaining({
        subscriptionId: 's1',
        eventId: delivered.id,
        attempt: 1,
        nextAttemptAt: next,
      }),
    );
  });

  it('the retried attempt posts the same event; its success clears failingSince', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), status(503), status(502));
    await w.deliver(batch(eventMessage(delivered)));
    w.clock.advance(5000);
    await w.deliver(batch(...w.queue.drain()));
    expect(
      w.queue.sent.map((s) => [s.message.kind === 'delivery' && s.message.attempt, s.delaySeconds]),
    ).toEqual([[3, 10]]);
    expect(w.store.peek('s1')!.failingSince).toBe(T0.toISOString()); // the first failure's time, kept
    w.clock.advance(10_000);
    await w.deliver(batch(...w.queue.drain()));
    expect(w.poster.posts.map((p) => p.headers['X-Platform-Event-Id'])).toEqual([
      delivered.id,
      delivered.id,
      delivered.id,
    ]);
    expect(new Set(w.poster.posts.map((p) => p.body)).size).toBe(1);
    expect(w.store.attemptsOf('s1').map((a) => [a.attempt, a.status])).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
      [3, 'delivered'],
    ]);
    expect(w.store.calls).toContain('noteSuccess:s1');
    expect(w.store.peek('s1')!.failingSince).toBeUndefined();
    expect(w.queue.sent).toEqual([]);
  });

  it('a 429 with Retry-After: 120 waits at least 120 s', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), status(429, { retryAfter: '120' }));
    await w.deliver(batch(eventMessage(delivered)));
    const [{ message, delaySeconds }] = w.queue.sent as [{ message: WebhookMessage; delaySeconds?: number }];
    expect(delaySeconds).toBeGreaterThanOrEqual(120);
    expect(
      message.kind === 'delivery' && Date.parse(message.notBefore!) - T0.getTime(),
    ).toBeGreaterThanOrEqual(120_000);
    expect(w.store.attemptsOf('s1')[0]).toMatchObject({
      status: 'retrying',
      responseStatus: 429,
      nextAttemptAt: new Date(T0.getTime() + 120_000).toISOString(),
    });
  });

  it('a wait longer than 900 s is queued as a 900 s hop carrying the real time', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), status(503, { retryAfter: '3600' }));
    await w.deliver(batch(eventMessage(delivered)));
    const [{ message, delaySeconds }] = w.queue.sent as [{ message: WebhookMessage; delaySeconds?: number }];
    expect(delaySeconds).toBe(900);
    expect(message).toMatchObject({
      attempt: 2,
      notBefore: new Date(T0.getTime() + 3_600_000).toISOString(),
    });
  });

  it('a 400 is recorded as failed and not retried; a blocked target too', async () => {
    const w = setup([subscription('s1'), subscription('s2')]);
    w.poster.answer(url('s1'), status(400));
    w.poster.answer(url('s2'), {
      kind: 'failed',
      reason: 'blocked',
      message: 'resolves to a private address',
      ms: 1,
    });
    const result = await w.deliver(batch(eventMessage(delivered)));
    expect(result.batchItemFailures).toEqual([]);
    expect(w.queue.sent).toEqual([]);
    const [s1] = w.store.attemptsOf('s1');
    expect(s1).toMatchObject({ status: 'failed', responseStatus: 400, error: 'not retried: HTTP 400' });
    expect(s1).not.toHaveProperty('nextAttemptAt');
    const [s2] = w.store.attemptsOf('s2');
    expect(s2).toMatchObject({ status: 'failed', error: 'resolves to a private address' });
    expect(s2).not.toHaveProperty('responseStatus');
    expect(w.metrics.attempt.mock.calls.map((c) => c[0])).toEqual(['failed', 'failed']);
    expect(w.store.peek('s1')!.failingSince).toBe(T0.toISOString());
  });

  it('a retry that would fall outside 24 h of the first attempt gives up', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), { kind: 'failed', reason: 'timeout', message: 'timed out', ms: 10_000 });
    await w.deliver(
      batch({
        kind: 'delivery',
        subscriptionId: 's1',
        event: delivered,
        attempt: 30,
        firstAttemptAt: new Date(T0.getTime() - DAY_MS + 60_000).toISOString(), // the next try would be 1 h away
      }),
    );
    expect(w.queue.sent).toEqual([]);
    expect(w.store.attemptsOf('s1')).toEqual([
      expect.objectContaining({ attempt: 30, status: 'failed', error: 'timed out' }),
    ]);
  });

  it('a delivery whose notBefore is more than 900 s away goes back on the queue without posting, hop by hop', async () => {
    const w = setup([subscription('s1')]);
    const message: WebhookMessage = {
      kind: 'delivery',
      subscriptionId: 's1',
      event: delivered,
      attempt: 4,
      firstAttemptAt: T0.toISOString(),
      notBefore: new Date(T0.getTime() + 3_600_000).toISOString(),
    };
    const delays: (number | undefined)[] = [];
    let next: WebhookMessage[] = [message];
    for (let hop = 0; hop < 4; hop++) {
      await w.deliver(batch(...next));
      expect(w.poster.posts).toEqual([]);
      expect(w.queue.sent.map((s) => s.message)).toEqual([message]);
      delays.push(...w.queue.sent.map((s) => s.delaySeconds));
      next = w.queue.drain();
      w.clock.advance(900_000);
    }
    expect(delays).toEqual([900, 900, 900, 900]);
    expect(w.store.attempts).toEqual([]);
    await w.deliver(batch(...next)); // T0 + 3600 s: its time has come
    expect(w.poster.posts.map((p) => p.url)).toEqual([url('s1')]);
    expect(w.store.attemptsOf('s1')).toEqual([expect.objectContaining({ attempt: 4, status: 'delivered' })]);
  });

  it('a replay records what it replays, and its retry carries it on', async () => {
    const w = setup([subscription('s1')]);
    w.poster.answer(url('s1'), status(500));
    const replay: WebhookMessage = {
      kind: 'delivery',
      subscriptionId: 's1',
      event: delivered,
      attempt: 1,
      firstAttemptAt: T0.toISOString(),
      replayOf: '01JATTEMPTREPLAYED',
    };
    await w.deliver(batch(replay));
    expect(w.store.attemptsOf('s1')).toEqual([
      expect.objectContaining({ attempt: 1, status: 'retrying', replayOf: '01JATTEMPTREPLAYED' }),
    ]);
    expect(w.queue.sent[0]!.message).toMatchObject({ attempt: 2, replayOf: '01JATTEMPTREPLAYED' });
    w.clock.advance(5000);
    await w.deliver(batch(...w.queue.drain()));
    expect(w.store.attemptsOf('s1')[1]).toMatchObject({
      attempt: 2,
      status: 'delivered',
      replayOf: '01JATTEMPTREPLAYED',
    });
    // An ordinary delivery has none.
    await w.deliver(batch(eventMessage(delivered)));
    expect(w.store.attemptsOf('s1')[2]).not.toHaveProperty('replayOf');
  });
});

describe('webhook delivery: failing subscriptions', () => {
  it('one failing for the whole window is disabled exactly once, and later deliveries to it are dropped', async () => {
    const w = setup([subscription('s1', { events: ['*'] }), subscription('healthy', { events: ['*'] })]);
    w.poster.answer(url('s1'), status(500), status(500), status(500));
    await w.deliver(batch(eventMessage(delivered)));
    expect(w.store.peek('s1')!.failingSince).toBe(T0.toISOString());
    w.queue.drain();

    // Still failing a few seconds short of the window: not yet disabled.
    w.clock.advance(DAY_MS - 1000);
    w.poster.answer(url('s1'), status(500));
    await w.deliver(batch(eventMessage(read)));
    expect(w.store.peek('s1')!.status).toBe('active');
    expect(w.metrics.disabled).not.toHaveBeenCalled();
    w.queue.drain();

    // 24 h after the first failure two events of one batch fail side by side.
    w.clock.advance(1000);
    await w.deliver(batch(eventMessage(delivered), eventMessage(read)));
    const s1 = w.store.peek('s1')!;
    expect(s1.status).toBe('disabled');
    expect(s1.disabledAt).toBe(new Date(T0.getTime() + DAY_MS).toISOString());
    expect(s1.disabledReason).toContain(`every delivery failed since ${T0.toISOString()}`);
    expect(s1.disabledReason).toContain('HTTP 500');
    expect(w.metrics.disabled).toHaveBeenCalledTimes(1);
    expect(w.logger.error).toHaveBeenCalledTimes(1);
    expect(w.logger.error).toHaveBeenCalledWith(
      'webhook subscription disabled: its receiver failed for the whole retry window',
      expect.objectContaining({ subscriptionId: 's1' }),
    );
    expect(w.store.peek('healthy')!.status).toBe('active');

    // The retries already queued for it, and new events, no longer reach it.
    const retries = w.queue.drain().filter((m) => m.kind === 'delivery' && m.subscriptionId === 's1');
    expect(retries).toHaveLength(2);
    const postsBefore = w.poster.posts.length;
    const attemptsBefore = w.store.attemptsOf('s1').length;
    w.clock.advance(60_000);
    const result = await w.deliver(batch(...retries, eventMessage(delivered)));
    expect(result.batchItemFailures).toEqual([]);
    expect(w.poster.posts.slice(postsBefore).map((p) => p.url)).toEqual([url('healthy')]);
    expect(w.store.attemptsOf('s1')).toHaveLength(attemptsBefore);
    expect(w.logger.info).toHaveBeenCalledWith(
      'webhook delivery dropped: the subscription is gone or not active',
      expect.objectContaining({ subscriptionId: 's1', status: 'disabled' }),
    );
    expect(w.metrics.disabled).toHaveBeenCalledTimes(1);
  });

  it('a delivery to a paused or deleted subscription is dropped', async () => {
    const w = setup([subscription('paused', { status: 'paused' })]);
    const to = (subscriptionId: string): WebhookMessage => ({
      kind: 'delivery',
      subscriptionId,
      event: delivered,
      attempt: 2,
      firstAttemptAt: T0.toISOString(),
    });
    const result = await w.deliver(batch(to('paused'), to('gone')));
    expect(result.batchItemFailures).toEqual([]);
    expect(w.poster.posts).toEqual([]);
    expect(w.store.attempts).toEqual([]);
    expect(w.queue.sent).toEqual([]);
    const dropped = w.logger.info.mock.calls.map((c) => (c[1] as { status: string }).status).sort();
    expect(dropped).toEqual(['deleted', 'paused']);
  });
});

describe('webhook delivery: the batch', () => {
  it('drops a record whose body is not a webhook message, without failing the batch', async () => {
    const w = setup([subscription('s1')]);
    const result = await w.deliver(batch('{not json', 'null', '{}', '"x"', eventMessage(delivered)));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(w.poster.posts).toHaveLength(1);
    for (const messageId of ['m0', 'm1', 'm2', 'm3'])
      expect(w.logger.error).toHaveBeenCalledWith('webhook job is not a webhook message; dropping it', {
        messageId,
      });
  });

  it('a record the store fails on is a batch item failure; the other record still succeeds', async () => {
    const w = setup([subscription('s1'), subscription('broken')]);
    w.store.broken.add('broken');
    const to = (subscriptionId: string): WebhookMessage => ({
      kind: 'delivery',
      subscriptionId,
      event: delivered,
      attempt: 1,
      firstAttemptAt: T0.toISOString(),
    });
    const result = await w.deliver(batch(to('broken'), to('s1')));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
    expect(w.poster.posts.map((p) => p.url)).toEqual([url('s1')]);
    expect(w.store.attemptsOf('s1')).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(w.logger.error).toHaveBeenCalledWith(
      'webhook job failed; it will be retried',
      expect.objectContaining({ messageId: 'm0', error: expect.stringContaining('store unavailable') }),
    );
    expect(w.metrics.flush).toHaveBeenCalledTimes(1);
  });

  it('an event whose attempt cannot be recorded fails its record', async () => {
    const w = setup([subscription('s1'), subscription('broken')]);
    w.store.broken.add('broken');
    const result = await w.deliver(batch(eventMessage(delivered)));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});

describe('SubscribedEventPublisher', () => {
  function publisherWith(subs: WebhookSubscription[], maxAgeMs?: number) {
    const store = new MemoryWebhookStore(subs);
    const queue = new RecordingQueue();
    const clock = new FakeClock();
    const publisher = new SubscribedEventPublisher(store, queue, clock, maxAgeMs);
    const reads = () => store.calls.filter((c) => c === 'list').length;
    return { store, queue, clock, publisher, reads };
  }

  it('queues nothing when there are no subscriptions', async () => {
    const p = publisherWith([]);
    await p.publisher.publish([delivered, read]);
    expect(p.reads()).toBe(1);
    expect(p.queue.sent).toEqual([]);
  });

  it('queues only the types an active subscription wants', async () => {
    const p = publisherWith([
      subscription('s1', { events: ['message.read'] }),
      subscription('paused', { events: ['*'], status: 'paused' }),
    ]);
    await p.publisher.publish([delivered, read]);
    expect(p.queue.sent).toEqual([{ message: { kind: 'event', event: read } }]);
  });

  it('queues every event when an active subscription wants "*"', async () => {
    const p = publisherWith([subscription('s1', { events: ['*'] })]);
    await p.publisher.publish([delivered, read]);
    expect(p.queue.sent.map((s) => s.message)).toEqual([eventMessage(delivered), eventMessage(read)]);
  });

  it('reads the subscriptions once within maxAgeMs and again after it', async () => {
    expect(SUBSCRIPTIONS_MAX_AGE_MS).toBe(5000);
    const p = publisherWith([subscription('s1', { events: ['message.read'] })], 1000);
    await p.publisher.publish([delivered]);
    expect(p.reads()).toBe(1);
    await p.store.create(subscription('s2', { events: ['message.delivered'] }));
    p.clock.advance(999);
    await p.publisher.publish([delivered]);
    expect(p.reads()).toBe(1);
    expect(p.queue.sent).toEqual([]); // the cached list does not know s2 yet
    p.clock.advance(2);
    await p.publisher.publish([delivered]);
    expect(p.reads()).toBe(2);
    expect(p.queue.sent.map((s) => s.message)).toEqual([eventMessage(delivered)]);
    p.clock.advance(500);
    await p.publisher.publish([read]);
    expect(p.reads()).toBe(2);
    expect(p.queue.sent).toHaveLength(2);
  });

  it('bestEffort swallows a failed publish and logs it; passes a good one through', async () => {
    const { logger, asLogger } = fakeLogger();
    const failing: EventPublisher = {
      async publish() {
        throw new Error('queue down');
      },
    };
    await expect(bestEffort(failing, asLogger).publish([delivered, read])).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith('could not queue events for the webhooks', {
      types: ['message.delivered', 'message.read'],
      error: 'Error: queue down',
      metric: 'webhook_event_lost',
    });
    const seen: PlatformEvent[] = [];
    await bestEffort({ publish: async (e) => void seen.push(...e) }, asLogger).publish([read]);
    expect(seen).toEqual([read]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    await expect(noEvents.publish([read])).resolves.toBeUndefined();
  });
});
