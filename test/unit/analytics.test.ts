import {
  accountReport,
  addStats,
  figuresOf,
  isAccountOnly,
  latencyBucket,
  lateSendStats,
  newLatencyStats,
  optOutStats,
  percentiles,
  recountStats,
  replyStats,
  STAT,
  type StatsDelta,
  statsOfMove,
  sumStats,
} from '../../functions/domain/analytics';
import { emptyCounts, type RecipientStatus } from '../../functions/domain/recipient-status';

const T0 = '2026-12-01T10:00:00.000Z';
const plus = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

describe('statsOfMove', () => {
  it('counts a failure by its code, and a failure after WhatsApp accepted the message apart', () => {
    expect(statsOfMove({ from: 'queued', to: 'failed', error: { code: 131026 } })).toEqual({
      'a.fail.131026': 1,
    });
    expect(statsOfMove({ from: 'sent', to: 'failed', error: { code: 131049 } })).toEqual({
      'a.fail.131049': 1,
      'a.sentThenFailed': 1,
    });
    expect(statsOfMove({ from: 'queued', to: 'failed' })).toEqual({ 'a.fail.none': 1 });
  });

  it('takes a failure back when a retry requeues it', () => {
    expect(statsOfMove({ from: 'failed', to: 'queued', error: { code: 131000 } })).toEqual({
      'a.fail.131000': -1,
    });
  });

  it('counts skips by reason and the stages a move reaches', () => {
    expect(statsOfMove({ from: 'queued', to: 'skipped', skipReason: 'opted_out' })).toEqual({
      'a.skip.opted_out': 1,
    });
    expect(statsOfMove({ from: 'queued', to: 'read' })).toEqual({
      'a.reach.sent': 1,
      'a.reach.delivered': 1,
      'a.reach.read': 1,
    });
    expect(statsOfMove({ from: 'delivered', to: 'read' })).toEqual({ 'a.reach.read': 1 });
    expect(statsOfMove({ from: 'sent', to: 'delivered' })).toEqual({ 'a.reach.delivered': 1 });
  });
});

describe('a sent status after the failure', () => {
  it('counts the recipient as sent after all, once, only for a failed one that had no send time', () => {
    expect(lateSendStats('failed', {}, { sentAt: T0 })).toEqual({ 'a.sentThenFailed': 1, 'a.reach.sent': 1 });
    expect(lateSendStats('failed', { sentAt: T0 }, { sentAt: T0 })).toEqual({});
    expect(lateSendStats('delivered', {}, { sentAt: T0 })).toEqual({});
    expect(lateSendStats(undefined, {}, { sentAt: T0 })).toEqual({});
  });

  it('keeps the stages reached and the targeted count for the account only', () => {
    expect(
      [STAT.targeted, STAT.reached('sent'), STAT.sentThenFailed, STAT.failed(1)].map(isAccountOnly),
    ).toEqual([true, true, false, false]);
  });
});

describe('latency', () => {
  it('buckets by upper bound, the slowest into the open bucket', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(5)).toBe(0);
    expect(latencyBucket(5.5)).toBe(1);
    expect(latencyBucket(86_400)).toBe(11);
    expect(latencyBucket(86_401)).toBe(12);
  });

  it('counts a delivery once both ends are known, whichever status completes the pair', () => {
    // delivered arrives after the send was recorded
    expect(newLatencyStats({ sentAt: T0 }, { sentAt: T0, deliveredAt: plus(3) })).toEqual({ 'a.dlv.0': 1 });
    // delivered first (no send time yet): nothing; the late sent completes the pair
    expect(newLatencyStats({}, { deliveredAt: plus(40) })).toEqual({});
    expect(newLatencyStats({ deliveredAt: plus(40) }, { sentAt: T0, deliveredAt: plus(40) })).toEqual({
      'a.dlv.3': 1,
    });
    // read without a delivered: both measured from the read
    expect(
      newLatencyStats({ sentAt: T0 }, { sentAt: T0, deliveredAt: plus(700), readAt: plus(700) }),
    ).toEqual({ 'a.dlv.7': 1, 'a.rd.7': 1 });
    // nothing new: nothing counted
    const both = { sentAt: T0, deliveredAt: plus(3), readAt: plus(9) };
    expect(newLatencyStats(both, both)).toEqual({});
  });

  it('reads percentiles off the buckets', () => {
    const counts = Array(13).fill(0);
    counts[0] = 50; // <= 5 s
    counts[2] = 40; // <= 30 s
    counts[5] = 9; // <= 300 s
    counts[12] = 1; // slower than a day
    const p = percentiles(counts);
    expect(p).toMatchObject({ count: 100, p50Seconds: 5, p90Seconds: 30, p99Seconds: 300 });
    expect(p.buckets[12]).toEqual({ withinSeconds: null, count: 1 });
    expect(percentiles(Array(13).fill(0))).toMatchObject({ count: 0, p50Seconds: null });
  });
});

