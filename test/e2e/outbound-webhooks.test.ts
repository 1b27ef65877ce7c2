/**
 * The business's own webhooks through the local runtime, driven only through the public API and a
 * receiver on 127.0.0.1: subscriptions (the secret shown once), events from Meta's webhooks and a single
 * send delivered signed through a scripted receiver (500, a hang past the timeout, 429 with Retry-After,
 * then 200), the delivery log, a 400 not retried, a replay, a secret rotation, a receiver that stays down
 * until the subscription is disabled and resumed, the address guard, and the request validation.
 */
import { inboundWebhook } from '../../bin/simulate';
import { statusWebhook } from '../../local/dev-status-simulator';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import {
  closedPort,
  type ReceivedRequest,
  readSignature,
  signedBy,
  WebhookReceiver,
} from '../support/webhook-receiver';
import { postSignedWebhook } from '../support/webhooks';

const APP_SECRET = 'outbound-webhooks-app-secret';
const TIMEOUT_MS = 800;
const WINDOW_SECONDS = 30;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const OK_BODY = `ok:${'0123456789'.repeat(60)}`;

interface Envelope {
  id: string;
  type: string;
  time: string;
  version: number;
  data: Record<string, unknown>;
}

interface Subscription {
  id: string;
  url: string;
  events: string[];
  description: string;
  status: 'active' | 'paused' | 'disabled';
  createdAt: string;
  updatedAt: string;
  failingSince?: string;
  disabledAt?: string;
  disabledReason?: string;
  previousSecretExpiresAt?: string;
  secret?: string;
}

interface Attempt {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: 'delivered' | 'retrying' | 'failed';
  at: string;
  latencyMs: number;
  responseStatus?: number;
  responseBody?: string;
  error?: string;
  nextAttemptAt?: string;
  replayOf?: string;
  event: Envelope;
}

const eventOf = (r: ReceivedRequest) => JSON.parse(r.rawBody) as Envelope;

const SUBSCRIPTION_KEYS = ['createdAt', 'description', 'events', 'id', 'status', 'updatedAt', 'url'];

/** POST /api/webhooks and POST .../rotate-secret answer with the subscription and its secret, once. */
async function withSecret(
  p: TestPlatform,
  method: string,
  path: string,
  json: unknown,
  status: number,
  extraKeys: string[] = [],
): Promise<Subscription> {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  expect({ status: res.status, body: res.status === status ? '' : text }).toEqual({ status, body: '' });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Subscription;
  expect(Object.keys(body).sort()).toEqual([...SUBSCRIPTION_KEYS, ...extraKeys, 'secret'].sort());
  return body;
}

async function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as {
    error: { code: string; message: string; details?: { field: string; message: string }[] };
  };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) {
    expect(body.error.details?.map((d) => d.field)).toContainEqual(expect.stringMatching(`^${field}`));
    expect(body.error.message).toContain(field);
  }
  return body.error;
}

