/**
 * Media in the support inbox, in LIVE mode against the fake Graph API and the real emulators: a signed
 * image webhook (Meta's own payload) ends as a conversation message whose file is kept and served to
 * authorised callers only; what cannot be kept (an expired link, too large, a type not kept) is said in
 * words on a message that is still stored; a transient 5xx is retried; and an agent's upload is sent as
 * an image by the id WhatsApp's media upload answered.
 */
import { createHash, randomBytes } from 'node:crypto';
import { samplePdf, samplePng } from '../../functions/adapters/whatsapp/sample-media';
import type { ConversationMedia } from '../../functions/domain/media';
import { FakeGraphServer } from '../support/fake-graph';
import { fixtureJson } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'media-test-app-secret';
const MB = 1024 * 1024;

interface Message {
  direction: string;
  source?: string;
  type: string;
  text?: string;
  summary: string;
  media?: ConversationMedia;
  mediaError?: string;
}

type Fixture = {
  entry: {
    changes: { value: { contacts: Record<string, unknown>[]; messages: Record<string, unknown>[] } }[];
  }[];
};

/** Meta's image payload (test/fixtures/whatsapp/04-image.json) from `from`, naming `media`. */
function mediaWebhook(from: string, kind: 'image' | 'document', media: Record<string, unknown>): string {
  const body = fixtureJson<Fixture>(kind === 'image' ? '04-image.json' : '05-document.json');
  const value = body.entry[0]!.changes[0]!.value;
  const waId = from.replace(/^\+/, '');
  // One phone per case; the fixture's business-scoped ids would link every case to one customer.
  value.contacts[0] = { profile: { name: 'Media Tester' }, wa_id: waId };
  const message = value.messages[0]!;
  message.from = waId;
  message.id = `wamid.MEDIA${randomBytes(8).toString('hex')}`;
  message.timestamp = String(Math.floor(Date.now() / 1000));
  message[kind] = { ...(message[kind] as Record<string, unknown>), ...media };
  return JSON.stringify(body);
}