describe('responses', () => {
  it('counts replies within 24 and 72 hours, not later and not before the send', () => {
    expect(replyStats(T0, plus(3600))).toEqual({ 'a.reply72': 1, 'a.reply24': 1 });
    expect(replyStats(T0, plus(30 * 3600))).toEqual({ 'a.reply72': 1 });
    expect(replyStats(T0, plus(73 * 3600))).toEqual({});
    expect(replyStats(T0, plus(-3600))).toEqual({});
    // WhatsApp's whole seconds against our milliseconds: the same moment
    expect(replyStats('2026-12-01T10:00:00.700Z', '2026-12-01T10:00:00.000Z')).toEqual({
      'a.reply72': 1,
      'a.reply24': 1,
    });
  });

  it('counts opt-outs within 7 days', () => {
    expect(optOutStats(T0, plus(6 * 86_400))).toEqual({ 'a.optout7d': 1 });
    expect(optOutStats(T0, plus(8 * 86_400))).toEqual({});
  });
});

describe('figuresOf', () => {
  it("follows a campaign's counts for the funnel and names each failure with advice", () => {
    const counts = { ...emptyCounts(), total: 10, sent: 2, delivered: 3, read: 1, failed: 3, skipped: 1 };
    const stats: StatsDelta = {
      'a.sentThenFailed': 1,
      'a.fail.131026': 2,
      'a.fail.131049': 1,
      'a.skip.opted_out': 1,
      'a.btn.Yes please': 2,
      'a.btn.No': 1,
      'a.price.marketing': 6,
      'a.billable': 6,
      'a.reply24': 1,
      'a.reply72': 2,
      'a.dlv.0': 3,
      'a.dlv.2': 1,
    };
    const f = figuresOf(stats, { '131026': 'Message undeliverable' }, counts);
    expect(f).toMatchObject({
      targeted: 10,
      sent: 7,
      delivered: 4,
      read: 1,
      failed: 3,
      skipped: { opted_out: 1 },
      replied: { within24h: 1, within72h: 2 },
      buttons: [
        { button: 'Yes please', taps: 2 },
        { button: 'No', taps: 1 },
      ],
      pricing: [{ category: 'marketing', messages: 6 }],
      billable: 6,
    });
    expect(f.failures[0]).toMatchObject({ code: '131026', title: 'Message undeliverable', count: 2 });
    expect(f.failures[0]?.advice).toMatch(/cannot receive WhatsApp/);
    expect(f.failures[1]).toMatchObject({ code: '131049', title: 'Error 131049', count: 1 });
    expect(f.timeToDelivered).toMatchObject({ count: 4, p50Seconds: 5, p90Seconds: 30 });
  });

  it('leaves out failures a retry took back entirely', () => {
    const f = figuresOf(
      { 'a.fail.131000': 0, 'a.fail.131026': 1 },
      {},
      { ...emptyCounts(), total: 1, failed: 1 },
    );
    expect(f.failures.map((g) => g.code)).toEqual(['131026']);
  });
});

