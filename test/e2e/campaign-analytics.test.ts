/**
 * Campaign and account analytics through the local runtime (DEV mode), driven through the public API and
 * Meta-shaped webhooks built from the real fixtures: a campaign with an opted-out recipient, statuses
 * delivered twice and out of order, failures with Meta's codes, pricing, replies, a customer writing
 * twice, button taps (one repeated), an opt-out, and Meta's redelivery of everything. The figures must
 * equal a recount from the recipients (GET .../recipients) and the story as told, and the account's day
 * must show the same; bad periods answer 400 naming the field.
 */
import { inboundWebhook } from '../../bin/simulate';
import { type Figures, figuresOf, type RecipientFacts, recountStats } from '../../functions/domain/analytics';
import { action, allRecipients, createCampaign, createTemplate, waitForState } from '../support/campaign-api';
import { fixtureJson } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'analytics-secret';

type Payload = {
  entry: {
    changes: {
      value: {
        statuses?: Record<string, unknown>[];
        messages?: Record<string, unknown>[];
        contacts?: Record<string, unknown>[];
      };
    }[];
  }[];
};

const unix = (at: Date) => String(Math.floor(at.getTime() / 1000));

/** A status webhook made from one of Meta's own payloads, pointed at our message. */
function status(
  fixture: string,
  wamid: string,
  phone: string,
  at: Date,
  patch: Record<string, unknown> = {},
): Payload {
  const payload = fixtureJson<Payload>(fixture);
  const s = payload.entry[0]!.changes[0]!.value.statuses![0]!;
  Object.assign(s, { id: wamid, recipient_id: phone.slice(1), timestamp: unix(at), ...patch });
  return payload;
}

/** A quick-reply tap on our campaign message, from Meta's payload. */
function tap(wamid: string, phone: string, title: string, at: Date): Payload {
  const payload = fixtureJson<Payload>('14-button-template-quick-reply.json');
  const value = payload.entry[0]!.changes[0]!.value;
  value.contacts = [{ profile: { name: 'Customer' }, wa_id: phone.slice(1) }];
  Object.assign(value.messages![0]!, {
    from: phone.slice(1),
    id: `wamid.TAP${Math.random().toString(36).slice(2)}`,
    timestamp: unix(at),
    context: { from: '15550000000', id: wamid },
    button: { payload: title.toLowerCase(), text: title },
  });
  return payload;
}

async function analytics(p: TestPlatform, id: string): Promise<Figures & { campaignId: string }> {
  const res = await p.api(`/api/campaigns/${id}/analytics`);
  expect(res.status).toBe(200);
  return (await res.json()) as Figures & { campaignId: string };
}

async function expectError(res: Response, status: number, field?: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as {
    error: { code: string; message: string; details?: { field: string }[] };
  };
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field) {
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details?.map((d) => d.field)).toContain(field);
    expect(body.error.message).toContain(field);
  }
}

