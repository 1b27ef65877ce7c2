import { keywordIntent } from '../../functions/domain/opt-out';
import { readNotification, updatesOf, type WebhookUpdate } from '../../functions/domain/webhook';
import { isValidSignature, signPayload } from '../../functions/domain/webhook-signature';
import { splitChange } from '../../functions/domain/webhook-split';
import { fixtureNames, fixtureText } from '../support/fixtures';

function short(u: WebhookUpdate): string {
  switch (u.kind) {
    case 'message':
      return `message ${u.type} from ${u.from || u.fromUserId}: ${u.summary}`;
    case 'status':
      return `status ${u.status} ${u.wamid}${u.errors[0] ? ` error ${u.errors[0].code}` : ''}`;
    case 'preference':
      return `preference ${u.value} ${u.waId}`;
    case 'error':
      return `error ${u.error.code}`;
    case 'template_status':
    case 'template_quality':
    case 'template_category':
      return `${u.kind} ${u.name} ${u.language}`;
    case 'other':
      return `other ${u.field}`;
  }
}

/** What each real payload in test/fixtures/whatsapp must become. */
const EXPECTED: Record<string, string[]> = {
  '01-text-meta-dashboard-test.json': ['message text from +16315551181: this is a text message'],
  '02-text-reply-with-context.json': ['message text from +12027330824: Coolio'],
  '03-text-with-bsuid-username-v25.json': ['message text from +16315551181: this is a text message'],
  '04-image.json': ['message image from +972987654321: [image]'],
  '05-document.json': ['message document from +972987654321: [document filename.pdf] caption'],
  '06-audio-voice.json': ['message audio from +972987654321: [voice message]'],
  '07-video-forwarded.json': ['message video from +972987654321: [video] caption'],
  '08-sticker-animated.json': ['message sticker from +972987654321: [sticker (animated)]'],
  '09-location.json': [
    expect.stringMatching(
      /^message location from \+972987654321: \[location 37\.4611978,-122\.2164385/,
    ) as never,
  ],
  '10-contacts.json': [
    expect.stringMatching(/^message contacts from \+972987654321: \[contact card Chandler Bing/) as never,
  ],
  '11-reaction.json': ['message reaction from +972987654321: [reaction 😮]'],
  '12-reaction-removed.json': ['message reaction from +972987654321: [reaction removed]'],
  '13-unsupported-131051.json': [
    expect.stringMatching(/^message unsupported from \+972987654321: \[unsupported message/) as never,
  ],
  '14-button-template-quick-reply.json': ['message button from +972987654321: [button] title'],
  '15-interactive-button-reply.json': ['message interactive from +972987654321: [button] title'],
  '16-interactive-list-reply-with-description.json': [
    'message interactive from +972987654321: [list choice] title',
  ],
  '17-interactive-button-reply-meta-doc.json': ['message interactive from +16505551234: [button] Change'],
  '18-interactive-list-reply-meta-doc.json': [
    'message interactive from +16505551234: [list choice] Priority Mail Express',
  ],
  '19-status-delivered-cbp.json': [expect.stringMatching(/^status delivered wamid\./) as never],
  '20-status-read-cbp.json': ['status read wamid.xyzxyz'],
  '21-status-sent-pmp-meta-doc.json': [expect.stringMatching(/^status sent wamid\./) as never],
  '22-status-failed-130472.json': ['status failed wamid.xyzxyz error 130472'],
  '23-status-failed-131047.json': [expect.stringMatching(/^status failed .* error 131047$/) as never],
  '24-status-delivered-bsuid-v25.json': [expect.stringMatching(/^status delivered /) as never],
  '25-status-v24-no-conversation-no-pricing-meta-doc.json': [expect.stringMatching(/^status sent /) as never],
  '26-multiple-changes-one-entry.json': [
    'message text from +PHONE_NUMBER: MESSAGE_BODY',
    'message text from +PHONE_NUMBER: MESSAGE_BODY2',
  ],
  '27-status-failed-with-errors-netflie.json': [
    expect.stringMatching(/^status failed .* error 131053$/) as never,
  ],
  '28-status-failed-131049-meta-doc.json': [
    expect.stringMatching(/^status failed .* error 131049$/) as never,
  ],
  '29-system-phone-number-change.json': [
    expect.stringMatching(/^message system from \+972987654321: \[system\] User A changed/) as never,
  ],
  '30-errors-system-level-130429-meta-doc.json': ['error 130429'],
  '31-user-preferences-resume-meta-doc.json': ['preference resume 16505551234'],
  '32-status-delivered-username-bsuid-empty-waid-meta-doc.json': [
    expect.stringMatching(/^status delivered /) as never,
  ],
  '33-text-inbound-username-empty-from-meta-doc.json': [
    expect.stringMatching(/^message text from \S+: Does it come in another color\?$/) as never,
  ],
};

describe('webhook payloads from test/fixtures/whatsapp', () => {
  const webhooks = fixtureNames().filter((f) => /^\d\d-/.test(f));

  it('has an expectation for every webhook fixture', () => {
    expect(webhooks.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(webhooks)('%s is accepted and flattened as expected', (file) => {
    const notification = readNotification(JSON.parse(fixtureText(file)));
    expect(notification.ok).toBe(true);
    if (!notification.ok) return;
    expect(notification.changes.flatMap(updatesOf).map(short)).toEqual(EXPECTED[file]);
  });

  it('keeps the business-scoped ids and profile names', () => {
    const n = readNotification(JSON.parse(fixtureText('03-text-with-bsuid-username-v25.json')));
    const [m] = n.ok ? n.changes.flatMap(updatesOf) : [];
    expect(m).toMatchObject({
      fromUserId: 'US.13491208655302741918',
      profileName: 'test user name',
      at: '2017-09-08T20:36:28.000Z',
    });
    const empty = readNotification(
      JSON.parse(fixtureText('33-text-inbound-username-empty-from-meta-doc.json')),
    );
    const [u] = empty.ok ? empty.changes.flatMap(updatesOf) : [];
    expect(u).toMatchObject({ from: '' });
  });

  it.each([
    [{ object: 'page', entry: [] }, '"object" must be "whatsapp_business_account"'],
    [{ object: 'whatsapp_business_account' }, '"entry" must be an array'],
    [[1, 2], 'not a JSON object'],
  ])('refuses what is not a WhatsApp Business notification: %j', (body, reason) => {
    expect(readNotification(body)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('logs other fields, such as template status updates, instead of failing', () => {
    const n = readNotification({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }] },
      ],
    });
    expect(n.ok && n.changes.flatMap(updatesOf)).toEqual([
      { kind: 'other', field: 'message_template_status_update', detail: 'event' },
    ]);
  });
});

describe('webhook signatures', () => {
  const body = Buffer.from(fixtureText('20-status-read-cbp.json'));

  it('accepts the HMAC-SHA256 of the exact bytes, and nothing else', () => {
    const header = signPayload(body, 'app-secret');
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(isValidSignature(body, header, 'app-secret')).toBe(true);
    expect(isValidSignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), 'app-secret')).toBe(
      true,
    );
    expect(isValidSignature(body, header, 'other-secret')).toBe(false);
    expect(
      isValidSignature(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), header, 'app-secret'),
    ).toBe(false);
    expect(isValidSignature(body, undefined, 'app-secret')).toBe(false);
    expect(isValidSignature(body, 'sha256=abc', 'app-secret')).toBe(false);
    expect(isValidSignature(body, header.replace('sha256=', 'sha1='), 'app-secret')).toBe(false);
  });
});

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'opt_out'],
    ['  stop!  ', 'opt_out'],
    ['Stop.', 'opt_out'],
    ['UNSUBSCRIBE', 'opt_out'],
    ['Stop promotions', 'opt_out_marketing'],
    ['STOP   PROMOTIONS', 'opt_out_marketing'],
    ['start', 'opt_in'],
    ['Start!', 'opt_in'],
  ])('%j means %s', (text, intent) => {
    expect(keywordIntent(text)).toBe(intent);
  });

  it.each(["don't stop", 'stop it please', 'please stop sending', 'stopped', 'non-stop', 'startup', ''])(
    '%j is not a keyword',
    (text) => {
      expect(keywordIntent(text)).toBeUndefined();
    },
  );

  it('takes configured additions', () => {
    expect(keywordIntent('Abmelden', ['abmelden', 'baja'])).toBe('opt_out');
    expect(keywordIntent('Abmelden')).toBeUndefined();
  });
});

