import { buildGraphPayload } from '../../functions/domain/graph-payload';
import {
  checkTemplateDefinition,
  renderTemplate,
  type TemplateDefinition,
  templateVariables,
} from '../../functions/domain/template';

const welcome: TemplateDefinition = {
  name: 'welcome',
  body: 'Hello {{customerName}}! Welcome to our service.',
  category: 'utility',
};

describe('renderTemplate', () => {
  it('renders a plain text message', () => {
    const r = renderTemplate(welcome, { customerName: 'John' });
    expect(r).toEqual({
      ok: true,
      text: 'Hello John! Welcome to our service.',
      session: { kind: 'text', body: 'Hello John! Welcome to our service.' },
    });
  });

  it('reports every missing variable by name', () => {
    const def = { ...welcome, body: '{{a}} {{b}} {{c}}', defaults: { b: 'x' } };
    expect(renderTemplate(def, {})).toEqual({ ok: false, code: 'missing_variables', missing: ['a', 'c'] });
  });

  it('sends media with the caption template, or the body as caption', () => {
    const withCaption = renderTemplate(
      {
        ...welcome,
        media: {
          type: 'document',
          url: 'https://example.com/a.pdf',
          filename: 'a.pdf',
          caption: 'For {{customerName}}',
        },
      },
      { customerName: 'Ann' },
    );
    expect(withCaption.ok && withCaption.session).toEqual({
      kind: 'media',
      media: { type: 'document', url: 'https://example.com/a.pdf', filename: 'a.pdf' },
      caption: 'For Ann',
    });
    const bodyAsCaption = renderTemplate(
      { ...welcome, media: { type: 'image', url: 'https://example.com/a.png' } },
      {
        customerName: 'Ann',
      },
    );
    expect(bodyAsCaption.ok && bodyAsCaption.text).toBe('Hello Ann! Welcome to our service.');
  });

  it('makes reply buttons with ids derived from titles', () => {
    const r = renderTemplate(
      { ...welcome, buttons: [{ title: 'Yes, please!' }, { id: 'no', title: 'No' }] },
      {
        customerName: 'Ann',
      },
    );
    expect(r.ok && r.session).toMatchObject({
      kind: 'buttons',
      buttons: [
        { id: 'yes-please', title: 'Yes, please!' },
        { id: 'no', title: 'No' },
      ],
    });
  });

  it('enforces WhatsApp limits on the rendered text', () => {
    const long = 'x'.repeat(4000);
    expect(renderTemplate({ ...welcome, body: '{{v}}' }, { v: `${long}${long}` })).toMatchObject({
      ok: false,
      code: 'message_too_long',
      field: 'body',
      limit: 4096,
    });
    expect(
      renderTemplate(
        { ...welcome, body: '{{v}}', media: { type: 'image', url: 'https://e.com/i.png' } },
        { v: long },
      ),
    ).toMatchObject({ ok: false, code: 'message_too_long', limit: 1024 });
    expect(
      renderTemplate({ ...welcome, body: '{{v}}', buttons: [{ title: 'OK' }] }, { v: long }),
    ).toMatchObject({
      ok: false,
      code: 'message_too_long',
      limit: 1024,
    });
  });

  it('maps variables to a positional Meta template', () => {
    const def: TemplateDefinition = {
      ...welcome,
      category: 'marketing',
      body: 'Hi {{customerName}}, use {{code}}',
      whatsapp: {
        name: 'promo',
        language: 'en_US',
        parameterFormat: 'positional',
        body: ['customerName', 'code'],
      },
    };
    const r = renderTemplate(def, { customerName: 'Jo', code: 'X1' });
    expect(
      r.ok && r.metaTemplate && buildGraphPayload({ to: '+15551234567', content: r.metaTemplate }),
    ).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+15551234567',
      type: 'template',
      template: {
        name: 'promo',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Jo' },
              { type: 'text', text: 'X1' },
            ],
          },
        ],
      },
    });
  });

  it('maps named parameters and a media header', () => {
    const def: TemplateDefinition = {
      ...welcome,
      media: { type: 'image', url: 'https://e.com/i.png' },
      whatsapp: {
        name: 'welcome_discount',
        language: 'en_US',
        parameterFormat: 'named',
        body: [{ parameter: 'first_name', variable: 'customerName' }, 'discount_code'],
        header: { media: true },
      },
    };
    expect(templateVariables(def)).toEqual(['customerName', 'discount_code']);
    const r = renderTemplate(def, { customerName: 'Jessica', discount_code: 'WELCOME25' });
    const payload =
      r.ok && r.metaTemplate ? buildGraphPayload({ to: '+1', content: r.metaTemplate }) : undefined;
    expect(payload?.template).toEqual({
      name: 'welcome_discount',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://e.com/i.png' } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'Jessica' },
            { type: 'text', parameter_name: 'discount_code', text: 'WELCOME25' },
          ],
        },
      ],
    });
  });

  it('refuses template parameter values WhatsApp rejects', () => {
    const def: TemplateDefinition = {
      ...welcome,
      whatsapp: { name: 'w', language: 'en', parameterFormat: 'positional', body: ['customerName'] },
    };
    expect(renderTemplate(def, { customerName: 'two\nlines' })).toMatchObject({
      ok: false,
      code: 'invalid_parameter',
      variable: 'customerName',
    });
  });
});

describe('checkTemplateDefinition', () => {
  it('names each problem with its field', () => {
    const problems = checkTemplateDefinition({
      name: 'bad',
      body: 'Hi {{name',
      category: 'marketing',
      media: { type: 'image', url: 'https://e.com/i.png', caption: '{{}}' },
      buttons: [{ title: 'Yes' }, { title: 'yes' }],
    });
    expect(problems.map((p) => p.field)).toEqual(['body', 'media.caption', 'buttons.1.title', 'whatsapp']);
  });

  it('accepts a valid definition', () => {
    expect(checkTemplateDefinition(welcome)).toEqual([]);
  });
});
