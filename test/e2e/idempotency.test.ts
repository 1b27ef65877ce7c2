import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createTemplate, getCampaign, waitForState } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

describe('Idempotency-Key on the routes that create or change something', () => {
  let p: TestPlatform;
  let templateId: string;
  beforeAll(async () => {
    p = await bootPlatform();
    templateId = await createTemplate(p, { name: 'welcome', body: 'Hello {{customerName}}!' });
  });
  afterAll(() => p.stop());

  const post = (
    path: string,
    key: string | undefined,
    json?: unknown,
    headers: Record<string, string> = {},
  ) =>
    p.api(path, {
      method: 'POST',
      ...(json === undefined ? {} : { json }),
      headers: { ...(key ? { 'idempotency-key': key } : {}), ...headers },
    });

  it('a retried message send returns the first answer and sends once', async () => {
    await p.deps.db.send(
      new PutCommand({
        TableName: p.deps.config.tables.contacts,
        Item: { pk: '+4915110007001', lastInboundAt: new Date().toISOString() },
      }),
    );
    const body = { to: '+4915110007001', text: 'Your table is ready' };
    const first = await post('/api/messages', 'msg-1', body);
    expect(first.status).toBe(202);
    const firstJson = (await first.json()) as { id: string };
    const again = await post('/api/messages', 'msg-1', body);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(firstJson.id);

    await waitFor(async () =>
      p.printed.includes('[DEV] WhatsApp send to +4915110007001: Your table is ready') ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(p.printed.filter((l) => l.includes('+4915110007001'))).toHaveLength(1);

    // Without a key, the same body is a new message.
    const unkeyed = await post('/api/messages', undefined, body);
    expect(((await unkeyed.json()) as { id: string }).id).not.toBe(firstJson.id);
  });

  it('the same key with a different body is a 422 naming the header, and stores nothing', async () => {
    const created = await post('/api/campaigns', 'camp-1', {
      name: 'first',
      templateId,
      recipients: [{ phone: '+4915110007010', variables: { customerName: 'Ann' } }],
    });
    expect(created.status).toBe(201);
    const reused = await post('/api/campaigns', 'camp-1', {
      name: 'second',
      templateId,
      recipients: [{ phone: '+4915110007011', variables: { customerName: 'Ben' } }],
    });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({
      error: { code: 'idempotency_key_reused', details: { field: 'Idempotency-Key' } },
    });
    const listed = (await (await p.api('/api/campaigns?limit=100')).json()) as { items: { name: string }[] };
    expect(listed.items.filter((c) => c.name === 'second')).toHaveLength(0);
    expect(listed.items.filter((c) => c.name === 'first')).toHaveLength(1);
  });

  it('a retried CSV upload makes one campaign, and a retried start answers like the first', async () => {
    const csv = 'phone,customerName\n+4915110007020,Cleo\n+4915110007021,Dan\n';
    const path = `/api/campaigns?name=csv-once&templateId=${templateId}`;
    const headers = { 'content-type': 'text/csv' };
    const send = () =>
      p.api(path, { method: 'POST', body: csv, headers: { ...headers, 'idempotency-key': 'csv-1' } });
    const first = (await (await send()).json()) as { id: string };
    const second = await send();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(((await second.json()) as { id: string }).id).toBe(first.id);

    const start = await post(`/api/campaigns/${first.id}/start`, 'start-1');
    expect(start.status).toBe(200);
    // Without the key a second start would be refused (409: already running); with it, the first answer.
    const restart = await post(`/api/campaigns/${first.id}/start`, 'start-1');
    expect(restart.status).toBe(200);
    expect(restart.headers.get('idempotent-replayed')).toBe('true');
    const done = await waitForState(p, first.id, 'completed');
    expect(done.counts.total).toBe(2);
    expect(p.printed.filter((l) => l.includes('+4915110007020'))).toHaveLength(1);
    expect((await getCampaign(p, first.id)).counts.sent).toBe(2);
  });

  it('a failed request is not kept: fixing it under the same key works', async () => {
    const bad = await post('/api/campaigns', 'fix-1', {
      name: 'fix',
      templateId: 'nope',
      recipients: [{ phone: '+4915110007030' }],
    });
    expect(bad.status).toBe(404);
    const keyless = await post('/api/campaigns', 'fix-1', {
      name: 'fix',
      templateId: 'nope',
      recipients: [{ phone: '+4915110007030' }],
    });
    expect(keyless.status).toBe(404);
    expect(keyless.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a key that is not 1 to 255 visible characters, naming the header', async () => {
    const res = await post('/api/messages', 'x'.repeat(256), { to: '+4915110007040', text: 'hi' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { details: [{ field: 'Idempotency-Key' }] } });
  });
});
