/**
 * Meta does not deliver marketing templates to United States numbers: through the local runtime (DEV
 * mode), a marketing campaign's creation answer says how many of its recipients are US numbers, those are
 * skipped with the reason before any send (no [DEV] line for them), Canadian and other +1 numbers go out,
 * a utility template still reaches US numbers, and SKIP_US_MARKETING=false sends marketing to them too.
 */
import { action, allRecipients, createCampaign, createTemplate, waitForState } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';

const US = '+14155550123';
const US_NY = '+12125550145';
const CANADA = '+16135550123';
const JAMAICA = '+18765550123';
const GERMANY = '+4915112345678';
const PHONES = [US, US_NY, CANADA, JAMAICA, GERMANY];

const marketing = {
  name: 'spring_sale',
  body: 'Hello {{customerName}}, 20% off this week.',
  category: 'marketing',
  whatsapp: { name: 'spring_sale', language: 'en_US', body: ['customerName'] },
};

async function run(p: TestPlatform, templateId: string) {
  const campaign = (await createCampaign(p, {
    name: 'to the Americas',
    templateId,
    recipients: PHONES.map((phone) => ({ phone, variables: { customerName: phone.slice(-4) } })),
  })) as Awaited<ReturnType<typeof createCampaign>> & { usMarketingSkips?: number };
  expect((await action(p, campaign.id, 'start')).status).toBe(200);
  const done = await waitForState(p, campaign.id, 'completed');
  const recipients = new Map((await allRecipients(p, campaign.id)).map((r) => [r.phone, r]));
  return { created: campaign, done, recipients };
}

const printedTo = (p: TestPlatform, phone: string) =>
  p.printed.filter((line) => line.startsWith(`[DEV] WhatsApp send to ${phone}:`)).length;

describe('marketing to United States numbers', () => {
  jest.setTimeout(60_000);

  describe('by default', () => {
    let p: TestPlatform;
    beforeAll(async () => {
      p = await bootPlatform({ SEND_RATE_PER_SECOND: '200' });
    });
    afterAll(async () => {
      await p?.stop();
    });

    it('says at creation how many are skipped, skips them with the reason, and sends the rest', async () => {
      const { created, done, recipients } = await run(p, await createTemplate(p, marketing));
      expect(created.usMarketingSkips).toBe(2);
      expect(done.counts).toMatchObject({ total: 5, sent: 3, skipped: 2, failed: 0, queued: 0 });
      for (const phone of [US, US_NY]) {
        expect(recipients.get(phone)).toMatchObject({ status: 'skipped', skipReason: 'us_marketing_paused' });
        expect(printedTo(p, phone)).toBe(0);
      }
      for (const phone of [CANADA, JAMAICA, GERMANY]) {
        expect(recipients.get(phone)).toMatchObject({ status: 'sent' });
        expect(printedTo(p, phone)).toBe(1);
      }
      const figures = (await (await p.api(`/api/campaigns/${created.id}/analytics`)).json()) as {
        skipped: Record<string, number>;
      };
      expect(figures.skipped).toEqual({ us_marketing_paused: 2 });
    });

    it('still sends a utility template to US numbers', async () => {
      const templateId = await createTemplate(p, {
        name: 'order_update',
        body: 'Hi {{customerName}}, your order shipped.',
      });
      const { created, done } = await run(p, templateId);
      expect(created.usMarketingSkips).toBeUndefined();
      expect(done.counts).toMatchObject({ sent: 5, skipped: 0 });
    });
  });

  it('sends marketing to US numbers too when SKIP_US_MARKETING=false', async () => {
    const p = await bootPlatform({ SEND_RATE_PER_SECOND: '200', SKIP_US_MARKETING: 'false' });
    try {
      const { created, done } = await run(p, await createTemplate(p, marketing));
      expect(created.usMarketingSkips).toBeUndefined();
      expect(done.counts).toMatchObject({ sent: 5, skipped: 0 });
      expect(printedTo(p, US)).toBe(1);
    } finally {
      await p.stop();
    }
  });
});
