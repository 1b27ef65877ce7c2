import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { action, allRecipients, createTemplate, waitForState } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';

describe('contact lists through the local runtime', () => {
  let p: TestPlatform;
  let templateId: string;
  beforeAll(async () => {
    p = await bootPlatform();
    templateId = await createTemplate(p, {
      name: 'vip',
      body: 'Hi {{customerName}}, your {{tier}} offer is ready.',
    });
  });
  afterAll(() => p.stop());

  const csv = (body: string, listId: string) =>
    p.api(`/api/lists/${listId}/contacts`, { method: 'POST', body, headers: { 'content-type': 'text/csv' } });

  it('imports contacts from CSV all-or-nothing, and fills {{customerName}} for each in a campaign', async () => {
    const list = (await (await p.api('/api/lists', { method: 'POST', json: { name: 'VIP' } })).json()) as {
      id: string;
    };

    const bad = await csv('phone,customerName\n+4915110000301,Ada\nnot-a-phone,Bob\n', list.id);
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      error: { code: 'invalid_contacts', details: { rows: [{ row: 3, phone: 'not-a-phone' }] } },
    });
    const empty = (await (await p.api(`/api/lists/${list.id}/contacts`)).json()) as { items: unknown[] };
    expect(empty.items).toEqual([]);

    const ok = await csv(
      'phone,customerName\n+4915110000301,Ada\n+4915110000302,Bob\n+4915110000303,Cy\n',
      list.id,
    );
    expect(await ok.json()).toEqual({ added: 3, duplicatesMerged: 0 });
    const members = (await (await p.api(`/api/lists/${list.id}/contacts`)).json()) as {
      items: { phone: string; attributes: Record<string, string> }[];
    };
    expect(members.items.map((m) => [m.phone, m.attributes.customerName])).toEqual([
      ['+4915110000301', 'Ada'],
      ['+4915110000302', 'Bob'],
      ['+4915110000303', 'Cy'],
    ]);

    // One contact opted out: it stays in the list but is skipped. One is removed from the list.
    await p.deps.db.send(
      new PutCommand({
        TableName: p.deps.config.tables.contacts,
        Item: { pk: '+4915110000303', optedOut: true, attributes: { customerName: 'Cy' } },
      }),
    );
    expect((await p.api(`/api/lists/${list.id}/contacts/4915110000302`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await p.api(`/api/lists/${list.id}/contacts/+4915110000302`, { method: 'DELETE' })).status).toBe(
      404,
    );
    // A contact's page names its lists; the removed member's no longer does.
    const listsOf = async (phone: string) =>
      ((await (await p.api(`/api/contacts/${encodeURIComponent(phone)}`)).json()) as { lists: unknown[] })
        .lists;
    expect(await listsOf('+4915110000301')).toEqual([{ id: list.id, name: 'VIP' }]);
    expect(await listsOf('+4915110000302')).toEqual([]);

    const missing = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'vip', templateId, lists: [list.id] },
    });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ error: { code: 'invalid_recipients' } });

    const res = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'vip', templateId, lists: [list.id], variables: { tier: 'gold' } },
    });
    expect(res.status).toBe(201);
    const campaign = (await res.json()) as {
      id: string;
      counts: { total: number };
      audience: { lists: string[]; estimatedRecipients: number };
    };
    // The audience is taken when the campaign starts; until then the API says what it would be now.
    expect(campaign.counts.total).toBe(0);
    expect(campaign.audience).toEqual({
      lists: [list.id],
      variables: { tier: 'gold' },
      estimatedRecipients: 2,
    });

    // Joined after the campaign was created: included. One without a name cannot be sent, and says why.
    expect((await csv('phone,customerName\n+4915110000304,Dee\n', list.id)).status).toBe(200);
    expect((await csv('phone\n+4915110000305\n', list.id)).status).toBe(200);

    await action(p, campaign.id, 'start');
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.counts).toMatchObject({ total: 4, sent: 2, skipped: 1, failed: 1, queued: 0 });
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000301: Hi Ada, your gold offer is ready.');
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000304: Hi Dee, your gold offer is ready.');
    const skipped = await allRecipients(p, campaign.id, 'skipped');
    expect(skipped.map((r) => [r.phone, r.skipReason])).toEqual([['+4915110000303', 'opted_out']]);
    const failed = await allRecipients(p, campaign.id, 'failed');
    expect(failed.map((r) => [r.phone, r.lastError?.code, r.lastError?.message])).toEqual([
      ['+4915110000305', 'invalid_recipient', 'missing variables: customerName'],
    ]);

    const both = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'x', templateId, lists: [list.id], recipients: [{ phone: '+4915110000301' }] },
    });
    expect(both.status).toBe(400);
    const unknown = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'x', templateId, lists: ['nope'] },
    });
    expect(unknown.status).toBe(404);
  });
});