describe('campaign analytics', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let templateId: string;
  let campaignId: string;
  const phones = Array.from({ length: 10 }, (_, i) => phoneNumber(9300 + i));
  const hook = (payload: unknown) => postSignedWebhook(p.url, payload, SECRET);
  /** Every webhook posted, so the whole story can be delivered again as Meta redelivers. */
  const posted: unknown[] = [];
  const post = async (payload: unknown) => {
    posted.push(payload);
    await hook(payload);
  };

  beforeAll(async () => {
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    templateId = await createTemplate(p, {
      name: 'spring_offer',
      body: 'Hello {{customerName}}, 20% off this week.',
      buttons: [{ title: 'Yes' }, { title: 'No' }],
    });
    // phones[9] said STOP before the campaign: skipped, not sent.
    await hook(inboundWebhook({ from: phones[9]!, text: 'STOP' }));
    await waitFor(async () => {
      const res = await p.api(`/api/contacts/${encodeURIComponent(phones[9]!)}`);
      return res.status === 200 && ((await res.json()) as { optedOut?: boolean }).optedOut ? true : undefined;
    });
    const campaign = await createCampaign(p, {
      name: 'spring',
      templateId,
      recipients: phones.map((phone, i) => ({ phone, variables: { customerName: `C${i}` } })),
    });
    campaignId = campaign.id;
    expect((await action(p, campaignId, 'start')).status).toBe(200);
    await waitForState(p, campaignId, 'completed');
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('counts what happened after the send once each, equal to a recount from the recipients', async () => {
    const sent = await allRecipients(p, campaignId);
    const wamids = new Map(sent.map((r) => [r.phone, r.wamid!]));
    // Times from the last send, so each latency falls in a known bucket.
    const sentAt = Math.max(...sent.map((r) => (r.sentAt ? Date.parse(r.sentAt) : 0)));
    const at = (seconds: number) => new Date(sentAt + seconds * 1000);
    const w = (i: number) => wamids.get(phones[i]!)!;
    const ph = (i: number) => phones[i]!;

    // 0: sent (marketing pricing), delivered after 3 s, read after 40 s, replies at once.
    await post(status('21-status-sent-pmp-meta-doc.json', w(0), ph(0), at(1)));
    await post(
      status('19-status-delivered-cbp.json', w(0), ph(0), at(3), {
        pricing: { billable: true, pricing_model: 'PMP', category: 'marketing' },
      }),
    );
    await post(status('20-status-read-cbp.json', w(0), ph(0), at(40)));
    await post(inboundWebhook({ from: ph(0), text: 'Sounds good', at: at(41) }));
    // 1: read arrives before delivered, and delivered twice.
    await post(status('20-status-read-cbp.json', w(1), ph(1), at(20)));
    await post(status('19-status-delivered-cbp.json', w(1), ph(1), at(8)));
    await post(status('19-status-delivered-cbp.json', w(1), ph(1), at(8)));
    // 2: more than 24 hours since they wrote (131047).
    await post(status('23-status-failed-131047.json', w(2), ph(2), at(2)));
    // 3: the number cannot receive WhatsApp (131026).
    await post(
      status('28-status-failed-131049-meta-doc.json', w(3), ph(3), at(2), {
        errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
      }),
    );
    // 4: delivered, writes twice: one reply.
    await post(status('19-status-delivered-cbp.json', w(4), ph(4), at(4)));
    await post(inboundWebhook({ from: ph(4), text: 'Where are you?', at: at(60) }));
    await post(inboundWebhook({ from: ph(4), text: 'Hello??', at: at(120) }));
    // 5: taps Yes twice and No once.
    await post(tap(w(5), ph(5), 'Yes', at(30)));
    await post(tap(w(5), ph(5), 'Yes', at(31)));
    await post(tap(w(5), ph(5), 'No', at(32)));
    // 7: taps a button that has no title (Meta sent an empty one): counted under "(empty)".
    await post(tap(w(7), ph(7), '', at(33)));
    // 6: opts out.
    await post(inboundWebhook({ from: ph(6), text: 'STOP', at: at(90) }));
    // Meta delivers every one of them again.
    for (const payload of [...posted]) await hook(payload);

    const expected = {
      campaignId,
      targeted: 10,
      skipped: { opted_out: 1 },
      sent: 9,
      delivered: 3,
      read: 2,
      failed: 2,
      // 0 replied, 4 replied (once), 5's and 7's taps are messages too: four recipients wrote back.
      replied: { within24h: 4, within72h: 4 },
      optedOutWithin7d: 1,
      buttons: [
        { button: '(empty)', taps: 1 },
        { button: 'No', taps: 1 },
        { button: 'Yes', taps: 1 },
      ],
      billable: 3,
    };
    let figures: Figures & { campaignId: string } = await analytics(p, campaignId);
    await waitFor(async () => {
      figures = await analytics(p, campaignId);
      return figures.optedOutWithin7d === 1 && figures.buttons.length === 3 && figures.replied.within72h === 4
        ? true
        : undefined;
    }, 30_000);
    expect(figures).toMatchObject(expected);
    expect(figures.failures.map((f) => [f.code, f.count])).toEqual([
      ['131026', 1],
      ['131047', 1],
    ]);
    expect(figures.failures.find((f) => f.code === '131047')).toMatchObject({
      title: 'Re-engagement message',
      advice: expect.stringContaining('24 hours'),
    });
    // Delivered: 0 after 3 s, 4 after 4 s, and 1 when read, after 20 s (its late delivered changes nothing).
    expect(figures.timeToDelivered).toMatchObject({ count: 3, p50Seconds: 5, p99Seconds: 30 });
    expect(figures.timeToRead).toMatchObject({ count: 2, p50Seconds: 30, p99Seconds: 60 });
    // Marketing from the sent status of 0; service from the delivered statuses of 1 and 4.
    expect(figures.pricing).toEqual([
      { category: 'service', messages: 2 },
      { category: 'marketing', messages: 1 },
    ]);

    // The recount from the recipient items gives exactly the same figures.
    const recipients = (await allRecipients(p, campaignId)) as unknown as RecipientFacts[];
    const recount = recountStats(recipients);
    expect(figures).toEqual({ campaignId, ...figuresOf(recount.stats, recount.titles, recount.counts) });
    const byPhone = new Map(
      (recipients as unknown as (RecipientFacts & { phone: string })[]).map((r) => [r.phone, r]),
    );
    expect(byPhone.get(ph(5))?.buttonsTapped).toEqual(['No', 'Yes']);
    expect(byPhone.get(ph(0))).toMatchObject({ pricingCategory: 'marketing', billable: true });
    expect(byPhone.get(ph(6))?.optedOutAt).toBeDefined();
    expect(byPhone.get(ph(9))).toMatchObject({ status: 'skipped', skipReason: 'opted_out' });
  });

  it("shows the account's day and the template with the same figures", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const res = await p.api(`/api/analytics?from=${today}&to=${today}&templateId=${templateId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      from: string;
      to: string;
      total: Figures;
      days: (Figures & { day: string })[];
      templates: (Figures & { templateId: string; templateName: string })[];
    };
    expect(body).toMatchObject({ from: today, to: today });
    expect(body.days.map((d) => d.day)).toEqual([today]);
    expect(body.templates).toEqual([expect.objectContaining({ templateId, templateName: 'spring_offer' })]);
    const campaign = await analytics(p, campaignId);
    // The account counts what happened: the same story as the campaign's.
    expect(body.total).toMatchObject({
      targeted: 10,
      sent: 9,
      delivered: 3,
      read: 2,
      failed: 2,
      skipped: campaign.skipped,
      replied: campaign.replied,
      optedOutWithin7d: 1,
      buttons: campaign.buttons,
      failures: campaign.failures,
      pricing: campaign.pricing,
      timeToDelivered: campaign.timeToDelivered,
      timeToRead: campaign.timeToRead,
    });
    // Another template's filter finds nothing of it.
    const none = (await (await p.api(`/api/analytics?templateId=unknown`)).json()) as { days: unknown[] };
    expect(none.days).toEqual([]);
  });

  it('answers a bad period with 400 naming the field, an unknown campaign with 404, no key with 401', async () => {
    await expectError(await p.api('/api/analytics?from=2026-12-10&to=2026-12-01'), 400, 'from');
    await expectError(await p.api('/api/analytics?from=2026-02-30'), 400, 'from');
    await expectError(await p.api('/api/analytics?to=yesterday'), 400, 'to');
    await expectError(await p.api('/api/analytics?from=2026-01-01&to=2026-12-01'), 400, 'from');
    await expectError(await p.api('/api/campaigns/nope/analytics'), 404);
    await expectError(await fetch(`${p.url}/api/analytics`), 401);
    await expectError(await fetch(`${p.url}/api/campaigns/${campaignId}/analytics`), 401);
  });
});
