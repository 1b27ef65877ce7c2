import { createHmac } from 'node:crypto';
import { decodeTime } from 'ulid';
import {
  buttonClickedEvent,
  campaignEvent,
  contactOptEvent,
  conversationEvent,
  messageReceivedEvent,
  messageStatusEvent,
  templateStatusEvent,
} from '../../functions/domain/webhooks/announce';
import {
  EVENT_TYPES,
  EVENT_VERSION,
  type EventData,
  isEventType,
  platformEvent,
  wants,
} from '../../functions/domain/webhooks/events';
import {
  backoffSeconds,
  DEFAULT_RETRY,
  failedTooLong,
  formatDuration,
  hopDelaySeconds,
  judge,
  MAX_QUEUE_DELAY_SECONDS,
  nextStep,
  type RetryPolicy,
  retryAfterSeconds,
  type TargetAnswer,
} from '../../functions/domain/webhooks/retry';
import {
  parseSignatureHeader,
  SIGNATURE_TOLERANCE_SECONDS,
  signatureHeader,
  signatureOf,
  verifySignature,
} from '../../functions/domain/webhooks/signature';
import {
  normalisedFilter,
  ROTATION_OVERLAP_MS,
  receives,
  rotated,
  signingSecrets,
  type WebhookSubscription,
  wantedTypes,
} from '../../functions/domain/webhooks/subscription';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const T = Math.floor(NOW.getTime() / 1000);
const BODY = '{"id":"01JEVENT","type":"message.sent","data":{"wamid":"wamid.A"}}';
const SECRET = 'whsec_current';
const OLD = 'whsec_previous';
const answered = (status: number, retryAfter?: string): TargetAnswer => ({
  kind: 'answered',
  status,
  ms: 12,
  ...(retryAfter !== undefined ? { retryAfter } : {}),
});
const secondsLater = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

