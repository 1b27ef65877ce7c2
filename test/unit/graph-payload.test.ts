import { buildGraphPayload } from '../../functions/domain/graph-payload';

describe('buildGraphPayload', () => {
  it('builds a text message with link previews only when there is a link', () => {
    expect(buildGraphPayload({ to: '+16505551234', content: { kind: 'text', body: 'Hi' } })).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505551234',
      type: 'text',
      text: { preview_url: false, body: 'Hi' },
    });
    const withLink = buildGraphPayload({ to: '+1', content: { kind: 'text', body: 'See https://x.io' } });
    expect(withLink.text).toEqual({ preview_url: true, body: 'See https://x.io' });
  });

  it('addresses a customer known only by a business-scoped user id in `recipient`, leaving out `to`', () => {
    const payload = buildGraphPayload({
      to: 'US.13491208655302741918',
      content: { kind: 'text', body: 'Hi' },
    });
    expect(payload).toMatchObject({ recipient: 'US.13491208655302741918', type: 'text' });
    expect(payload).not.toHaveProperty('to');
    expect(
      buildGraphPayload({ to: 'user.9373795779eb6441c8adb2ea', content: { kind: 'text', body: 'x' } }),
    ).toHaveProperty('recipient');
  });

  it('builds image and document messages by link', () => {
    expect(
      buildGraphPayload({
        to: '+1',
        content: {
          kind: 'media',
          media: { type: 'document', url: 'https://e.com/o.pdf', filename: 'o.pdf' },
          caption: 'Your order',
        },
      }),
    ).toMatchObject({
      type: 'document',
      document: { link: 'https://e.com/o.pdf', filename: 'o.pdf', caption: 'Your order' },
    });
    expect(
      buildGraphPayload({
        to: '+1',
        content: { kind: 'media', media: { type: 'image', url: 'https://e.com/i.png' } },
      }),
    ).toMatchObject({ type: 'image', image: { link: 'https://e.com/i.png' } });
  });

  it('builds interactive reply buttons with an optional media header', () => {
    const payload = buildGraphPayload({
      to: '+1',
      callbackData: 'c1:r1',
      content: {
        kind: 'buttons',
        body: 'Pick one',
        header: { type: 'image', url: 'https://e.com/i.png' },
        buttons: [
          { id: 'a', title: 'A' },
          { id: 'b', title: 'B' },
        ],
      },
    });
    expect(payload).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+1',
      biz_opaque_callback_data: 'c1:r1',
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'image', image: { link: 'https://e.com/i.png' } },
        body: { text: 'Pick one' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'a', title: 'A' } },
            { type: 'reply', reply: { id: 'b', title: 'B' } },
          ],
        },
      },
    });
  });
});