describe('outbound webhooks', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let receiver: WebhookReceiver;
  let downPort: number;
  /** Secrets by the receiver path their subscription posts to (the newest first). */
  const secrets = new Map<string, string[]>();
  let a: Subscription;
  let b: Subscription;
  let d: Subscription;
  /** /a answers new events with the script while this is on; later events are answered 200 at once. */
  let scriptA = true;
  const scripted = new Set<string>();

  const hook = (payload: unknown) => postSignedWebhook(p.url, payload, APP_SECRET);
  const inbound = (from: string, text: string) => hook(inboundWebhook({ from, text, name: 'Ada' }));
  const subscribe = (json: unknown) => withSecret(p, 'POST', '/api/webhooks', json, 201);
  const getSub = async (id: string) => {
    const res = await p.api(`/api/webhooks/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Subscription;
  };
  const create = (json: unknown, key = true) =>
    key
      ? p.api('/api/webhooks', { method: 'POST', json })
      : fetch(`${p.url}/api/webhooks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(json),
        });
  /** Every attempt of a subscription, newest first, read in small pages so the cursor is used. */
  const deliveries = async (id: string) => {
    const items: Attempt[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ limit: '7', ...(cursor ? { cursor } : {}) });
      const res = await p.api(`/api/webhooks/${id}/deliveries?${q}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Attempt[]; nextCursor?: string };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  /** The receiver's requests at `path` for events matching `match`, once one of them was answered 200. */
  const delivered = (path: string, match: (e: Envelope) => boolean, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const hits = receiver.on(path).filter((r) => match(eventOf(r)));
        return hits.some((r) => r.answer === 200) ? hits : undefined;
      },
      timeoutMs,
      `a delivery at ${path}`,
    );

  beforeAll(async () => {
    receiver = await WebhookReceiver.start((request, earlier) => {
      const event = eventOf(request);
      if (request.path === '/a') {
        if (scriptA && !earlier.some((r) => r.path === '/a' && eventOf(r).id === event.id))
          scripted.add(event.id);
        if (!scripted.has(event.id)) return { status: 200, body: OK_BODY };
        const n = earlier.filter((r) => r.path === '/a' && eventOf(r).id === event.id).length;
        if (n === 0) return { status: 500, body: 'receiver exploded (500)' };
        if (n === 1) return 'hang';
        if (n === 2) return { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' };
        return { status: 200, body: OK_BODY };
      }
      if (request.path === '/b') return { status: 400, body: '{"error":"we do not take these"}' };
      return { status: 200, body: 'fine' };
    });
    downPort = await closedPort();
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: APP_SECRET,
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      WEBHOOK_RETRY_WINDOW_SECONDS: String(WINDOW_SECONDS),
      SEND_RATE_PER_SECOND: '1000',
    });
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
    await receiver?.close();
  });

  it('creates subscriptions, showing the secret only in the answer to the creation', async () => {
    a = await subscribe({
      url: receiver.url('/a'),
      events: [
        'contact.opted_out',
        'message.received',
        'message.read',
        'message.sent',
        'message.delivered',
        'message.read',
      ],
      description: 'CRM sync',
    });
    expect(a).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      url: receiver.url('/a'),
      // Stored as each type once, in the documented order.
      events: ['message.sent', 'message.delivered', 'message.read', 'message.received', 'contact.opted_out'],
      description: 'CRM sync',
      status: 'active',
      secret: expect.stringMatching(/^whsec_[\w-]{40,}$/),
    });
    secrets.set('/a', [a.secret!]);

    b = await subscribe({ url: receiver.url('/b'), events: ['contact.opted_out'] });
    expect(b.description).toBe('');
    secrets.set('/b', [b.secret!]);
    d = await subscribe({ url: `http://127.0.0.1:${downPort}/down`, events: ['message.received'] });
    secrets.set('/d', [d.secret!]);
    expect(new Set([a.secret, b.secret, d.secret]).size).toBe(3);

    // Reading never shows a secret again, one by one or in the list.
    const one = await p.api(`/api/webhooks/${a.id}`);
    expect(one.status).toBe(200);
    const oneText = await one.text();
    expect(oneText).not.toContain(a.secret!);
    const shown = JSON.parse(oneText) as Subscription;
    expect(shown).not.toHaveProperty('secret');
    expect(shown).not.toHaveProperty('previousSecret');
    const { secret: _s, ...withoutSecret } = a;
    expect(shown).toEqual(withoutSecret);

    const list = await p.api('/api/webhooks');
    expect(list.status).toBe(200);
    const listText = await list.text();
    for (const s of [a, b, d]) expect(listText).not.toContain(s.secret!);
    const items = (JSON.parse(listText) as { items: Subscription[] }).items;
    expect(items.map((s) => s.id)).toEqual([a.id, b.id, d.id]);
    expect(items.every((s) => !('secret' in s))).toBe(true);
  });

  describe('events from the platform', () => {
    const c1 = phoneNumber(9101);
    const c2 = phoneNumber(9102);
    let wamid: string;
    let expected: { name: string; match: (e: Envelope) => boolean }[];
    let byName: Map<string, ReceivedRequest[]>;
    /** Events answered 200 more than once. */
    let duplicates = 0;

    beforeAll(async () => {
      // A customer writes (message.received), which opens the window for a single text send.
      await inbound(c1, 'Hello there');
      const sendRes = await waitFor(async () => {
        const res = await p.api('/api/messages', {
          method: 'POST',
          json: { to: c1, text: 'Your order shipped' },
        });
        return res.status === 202 ? res : undefined;
      });
      const { id: messageId } = (await sendRes.json()) as { id: string };
      wamid = await waitFor(async () => {
        const m = (await (await p.api(`/api/messages/${messageId}`)).json()) as {
          status: string;
          wamid?: string;
        };
        return m.status === 'sent' ? m.wamid : undefined;
      });
      // WhatsApp reports it sent, delivered and read (message.sent/delivered/read).
      for (const status of ['sent', 'delivered', 'read'] as const)
        await hook(statusWebhook({ wamid, status, to: c1, phoneNumberId: 'DEV' }));
      // Another customer writes STOP (message.received and contact.opted_out).
      await inbound(c2, 'STOP');

      expected = [
        { name: 'received c1', match: (e) => e.type === 'message.received' && e.data.from === c1 },
        ...(['sent', 'delivered', 'read'] as const).map((s) => ({
          name: s,
          match: (e: Envelope) => e.type === `message.${s}` && e.data.wamid === wamid,
        })),
        { name: 'received c2', match: (e) => e.type === 'message.received' && e.data.from === c2 },
        { name: 'opted out', match: (e) => e.type === 'contact.opted_out' && e.data.contact === c2 },
      ];
      byName = new Map();
      for (const x of expected) byName.set(x.name, await delivered('/a', x.match, 45_000));
    }, 90_000);

    it('delivers every event, once after deduplication by id, through 500, a hang and a 429', async () => {
      const atA = receiver.on('/a');
      const ids = new Set(atA.map((r) => eventOf(r).id));
      // Nothing but the expected events, and each is one event id.
      expect(ids.size).toBe(expected.length);
      for (const x of expected) {
        const hits = byName.get(x.name)!;
        expect(new Set(hits.map((r) => eventOf(r).id)).size).toBe(1);
      }
      // At least once: a duplicate is allowed on the wire (the log below must account for each).
      const okAnswers = atA.filter((r) => r.answer === 200);
      duplicates = okAnswers.length - new Set(okAnswers.map((r) => eventOf(r).id)).size;

      for (const x of expected) {
        const hits = byName.get(x.name)!;
        // The receiver's script, in order: each failure was retried until the 200.
        expect(hits.slice(0, 4).map((r) => r.answer)).toEqual([500, 'hang', 429, 200]);
        // The same event, byte for byte, on every attempt.
        expect(new Set(hits.map((r) => r.rawBody)).size).toBe(1);
        // Retry-After: 1 was honoured (and backoff waits at least as long).
        expect(hits[3]!.receivedAt - hits[2]!.receivedAt).toBeGreaterThanOrEqual(1000);
        // A hang is given up on after the timeout, and then retried.
        expect(hits[2]!.receivedAt - hits[1]!.receivedAt).toBeGreaterThanOrEqual(TIMEOUT_MS);
      }
    });

    it('sends the envelope: id, type, time, version 1 and the data', () => {
      for (const x of expected) {
        const e = eventOf(byName.get(x.name)![0]!);
        expect(Object.keys(e).sort()).toEqual(['data', 'id', 'time', 'type', 'version']);
        expect(e.id).toMatch(ULID);
        expect(e.version).toBe(1);
        expect(new Date(e.time).toISOString()).toBe(e.time);
        expect(Math.abs(Date.parse(e.time) - Date.now())).toBeLessThan(5 * 60_000);
      }
      const get = (name: string) => eventOf(byName.get(name)![0]!);
      expect(get('received c1').data).toMatchObject({
        from: c1,
        type: 'text',
        text: 'Hello there',
        profileName: 'Ada',
      });
      expect(get('received c2').data).toMatchObject({ from: c2, type: 'text', text: 'STOP' });
      for (const s of ['sent', 'delivered', 'read'])
        expect(get(s).data).toMatchObject({ wamid, to: c1, status: s, messageId: expect.any(String) });
      expect(get('opted out').data).toMatchObject({ contact: c2, scope: 'all', source: 'keyword' });
      expect(new Set(expected.map((x) => get(x.name).id)).size).toBe(expected.length);
    });

    it('signs every request: t and v1 = HMAC-SHA256 of "t.body" with the secret, checked here', () => {
      const all = receiver.requests.filter((r) => secrets.has(r.path));
      expect(all.length).toBeGreaterThanOrEqual(expected.length * 4);
      for (const r of all) {
        const [secret] = secrets.get(r.path)!;
        const sig = readSignature(r.headers['x-platform-signature'] as string | undefined);
        expect(sig).toBeDefined();
        expect(sig!.v1).toHaveLength(1);
        expect(signedBy(sig!.v1[0]!, secret!, sig!.t, r.rawBody)).toBe(true);
        // Signed when sent (each retry signs afresh), not when the event happened.
        expect(Math.abs(sig!.t * 1000 - r.receivedAt)).toBeLessThan(5000);
        // A changed body, another time or another secret does not verify.
        expect(signedBy(sig!.v1[0]!, secret!, sig!.t, `${r.rawBody} `)).toBe(false);
        expect(signedBy(sig!.v1[0]!, secret!, sig!.t + 1, r.rawBody)).toBe(false);
        expect(signedBy(sig!.v1[0]!, `${secret}x`, sig!.t, r.rawBody)).toBe(false);
        expect(r.method).toBe('POST');
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['x-platform-event-id']).toBe(eventOf(r).id);
        expect(r.headers['x-platform-event-type']).toBe(eventOf(r).type);
      }
    });

    it('lists the attempts: status, response status, latency and the first bytes of the answer', async () => {
      const attempts = await deliveries(a.id);
      // Newest first.
      const times = attempts.map((x) => x.id);
      expect([...times].sort().reverse()).toEqual(times);
      for (const x of expected) {
        const wire = byName.get(x.name)!;
        const id = eventOf(wire[0]!).id;
        const mine = attempts.filter((t) => t.eventId === id).sort((l, r) => l.attempt - r.attempt);
        expect(mine.slice(0, 4).map((t) => [t.attempt, t.status, t.responseStatus ?? null])).toEqual([
          [1, 'retrying', 500],
          [2, 'retrying', null],
          [3, 'retrying', 429],
          [4, 'delivered', 200],
        ]);
        // Every request the receiver saw is one recorded attempt.
        expect(mine).toHaveLength(wire.length);
        const [first, hung, limited, ok] = mine as [Attempt, Attempt, Attempt, Attempt];
        for (const t of mine) {
          expect(t.subscriptionId).toBe(a.id);
          expect(t.eventType).toBe(eventOf(wire[0]!).type);
          expect(t.event).toEqual(eventOf(wire[0]!));
          expect(t.latencyMs).toBeGreaterThanOrEqual(0);
          expect(t.latencyMs).toBeLessThan(TIMEOUT_MS + 1000);
        }
        expect(first).toMatchObject({ responseBody: 'receiver exploded (500)', error: 'HTTP 500' });
        expect(Date.parse(first.nextAttemptAt!)).toBeGreaterThan(Date.parse(first.at));
        expect(hung.error).toMatch(new RegExp(`${TIMEOUT_MS} ms`));
        expect(hung.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(hung).not.toHaveProperty('responseBody');
        expect(limited).toMatchObject({ responseBody: 'slow down', error: 'HTTP 429' });
        expect(Date.parse(limited.nextAttemptAt!) - Date.parse(limited.at)).toBeGreaterThanOrEqual(1000);
        // Only the first 500 bytes of the answer are kept.
        expect(ok.responseBody).toBe(OK_BODY.slice(0, 500));
        expect(ok).not.toHaveProperty('error');
        expect(ok).not.toHaveProperty('nextAttemptAt');
      }
      const deliveredIds = attempts
        .filter((t) => t.status === 'delivered' && !t.replayOf)
        .map((t) => t.eventId);
      expect(deliveredIds.length - new Set(deliveredIds).size).toBe(duplicates);
      // A success after failures ends the failing streak.
      expect(await getSub(a.id)).not.toHaveProperty('failingSince');
    });

    it('does not retry a 400: one attempt, failed', async () => {
      const optedOutId = eventOf(byName.get('opted out')![0]!).id;
      const atB = receiver.on('/b');
      expect(atB.map((r) => eventOf(r).id)).toEqual([optedOutId]);
      const attempts = await deliveries(b.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({
        eventId: optedOutId,
        eventType: 'contact.opted_out',
        attempt: 1,
        status: 'failed',
        responseStatus: 400,
        responseBody: '{"error":"we do not take these"}',
        error: expect.stringContaining('HTTP 400'),
      });
      expect(attempts[0]).not.toHaveProperty('nextAttemptAt');
      // Long enough for a retry (1 s backoff) to have come, had one been planned.
      expect(Date.now() - Date.parse(attempts[0]!.at)).toBeGreaterThan(3000);
      expect(receiver.on('/b')).toHaveLength(1);
    });

    it('replays a delivered attempt: the same event id and body, recorded as a replay', async () => {
      const original = byName.get('received c1')!.find((r) => r.answer === 200)!;
      const event = eventOf(original);
      const attempt = (await deliveries(a.id)).find(
        (t) => t.eventId === event.id && t.status === 'delivered',
      )!;
      expect(attempt).toBeDefined();
      const before = receiver.on('/a').filter((r) => eventOf(r).id === event.id).length;

      const res = await p.api(`/api/webhooks/${a.id}/deliveries/${attempt.id}/replay`, { method: 'POST' });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ queued: true, eventId: event.id });
      const again = await waitFor(async () => {
        const hits = receiver.on('/a').filter((r) => eventOf(r).id === event.id);
        return hits.length > before ? hits[hits.length - 1] : undefined;
      });
      expect(again.rawBody).toBe(original.rawBody);
      const sig = readSignature(again.headers['x-platform-signature'] as string)!;
      expect(signedBy(sig.v1[0]!, a.secret!, sig.t, again.rawBody)).toBe(true);
      const replayed = await waitFor(async () =>
        (await deliveries(a.id)).find((t) => t.replayOf === attempt.id),
      );
      expect(replayed).toMatchObject({
        eventId: event.id,
        attempt: 1,
        status: 'delivered',
        responseStatus: 200,
      });
      expect(replayed.id).not.toBe(attempt.id);

      // An unknown attempt, and a paused subscription, are refused.
      await expectError(
        await p.api(`/api/webhooks/${a.id}/deliveries/01ARZ3NDEKTSV4RRFFQ69G5FAV/replay`, { method: 'POST' }),
        404,
        'not_found',
      );
      const bAttempt = (await deliveries(b.id))[0]!;
      const paused = await p.api(`/api/webhooks/${b.id}`, { method: 'PATCH', json: { paused: true } });
      expect(paused.status).toBe(200);
      expect(((await paused.json()) as Subscription).status).toBe('paused');
      await expectError(
        await p.api(`/api/webhooks/${b.id}/deliveries/${bAttempt.id}/replay`, { method: 'POST' }),
        409,
        'subscription_not_active',
      );
    });

    it('signs with both secrets after a rotation: the new one first, the old one alongside', async () => {
      scriptA = false;
      const oldSecret = a.secret!;
      const rotated = await withSecret(p, 'POST', `/api/webhooks/${a.id}/rotate-secret`, undefined, 200, [
        'previousSecretExpiresAt',
      ]);
      const newSecret = rotated.secret!;
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(oldSecret);
      const overlap = Date.parse(rotated.previousSecretExpiresAt!) - Date.now();
      expect(overlap).toBeGreaterThan(23.9 * 3600_000);
      expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
      const shown = await (await p.api(`/api/webhooks/${a.id}`)).text();
      expect(shown).not.toContain(newSecret);
      expect(shown).not.toContain(oldSecret);
      secrets.set('/a', [newSecret, oldSecret]);
      a = { ...a, secret: newSecret };

      const c3 = phoneNumber(9103);
      await inbound(c3, 'After the rotation');
      const [r] = await delivered('/a', (e) => e.type === 'message.received' && e.data.from === c3);
      const sig = readSignature(r!.headers['x-platform-signature'] as string)!;
      expect(sig.v1).toHaveLength(2);
      expect(signedBy(sig.v1[0]!, newSecret, sig.t, r!.rawBody)).toBe(true);
      expect(signedBy(sig.v1[0]!, oldSecret, sig.t, r!.rawBody)).toBe(false);
      expect(signedBy(sig.v1[1]!, oldSecret, sig.t, r!.rawBody)).toBe(true);
      expect(signedBy(sig.v1[1]!, newSecret, sig.t, r!.rawBody)).toBe(false);
    });
  });

  it('refuses targets the address guard blocks, and non-http URLs, naming the field url', async () => {
    const refused = [
      'http://169.254.169.254/latest/meta-data',
      'https://169.254.169.254/latest/meta-data',
      'http://10.0.0.1/',
      'https://10.0.0.1/hooks',
      'https://192.168.1.10/',
      'https://100.64.0.1/',
      'https://[::ffff:a9fe:a9fe]/latest/meta-data',
      'https://[fd00::1]/',
      'https://0.0.0.0/',
      'http://0.0.0.0:8080/',
      'http://crm.example.com/hooks',
      'https://user:pass@crm.example.com/hooks',
      'https://crm.example.com/hooks#frag',
      'ftp://crm.example.com/hooks',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ];
    for (const url of refused) {
      const error = await expectError(await create({ url, events: ['*'] }), 422, 'invalid_target', 'url');
      expect({ url, details: error.details }).toEqual({
        url,
        details: [{ field: 'url', message: expect.any(String) }],
      });
    }
    await expectError(
      await p.api(`/api/webhooks/${b.id}`, {
        method: 'PATCH',
        json: { url: 'http://169.254.169.254/latest/meta-data' },
      }),
      422,
      'invalid_target',
      'url',
    );
    expect((await getSub(b.id)).url).toBe(receiver.url('/b'));
    // None of them was stored.
    const items = ((await (await p.api('/api/webhooks')).json()) as { items: Subscription[] }).items;
    expect(items.map((s) => s.id)).toEqual([a.id, b.id, d.id]);
  });

  it('validates the body and wants a key', async () => {
    await expectError(
      await create({ url: receiver.url('/x'), events: ['message.exploded'] }),
      400,
      'validation_failed',
      'events',
    );
    await expectError(
      await create({ url: receiver.url('/x'), events: [] }),
      400,
      'validation_failed',
      'events',
    );
    await expectError(await create({ url: receiver.url('/x') }), 400, 'validation_failed', 'events');
    await expectError(await create({ events: ['*'] }), 400, 'validation_failed', 'url');
    await expectError(
      await p.api(`/api/webhooks/${b.id}`, { method: 'PATCH', json: { events: ['nope'] } }),
      400,
      'validation_failed',
      'events',
    );
    await expectError(await create({ url: receiver.url('/x'), events: ['*'] }, false), 401, 'unauthorized');
    await expectError(await fetch(`${p.url}/api/webhooks`), 401, 'unauthorized');
    await expectError(await fetch(`${p.url}/api/webhooks/${a.id}/deliveries`), 401, 'unauthorized');
    await expectError(
      await fetch(`${p.url}/api/webhooks/${a.id}/rotate-secret`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-key' },
      }),
      401,
      'unauthorized',
    );
    await expectError(await p.api('/api/webhooks/wh_missing'), 404, 'not_found');
    const items = ((await (await p.api('/api/webhooks')).json()) as { items: Subscription[] }).items;
    expect(items).toHaveLength(3);
  });

  describe('with loopback receivers not allowed', () => {
    let q: TestPlatform;
    beforeAll(async () => {
      q = await bootPlatform({ WEBHOOK_ALLOW_LOOPBACK: 'false' });
    }, 60_000);
    afterAll(() => q?.stop());

    it('refuses this machine as a target, however it is written', async () => {
      for (const url of [
        receiver.url('/a'),
        'http://127.0.0.1/',
        'https://127.0.0.1/',
        'http://127.1/',
        'http://2130706433/',
        'http://localhost/',
        'https://localhost/',
        `http://[::1]:${receiver.port}/a`,
        'https://[::ffff:127.0.0.1]/',
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/',
      ]) {
        const res = await q.api('/api/webhooks', { method: 'POST', json: { url, events: ['*'] } });
        const error = await expectError(res, 422, 'invalid_target', 'url');
        expect({ url, details: error.details }).toEqual({
          url,
          details: [{ field: 'url', message: expect.any(String) }],
        });
      }
      // A public https URL is taken; moving it onto this machine is not.
      const { id } = await withSecret(
        q,
        'POST',
        '/api/webhooks',
        { url: 'https://crm.example.com/hooks', events: ['message.received'] },
        201,
      );
      await expectError(
        await q.api(`/api/webhooks/${id}`, { method: 'PATCH', json: { url: receiver.url('/a') } }),
        422,
        'invalid_target',
        'url',
      );
      const items = ((await (await q.api('/api/webhooks')).json()) as { items: Subscription[] }).items;
      expect(items.map((s) => s.url)).toEqual(['https://crm.example.com/hooks']);
      expect((await q.api(`/api/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await q.api(`/api/webhooks/${id}`)).status).toBe(404);
    });
  });

  it('disables a subscription whose receiver is down for the whole window, and resumes it', async () => {
    const failing = await getSub(d.id);
    expect(failing.status).toBe('active');
    expect(failing.failingSince).toBeDefined();
    const since = Date.parse(failing.failingSince!);
    // Nothing was delivered: every attempt was refused at connect.
    const attempts = await deliveries(d.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const t of attempts) {
      expect(['retrying', 'failed']).toContain(t.status);
      expect(t).not.toHaveProperty('responseStatus');
      expect(t.error).toMatch(/ECONNREFUSED/);
    }
    // Once the window has passed since the first failure, the next failure disables it.
    await waitFor(async () => (Date.now() > since + WINDOW_SECONDS * 1000 + 500 ? true : undefined), 60_000);
    await inbound(phoneNumber(9104), 'Anyone there?');
    const disabled = await waitFor(
      async () => {
        const s = await getSub(d.id);
        return s.status === 'disabled' ? s : undefined;
      },
      20_000,
      'the subscription to be disabled',
    );
    expect(disabled.disabledReason).toMatch(/failed since/);
    expect(disabled.disabledReason).toMatch(/ECONNREFUSED/);
    expect(Date.parse(disabled.disabledAt!)).toBeGreaterThanOrEqual(since + WINDOW_SECONDS * 1000);
    // A disabled subscription is not replayed to.
    await expectError(
      await p.api(`/api/webhooks/${d.id}/deliveries/${attempts[0]!.id}/replay`, { method: 'POST' }),
      409,
      'subscription_not_active',
    );

    // The receiver is back at another address: PATCH paused: false turns it on again, with a clean record.
    const res = await p.api(`/api/webhooks/${d.id}`, {
      method: 'PATCH',
      json: { url: receiver.url('/d'), paused: false },
    });
    expect(res.status).toBe(200);
    const resumed = (await res.json()) as Subscription;
    expect(resumed).toMatchObject({ status: 'active', url: receiver.url('/d') });
    for (const key of ['disabledAt', 'disabledReason', 'failingSince'])
      expect(resumed).not.toHaveProperty(key);
    expect(await getSub(d.id)).toEqual(resumed);

    const c5 = phoneNumber(9105);
    await inbound(c5, 'Back again');
    const [r] = await delivered('/d', (e) => e.type === 'message.received' && e.data.from === c5);
    const sig = readSignature(r!.headers['x-platform-signature'] as string)!;
    expect(signedBy(sig.v1[0]!, d.secret!, sig.t, r!.rawBody)).toBe(true);
    expect((await getSub(d.id)).status).toBe('active');
  });
});