describe('outbound webhook signature', () => {
  it('signs HMAC-SHA256 of "<t>.<body>" with the secret as key, in the documented header shape', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`, 'utf8').digest('hex');
    expect(signatureOf(BODY, SECRET, T)).toBe(expected);
    expect(signatureHeader(BODY, [SECRET], T)).toBe(`t=${T},v1=${expected}`);
    // Neither the body alone nor another separator is what is signed.
    expect(signatureOf(BODY, SECRET, T)).not.toBe(createHmac('sha256', SECRET).update(BODY).digest('hex'));
  });

  it('matches a fixed vector (catches a change of algorithm, key or signed string)', () => {
    const vector = createHmac('sha256', 'k').update('1700000000.{}').digest('hex');
    expect(signatureHeader('{}', ['k'], 1_700_000_000)).toBe(`t=1700000000,v1=${vector}`);
  });

  it('verifies its own header over the exact body', () => {
    const header = signatureHeader(BODY, [SECRET], T);
    expect(verifySignature(header, BODY, SECRET, T)).toBe(true);
  });

  it('rejects a changed body, a wrong secret, and a header without the signature', () => {
    const header = signatureHeader(BODY, [SECRET], T);
    expect(verifySignature(header, `${BODY} `, SECRET, T)).toBe(false);
    expect(verifySignature(header, BODY.replace('wamid.A', 'wamid.B'), SECRET, T)).toBe(false);
    expect(verifySignature(header, BODY, 'whsec_other', T)).toBe(false);
    expect(verifySignature(`t=${T}`, BODY, SECRET, T)).toBe(false);
  });

  it('accepts a time within the tolerance and rejects one outside it, either side', () => {
    const header = signatureHeader(BODY, [SECRET], T);
    expect(SIGNATURE_TOLERANCE_SECONDS).toBe(300);
    expect(verifySignature(header, BODY, SECRET, T + 300)).toBe(true);
    expect(verifySignature(header, BODY, SECRET, T - 300)).toBe(true);
    expect(verifySignature(header, BODY, SECRET, T + 301)).toBe(false);
    expect(verifySignature(header, BODY, SECRET, T - 301)).toBe(false);
    expect(verifySignature(header, BODY, SECRET, T + 50, 30)).toBe(false);
    expect(verifySignature(header, BODY, SECRET, T + 50, 60)).toBe(true);
  });

  it('rejects a missing or malformed header', () => {
    const good = signatureOf(BODY, SECRET, T);
    expect(verifySignature(undefined, BODY, SECRET, T)).toBe(false);
    expect(verifySignature('', BODY, SECRET, T)).toBe(false);
    expect(verifySignature('garbage', BODY, SECRET, T)).toBe(false);
    expect(verifySignature(`v1=${good}`, BODY, SECRET, T)).toBe(false); // no time
    expect(verifySignature(`t=abc,v1=${good}`, BODY, SECRET, T)).toBe(false);
    expect(verifySignature(`t=${T},v1=${good.slice(0, 63)}`, BODY, SECRET, T)).toBe(false); // short
    expect(verifySignature(`t=${T},v1=${good.toUpperCase()}`, BODY, SECRET, T)).toBe(false); // not lower hex
    expect(verifySignature(`t=${T},v0=${good}`, BODY, SECRET, T)).toBe(false);
  });

  it('parses the header, ignoring unknown and malformed parts, tolerating spaces', () => {
    const a = signatureOf(BODY, SECRET, T);
    const b = signatureOf(BODY, OLD, T);
    expect(parseSignatureHeader(` t=${T} , v1=${a},v2=x,junk,v1=${b}`)).toEqual({ t: T, v1: [a, b] });
    expect(parseSignatureHeader('v1=zz')).toEqual({ v1: [] });
    expect(verifySignature(` t=${T} , v1=${a}`, BODY, SECRET, T)).toBe(true);
  });

  it('during a rotation signs with both secrets, newest first, and either verifies', () => {
    const sub = {
      secret: SECRET,
      previousSecret: OLD,
      previousSecretExpiresAt: secondsLater(NOW, 60).toISOString(),
    };
    const secrets = signingSecrets(sub, NOW);
    expect(secrets).toEqual([SECRET, OLD]);
    const header = signatureHeader(BODY, secrets, T);
    expect(parseSignatureHeader(header).v1).toEqual([
      signatureOf(BODY, SECRET, T),
      signatureOf(BODY, OLD, T),
    ]);
    expect(verifySignature(header, BODY, SECRET, T)).toBe(true);
    expect(verifySignature(header, BODY, OLD, T)).toBe(true);
    expect(verifySignature(header, BODY, 'whsec_neither', T)).toBe(false);
  });

  it('after the overlap signs with the new secret only', () => {
    const sub = { secret: SECRET, previousSecret: OLD, previousSecretExpiresAt: NOW.toISOString() };
    expect(signingSecrets(sub, NOW)).toEqual([SECRET]); // expiry is exclusive
    expect(signingSecrets(sub, secondsLater(NOW, 1))).toEqual([SECRET]);
    expect(signingSecrets(sub, secondsLater(NOW, -1))).toEqual([SECRET, OLD]);
    const header = signatureHeader(BODY, signingSecrets(sub, secondsLater(NOW, 1)), T);
    expect(verifySignature(header, BODY, SECRET, T)).toBe(true);
    expect(verifySignature(header, BODY, OLD, T)).toBe(false);
    expect(signingSecrets({ secret: SECRET, previousSecret: OLD }, NOW)).toEqual([SECRET]); // no expiry known
  });

  it('rotation makes a fresh secret, keeps the old one for 24 hours', () => {
    const next = rotated({ secret: SECRET }, NOW);
    expect(next.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(next.secret).not.toBe(SECRET);
    expect(rotated({ secret: SECRET }, NOW).secret).not.toBe(next.secret);
    expect(next.previousSecret).toBe(SECRET);
    expect(ROTATION_OVERLAP_MS).toBe(86_400_000);
    expect(next.previousSecretExpiresAt).toBe('2026-12-03T10:00:00.000Z');
    expect(signingSecrets(next, secondsLater(NOW, 86_399))).toEqual([next.secret, SECRET]);
    expect(signingSecrets(next, secondsLater(NOW, 86_400))).toEqual([next.secret]);
  });
});

describe('judging a receiver answer', () => {
  it('2xx is delivered', () => {
    for (const s of [200, 201, 202, 204, 299])
      expect(judge(answered(s), NOW)).toEqual({ outcome: 'delivered' });
  });

  it('5xx, 408, 429, a timeout and a network failure are retried', () => {
    for (const s of [500, 502, 504, 599, 408]) {
      expect(judge(answered(s), NOW)).toEqual({ outcome: 'retry', why: `HTTP ${s}` });
    }
    expect(judge(answered(429), NOW)).toEqual({ outcome: 'retry', why: 'HTTP 429' });
    expect(judge(answered(503), NOW)).toEqual({ outcome: 'retry', why: 'HTTP 503' });
    expect(
      judge({ kind: 'failed', reason: 'timeout', message: 'timed out after 10 s', ms: 10_000 }, NOW),
    ).toEqual({
      outcome: 'retry',
      why: 'timed out after 10 s',
    });
    expect(judge({ kind: 'failed', reason: 'network', message: 'ECONNREFUSED', ms: 3 }, NOW)).toEqual({
      outcome: 'retry',
      why: 'ECONNREFUSED',
    });
  });

  it('3xx, other 4xx and a blocked target are rejected', () => {
    for (const s of [301, 302, 307, 308]) {
      expect(judge(answered(s), NOW)).toEqual({
        outcome: 'rejected',
        why: `HTTP ${s}: redirects are not followed`,
      });
    }
    for (const s of [400, 401, 403, 404, 410, 422]) {
      expect(judge(answered(s), NOW)).toEqual({ outcome: 'rejected', why: `HTTP ${s}` });
    }
    expect(judge({ kind: 'failed', reason: 'blocked', message: 'private address', ms: 0 }, NOW)).toEqual({
      outcome: 'rejected',
      why: 'private address',
    });
  });

  it('429 and 503 honour Retry-After as seconds', () => {
    expect(judge(answered(429, '120'), NOW)).toEqual({
      outcome: 'retry',
      why: 'HTTP 429',
      notBeforeSeconds: 120,
    });
    expect(judge(answered(503, ' 7 '), NOW)).toEqual({
      outcome: 'retry',
      why: 'HTTP 503',
      notBeforeSeconds: 7,
    });
    expect(judge(answered(429, '0'), NOW)).toEqual({
      outcome: 'retry',
      why: 'HTTP 429',
      notBeforeSeconds: 0,
    });
  });

  it('429 and 503 honour Retry-After as an HTTP date (a past date waits 0)', () => {
    const in90 = secondsLater(NOW, 90).toUTCString();
    expect(in90).toMatch(/GMT$/);
    expect(judge(answered(503, in90), NOW)).toEqual({
      outcome: 'retry',
      why: 'HTTP 503',
      notBeforeSeconds: 90,
    });
    const ago = secondsLater(NOW, -3600).toUTCString();
    expect(judge(answered(429, ago), NOW)).toEqual({
      outcome: 'retry',
      why: 'HTTP 429',
      notBeforeSeconds: 0,
    });
    // A part-second rounds up: never earlier than asked.
    expect(retryAfterSeconds(new Date(NOW.getTime() + 1500).toUTCString(), NOW)).toBeGreaterThanOrEqual(1);
    // Only delta-seconds or an HTTP date: other text Date.parse would read as some year is not a wait.
    for (const loose of ['1.5', '-1', 'Retry 5', new Date(NOW.getTime() + 90_000).toISOString()])
      expect(retryAfterSeconds(loose, NOW)).toBeUndefined();
  });

  it('an unreadable Retry-After is ignored, and other statuses never read it', () => {
    expect(judge(answered(429, 'soon'), NOW)).toEqual({ outcome: 'retry', why: 'HTTP 429' });
    expect(judge(answered(503, '120s'), NOW)).toEqual({ outcome: 'retry', why: 'HTTP 503' });
    expect(retryAfterSeconds(undefined, NOW)).toBeUndefined();
    expect(retryAfterSeconds('12 apples', NOW)).toBeUndefined();
    expect(judge(answered(500, '120'), NOW)).toEqual({ outcome: 'retry', why: 'HTTP 500' });
    expect(judge(answered(400, '120'), NOW)).toEqual({ outcome: 'rejected', why: 'HTTP 400' });
  });
});

describe('retry timing', () => {
  const policy: RetryPolicy = { baseSeconds: 5, maxDelaySeconds: 3600, windowSeconds: 86_400 };
  const zero = () => 0;
  const one = () => 1;

  it('default policy: 5 s base, 1 h ceiling, 24 h window', () => {
    expect(DEFAULT_RETRY).toEqual(policy);
  });

  it('equal jitter: random 0 gives half the ceiling, random 1 the full ceiling', () => {
    expect(backoffSeconds(1, policy, zero)).toBe(3); // 2.5 rounded
    expect(backoffSeconds(1, policy, one)).toBe(5);
    expect(backoffSeconds(2, policy, zero)).toBe(5);
    expect(backoffSeconds(2, policy, one)).toBe(10);
    expect(backoffSeconds(4, policy, zero)).toBe(20);
    expect(backoffSeconds(4, policy, one)).toBe(40);
    expect(backoffSeconds(3, policy, () => 0.5)).toBe(15);
  });

  it('grows with each attempt and never passes maxDelaySeconds', () => {
    let previous = 0;
    for (let n = 1; n <= 60; n++) {
      const high = backoffSeconds(n, policy, one);
      expect(high).toBeGreaterThanOrEqual(previous);
      expect(high).toBeLessThanOrEqual(3600);
      expect(backoffSeconds(n, policy, zero)).toBeGreaterThanOrEqual(Math.floor(high / 2));
      previous = high;
    }
    expect(backoffSeconds(11, policy, one)).toBe(3600); // 5 * 2^10 = 5120, capped
    expect(backoffSeconds(11, policy, zero)).toBe(1800);
    expect(backoffSeconds(2000, policy, one)).toBe(3600); // 2^1999 is Infinity: still capped
    expect(backoffSeconds(3, { ...policy, maxDelaySeconds: 12 }, one)).toBe(12);
  });

  it('never waits less than a second, and treats attempt 0 like the first', () => {
    expect(backoffSeconds(1, { ...policy, baseSeconds: 0.2 }, zero)).toBe(1);
    expect(backoffSeconds(1, { ...policy, baseSeconds: 0 }, one)).toBe(1);
    expect(backoffSeconds(0, policy, one)).toBe(5);
  });

  it('next step: done when delivered, give up when rejected', () => {
    expect(nextStep({ outcome: 'delivered' }, 1, NOW, NOW, policy, one)).toEqual({ kind: 'done' });
    expect(nextStep({ outcome: 'rejected', why: 'HTTP 400' }, 1, NOW, NOW, policy, one)).toEqual({
      kind: 'give_up',
      why: 'not retried: HTTP 400',
    });
  });

  it('next step: retry after the backoff, or after notBeforeSeconds when that is longer', () => {
    const retry = { outcome: 'retry', why: 'HTTP 500' } as const;
    expect(nextStep(retry, 3, NOW, NOW, policy, one)).toEqual({ kind: 'retry', at: secondsLater(NOW, 20) });
    expect(nextStep({ ...retry, notBeforeSeconds: 600 }, 3, NOW, NOW, policy, one)).toEqual({
      kind: 'retry',
      at: secondsLater(NOW, 600),
    });
    expect(nextStep({ ...retry, notBeforeSeconds: 2 }, 3, NOW, NOW, policy, one)).toEqual({
      kind: 'retry',
      at: secondsLater(NOW, 20),
    });
  });

  it('next step: gives up with the window reason once the next try would fall outside 24 h of the first', () => {
    const retry = { outcome: 'retry', why: 'HTTP 500' } as const;
    const first = NOW;
    const giveUp = { kind: 'give_up', why: 'still failing 24 h after the first attempt' };
    // Attempt 1 with random 1 waits 5 s.
    expect(nextStep(retry, 1, first, secondsLater(first, 86_395), policy, one)).toEqual({
      kind: 'retry',
      at: secondsLater(first, 86_400),
    });
    expect(nextStep(retry, 1, first, secondsLater(first, 86_396), policy, one)).toEqual(giveUp);
    // A Retry-After beyond the window gives up at once.
    expect(nextStep({ ...retry, notBeforeSeconds: 86_401 }, 1, first, first, policy, one)).toEqual(giveUp);
    expect(nextStep({ ...retry, notBeforeSeconds: 86_400 }, 1, first, first, policy, one)).toEqual({
      kind: 'retry',
      at: secondsLater(first, 86_400),
    });
    // The reason names the policy's window.
    expect(
      nextStep(retry, 1, first, secondsLater(first, 3600), { ...policy, windowSeconds: 3600 }, one),
    ).toEqual({ kind: 'give_up', why: 'still failing 1 h after the first attempt' });
  });

  it('formats durations', () => {
    expect(formatDuration(86_400)).toBe('24 h');
    expect(formatDuration(120)).toBe('2 min');
    expect(formatDuration(90)).toBe('90 s');
  });

  it('failedTooLong: only once failing for the whole window', () => {
    expect(failedTooLong(undefined, NOW, policy)).toBe(false);
    expect(failedTooLong(new Date(NOW.getTime() - 86_400_000 + 1).toISOString(), NOW, policy)).toBe(false);
    expect(failedTooLong(new Date(NOW.getTime() - 86_400_000).toISOString(), NOW, policy)).toBe(true);
    expect(failedTooLong(secondsLater(NOW, -90_000).toISOString(), NOW, policy)).toBe(true);
    expect(failedTooLong(secondsLater(NOW, -100).toISOString(), NOW, { ...policy, windowSeconds: 60 })).toBe(
      true,
    );
  });

  it('hopDelaySeconds: the rest of the wait, rounded up, at most 900 s, never negative', () => {
    expect(MAX_QUEUE_DELAY_SECONDS).toBe(900);
    expect(hopDelaySeconds(secondsLater(NOW, 10), NOW)).toBe(10);
    expect(hopDelaySeconds(new Date(NOW.getTime() + 10_200), NOW)).toBe(11);
    expect(hopDelaySeconds(secondsLater(NOW, 900), NOW)).toBe(900);
    expect(hopDelaySeconds(secondsLater(NOW, 901), NOW)).toBe(900);
    expect(hopDelaySeconds(secondsLater(NOW, 7200), NOW)).toBe(900);
    expect(hopDelaySeconds(secondsLater(NOW, -30), NOW)).toBe(0);
  });
});

describe('subscriptions and filters', () => {
  const sub = (status: WebhookSubscription['status'], events: WebhookSubscription['events']) => ({
    status,
    events,
  });

  it('wantedTypes: the active subscriptions types, each once, sorted', () => {
    expect(wantedTypes([])).toEqual([]);
    expect(
      wantedTypes([
        sub('active', ['message.read', 'message.sent']),
        sub('active', ['message.sent', 'campaign.started']),
        sub('paused', ['contact.opted_out']),
        sub('disabled', ['template.status_changed']),
      ]),
    ).toEqual(['campaign.started', 'message.read', 'message.sent']);
  });

  it('wantedTypes: a paused or disabled "*" counts for nothing, an active one collapses to ["*"]', () => {
    expect(
      wantedTypes([sub('paused', ['*']), sub('disabled', ['*']), sub('active', ['message.read'])]),
    ).toEqual(['message.read']);
    expect(wantedTypes([sub('paused', ['*']), sub('disabled', ['*'])])).toEqual([]);
    expect(wantedTypes([sub('active', ['message.read']), sub('active', ['*'])])).toEqual(['*']);
  });

  it('receives: active and wanting the type', () => {
    expect(receives(sub('active', ['message.read']), 'message.read')).toBe(true);
    expect(receives(sub('active', ['*']), 'campaign.paused')).toBe(true);
    expect(receives(sub('active', ['message.read']), 'message.sent')).toBe(false);
    expect(receives(sub('paused', ['*']), 'message.read')).toBe(false);
    expect(receives(sub('disabled', ['message.read']), 'message.read')).toBe(false);
  });

  it('normalisedFilter: "*" alone when present, otherwise each type once', () => {
    expect(normalisedFilter(['message.sent', '*', 'message.read'])).toEqual(['*']);
    expect(normalisedFilter(['*', '*'])).toEqual(['*']);
    expect(normalisedFilter(['message.sent', 'message.read', 'message.sent', 'message.read'])).toEqual([
      'message.sent',
      'message.read',
    ]);
    expect(normalisedFilter([])).toEqual([]);
  });

  it('wants and isEventType', () => {
    expect(wants(['*'], 'template.status_changed')).toBe(true);
    expect(wants(['message.sent', 'message.read'], 'message.read')).toBe(true);
    expect(wants(['message.sent'], 'message.read')).toBe(false);
    expect(wants([], 'message.read')).toBe(false);
    expect(EVENT_TYPES).toHaveLength(16);
    expect(isEventType('contact.opted_in')).toBe(true);
    expect(isEventType('*')).toBe(false);
    expect(isEventType('message.deleted')).toBe(false);
  });

  it('platformEvent builds the envelope', () => {
    const data: EventData['contact.opted_out'] = {
      contact: '+49151',
      scope: 'all',
      source: 'keyword',
      at: 'x',
    };
    expect(platformEvent('01ID', 'contact.opted_out', data, NOW)).toEqual({
      id: '01ID',
      type: 'contact.opted_out',
      time: '2026-12-02T10:00:00.000Z',
      version: EVENT_VERSION,
      data,
    });
    expect(EVENT_VERSION).toBe(1);
  });
});

describe('announced events have ids derived from what happened', () => {
  const at = '2026-12-02T09:59:58.000Z';
  const status = (s: EventData['message.sent']['status'], wamid = 'wamid.A'): EventData['message.sent'] => ({
    wamid,
    to: '+4915123456789',
    status: s,
    at,
  });

  it('the same status of the same wamid gives the same id; the envelope carries type, time, data', () => {
    const a = messageStatusEvent(status('delivered'));
    const b = messageStatusEvent(status('delivered'));
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(decodeTime(a.id)).toBe(Date.parse(at));
    expect(a).toMatchObject({ type: 'message.delivered', time: at, version: 1, data: status('delivered') });
  });

  it('different statuses or wamids give different ids', () => {
    const ids = (['sent', 'delivered', 'read', 'failed'] as const).map((s) => messageStatusEvent(status(s)));
    expect(ids.map((e) => e.type)).toEqual([
      'message.sent',
      'message.delivered',
      'message.read',
      'message.failed',
    ]);
    expect(new Set(ids.map((e) => e.id)).size).toBe(4);
    expect(messageStatusEvent(status('read', 'wamid.B')).id).not.toBe(messageStatusEvent(status('read')).id);
  });

  it('inbound messages and button clicks: deterministic by wamid', () => {
    const received = { wamid: 'wamid.IN', from: '+49151', type: 'text', text: 'hi', summary: 'hi', at };
    expect(messageReceivedEvent(received).id).toBe(messageReceivedEvent({ ...received }).id);
    expect(messageReceivedEvent({ ...received, wamid: 'wamid.IN2' }).id).not.toBe(
      messageReceivedEvent(received).id,
    );
    const click = { wamid: 'wamid.IN', from: '+49151', text: 'Yes', at };
    const clicked = buttonClickedEvent(click);
    expect(clicked.type).toBe('button.clicked');
    expect(clicked.id).toBe(buttonClickedEvent({ ...click }).id);
    expect(clicked.id).not.toBe(messageReceivedEvent(received).id); // same wamid, another type
  });

  it('conversation changes: handoff, assigned, resolved; back to the assistant has no event', () => {
    const base = { contact: '+49151', at } as const;
    // The parameter's type intersects to the three event statuses, so 'ai' needs a cast (see the report).
    const backToAi = { ...base, status: 'ai' } as unknown as Parameters<typeof conversationEvent>[0];
    expect(conversationEvent(backToAi)).toBeUndefined();
    expect(conversationEvent({ ...base, status: 'open' })?.type).toBe('conversation.handoff');
    expect(conversationEvent({ ...base, status: 'assigned', assigneeId: 'u1' })?.type).toBe(
      'conversation.assigned',
    );
    expect(conversationEvent({ ...base, status: 'resolved' })?.type).toBe('conversation.resolved');
    const a1 = conversationEvent({ ...base, status: 'assigned', assigneeId: 'u1' });
    expect(conversationEvent({ ...base, status: 'assigned', assigneeId: 'u1' })?.id).toBe(a1?.id);
    expect(conversationEvent({ ...base, status: 'assigned', assigneeId: 'u2' })?.id).not.toBe(a1?.id);
  });

  it('campaigns: the state names the event, the stamp tells launches apart', () => {
    const data: EventData['campaign.started'] = { campaignId: 'c1', name: 'Sale', state: 'running', at };
    expect(campaignEvent({ ...data, state: 'scheduled' }, 's1')).toBeUndefined();
    expect(campaignEvent(data, 's1')?.type).toBe('campaign.started');
    expect(campaignEvent({ ...data, state: 'completed' }, 's1')?.type).toBe('campaign.completed');
    expect(campaignEvent(data, 's1')?.id).toBe(campaignEvent(data, 's1')?.id);
    expect(campaignEvent(data, 's2')?.id).not.toBe(campaignEvent(data, 's1')?.id);
  });

  it('opt changes and template statuses are deterministic and told apart', () => {
    const opt: EventData['contact.opted_out'] = { contact: '+49151', scope: 'all', source: 'keyword', at };
    const out = contactOptEvent('opted_out', opt);
    expect(out.type).toBe('contact.opted_out');
    expect(contactOptEvent('opted_out', { ...opt }).id).toBe(out.id);
    expect(contactOptEvent('opted_in', opt).id).not.toBe(out.id);
    expect(contactOptEvent('opted_out', { ...opt, scope: 'marketing' }).id).not.toBe(out.id);
    const tpl = { name: 'promo', language: 'de', status: 'APPROVED', at };
    expect(templateStatusEvent(tpl).id).toBe(templateStatusEvent({ ...tpl }).id);
    expect(templateStatusEvent({ ...tpl, status: 'REJECTED' }).id).not.toBe(templateStatusEvent(tpl).id);
  });
});
