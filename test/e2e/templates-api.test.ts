import { createPlatformClient } from '../../clients/typescript';
import { bootPlatform, type TestPlatform } from '../support/platform';

describe('templates API through the local runtime', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await bootPlatform();
  });
  afterAll(() => p.stop());

  const welcome = { name: 'welcome', body: 'Hello {{customerName}}! Welcome to our service.' };

  it('creates, reads, previews, updates and deletes a template', async () => {
    const created = await p.api('/api/templates', { method: 'POST', json: welcome });
    expect(created.status).toBe(201);
    const template = (await created.json()) as { id: string; variables: string[]; version: number };
    expect(template).toMatchObject({
      ...welcome,
      category: 'utility',
      variables: ['customerName'],
      version: 1,
    });

    const got = await p.api(`/api/templates/${template.id}`);
    expect(await got.json()).toEqual(template);

    const preview = await p.api(`/api/templates/${template.id}/preview`, {
      method: 'POST',
      json: { variables: { customerName: 'John' }, to: '+1234567890' },
    });
    expect(preview.status).toBe(200);
    expect(await preview.json()).toEqual({
      text: 'Hello John! Welcome to our service.',
      payload: {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+1234567890',
        type: 'text',
        text: { preview_url: false, body: 'Hello John! Welcome to our service.' },
      },
    });

    const updated = await p.api(`/api/templates/${template.id}`, {
      method: 'PUT',
      json: {
        ...welcome,
        body: 'Hi {{customerName}}, your code is {{code}}',
        defaults: { code: 'WELCOME10' },
      },
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ version: 2, variables: ['customerName', 'code'] });

    const listed = (await (await p.api('/api/templates?limit=100')).json()) as { items: { id: string }[] };
    expect(listed.items.map((t) => t.id)).toContain(template.id);

    expect((await p.api(`/api/templates/${template.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await p.api(`/api/templates/${template.id}`)).status).toBe(404);
  });

  it('previews a mapped template with the Meta template payload too', async () => {
    const res = await p.api('/api/templates', {
      method: 'POST',
      json: {
        name: 'promo',
        category: 'marketing',
        body: 'Hi {{customerName}}, take {{discount}} off!',
        buttons: [{ title: 'Shop now' }, { title: 'Stop promotions' }],
        whatsapp: { name: 'spring_promo', language: 'en_US', body: ['customerName', 'discount'] },
      },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const preview = (await (
      await p.api(`/api/templates/${id}/preview`, {
        method: 'POST',
        json: { variables: { customerName: 'Ann', discount: '20%' } },
      })
    ).json()) as { payload: { type: string }; metaTemplatePayload: { template: unknown } };
    expect(preview.payload.type).toBe('interactive');
    expect(preview.metaTemplatePayload.template).toEqual({
      name: 'spring_promo',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ann' },
            { type: 'text', text: '20%' },
          ],
        },
      ],
    });
  });

  describe('errors are JSON with a code, a message and details', () => {
    let id: string;
    beforeAll(async () => {
      const res = await p.api('/api/templates', {
        method: 'POST',
        json: { name: 'errors', body: '{{a}} {{b}} {{c}}' },
      });
      id = ((await res.json()) as { id: string }).id;
    });

    async function expectError(res: Response, status: number, code: string) {
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
      return body.error;
    }

    it('400 with field paths for schema violations', async () => {
      const error = await expectError(
        await p.api('/api/templates', {
          method: 'POST',
          json: { name: '', body: 'x', buttons: [{ title: 'This title is far too long' }], extra: 1 },
        }),
        400,
        'validation_failed',
      );
      const fields = (error.details as { field: string }[]).map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'buttons.0.title']));
      expect(error.message).toMatch(/extra/);
    });

    it('400 naming the position of bad placeholders', async () => {
      const error = await expectError(
        await p.api('/api/templates', { method: 'POST', json: { name: 'bad', body: 'Hello {{name' } }),
        400,
        'validation_failed',
      );
      expect(error.details).toEqual([{ field: 'body', message: 'unclosed "{{" at position 6' }]);
    });

    it('400 for malformed JSON', async () => {
      await expectError(
        await p.api('/api/templates', {
          method: 'POST',
          body: '{"name":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed_json',
      );
    });

    it('400 for a bad cursor or limit', async () => {
      await expectError(await p.api('/api/templates?cursor=nonsense'), 400, 'invalid_cursor');
      await expectError(await p.api('/api/templates?limit=0'), 400, 'validation_failed');
    });

    it('404 for an unknown route or template', async () => {
      await expectError(await p.api('/api/nothing-here'), 404, 'not_found');
      await expectError(await p.api('/api/templates/01UNKNOWN'), 404, 'not_found');
    });

    it('405 with Allow for a wrong method', async () => {
      const res = await p.api('/api/templates', { method: 'PATCH', json: {} });
      await expectError(res, 405, 'method_not_allowed');
      expect(res.headers.get('allow')).toBe('POST, GET');
    });

    it('409 for a duplicate name', async () => {
      await expectError(
        await p.api('/api/templates', { method: 'POST', json: { name: 'ERRORS', body: 'x' } }),
        409,
        'conflict',
      );
    });

    it('413 for a body over 1 MB', async () => {
      const res = await p.api('/api/templates', {
        method: 'POST',
        json: { name: 'big', body: 'x'.repeat(1_100_000) },
      });
      await expectError(res, 413, 'payload_too_large');
    });

    it('415 for a body that is not JSON', async () => {
      await expectError(
        await p.api('/api/templates', {
          method: 'POST',
          body: 'name=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'unsupported_media_type',
      );
    });

    it('422 listing every missing variable', async () => {
      const error = await expectError(
        await p.api(`/api/templates/${id}/preview`, { method: 'POST', json: { variables: { b: 'x' } } }),
        422,
        'missing_variables',
      );
      expect(error.details).toEqual({ missing: ['a', 'c'] });
    });

    it("422 when the rendered text is over WhatsApp's limit", async () => {
      const error = await expectError(
        await p.api(`/api/templates/${id}/preview`, {
          method: 'POST',
          json: { variables: { a: 'x'.repeat(3000), b: 'y'.repeat(1000), c: 'z'.repeat(100) } },
        }),
        422,
        'message_too_long',
      );
      expect(error.details).toEqual({ field: 'body', length: 4102, limit: 4096 });
    });
  });

  describe('authentication', () => {
    const managementRoutes: [string, string][] = [
      ['GET', '/api/templates'],
      ['POST', '/api/templates'],
      ['GET', '/api/templates/x'],
      ['PUT', '/api/templates/x'],
      ['DELETE', '/api/templates/x'],
      ['POST', '/api/templates/x/preview'],
    ];

    it.each(managementRoutes)('%s %s answers 401 without a key', async (method, path) => {
      const res = await fetch(`${p.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    });

    it('401 for a wrong or revoked key', async () => {
      const wrong = await fetch(`${p.url}/api/templates`, {
        headers: { authorization: 'Bearer wak_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
      });
      expect(wrong.status).toBe(401);
      const keyId = p.apiKey.split('_')[1]!;
      const other = await bootPlatform();
      try {
        await other.deps.apiKeys.revoke(other.apiKey.split('_')[1]!, new Date().toISOString());
        const revoked = await other.api('/api/templates');
        expect(revoked.status).toBe(401);
      } finally {
        await other.stop();
      }
      expect(keyId).toHaveLength(12);
    });

    it('serves health, the OpenAPI document and the docs page without a key', async () => {
      const health = await fetch(`${p.url}/api/health`);
      expect(await health.json()).toEqual({ status: 'ok', mode: 'DEV' });
      const doc = (await (await fetch(`${p.url}/api/openapi.json`)).json()) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/templates',
          '/api/templates/{id}',
          '/api/templates/{id}/preview',
          '/api/health',
        ]),
      );
      expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
      const docs = await fetch(`${p.url}/api/docs`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toMatch(/swagger/i);
    });

    it('echoes a correlation id on every response', async () => {
      const res = await p.api('/api/templates', { headers: { 'x-correlation-id': 'trace-123' } });
      expect(res.headers.get('x-correlation-id')).toBe('trace-123');
      const generated = await fetch(`${p.url}/api/health`);
      expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});

describe('the typed client generated from the OpenAPI document', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await bootPlatform();
  });
  afterAll(() => p.stop());

  it('creates a template, previews it, and reads a typed error', async () => {
    const api = createPlatformClient({ baseUrl: p.url, apiKey: p.apiKey });
    const created = await api.POST('/api/templates', {
      body: { name: 'typed', body: 'Hi {{customerName}}, your order {{order}} is on its way.' },
    });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    expect(created.data!.variables).toEqual(['customerName', 'order']);

    const preview = await api.POST('/api/templates/{id}/preview', {
      params: { path: { id } },
      body: { variables: { customerName: 'Ann', order: 'A-17' } },
    });
    expect(preview.data?.text).toBe('Hi Ann, your order A-17 is on its way.');

    const missing = await api.POST('/api/templates/{id}/preview', {
      params: { path: { id } },
      body: { variables: { customerName: 'Ann' } },
    });
    expect(missing.response.status).toBe(422);
    expect(missing.error?.error.code).toBe('missing_variables');

    const anonymous = await createPlatformClient({ baseUrl: p.url }).GET('/api/templates');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.error.code).toBe('unauthorized');
  });
});
