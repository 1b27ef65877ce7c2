import { checkDraft, definitionOf, draftOf, EMPTY_DRAFT } from '../../web/src/template-draft';

describe('the template editor checks with the server template code', () => {
  it('detects variables as they are typed and previews the exact Graph payload', () => {
    const draft = { ...EMPTY_DRAFT, name: 'welcome', body: 'Hello {{name}}, your code is {{ code }}.' };
    const missing = checkDraft(draft, { name: 'Ana' });
    expect(missing.variables).toEqual(['name', 'code']);
    expect(missing.preview).toMatchObject({
      ok: false,
      code: 'missing_variables',
      message: 'missing variables: code',
    });

    const done = checkDraft(draft, { name: 'Ana', code: '42' });
    expect(done.preview).toMatchObject({
      ok: true,
      text: 'Hello Ana, your code is 42.',
      payload: { messaging_product: 'whatsapp', type: 'text', text: { body: 'Hello Ana, your code is 42.' } },
    });
  });

  it('points at the broken placeholder instead of previewing', () => {
    const check = checkDraft({ ...EMPTY_DRAFT, name: 'x', body: 'Hi {{name' }, {});
    expect(check.problems.body).toBeDefined();
    expect(check.preview).toBeUndefined();
  });

  it('previews buttons as an interactive message and a mapped template as both payloads', () => {
    const draft = {
      ...EMPTY_DRAFT,
      name: 'promo',
      body: 'Sale for {{name}}',
      category: 'marketing' as const,
      buttons: ['Yes', 'No'],
      metaName: 'spring_sale',
      metaLanguage: 'en_US',
      metaBody: 'name',
    };
    const check = checkDraft(draft, { name: 'Ana' });
    expect(check.problems.whatsapp).toBeUndefined();
    expect(check.preview).toMatchObject({
      ok: true,
      payload: { type: 'interactive', interactive: { type: 'button' } },
      metaTemplatePayload: {
        type: 'template',
        template: { name: 'spring_sale', language: { code: 'en_US' } },
      },
    });
  });

  it('round-trips a template through the form', () => {
    const def = definitionOf({
      ...EMPTY_DRAFT,
      name: 'doc',
      body: 'Your invoice',
      mediaType: 'document',
      mediaUrl: 'https://example.com/i.pdf',
      mediaFilename: 'invoice.pdf',
      defaults: { name: 'there', unused: '' },
    });
    expect(def).toEqual({
      name: 'doc',
      body: 'Your invoice',
      category: 'utility',
      defaults: { name: 'there' },
      media: { type: 'document', url: 'https://example.com/i.pdf', filename: 'invoice.pdf' },
    });
    expect(definitionOf(draftOf(def))).toEqual(def);
  });
});
