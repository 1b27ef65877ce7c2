/**
 * The Graph media adapters against the fake Graph API on 127.0.0.1 (a real HTTP server reached through
 * the production fetch client): lookups and downloads of a customer's media, uploads of an agent's.
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { GraphMediaSource } from '../../functions/adapters/whatsapp/graph-media-source';
import { uploadMedia, withUploadedMedia } from '../../functions/adapters/whatsapp/graph-media-upload';
import { GraphWhatsAppSender } from '../../functions/adapters/whatsapp/graph-sender';
import { samplePdf, samplePng } from '../../functions/adapters/whatsapp/sample-media';
import type { InboundMedia } from '../../functions/domain/media';
import { mediaContent } from '../../functions/domain/outbound-message';
import { FakeGraphServer } from '../support/fake-graph';

const TOKEN = 'test-token';
const image = (whatsappId: string): InboundMedia => ({ kind: 'image', whatsappId });

describe('the Graph media source', () => {
  let graph: FakeGraphServer;
  let source: GraphMediaSource;
  beforeAll(async () => {
    graph = await new FakeGraphServer().start();
    source = new GraphMediaSource({
      baseUrl: graph.baseUrl,
      apiVersion: 'v25.0',
      accessToken: TOKEN,
      timeoutMs: 2000,
    });
  });
  afterAll(() => graph.stop());

  it('looks a media id up with the bearer token, then downloads the link with it', async () => {
    const png = samplePng();
    graph.media.add('1001', { bytes: png, mimeType: 'image/png' });
    const looked = await source.lookup(image('1001'));
    if (!looked.ok) throw new Error(JSON.stringify(looked.problem));
    expect(looked.value).toMatchObject({
      mimeType: 'image/png',
      size: png.length,
      sha256: createHash('sha256').update(png).digest('hex'),
    });
    expect(graph.media.lookups.at(-1)).toEqual({ id: '1001', authorization: `Bearer ${TOKEN}` });
    const downloaded = await source.download(looked.value, 5 * 1024 * 1024);
    if (!downloaded.ok) throw new Error(JSON.stringify(downloaded.problem));
    expect(Buffer.from(downloaded.value.bytes).equals(png)).toBe(true);
    expect(downloaded.value.contentType).toBe('image/png');
  });

  it('is refused a download without the token, and sees an expired link as expired', async () => {
    graph.media.add('1002', { bytes: samplePng(), mimeType: 'image/png', linkTtlMs: 0 });
    const looked = await source.lookup(image('1002'));
    if (!looked.ok) throw new Error('lookup failed');
    await new Promise((r) => setTimeout(r, 5));
    expect(await source.download(looked.value, 1_000_000)).toEqual({
      ok: false,
      problem: { reason: 'link_expired' },
    });
    const anonymous = await fetch(looked.value.url);
    expect(anonymous.status).toBe(401);
  });

  it("reports Meta's refusal of an unknown media id with its code, and a 5xx as transient", async () => {
    const unknown = await source.lookup(image('no-such-media'));
    expect(unknown).toMatchObject({
      ok: false,
      problem: { reason: 'graph_error', httpStatus: 400, code: 100, transient: false },
    });
    graph.media.add('1003', { bytes: samplePng(), mimeType: 'image/png' }).failLookups('1003', 1, 503);
    expect(await source.lookup(image('1003'))).toMatchObject({
      ok: false,
      problem: { reason: 'graph_error', httpStatus: 503, transient: true },
    });
    expect((await source.lookup(image('1003'))).ok).toBe(true);
  });

  it('stops at the limit, whether or not the download says its length', async () => {
    graph.media.add('1004', { bytes: Buffer.alloc(300_000, 1), mimeType: 'image/jpeg' });
    const looked = await source.lookup(image('1004'));
    if (!looked.ok) throw new Error('lookup failed');
    expect(await source.download(looked.value, 100_000)).toEqual({
      ok: false,
      problem: { reason: 'too_large', size: 300_000, limit: 100_000 },
    });
  });

  it('stops reading a download that names no length as soon as it passes the limit', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const streaming = new GraphMediaSource({
      baseUrl: 'http://unused',
      apiVersion: 'v25.0',
      accessToken: TOKEN,
      timeoutMs: 2000,
      fetch: async () => new Response(endless, { headers: { 'content-type': 'video/mp4' } }),
    });
    expect(await streaming.download({ url: 'https://lookaside.fbsbx.com/1' }, 1024 * 1024)).toEqual({
      ok: false,
      problem: { reason: 'too_large', size: 1024 * 1024, limit: 1024 * 1024, atLeast: true },
    });
    expect(pulled).toBeLessThan(40);
  });

  it("sends the token only to Meta's hosts or the Graph API itself, never where a lookup or a redirect points", async () => {
    const { createServer } = await import('node:http');
    const seen: (string | undefined)[] = [];
    // A server on another port: as far as the adapter knows, not Meta's.
    const other = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/bounce') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png' }).end('x');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    const port = (other.address() as import('node:net').AddressInfo).port;
    try {
      const elsewhere = await source.download({ url: `http://127.0.0.1:${port}/file` }, 1024);
      expect(elsewhere).toMatchObject({ ok: false, problem: { reason: 'graph_error', transient: false } });
      if (!elsewhere.ok && elsewhere.problem.reason === 'graph_error')
        expect(elsewhere.problem.message).toContain("not Meta's");
      expect(seen).toEqual([]);
      // Meta's hosts over https are trusted; http, other hosts and look-alikes are not.
      const { isTrustedMediaUrl } = await import('../../functions/adapters/whatsapp/graph-media-source');
      expect(
        isTrustedMediaUrl('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', graph.baseUrl),
      ).toBe(true);
      for (const url of [
        'http://lookaside.fbsbx.com/x',
        'https://fbsbx.com.evil.example/x',
        'https://user:pw@lookaside.fbsbx.com/x',
        'http://169.254.169.254/latest/meta-data/',
        'not a url',
      ])
        expect(isTrustedMediaUrl(url, graph.baseUrl)).toBe(false);
    } finally {
      other.close();
    }
  });

  it('says a network failure in words, as transient', async () => {
    const closed = new GraphMediaSource({
      baseUrl: 'http://127.0.0.1:9',
      apiVersion: 'v25.0',
      accessToken: TOKEN,
      timeoutMs: 500,
    });
    const looked = await closed.lookup(image('1'));
    expect(looked).toMatchObject({ ok: false, problem: { reason: 'unreachable' } });
    expect(!looked.ok && 'message' in looked.problem && looked.problem.message).toMatch(
      /could not reach the Graph API/,
    );
  });
});

describe('uploading stored media before the message', () => {
  let graph: FakeGraphServer;
  const options = () => ({
    baseUrl: graph.baseUrl,
    apiVersion: 'v25.0',
    phoneNumberId: '106540352242922',
    accessToken: TOKEN,
    timeoutMs: 2000,
  });
  beforeAll(async () => {
    graph = await new FakeGraphServer().start();
  });
  afterAll(() => graph.stop());

  it('posts the file as multipart with messaging_product and type, and answers the id', async () => {
    const pdf = samplePdf();
    const answer = await uploadMedia(options(), {
      bytes: pdf,
      mimeType: 'application/pdf',
      filename: 'order.pdf',
    });
    if (!answer.ok) throw new Error(answer.failure.message);
    const upload = graph.media.uploads.at(-1)!;
    expect(upload).toMatchObject({
      id: answer.id,
      path: '/v25.0/106540352242922/media',
      authorization: `Bearer ${TOKEN}`,
      messagingProduct: 'whatsapp',
      type: 'application/pdf',
      fileType: 'application/pdf',
      filename: 'order.pdf',
    });
    expect(upload.bytes.equals(pdf)).toBe(true);
  });

  it('sends the message by the uploaded id, and fails in words when the file is gone', async () => {
    const png = samplePng();
    const store = {
      read: async (id: string) =>
        id === 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K'
          ? {
              info: { id, kind: 'image' as const, mimeType: 'image/png', size: png.length },
              bytes: new Uint8Array(png),
            }
          : undefined,
    };
    const sender = new GraphWhatsAppSender({
      ...options(),
      prepare: (message) =>
        withUploadedMedia(message, { store, upload: (file) => uploadMedia(options(), file) }),
    });
    const result = await sender.send({
      to: '+4915112345678',
      content: mediaContent({
        id: 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K',
        kind: 'image',
        mimeType: 'image/png',
        caption: 'Here it is',
      }),
    });
    expect(result.ok).toBe(true);
    const uploaded = graph.media.uploads.at(-1)!;
    expect(uploaded.type).toBe('image/png');
    const sent = graph.requests.at(-1)!;
    expect(sent.path).toBe('/v25.0/106540352242922/messages');
    expect(sent.body).toMatchObject({ type: 'image', image: { id: uploaded.id, caption: 'Here it is' } });

    const gone = await sender.send({
      to: '+4915112345678',
      content: mediaContent({ id: 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8M', kind: 'image', mimeType: 'image/png' }),
    });
    expect(gone).toMatchObject({ ok: false, failure: { title: 'Media not found', action: 'fail' } });
  });
});

describe('the DEV samples', () => {
  it('are a real PNG (its image data inflates to 64 rows of 64 RGB pixels) and a PDF', () => {
    const png = samplePng();
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const idatLength = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString('ascii')).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLength)).length).toBe(64 * (1 + 64 * 3));
    const pdf = samplePdf().toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xref, xref + 4)).toBe('xref');
  });
});