describe('splitting large changes for the events queue', () => {
  it('splits 1,000 statuses into pieces under the size limit, keeping every status once', () => {
    const statuses = Array.from({ length: 1000 }, (_, i) => ({
      id: `wamid.${'X'.repeat(40)}${i}`,
      status: 'delivered',
      timestamp: '1700000000',
      recipient_id: `4915110${String(i).padStart(6, '0')}`,
      biz_opaque_callback_data: `c:01CAMPAIGNID0000000000000:0:+4915110${String(i).padStart(6, '0')}`,
    }));
    const change = {
      entryId: '1',
      field: 'messages',
      value: { metadata: { phone_number_id: '1' }, statuses },
    };
    const pieces = splitChange(change, 64 * 1024);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) {
      expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(64 * 1024);
      expect(p.value.metadata).toEqual({ phone_number_id: '1' });
    }
    const ids = pieces.flatMap((p) => (p.value.statuses as { id: string }[]).map((s) => s.id));
    expect(ids).toEqual(statuses.map((s) => s.id));
  });
});

describe('queue bodies', () => {
  it('escape non-ASCII characters and stay the same JSON value', async () => {
    const { asciiSafe } = await import('../../functions/adapters/sqs/queues');
    const value = { emoji: '😮', text: 'Grüße', list: ['ok'] };
    const body = asciiSafe(JSON.stringify(value));
    expect([...body].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);

    expect(JSON.parse(body)).toEqual(value);
  });
});

describe('batched notifications', () => {
  it('visits every entry, change and item of one post, in order', () => {
    const status = (id: string) => ({ id, status: 'delivered', timestamp: '1700000000', recipient_id: '1' });
    const n = readNotification({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'A',
          changes: [
            {
              field: 'messages',
              value: { metadata: { phone_number_id: '11' }, statuses: [status('w1'), status('w2')] },
            },
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '11' },
                errors: [{ code: 130429, title: 'Rate limit hit' }],
              },
            },
          ],
        },
        {
          id: 'B',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '22' },
                messages: [
                  {
                    from: '4915110000000',
                    id: 'wamid.in',
                    timestamp: '1700000001',
                    type: 'text',
                    text: { body: 'hi' },
                  },
                ],
                statuses: [status('w3')],
              },
            },
          ],
        },
      ],
    });
    expect(n.ok && n.phoneNumberIds).toEqual(['11', '22']);
    expect(n.ok && n.changes.flatMap(updatesOf).map(short)).toEqual([
      'status delivered w1',
      'status delivered w2',
      'error 130429',
      'message text from +4915110000000: hi',
      'status delivered w3',
    ]);
  });
});