describe('media in the inbox, against the fake Graph API', () => {
  jest.setTimeout(90_000);
  let graph: FakeGraphServer;
  let p: TestPlatform;

  beforeAll(async () => {
    graph = await new FakeGraphServer().start();
    p = await bootPlatform({
      WHATSAPP_ACCESS_TOKEN: 'test-token',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_API_BASE_URL: graph.baseUrl,
      WHATSAPP_REQUEST_TIMEOUT_MS: '2000',
    });
  }, 60_000);
  afterAll(async () => {
    await p.stop();
    await graph.stop();
  });

  const hook = (raw: string) => postSignedWebhook(p.url, raw, SECRET);

  /** The conversation's first message matching `which`, once it is stored. */
  const messageOf = (contact: string, which: (m: Message) => boolean, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const res = await p.api(`/api/conversations/${encodeURIComponent(contact)}/messages?limit=100`);
        const page = (await res.json()) as { items: Message[] };
        return page.items.find(which);
      },
      timeoutMs,
      `a message from ${contact}`,
    );

  it("keeps a customer's image and serves it to authorised callers only", async () => {
    const png = samplePng();
    // Meta's webhooks write the checksum in base64; the lookup answers it in hex. Both are checked.
    const sha256 = createHash('sha256').update(png).digest('base64');
    graph.media.add('776001', { bytes: png, mimeType: 'image/png' });
    await hook(
      mediaWebhook('+4915120000001', 'image', {
        id: '776001',
        mime_type: 'image/png',
        sha256,
        caption: 'Broken?',
      }),
    );
    const message = await messageOf('+4915120000001', (m) => m.type === 'image');
    expect(message).toMatchObject({
      direction: 'in',
      text: 'Broken?',
      summary: '[image] Broken?',
      media: { kind: 'image', mimeType: 'image/png', size: png.length, caption: 'Broken?' },
    });
    expect(message.mediaError).toBeUndefined();
    expect(message.media!.url).toBe(`/api/media/${message.media!.id}`);
    expect(graph.media.lookups.find((l) => l.id === '776001')?.authorization).toBe('Bearer test-token');

    const served = await p.api(message.media!.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toBe('inline');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);

    const anonymous = await fetch(`${p.url}${message.media!.url}`);
    expect(anonymous.status).toBe(401);
    const unknown = await p.api('/api/media/in_00000000000000000000000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await p.api('/api/media/..%2F..%2Fetc')).status).toBe(404);
  });

  it('serves a document as an attachment under its name', async () => {
    const pdf = samplePdf();
    graph.media.add('776002', { bytes: pdf, mimeType: 'application/pdf' });
    await hook(
      mediaWebhook('+4915120000002', 'document', {
        id: '776002',
        mime_type: 'application/pdf',
        sha256: createHash('sha256').update(pdf).digest('base64'),
        filename: 'Rechnung März.pdf',
      }),
    );
    const message = await messageOf('+4915120000002', (m) => m.type === 'document');
    expect(message.media).toMatchObject({
      kind: 'document',
      filename: 'Rechnung März.pdf',
      size: pdf.length,
    });
    const served = await p.api(message.media!.url);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe(
      `attachment; filename="Rechnung M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`,
    );
    expect(Buffer.from(await served.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('keeps the message with the reason in words when the link expired, the image is too large or of a type not kept', async () => {
    graph.media
      .add('776003', { bytes: samplePng(), mimeType: 'image/png', linkTtlMs: 0 })
      .add('776004', { bytes: samplePng(), mimeType: 'image/jpeg', announcedSize: Math.round(7.2 * MB) })
      .add('776005', { bytes: Buffer.from('GIF89a'), mimeType: 'image/gif' });
    await hook(mediaWebhook('+4915120000003', 'image', { id: '776003', mime_type: 'image/png' }));
    await hook(mediaWebhook('+4915120000004', 'image', { id: '776004', mime_type: 'image/jpeg' }));
    await hook(mediaWebhook('+4915120000005', 'image', { id: '776005', mime_type: 'image/gif' }));
    const expired = await messageOf('+4915120000003', (m) => m.type === 'image');
    const large = await messageOf('+4915120000004', (m) => m.type === 'image');
    const gif = await messageOf('+4915120000005', (m) => m.type === 'image');
    expect(expired).toMatchObject({
      summary: '[image]',
      mediaError: 'the download link for the image expired before it could be fetched',
    });
    expect(large.mediaError).toBe('the image is 7.2 MB; the limit is 5 MB');
    expect(gif.mediaError).toBe(
      'the image has the type image/gif, which is not kept for an image (allowed: image/jpeg, image/png)',
    );
    for (const m of [expired, large, gif]) expect(m.media).toBeUndefined();
    // Nothing too large or of the wrong type was downloaded.
    expect(graph.media.downloads.filter((d) => d.id === '776004' || d.id === '776005')).toEqual([]);
  });

  it('retries a transient 5xx through the events queue and then keeps the image', async () => {
    graph.media.add('776006', { bytes: samplePng(), mimeType: 'image/png' }).failLookups('776006', 1, 503);
    await hook(mediaWebhook('+4915120000006', 'image', { id: '776006', mime_type: 'image/png' }));
    const message = await messageOf('+4915120000006', (m) => m.type === 'image');
    expect(message.mediaError).toBeUndefined();
    expect(message.media).toMatchObject({ kind: 'image', mimeType: 'image/png' });
    expect(graph.media.lookups.filter((l) => l.id === '776006')).toHaveLength(2);
  });

  it("uploads an agent's image, refusing the wrong type and size in words, and sends it by WhatsApp's media id", async () => {
    const upload = (body: Uint8Array, type: string, query = '') =>
      p.api(`/api/media${query}`, { method: 'POST', headers: { 'content-type': type }, body });
    const gif = await upload(Buffer.from('GIF89a'), 'image/gif');
    expect(gif.status).toBe(415);
    expect(((await gif.json()) as { error: { message: string } }).error.message).toMatch(
      /^image\/gif cannot be sent on WhatsApp; upload one of image\/jpeg, image\/png, /,
    );
    const untyped = await p.api('/api/media', { method: 'POST', body: Buffer.from('%PDF-1.4') });
    expect(untyped.status).toBe(415);
    expect(await untyped.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const huge = await upload(Buffer.alloc(6 * MB, 1), 'image/png');
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({
      error: { code: 'payload_too_large', message: 'the image is 6 MB; the limit is 5 MB' },
    });

    const png = samplePng();
    const stored = await upload(png, 'image/png', '?filename=part.png');
    expect(stored.status).toBe(201);
    const media = (await stored.json()) as { id: string; kind: 'image'; mimeType: string; size: number };
    expect(media).toMatchObject({
      kind: 'image',
      mimeType: 'image/png',
      size: png.length,
      filename: 'part.png',
    });
    const back = await p.api(`/api/media/${media.id}`);
    expect(Buffer.from(await back.arrayBuffer()).equals(png)).toBe(true);

    // An agent replies with it (the window is open: the customer wrote); it goes through the outbox.
    const contact = '+4915120000001';
    const bad = await p.api(`/api/conversations/${encodeURIComponent(contact)}/messages`, {
      method: 'POST',
      json: { mediaId: 'up_nothing_here', caption: 'This one?' },
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_media' } });
    const reply = await p.api(`/api/conversations/${encodeURIComponent(contact)}/messages`, {
      method: 'POST',
      json: { mediaId: media.id, caption: 'This one?' },
    });
    expect(reply.status).toBe(202);
    // The agent's message (the assistant may also have told this customer, who sent an image, what it reads).
    const sent = await messageOf(contact, (m) => m.direction === 'out' && m.source === 'agent');
    expect(sent).toMatchObject({
      summary: '[image] This one?',
      text: 'This one?',
      media: {
        id: media.id,
        kind: 'image',
        mimeType: 'image/png',
        url: `/api/media/${media.id}`,
        caption: 'This one?',
      },
    });
    const uploaded = graph.media.uploads.at(-1)!;
    expect(uploaded).toMatchObject({
      path: '/v25.0/106540352242922/media',
      messagingProduct: 'whatsapp',
      type: 'image/png',
    });
    expect(uploaded.bytes.equals(png)).toBe(true);
    const message = graph.requests.filter((r) => r.body.to === contact).at(-1)!;
    expect(message.body).toMatchObject({ type: 'image', image: { id: uploaded.id, caption: 'This one?' } });
  });
});
