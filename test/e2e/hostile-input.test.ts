/**
 * Input written to break things, through the local runtime: template variables named after built-in
 * object members, contacts encoded twice in the path, uploads with a hundred thousand bad rows, and
 * the headers every answer must carry. None may answer 500, and every refusal names its field.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { inboundWebhook } from '../../bin/simulate';
import { createLogger } from '../../functions/logger';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/platform';
import { endpoints } from '../support/aws';
import { createTemplate } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

const awsLocal = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

describe('hostile input through the local runtime', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  beforeAll(async () => {
    p = await bootPlatform({ SEND_RATE_PER_SECOND: '1000' });
  });
  afterAll(() => p.stop());

  describe('variables named after members of every JavaScript object', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      it(`{{${name}}}: missing is a 422 naming it, given renders it, never a 500`, async () => {
        const id = await createTemplate(p, { name: `member-${name}`, body: `Hi {{${name}}}!` });
        const missing = await p.api(`/api/templates/${id}/preview`, {
          method: 'POST',
          json: { variables: {} },
        });
        expect(missing.status).toBe(422);
        expect(await missing.json()).toMatchObject({
          error: { code: 'missing_variables', details: { missing: [name] } },
        });
        const given = await p.api(`/api/templates/${id}/preview`, {
          method: 'POST',
          json: { variables: { [name]: 'Ann' } },
        });
        expect(given.status).toBe(200);
        expect(await given.json()).toMatchObject({ text: 'Hi Ann!' });

        const campaign = await p.api('/api/campaigns', {
          method: 'POST',
          json: { name: `c-${name}`, templateId: id, recipients: [{ phone: '+4915110008001' }] },
        });
        expect(campaign.status).toBe(422);
        expect(await campaign.json()).toMatchObject({ error: { code: 'invalid_recipients' } });
        const message = await p.api('/api/messages', {
          method: 'POST',
          json: { to: '+4915110008001', templateId: id, variables: {} },
        });
        expect(message.status).toBe(422);
      });
    }

    it('{{__proto__}} is refused when the template is written, naming the field', async () => {
      const res = await p.api('/api/templates', {
        method: 'POST',
        json: { name: 'proto', body: 'Hi {{__proto__}}' },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: {
          code: 'validation_failed',
          details: [{ field: 'body', message: expect.stringContaining('reserved') }],
        },
      });
      const csv = await p.api('/api/campaigns?name=x&templateId=none', {
        method: 'POST',
        body: 'phone,__proto__\n+4915110008002,x\n',
        headers: { 'content-type': 'text/csv' },
      });
      expect(csv.status).toBe(400);
      expect(await csv.json()).toMatchObject({ error: { code: 'invalid_csv' } });
    });
  });

  describe('a contact in the path is decoded once', () => {
    const routes = (contact: string) => [
      `/api/conversations/${contact}`,
      `/api/conversations/${contact}/messages`,
      `/api/contacts/${contact}`,
    ];

    it('a literal "%" (sent as %25) is an unknown contact, not a 500', async () => {
      for (const path of routes('%25zz')) {
        const res = await p.api(path);
        expect({ path, status: res.status }).toEqual({
          path,
          status: path.endsWith('/messages') ? 200 : 404,
        });
      }
      const patch = await p.api('/api/conversations/%25zz', { method: 'PATCH', json: { aiEnabled: false } });
      expect(patch.status).toBe(404);
      const reply = await p.api('/api/conversations/%25zz/messages', {
        method: 'POST',
        json: { text: 'hi' },
      });
      expect(reply.status).toBeLessThan(500);
    });

    it('%252B49... is the text "%2B49...", not the number +49...', async () => {
      await fetch(`${p.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(inboundWebhook({ from: '+4915110008010', text: 'hello' })),
      });
      await waitFor(async () =>
        (await p.api('/api/conversations/%2B4915110008010')).status === 200 ? true : undefined,
      );
      expect((await p.api('/api/conversations/%252B4915110008010')).status).toBe(404);
      expect((await p.api('/api/conversations/4915110008010')).status).toBe(200);
    });
  });

  describe('error answers stay small however much is wrong', () => {
    it('100,000 bad recipients: the first 100, the total, and how to read the next ones', async () => {
      const id = await createTemplate(p, { name: 'bulk', body: 'Hi {{customerName}}' });
      const recipients = Array.from({ length: 100_000 }, (_, i) => ({ phone: `x${i}` }));
      const body = { name: 'bulk', templateId: id, recipients };
      const res = await p.api('/api/campaigns', { method: 'POST', json: body });
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(text.length).toBeLessThan(64 * 1024);
      const json = JSON.parse(text) as {
        error: {
          message: string;
          details: { rows: { row: number }[]; totalRows: number; nextErrorOffset: number };
        };
      };
      expect(json.error.details.rows).toHaveLength(100);
      expect(json.error.details.totalRows).toBe(100_000);
      expect(json.error.details.nextErrorOffset).toBe(100);
      expect(json.error.message).toContain('errorOffset=100');
      const next = await p.api('/api/campaigns?errorOffset=99950', { method: 'POST', json: body });
      const page = (await next.json()) as typeof json;
      expect(page.error.details.rows.map((r) => r.row)).toEqual(
        Array.from({ length: 50 }, (_, i) => 99_951 + i),
      );
      expect(page.error.details).not.toHaveProperty('nextErrorOffset');
      expect(
        ((await p.api('/api/campaigns?limit=100')).json() as Promise<{ items: unknown[] }>).then(
          (j) => j.items.length,
        ),
      ).resolves.toBe(0);
    });

    it('200,000 bad CSV rows answer a bounded 422 too', async () => {
      const id = await createTemplate(p, { name: 'bulk-csv', body: 'Hi {{customerName}}' });
      const csv = `phone,customerName\n${Array.from({ length: 200_000 }, (_, i) => `bad${i},N`).join('\n')}\n`;
      const res = await p.api(`/api/campaigns?name=bulk&templateId=${id}`, {
        method: 'POST',
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.status).toBe(422);
      const text = await res.text();
      expect(text.length).toBeLessThan(64 * 1024);
      expect(JSON.parse(text)).toMatchObject({
        error: { details: { totalRows: 200_000, nextErrorOffset: 100 } },
      });
    });

    it('a body with 100,000 invalid fields lists 100 of them', async () => {
      const res = await p.api('/api/campaigns', {
        method: 'POST',
        json: {
          name: 'x',
          templateId: 'y',
          recipients: Array.from({ length: 100_000 }, () => ({ phone: 1 })),
        },
      });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text.length).toBeLessThan(64 * 1024);
      const json = JSON.parse(text) as { error: { details: unknown[]; message: string } };
      expect(json.error.details).toHaveLength(100);
      expect(json.error.message).toContain('errorOffset=100');
    });
  });

  it('no body of any shape makes a route answer 500, and every refusal names its field', async () => {
    const id = await createTemplate(p, { name: 'fuzzed', body: 'Hi {{customerName}}, code {{code}}' });
    const routes: [string, string][] = [
      ['POST', '/api/templates'],
      ['POST', `/api/templates/${id}/preview`],
      ['PUT', `/api/templates/${id}`],
      ['POST', '/api/campaigns'],
      ['POST', '/api/messages'],
      ['POST', '/api/lists'],
      ['PATCH', '/api/conversations/+4915110008001'],
      ['POST', '/api/conversations/+4915110008001/messages'],
      ['POST', '/api/knowledge/ask'],
    ];
    const member = fc.constantFrom(
      'constructor',
      '__proto__',
      'toString',
      'templateId',
      'recipients',
      'variables',
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.oneof(member, fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 })),
      fc.record({
        name: fc.string(),
        templateId: fc.constant(id),
        recipients: fc.array(fc.jsonValue({ maxDepth: 2 })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], json) => {
        const res = await p.api(path, { method, json });
        expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
        if (res.status >= 400) {
          const error = (
            (await res.json()) as { error: { code: string; message: string; details?: unknown } }
          ).error;
          expect(error.message.length).toBeGreaterThan(0);
          if (error.code === 'validation_failed') {
            for (const d of error.details as { field: string }[]) expect(d.field.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  describe('webhooks at the size Meta may send', () => {
    const post = (body: unknown) =>
      fetch(`${p.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const parkedObjects = async () => {
      const s3 = new S3Client({ ...awsLocal, endpoint: endpoints().sqsEndpoint, forcePathStyle: true });
      const out = await s3.send(new ListObjectsV2Command({ Bucket: p.deps.config.buckets.parked }));
      s3.destroy();
      return out.Contents ?? [];
    };

    it('a 2.7 MB change that cannot be split is parked, answered 200, applied and then removed', async () => {
      const threads = Array.from({ length: 900 }, (_, i) => ({
        id: `t${i}`,
        messages: [{ text: { body: 'x'.repeat(3000) } }],
      }));
      const res = await post({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'WABA',
            changes: [{ field: 'history', value: { messaging_product: 'whatsapp', history: [{ threads }] } }],
          },
        ],
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ received: 1 });
      // Parked while in flight, gone once the events consumer applied it.
      await waitFor(
        async () => ((await parkedObjects()).length === 0 ? true : undefined),
        20_000,
        'the parked change to be applied',
      );
    });

    it('one message larger than a queue message is parked, and stored as far as a conversation keeps text', async () => {
      const from = '4915110008060';
      const body = `big ${'w'.repeat(300_000)}`;
      const res = await post({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'WABA',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: '1' },
                  messages: [
                    {
                      from,
                      id: 'wamid.HUGE1',
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: 'text',
                      text: { body },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      expect(res.status).toBe(200);
      const stored = await waitFor(
        async () => {
          const page = (await (await p.api(`/api/conversations/${from}/messages`)).json()) as {
            items: { text?: string }[];
          };
          return page.items.find((m) => m.text?.startsWith('big www'));
        },
        20_000,
        'the parked message',
      );
      // Kept as far as a conversation keeps text, and says so.
      expect(stored.text).toMatch(/not kept\)$/);
      await waitFor(
        async () => ((await parkedObjects()).length === 0 ? true : undefined),
        10_000,
        'the parked change to be removed',
      );
    });

    it('a 3 MB change with 1,000 statuses and 678 messages is stored in pieces that copy nothing', async () => {
      const from = '4915110008050';
      const messages = Array.from({ length: 678 }, (_, i) => ({
        from,
        id: `wamid.BIG${i}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: `${i} ${'y'.repeat(1700)}` },
      }));
      const statuses = Array.from({ length: 1000 }, (_, i) => ({
        id: `wamid.UNKNOWN${i}`,
        status: 'delivered',
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: '4915110008051',
        pad: 'z'.repeat(1000),
      }));
      const res = await post({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: 'WABA',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: '1' },
                  contacts: [{ wa_id: from, profile: { name: 'Big' } }],
                  messages,
                  statuses,
                },
              },
            ],
          },
        ],
      });
      expect(res.status).toBe(200);
      const { received } = (await res.json()) as { received: number };
      // About 3 MB in pieces of at most 200 KB: some 16, not the 128 copies the old splitter made.
      expect(received).toBeLessThanOrEqual(20);
      type Page = { items: { direction: string }[]; nextCursor?: string };
      const inbound = async () => {
        let count = 0;
        let cursor: string | undefined;
        do {
          const query = `limit=100${cursor ? `&cursor=${cursor}` : ''}`;
          const page = (await (await p.api(`/api/conversations/${from}/messages?${query}`)).json()) as Page;
          count += page.items.filter((m) => m.direction === 'in').length;
          cursor = page.nextCursor;
        } while (cursor);
        return count;
      };
      const stored = await waitFor(
        async () => ((await inbound()) === 678 ? 678 : undefined),
        // Generous: under a loaded CI machine the emulator is the bottleneck, not the pieces.
        180_000,
        'all 678 messages',
      );
      expect(stored).toBe(678);
    }, 240_000);
  });

  it('every answer carries the security headers, and authenticated ones are never cached', async () => {
    const authed = await p.api('/api/templates');
    expect(authed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(authed.headers.get('referrer-policy')).toBe('no-referrer');
    expect(authed.headers.get('cache-control')).toBe('no-store');
    expect(authed.headers.get('content-security-policy')).toContain("default-src 'none'");
    const docs = await fetch(`${p.url}/api/docs`);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const hook = await fetch(`${p.url}/api/whatsapp/webhook?hub.mode=subscribe`);
    expect(hook.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('logs paths with the customer number masked', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const logged = await bootPlatform({}, { logger: createLogger({ level: 'INFO' }) });
    try {
      process.stdout.write = capture as typeof process.stdout.write;
      await logged.api('/api/conversations/%2B4915112345678/messages');
      await logged.api('/api/contacts/4915112345678');
    } finally {
      process.stdout.write = write;
      await logged.stop();
    }
    const requestLines = lines.filter((l) => l.includes('"request"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('')).not.toMatch(/4915112345678/);
    expect(requestLines.join('')).toContain('+4915*******78');
  });
});
