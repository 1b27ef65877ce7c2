import { ConsoleWhatsAppSender } from '../../functions/adapters/whatsapp/console-sender';
import { GraphWhatsAppSender } from '../../functions/adapters/whatsapp/graph-sender';
import type { OutboundMessage } from '../../functions/domain/outbound-message';
import { accepted, type FakeAnswer, FakeGraphServer } from '../support/fake-graph';
import { fixtureText } from '../support/fixtures';

const hello: OutboundMessage = {
  to: '+1234567890',
  content: { kind: 'text', body: 'Hello John! Welcome to our service.' },
};

describe('ConsoleWhatsAppSender (DEV mode)', () => {
  it('prints exactly the documented line and returns a synthetic wamid', async () => {
    const lines: string[] = [];
    const result = await new ConsoleWhatsAppSender((l) => lines.push(l)).send(hello);
    expect(lines).toEqual(['[DEV] WhatsApp send to +1234567890: Hello John! Welcome to our service.']);
    expect(result.ok && result.wamid).toMatch(/^wamid\./);
  });

  it('renders templates, media and buttons as one readable line', async () => {
    const lines: string[] = [];
    const sender = new ConsoleWhatsAppSender((l) => lines.push(l));
    await sender.send({
      to: '+1',
      content: {
        kind: 'template',
        name: 'promo',
        language: 'en_US',
        bodyParameters: [],
        preview: 'Hi Jo,\nuse X1',
      },
    });
    await sender.send({
      to: '+1',
      content: { kind: 'media', media: { type: 'image', url: 'https://e.com/i.png' }, caption: 'Look' },
    });
    await sender.send({
      to: '+1',
      content: { kind: 'buttons', body: 'Pick', buttons: [{ id: 'y', title: 'Yes' }] },
    });
    expect(lines).toEqual([
      '[DEV] WhatsApp send to +1: [template promo/en_US] Hi Jo, / use X1',
      '[DEV] WhatsApp send to +1: [image https://e.com/i.png] Look',
      '[DEV] WhatsApp send to +1: Pick [Yes]',
    ]);
  });
});

describe('GraphWhatsAppSender (LIVE mode) against a fake Graph API on loopback', () => {
  let answer: FakeAnswer | undefined;
  const graph = new FakeGraphServer({ respond: () => answer });
  let sender: GraphWhatsAppSender;

  beforeAll(async () => {
    await graph.start();
    sender = new GraphWhatsAppSender({
      baseUrl: graph.baseUrl,
      apiVersion: 'v25.0',
      phoneNumberId: '106540352242922',
      accessToken: 'test-token',
      timeoutMs: 300,
    });
  });
  afterAll(() => graph.stop());
  beforeEach(() => {
    answer = undefined;
    graph.requests.length = 0;
  });

  it('posts the payload with the bearer token to /{version}/{phone-number-id}/messages', async () => {
    answer = accepted('+1234567890');
    const result = await sender.send(hello);
    expect(result.ok && result.wamid).toMatch(/^wamid\.FAKE/);
    expect(graph.requests).toEqual([
      {
        method: 'POST',
        path: '/v25.0/106540352242922/messages',
        authorization: 'Bearer test-token',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '+1234567890',
          type: 'text',
          text: { preview_url: false, body: 'Hello John! Welcome to our service.' },
        },
      },
    ]);
  });

  // Each real error body, with the HTTP status Meta is reported to use for it.
  it.each([
    [
      'err-01-130429-rate-limit-meta-doc.json',
      400,
      false,
      {
        code: 130429,
        title: 'Rate limit hit',
        details: 'Cloud API message throughput has been reached.',
        action: 'retry',
      },
    ],
    [
      'err-02-190-invalid-oauth-token-netflie.json',
      401,
      false,
      { code: 190, title: 'Invalid OAuth access token - Cannot parse access token', action: 'pause' },
    ],
    [
      'err-03-190-expired-access-token-pywa.json',
      401,
      true,
      { code: 190, action: 'pause', fbtraceId: 'ACEyrTehk6IAd0lm05Ixogh' },
    ],
    [
      'err-04-131047-reengagement-error-object-pywa.json',
      400,
      true,
      { code: 131047, action: 'fail', details: expect.stringContaining('more than 24 hours') },
    ],
    [
      'err-05-131053-media-upload-error-object-pywa.json',
      400,
      true,
      { code: 131053, action: 'fail', details: expect.stringContaining('http code 429') },
    ],
    [
      'err-06-100-invalid-parameter-mm-api-meta-doc.json',
      400,
      false,
      {
        code: 100,
        title: 'Invalid parameter',
        details: 'Message must be a template message.',
        action: 'fail',
      },
    ],
  ])('parses %s into a typed failure', async (file, status, innerObject, expected) => {
    const raw = fixtureText(file);
    // Some fixtures are the inner error object only; Graph wraps it as {"error": ...}.
    answer = { status, body: innerObject ? `{"error":${raw}}` : raw };
    const result = await sender.send(hello);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure).toMatchObject({ httpStatus: status, ...expected });
  });

  it('treats a timeout as retryable', async () => {
    answer = 'hang';
    const result = await sender.send(hello);
    expect(!result.ok && result.failure).toMatchObject({
      code: null,
      title: 'Request timed out',
      action: 'retry',
    });
  });

  it('treats a 5xx without a Meta body as retryable', async () => {
    answer = { status: 502, body: '<html>Bad gateway</html>' };
    const result = await sender.send(hello);
    expect(!result.ok && result.failure).toMatchObject({ code: null, httpStatus: 502, action: 'retry' });
  });

  it('does not resend a 200 without a message id, since Meta may have accepted it', async () => {
    answer = { status: 200, body: { messaging_product: 'whatsapp' } };
    const result = await sender.send(hello);
    expect(!result.ok && result.failure).toMatchObject({ code: null, action: 'fail' });
  });

  it('reports a refused connection as retryable', async () => {
    const gone = await new FakeGraphServer().start();
    const baseUrl = gone.baseUrl;
    await gone.stop();
    const closed = new GraphWhatsAppSender({
      baseUrl,
      apiVersion: 'v25.0',
      phoneNumberId: '1',
      accessToken: 't',
      timeoutMs: 300,
    });
    const result = await closed.send(hello);
    expect(!result.ok && result.failure).toMatchObject({
      code: null,
      title: 'Network error',
      message: expect.stringContaining('ECONNREFUSED'),
      action: 'retry',
    });
  });
});