describe('recountStats', () => {
  it('gives what the counters hold when each event was counted where it happened', () => {
    type R = Parameters<typeof recountStats>[0] extends Iterable<infer X> ? X : never;
    const recipients: R[] = [
      { status: 'read', sentAt: T0, deliveredAt: plus(4), readAt: plus(100), repliedAt: plus(200) },
      {
        status: 'delivered',
        sentAt: T0,
        deliveredAt: plus(20),
        buttonsTapped: ['Yes'],
        pricingCategory: 'marketing',
        billable: true,
      },
      { status: 'failed', sentAt: T0, lastError: { code: 131049, title: 'Held back' } },
      { status: 'failed', lastError: { code: 131026, title: 'Undeliverable' } },
      { status: 'skipped', skipReason: 'opted_out' },
      { status: 'sent', sentAt: T0, optedOutAt: plus(86_400) },
    ];
    // The same story told as counter increments
    const counted: StatsDelta = {};
    const move = (from: RecipientStatus, to: RecipientStatus, error?: { code: number }) =>
      addStats(counted, statsOfMove({ from, to, error }));
    move('queued', 'sent');
    move('sent', 'delivered');
    addStats(counted, newLatencyStats({ sentAt: T0 }, { sentAt: T0, deliveredAt: plus(4) }));
    move('delivered', 'read');
    addStats(
      counted,
      newLatencyStats(
        { sentAt: T0, deliveredAt: plus(4) },
        { sentAt: T0, deliveredAt: plus(4), readAt: plus(100) },
      ),
    );
    addStats(counted, replyStats(T0, plus(200)));
    move('queued', 'sent');
    move('sent', 'delivered');
    addStats(counted, newLatencyStats({ sentAt: T0 }, { sentAt: T0, deliveredAt: plus(20) }));
    addStats(counted, { [STAT.button('Yes')]: 1, [STAT.pricing('marketing')]: 1, [STAT.billable]: 1 });
    move('queued', 'sent');
    move('sent', 'failed', { code: 131049 });
    move('queued', 'failed', { code: 131026 });
    addStats(counted, statsOfMove({ from: 'queued', to: 'skipped', skipReason: 'opted_out' }));
    move('queued', 'sent');
    addStats(counted, optOutStats(T0, plus(86_400)));

    const recount = recountStats(recipients);
    const onlyCampaignFigures = (s: StatsDelta) =>
      Object.fromEntries(Object.entries(s).filter(([k, v]) => !k.startsWith('a.reach.') && v !== 0));
    expect(onlyCampaignFigures(recount.stats)).toEqual(onlyCampaignFigures(counted));
    expect(recount.counts).toMatchObject({ total: 6, read: 1, delivered: 1, failed: 2, skipped: 1, sent: 1 });
    expect(figuresOf(recount.stats, recount.titles, recount.counts)).toMatchObject({ sent: 4, delivered: 2 });
  });
});

describe('sums and reports', () => {
  it('sums shard items, taking only analytics numbers and titles', () => {
    const summed = sumStats([
      { pk: 'x', sk: 'COUNTER', queued: 5, 'a.fail.1': 1, 't.1': 'One' },
      { pk: 'y', sk: 'COUNTER', 'a.fail.1': 2, 'a.reply24': 1 },
    ]);
    expect(summed).toEqual({ stats: { 'a.fail.1': 3, 'a.reply24': 1 }, titles: { '1': 'One' } });
  });

  it('reports the account per day and per template from the stages reached', () => {
    const report = accountReport([
      {
        day: '2026-12-02',
        templateId: 'welcome',
        templateName: 'Welcome',
        stats: { 'a.targeted': 10, 'a.reach.sent': 9 },
        titles: {},
      },
      {
        day: '2026-12-01',
        templateId: 'welcome',
        templateName: 'Welcome',
        stats: { 'a.reach.sent': 1, 'a.fail.131026': 2 },
        titles: { '131026': 'Undeliverable' },
      },
      {
        day: '2026-12-01',
        templateId: 'promo',
        stats: { 'a.targeted': 3, 'a.reach.delivered': 2 },
        titles: {},
      },
    ]);
    expect(report.total).toMatchObject({ targeted: 13, sent: 10, delivered: 2, failed: 2 });
    expect(report.days.map((d) => [d.day, d.sent])).toEqual([
      ['2026-12-01', 1],
      ['2026-12-02', 9],
    ]);
    expect(report.templates.map((t) => [t.templateId, t.templateName, t.targeted])).toEqual([
      ['welcome', 'Welcome', 10],
      ['promo', 'promo', 3],
    ]);
    expect(report.total.failures[0]).toMatchObject({ code: '131026', title: 'Undeliverable', count: 2 });
  });
});
