import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  action,
  allRecipients,
  createCampaign,
  createTemplate,
  getCampaign,
  waitForState,
} from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';

describe('campaigns in DEV mode through the local runtime', () => {
  let p: TestPlatform;
  let welcomeId: string;
  beforeAll(async () => {
    p = await bootPlatform({ SEND_RATE_PER_SECOND: '200' });
    welcomeId = await createTemplate(p, {
      name: 'welcome',
      body: 'Hello {{customerName}}! Welcome to our service.',
    });
  });
  afterAll(() => p.stop());

  it('sends a 3-recipient campaign, each with its own variables, and shows it sent', async () => {
    const campaign = await createCampaign(p, {
      name: 'walkthrough',
      templateId: welcomeId,
      recipients: [
        { phone: '+14155550101', variables: { customerName: 'John' } },
        { phone: '+14155550102', variables: { customerName: 'Maria' } },
        { phone: '+4915112345678', variables: { customerName: 'Jonas' } },
      ],
    });
    expect(campaign).toMatchObject({ state: 'draft', counts: { total: 3, queued: 3 } });
    expect((await action(p, campaign.id, 'start')).status).toBe(200);
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.counts).toEqual({
      total: 3,
      queued: 0,
      sent: 3,
      delivered: 0,
      read: 0,
      failed: 0,
      skipped: 0,
    });
    expect(p.printed).toEqual(
      expect.arrayContaining([
        '[DEV] WhatsApp send to +14155550101: Hello John! Welcome to our service.',
        '[DEV] WhatsApp send to +14155550102: Hello Maria! Welcome to our service.',
        '[DEV] WhatsApp send to +4915112345678: Hello Jonas! Welcome to our service.',
      ]),
    );
    const recipients = await allRecipients(p, campaign.id);
    expect(recipients).toHaveLength(3);
    for (const r of recipients)
      expect(r).toMatchObject({ status: 'sent', attempts: 1, wamid: expect.stringMatching(/^wamid\./) });
  });

  it('rejects a 1,000-row CSV with one bad row, naming it, and stores nothing', async () => {
    const before = (await (await p.api('/api/campaigns?limit=100')).json()) as { items: unknown[] };
    const rows = ['phone,customerName'];
    for (let i = 0; i < 1000; i++)
      rows.push(i === 500 ? '+49 123,Broken' : `${phoneNumber(i)},Customer ${i}`);
    const res = await p.api(`/api/campaigns?name=csv&templateId=${welcomeId}`, {
      method: 'POST',
      body: rows.join('\n'),
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { rows: unknown[] } };
    };
    expect(body.error.code).toBe('invalid_recipients');
    // Line 502 of the file: the header is line 1, the 501st data row is line 502.
    expect(body.error.details.rows).toEqual([
      { row: 502, phone: '+49 123', problems: ['not a valid phone number'] },
    ]);
    expect(body.error.message).toContain('row 502 (+49 123): not a valid phone number');
    const after = (await (await p.api('/api/campaigns?limit=100')).json()) as { items: unknown[] };
    expect(after.items).toHaveLength(before.items.length);
  });

  it('lists every bad row at once: invalid numbers, missing variables and short rows', async () => {
    const csv = 'phone,customerName\n+4915110000001,Ann\nnot-a-phone,Bob\n+4915110000002,\n+4915110000003';
    const res = await p.api(`/api/campaigns?name=csv&templateId=${welcomeId}`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { details: { rows: { row: number; problems: string[] }[] } };
    };
    expect(body.error.details.rows.map((r) => r.row)).toEqual([5]);
    // Short rows are reported first (they cannot be read); fix them and the other rows are checked.
    const fixed = await p.api(`/api/campaigns?name=csv&templateId=${welcomeId}`, {
      method: 'POST',
      body: 'phone,customerName\n+4915110000001,Ann\nnot-a-phone,Bob\n+4915110000002,\n',
      headers: { 'content-type': 'text/csv' },
    });
    const rows = ((await fixed.json()) as { error: { details: { rows: unknown[] } } }).error.details.rows;
    expect(rows).toEqual([
      { row: 3, phone: 'not-a-phone', problems: ['not a valid phone number'] },
      {
        row: 4,
        phone: '+4915110000002',
        problems: ['missing variables: customerName'],
        missingVariables: ['customerName'],
      },
    ]);
  });

  it('creates a campaign from CSV, merging duplicate numbers and using defaultCountry', async () => {
    const csv = 'phone,customerName\n+49 151 10000010,Ann\n0049 15110000010,Anna\n015110000011,Ben\n';
    const res = await p.api(`/api/campaigns?name=csv-ok&templateId=${welcomeId}&defaultCountry=DE`, {
      method: 'POST',
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(201);
    const campaign = (await res.json()) as {
      id: string;
      counts: { total: number };
      duplicatesMerged: number;
    };
    expect(campaign.counts.total).toBe(2);
    expect(campaign.duplicatesMerged).toBe(1);
    const recipients = await allRecipients(p, campaign.id);
    expect(
      recipients
        .map((r) => [r.phone, (r as unknown as { variables: Record<string, string> }).variables.customerName])
        .sort(),
    ).toEqual([
      ['+4915110000010', 'Anna'],
      ['+4915110000011', 'Ben'],
    ]);
  });

  it('keeps the variables and template version a campaign was created with', async () => {
    const templateId = await createTemplate(p, { name: 'frozen', body: 'Version one for {{customerName}}' });
    const campaign = await createCampaign(p, {
      name: 'frozen',
      templateId,
      recipients: [{ phone: '+4915110000020', variables: { customerName: 'Ida' } }],
    });
    await p.api(`/api/templates/${templateId}`, {
      method: 'PUT',
      json: { name: 'frozen', body: 'Version two for {{customerName}}' },
    });
    await action(p, campaign.id, 'start');
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.template.version).toBe(1);
    expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000020: Version one for Ida');
  });

  it('starts a scheduled campaign at its sendAt, and cancel removes the schedule', async () => {
    const sendAt = new Date(Date.now() + 1500).toISOString();
    const scheduled = await createCampaign(p, {
      name: 'scheduled',
      templateId: welcomeId,
      sendAt,
      recipients: [{ phone: '+4915110000070', variables: { customerName: 'Sam' } }],
    });
    expect(scheduled).toMatchObject({ state: 'scheduled', sendAt });
    expect(p.scheduler.list().map((s) => s.name)).toContain(`campaign-${scheduled.id}`);
    const done = await waitForState(p, scheduled.id, 'completed', 15_000);
    expect(done.counts.sent).toBe(1);
    expect(p.scheduler.list().map((s) => s.name)).not.toContain(`campaign-${scheduled.id}`);

    const later = await createCampaign(p, {
      name: 'later',
      templateId: welcomeId,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
      recipients: [{ phone: '+4915110000071', variables: { customerName: 'Tom' } }],
    });
    await action(p, later.id, 'cancel');
    expect(p.scheduler.list().map((s) => s.name)).not.toContain(`campaign-${later.id}`);
  });

  it('schedules in a time zone, shows the time in UTC and locally, and moves the schedule', async () => {
    const year = new Date().getUTCFullYear() + 1;
    const res = await p.api('/api/campaigns', {
      method: 'POST',
      json: {
        name: 'berlin',
        templateId: welcomeId,
        sendAt: `${year}-07-01T09:00`,
        timezone: 'Europe/Berlin',
        recipients: [{ phone: '+4915110000080', variables: { customerName: 'Ben' } }],
      },
    });
    expect(res.status).toBe(201);
    const scheduled = (await res.json()) as {
      id: string;
      state: string;
      sendAt: string;
      sendAtLocal: string;
      timezone: string;
    };
    expect(scheduled).toMatchObject({
      state: 'scheduled',
      sendAt: `${year}-07-01T07:00:00.000Z`,
      sendAtLocal: `${year}-07-01T09:00:00+02:00`,
      timezone: 'Europe/Berlin',
    });
    expect(p.scheduler.list()).toContainEqual(
      expect.objectContaining({ name: `campaign-${scheduled.id}`, at: `${year}-07-01T07:00:00.000Z` }),
    );

    const moved = await p.api(`/api/campaigns/${scheduled.id}`, {
      method: 'PATCH',
      json: { sendAt: `${year}-12-01T09:00`, timezone: 'America/New_York' },
    });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({
      sendAt: `${year}-12-01T14:00:00.000Z`,
      sendAtLocal: `${year}-12-01T09:00:00-05:00`,
    });
    expect(p.scheduler.list()).toContainEqual(
      expect.objectContaining({ name: `campaign-${scheduled.id}`, at: `${year}-12-01T14:00:00.000Z` }),
    );

    const badZone = await p.api(`/api/campaigns/${scheduled.id}`, {
      method: 'PATCH',
      json: { sendAt: `${year}-12-01T09:00`, timezone: 'Mars/Olympus' },
    });
    expect(badZone.status).toBe(422);
    expect(await badZone.json()).toMatchObject({
      error: { code: 'invalid_send_at', details: { field: 'timezone' } },
    });
    const noZone = await p.api(`/api/campaigns/${scheduled.id}`, {
      method: 'PATCH',
      json: { sendAt: `${year}-12-01T09:00` },
    });
    expect(await noZone.json()).toMatchObject({ error: { details: { field: 'sendAt' } } });

    await action(p, scheduled.id, 'cancel');
    const late = await p.api(`/api/campaigns/${scheduled.id}`, {
      method: 'PATCH',
      json: { sendAt: `${year}-12-02T09:00:00Z` },
    });
    expect(late.status).toBe(409);
  });

  it('sends nothing when a schedule fires while a cancel is in flight, whichever lands first', async () => {
    for (let i = 0; i < 5; i++) {
      const phone = `+49151100009${String(10 + i)}`;
      const campaign = await createCampaign(p, {
        name: `race-${i}`,
        templateId: welcomeId,
        sendAt: new Date(Date.now() + 3_600_000).toISOString(),
        recipients: [{ phone, variables: { customerName: 'Race' } }],
      });
      const fire = () => p.deps.campaignService.startFromSchedule(campaign.id);
      const cancel = () => p.deps.campaignService.cancel(campaign.id);
      // Alternate which one starts first; both run concurrently.
      await Promise.allSettled(i % 2 === 0 ? [fire(), cancel()] : [cancel(), fire()]);
      const settled = await waitFor(async () => {
        const c = await getCampaign(p, campaign.id);
        return c.counts.queued === 0 ? c : undefined;
      });
      expect(settled.state).toBe('cancelled');
      expect(settled.counts).toMatchObject({ sent: 0, skipped: 1 });
      expect(p.printed.some((l) => l.includes(phone))).toBe(false);
    }
  });

  it('enforces the state machine with 409 and the current state', async () => {
    const campaign = await createCampaign(p, {
      name: 'states',
      templateId: welcomeId,
      recipients: [{ phone: '+4915110000030', variables: { customerName: 'Eve' } }],
    });
    const pause = await action(p, campaign.id, 'pause');
    expect(pause.status).toBe(409);
    expect(await pause.json()).toMatchObject({
      error: { code: 'invalid_state', details: { state: 'draft' } },
    });
    await action(p, campaign.id, 'cancel');
    const start = await action(p, campaign.id, 'start');
    expect(start.status).toBe(409);
    expect(await start.json()).toMatchObject({ error: { details: { state: 'cancelled' } } });
    const cancelled = await waitFor(async () => {
      const c = await getCampaign(p, campaign.id);
      return c.counts.skipped === 1 ? c : undefined;
    });
    expect(cancelled).toMatchObject({ state: 'cancelled', counts: { queued: 0, skipped: 1 } });
    expect((await action(p, 'NOPE', 'start')).status).toBe(404);
  });

  it('skips recipients who opted out, with the reason', async () => {
    await p.deps.db.send(
      new PutCommand({
        TableName: p.deps.config.tables.contacts,
        Item: { pk: '+4915110000040', optedOut: true },
      }),
    );
    const campaign = await createCampaign(p, {
      name: 'opt-out',
      templateId: welcomeId,
      recipients: [
        { phone: '+4915110000040', variables: { customerName: 'Out' } },
        { phone: '+4915110000041', variables: { customerName: 'In' } },
      ],
    });
    await action(p, campaign.id, 'start');
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.counts).toMatchObject({ sent: 1, skipped: 1 });
    const skipped = await allRecipients(p, campaign.id, 'skipped');
    expect(skipped).toEqual([expect.objectContaining({ phone: '+4915110000040', skipReason: 'opted_out' })]);
    expect(p.printed.some((l) => l.includes('+4915110000040'))).toBe(false);
  });

  it('rejects bad campaign input with the field named', async () => {
    const bad = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'x', templateId: welcomeId, recipients: [], sendAt: 'tomorrow' },
    });
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as { error: { details: { field: string }[] } }).error.details.map(
      (d) => d.field,
    );
    expect(fields).toEqual(expect.arrayContaining(['recipients', 'sendAt']));
    const past = await p.api('/api/campaigns', {
      method: 'POST',
      json: {
        name: 'x',
        templateId: welcomeId,
        recipients: [{ phone: '+4915110000050', variables: { customerName: 'A' } }],
        sendAt: '2020-01-01T00:00:00Z',
      },
    });
    expect(past.status).toBe(422);
    expect(await past.json()).toMatchObject({
      error: { code: 'invalid_send_at', details: { field: 'sendAt' } },
    });
    const noTemplate = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'x', templateId: 'missing', recipients: [{ phone: '+4915110000050' }] },
    });
    expect(noTemplate.status).toBe(404);
  });

  describe('single messages', () => {
    it('refuses free-form text outside the 24-hour window, and to opted-out contacts', async () => {
      const closed = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '+4915110000060', text: 'Hi' },
      });
      expect(closed.status).toBe(409);
      expect(await closed.json()).toMatchObject({ error: { code: 'window_closed' } });
      const optedOut = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '+4915110000040', templateId: welcomeId, variables: { customerName: 'Out' } },
      });
      expect(optedOut.status).toBe(409);
      expect(await optedOut.json()).toMatchObject({ error: { code: 'opted_out' } });
    });

    it('sends text inside the window and templates through the send queue', async () => {
      await p.deps.db.send(
        new PutCommand({
          TableName: p.deps.config.tables.contacts,
          Item: { pk: '+4915110000061', lastInboundAt: new Date().toISOString() },
        }),
      );
      const text = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '+49 151 10000061', text: 'Your order shipped' },
      });
      expect(text.status).toBe(202);
      const { id } = (await text.json()) as { id: string };
      const sent = await waitFor(async () => {
        const m = (await (await p.api(`/api/messages/${id}`)).json()) as { status: string; wamid?: string };
        return m.status === 'sent' ? m : undefined;
      });
      expect(sent.wamid).toMatch(/^wamid\./);
      expect(p.printed).toContain('[DEV] WhatsApp send to +4915110000061: Your order shipped');

      const missing = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '+4915110000062', templateId: welcomeId },
      });
      expect(missing.status).toBe(422);
      expect(await missing.json()).toMatchObject({ error: { code: 'missing_variables' } });
      const both = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '+4915110000062', text: 'x', templateId: welcomeId },
      });
      expect(both.status).toBe(400);
    });

    it('reads a national number with defaultCountry, and names an unknown country or a bad number', async () => {
      await p.deps.db.send(
        new PutCommand({
          TableName: p.deps.config.tables.contacts,
          Item: { pk: '+4915110000063', lastInboundAt: new Date().toISOString() },
        }),
      );
      const national = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '0151 10000063', defaultCountry: 'DE', text: 'Your bike is ready' },
      });
      expect(national.status).toBe(202);
      expect(await national.json()).toMatchObject({ to: '+4915110000063' });
      const unknownCountry = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '0151 10000063', defaultCountry: 'XX', text: 'x' },
      });
      expect(unknownCountry.status).toBe(400);
      expect(await unknownCountry.json()).toMatchObject({
        error: { code: 'validation_failed', details: [{ field: 'defaultCountry' }] },
      });
      const badNumber = await p.api('/api/messages', {
        method: 'POST',
        json: { to: '12', text: 'x' },
      });
      expect(badNumber.status).toBe(400);
      expect(await badNumber.json()).toMatchObject({ error: { details: [{ field: 'to' }] } });
    });
  });
});
