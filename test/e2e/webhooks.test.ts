import { inboundWebhook } from '../../bin/simulate';
import { signPayload } from '../../functions/domain/webhook-signature';
import { statusWebhook } from '../../local/dev-status-simulator';
import {
  action,
  allRecipients,
  createCampaign,
  createTemplate,
  getCampaign,
  waitForState,
} from '../support/campaign-api';
import { fixtureNames, fixtureText } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';

const SECRET = 'webhook-test-secret';

describe('the WhatsApp webhook through the local runtime', () => {
  jest.setTimeout(90_000);
  let p: TestPlatform;
  let welcomeId: string;
  const hook = (body: string | object, signature?: string | null) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = signature === undefined ? signPayload(raw, SECRET) : signature;
    return fetch(`${p.url}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) },
      body: raw,
    });
  };
  const conversationsNow = async () =>
    ((await (await p.api('/api/conversations?limit=100')).json()) as { items: { contact: string }[] }).items;

  beforeAll(async () => {
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_WEBHOOK_VERIFY_TOKEN: 'verify-me',
      DEV_SIMULATE_STATUSES: 'false',
      SEND_RATE_PER_SECOND: '1000',
    });
    welcomeId = await createTemplate(p, { name: 'welcome', body: 'Hello {{customerName}}!' });
  });
  afterAll(() => p.stop());

  it("answers Meta's verification with the challenge, and 403 otherwise", async () => {
    const ok = await fetch(
      `${p.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(
      `${p.url}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
    );
    expect(wrong.status).toBe(403);
    const mode = await fetch(
      `${p.url}/api/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1`,
    );
    expect(mode.status).toBe(403);
  });

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const body = JSON.stringify(inboundWebhook({ from: '+4915110009001', text: 'hello' }));
    expect((await hook(body, null)).status).toBe(401);
    expect((await hook(body, signPayload(body, 'wrong-secret'))).status).toBe(401);
    expect((await hook(body, signPayload(`${body} `, SECRET))).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await conversationsNow()).map((c) => c.contact)).not.toContain('+4915110009001');
    const bad = await hook('{"object":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'malformed_json' } });
    const notOurs = await hook({ object: 'page', entry: [] });
    expect(notOurs.status).toBe(400);
    expect(await notOurs.json()).toMatchObject({ error: { code: 'not_a_whatsapp_notification' } });
  });

  it('accepts every real webhook payload', async () => {
    for (const file of fixtureNames().filter((f) => /^\d\d-/.test(f))) {
      // Meta's two reaction examples reuse one placeholder message id and time: a real removal has its
      // own id, which is what lets it be stored next to the reaction whichever arrives first.
      const text = fixtureText(file);
      const res = await hook(
        file.startsWith('12-') ? text.replace('wamid.xyzxyz', 'wamid.xyzxyz-removed') : text,
      );
      expect({ file, status: res.status }).toEqual({ file, status: 200 });
    }
    // The events queue hands changes over in any order: wait for the ones checked, not for a count.
    const expected = ['[voice message]', '[reaction removed]', '[list choice] title', '[sticker (animated)]'];
    const contact = await waitFor(async () => {
      const res = await p.api('/api/conversations/+972987654321/messages?limit=100');
      const page = (await res.json()) as { items: { summary: string }[] };
      const summaries = page.items.map((m) => m.summary);
      return page.items.length >= 13 && expected.every((e) => summaries.includes(e)) ? page.items : undefined;
    });
    expect(contact.map((m) => m.summary)).toEqual(expect.arrayContaining(expected));
  });

  it('stores an inbound message once however often Meta delivers it, and opens the 24-hour window', async () => {
    const body = JSON.stringify(
      inboundWebhook({ from: '+4915110009002', text: 'Is my order on its way?', name: 'Lea' }),
    );
    for (let i = 0; i < 3; i++) expect((await hook(body)).status).toBe(200);
    const messages = await waitFor(async () => {
      const page = (await (await p.api('/api/conversations/4915110009002/messages')).json()) as {
        items: unknown[];
      };
      return page.items.length > 0 ? page.items : undefined;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const again = (await (await p.api('/api/conversations/4915110009002/messages')).json()) as {
      items: unknown[];
    };
    expect(again.items).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      direction: 'in',
      text: 'Is my order on its way?',
      source: 'customer',
    });
    const contact = (await (await p.api('/api/contacts/+4915110009002')).json()) as Record<string, unknown>;
    expect(contact).toMatchObject({ profileName: 'Lea', serviceWindowOpen: true, optedOut: false });

    // Inside the window an agent may answer free-form; the reply joins the conversation once sent.
    const reply = await p.api('/api/conversations/+4915110009002/messages', {
      method: 'POST',
      json: { text: 'Yes, it ships today.' },
    });
    expect(reply.status).toBe(202);
    await waitFor(async () => {
      const page = (await (await p.api('/api/conversations/+4915110009002/messages')).json()) as {
        items: { direction: string }[];
      };
      return page.items.some((m) => m.direction === 'out') ? true : undefined;
    });
    const closed = await p.api('/api/conversations/+4915110009099/messages', {
      method: 'POST',
      json: { text: 'Hi' },
    });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toMatchObject({ error: { code: 'window_closed' } });

    const patched = await p.api('/api/conversations/+4915110009002', {
      method: 'PATCH',
      json: { aiEnabled: false, needsHuman: true },
    });
    expect(await patched.json()).toMatchObject({ aiEnabled: false, needsHuman: true });
    const humans = (await (await p.api('/api/conversations?needsHuman=true')).json()) as {
      items: { contact: string }[];
    };
    expect(humans.items.map((c) => c.contact)).toEqual(['+4915110009002']);
  });

  it('opts out on STOP with one confirmation, skips the contact in new campaigns, and opts back in on START', async () => {
    const stop = JSON.stringify(inboundWebhook({ from: '+4915110009003', text: ' Stop! ' }));
    await hook(stop);
    await hook(stop);
    await waitFor(async () => {
      const c = (await (await p.api('/api/contacts/+4915110009003')).json()) as { optedOut?: boolean };
      return c.optedOut ? true : undefined;
    });
    await waitFor(async () =>
      p.printed.some((l) => l.includes('+4915110009003: You are unsubscribed')) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 800));
    expect(p.printed.filter((l) => l.includes('+4915110009003')).length).toBe(1);

    const lookAlike = JSON.stringify(inboundWebhook({ from: '+4915110009004', text: "don't stop" }));
    await hook(lookAlike);
    const campaign = await createCampaign(p, {
      name: 'after-stop',
      templateId: welcomeId,
      recipients: [
        { phone: '+4915110009003', variables: { customerName: 'Out' } },
        { phone: '+4915110009004', variables: { customerName: 'Still in' } },
      ],
    });
    await action(p, campaign.id, 'start');
    const done = await waitForState(p, campaign.id, 'completed');
    expect(done.counts).toMatchObject({ sent: 1, skipped: 1 });

    await hook(JSON.stringify(inboundWebhook({ from: '+4915110009003', text: 'START' })));
    await waitFor(async () => {
      const c = (await (await p.api('/api/contacts/+4915110009003')).json()) as {
        optedOut?: boolean;
        history: unknown[];
      };
      return c.optedOut === false && c.history.length === 2 ? c : undefined;
    });
  });

  it('applies statuses forward only, once each, whatever the order and however often', async () => {
    const campaign = await createCampaign(p, {
      name: 'statuses',
      templateId: welcomeId,
      recipients: [0, 1, 2].map((i) => ({
        phone: phoneNumber(9100 + i),
        variables: { customerName: `S${i}` },
      })),
    });
    await action(p, campaign.id, 'start');
    await waitForState(p, campaign.id, 'completed');
    const recipients = await allRecipients(p, campaign.id);
    const byPhone = new Map(recipients.map((r) => [r.phone, r.wamid!]));
    const status = (i: number, s: 'sent' | 'delivered' | 'read') =>
      statusWebhook({
        wamid: byPhone.get(phoneNumber(9100 + i))!,
        status: s,
        to: phoneNumber(9100 + i),
        phoneNumberId: '1',
      });

    // 0: read before delivered, then a late delivered; 1: delivered three times; 2: read only.
    for (const body of [
      status(0, 'read'),
      status(0, 'delivered'),
      status(1, 'delivered'),
      status(1, 'delivered'),
      status(1, 'delivered'),
      status(2, 'read'),
    ]) {
      expect((await hook(body)).status).toBe(200);
    }
    const settled = await waitFor(async () => {
      const c = await getCampaign(p, campaign.id);
      return c.counts.read === 2 && c.counts.delivered === 1 ? c : undefined;
    });
    await new Promise((r) => setTimeout(r, 800));
    expect((await getCampaign(p, campaign.id)).counts).toEqual({
      ...settled.counts,
      total: 3,
      sent: 0,
      queued: 0,
    });
    const after = await allRecipients(p, campaign.id);
    const zero = after.find((r) => r.phone === phoneNumber(9100))! as unknown as Record<string, string>;
    expect(zero.status).toBe('read');
    expect(zero.deliveredAt).toBeDefined();
    const recount = (await (await action(p, campaign.id, 'recount')).json()) as { counts: unknown };
    expect(recount.counts).toEqual((await getCampaign(p, campaign.id)).counts);
  });

  it('records a failure with its error, and 131050 opts the contact out of marketing', async () => {
    const campaign = await createCampaign(p, {
      name: 'failure',
      templateId: welcomeId,
      recipients: [{ phone: phoneNumber(9200), variables: { customerName: 'F' } }],
    });
    await action(p, campaign.id, 'start');
    await waitForState(p, campaign.id, 'completed');
    const [r] = await allRecipients(p, campaign.id);
    const failed = statusWebhook({ wamid: r!.wamid!, status: 'sent', to: r!.phone, phoneNumberId: '1' }) as {
      entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[];
    };
    const s = failed.entry[0]!.changes[0]!.value.statuses[0]!;
    s.status = 'failed';
    s.errors = [
      {
        code: 131050,
        title: 'User stopped marketing messages',
        message: 'x',
        error_data: { details: 'The user stopped marketing messages' },
      },
    ];
    await hook(failed);
    const c = await waitFor(async () => {
      const v = await getCampaign(p, campaign.id);
      return v.counts.failed === 1 ? v : undefined;
    });
    expect(c.counts).toMatchObject({ sent: 0, failed: 1 });
    const [after] = await allRecipients(p, campaign.id);
    expect(after).toMatchObject({ status: 'failed', lastError: { code: 131050 }, retryable: false });
    const contact = (await (await p.api(`/api/contacts/${r!.phone}`)).json()) as { marketingOptOut: boolean };
    expect(contact.marketingOptOut).toBe(true);
  });

  it('applies a 1,000-status payload in full', async () => {
    const n = 1000;
    const campaign = await createCampaign(p, {
      name: 'thousand',
      templateId: welcomeId,
      recipients: Array.from({ length: n }, (_, i) => ({
        phone: phoneNumber(20_000 + i),
        variables: { customerName: `T${i}` },
      })),
    });
    await action(p, campaign.id, 'start');
    await waitForState(p, campaign.id, 'completed', 60_000);
    const recipients = await allRecipients(p, campaign.id);
    const statuses = recipients.map((r) => ({
      id: r.wamid,
      status: 'delivered',
      timestamp: String(Math.floor(Date.now() / 1000)),
      recipient_id: r.phone.slice(1),
    }));
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, statuses },
            },
          ],
        },
      ],
    };
    const res = await hook(payload);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { received: number }).received).toBeGreaterThanOrEqual(1);

    const done = await waitFor(async () => {
      const c = await getCampaign(p, campaign.id);
      return c.counts.delivered === n ? c : undefined;
    }, 60_000);
    expect(done.counts).toMatchObject({ sent: 0, delivered: n });
  });

  it('in DEV mode, plays WhatsApp: a campaign moves to delivered and read within seconds', async () => {
    const dev = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      DEV_SIMULATE_STATUSES: 'true',
      DEV_STATUS_DELAY_MS: '200',
    });
    try {
      const templateId = await createTemplate(dev, { name: 'welcome', body: 'Hello {{customerName}}!' });
      const campaign = await createCampaign(dev, {
        name: 'simulated',
        templateId,
        recipients: [0, 1, 2].map((i) => ({
          phone: phoneNumber(9300 + i),
          variables: { customerName: `D${i}` },
        })),
      });
      await action(dev, campaign.id, 'start');
      const read = await waitFor(async () => {
        const c = await getCampaign(dev, campaign.id);
        return c.counts.read === 3 ? c : undefined;
      }, 15_000);
      expect(read.counts).toMatchObject({ total: 3, sent: 0, delivered: 0, read: 3 });
      const [r] = await allRecipients(dev, campaign.id);
      expect(r).toMatchObject({
        sentAt: expect.any(String),
        deliveredAt: expect.any(String),
        readAt: expect.any(String),
      });
    } finally {
      await dev.stop();
    }
  });

  it('opts out of marketing on a user_preferences stop, and back on resume', async () => {
    const pref = (value: string) => ({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'user_preferences',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: '1' },
                user_preferences: [
                  { wa_id: '4915110009005', category: 'marketing_messages', value, timestamp: 1731705721 },
                ],
              },
            },
          ],
        },
      ],
    });
    await hook(pref('stop'));
    await waitFor(async () => {
      const c = (await (await p.api('/api/contacts/+4915110009005')).json()) as { marketingOptOut?: boolean };
      return c.marketingOptOut ? true : undefined;
    });
    await hook(pref('resume'));
    await waitFor(async () => {
      const c = (await (await p.api('/api/contacts/+4915110009005')).json()) as { marketingOptOut?: boolean };
      return c.marketingOptOut === false ? true : undefined;
    });
  });

  it('a customer known only by a user id of the longest form is stored, listed, answered and merged once the phone shows', async () => {
    const userId = `US.ENT.${'7'.repeat(128)}`;
    const usernameOnly = inboundWebhook({ from: '+4915110009010', text: 'Hello from a username' });
    const v = usernameOnly.entry[0]!.changes[0]!.value as {
      messages: Record<string, unknown>[];
      contacts: Record<string, unknown>[];
    };
    v.messages[0]!.from = '';
    v.messages[0]!.from_user_id = userId;
    v.contacts[0] = { profile: { name: 'Uma', username: 'uma' }, wa_id: '', user_id: userId };
    expect((await hook(usernameOnly)).status).toBe(200);
    const history = await waitFor(async () => {
      const res = await p.api(`/api/conversations/${userId}/messages`);
      const page = (await res.json()) as { items: { text?: string }[] };
      return res.status === 200 && page.items.length > 0 ? page.items : undefined;
    });
    expect(history[0]).toMatchObject({ text: 'Hello from a username', contact: userId });

    // Inside the window an agent answers; the send goes to the user id (Graph's `recipient`).
    const reply = await p.api(`/api/conversations/${userId}/messages`, {
      method: 'POST',
      json: { text: 'Hi Uma!' },
    });
    expect(reply.status).toBe(202);
    await waitFor(async () =>
      p.printed.includes(`[DEV] WhatsApp send to ${userId}: Hi Uma!`) ? true : undefined,
    );

    // Later the same user writes with their phone too: one conversation, under the phone, with all of it.
    const withPhone = inboundWebhook({ from: '+4915110009010', text: 'Now with my number' });
    const w = withPhone.entry[0]!.changes[0]!.value as {
      messages: Record<string, unknown>[];
      contacts: Record<string, unknown>[];
    };
    w.messages[0]!.from_user_id = userId;
    w.contacts[0]!.user_id = userId;
    expect((await hook(withPhone)).status).toBe(200);
    const merged = await waitFor(async () => {
      const page = (await (await p.api('/api/conversations/+4915110009010/messages')).json()) as {
        items: { text?: string }[];
      };
      return page.items.length >= 3 ? page.items.map((m) => m.text) : undefined;
    });
    expect(merged).toEqual(
      expect.arrayContaining(['Hello from a username', 'Hi Uma!', 'Now with my number']),
    );
    const listed = await conversationsNow();
    expect(listed.map((c) => c.contact)).toContain('+4915110009010');
    expect(listed.map((c) => c.contact)).not.toContain(userId);
  });
});
