/** Meta's view of templates: reading the Graph list and webhooks, the send check, and importing. */
import {
  importMetaTemplate,
  type MetaTemplate,
  mappingProblems,
  metaParameters,
  readGraphTemplate,
  recordFromSync,
  recordFromUpdate,
  sendCheck,
  statusAfterEvent,
  templatePauseReason,
} from '../../functions/domain/meta-template';
import { checkTemplateDefinition, type TemplateDefinition } from '../../functions/domain/template';
import { readNotification, updatesOf } from '../../functions/domain/webhook';
import { actionForCode } from '../../functions/domain/whatsapp-errors';
import {
  templateCategoryWebhook,
  templateQualityWebhook,
  templateStatusWebhook,
} from '../support/fake-graph-templates';

/** A Graph list item as Meta answers `fields=id,name,language,status,category,...`. */
const orderReady = {
  id: '1234567890',
  name: 'order_ready',
  language: 'en_US',
  status: 'APPROVED',
  category: 'UTILITY',
  parameter_format: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}', example: { header_text: ['A-17'] } },
    {
      type: 'BODY',
      text: 'Hi {{1}}, your order is ready for pickup at {{2}}.',
      example: { body_text: [['Ann', '5 pm']] },
    },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Thanks' },
        { type: 'URL', text: 'Track', url: 'https://example.com/track' },
      ],
    },
  ],
  quality_score: { score: 'GREEN', date: 1_760_000_000 },
  rejected_reason: 'NONE',
};

const at = '2026-12-01T09:00:00.000Z';
const record = (raw: unknown, when = at): MetaTemplate =>
  recordFromSync(undefined, readGraphTemplate(raw)!, when);

const mapped = (whatsapp: TemplateDefinition['whatsapp'], extra: Partial<TemplateDefinition> = {}) =>
  ({ name: 'x', body: 'Hi {{customerName}}', category: 'utility', whatsapp, ...extra }) as TemplateDefinition;

describe("reading Meta's template list", () => {
  it('keeps status, category, quality, format and components; NONE is no rejection', () => {
    const facts = readGraphTemplate(orderReady)!;
    expect(facts).toMatchObject({
      metaId: '1234567890',
      name: 'order_ready',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      parameterFormat: 'positional',
      quality: 'GREEN',
    });
    expect(facts.rejectedReason).toBeUndefined();
    expect(facts.components.map((c) => c.type)).toEqual(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']);
    expect(metaParameters(facts)).toEqual({
      format: 'positional',
      body: ['1', '2'],
      header: { kind: 'text', parameters: ['1'] },
      dynamicButtons: 0,
    });
  });

  it('infers named parameters when parameter_format is not listed, and skips items without a name', () => {
    const facts = readGraphTemplate({
      name: 'welcome',
      language: 'de',
      status: 'rejected',
      rejected_reason: 'INVALID_FORMAT',
      components: [{ type: 'body', text: 'Hallo {{first_name}}!' }],
    })!;
    expect(facts).toMatchObject({
      status: 'REJECTED',
      parameterFormat: 'named',
      rejectedReason: 'INVALID_FORMAT',
    });
    expect(readGraphTemplate({ language: 'de' })).toBeUndefined();
    expect(readGraphTemplate('nope')).toBeUndefined();
  });
});

describe('whether a mapping may be sent through its Meta template', () => {
  const meta = record(orderReady);
  const good = mapped({
    name: 'order_ready',
    language: 'en_US',
    parameterFormat: 'positional',
    body: ['customerName', 'pickupTime'],
    header: { variable: 'orderId' },
  });

  it('passes an approved template whose parameters the mapping fills, with its category', () => {
    expect(sendCheck(good, meta)).toEqual({ ok: true, category: 'utility' });
    expect(sendCheck(mapped(undefined), undefined)).toEqual({ ok: true });
  });

  it('refuses one that is not approved, naming the template, its status and the reason', () => {
    const pending = sendCheck(good, { ...meta, status: 'PENDING' });
    expect(pending).toMatchObject({ ok: false, code: 'template_not_approved' });
    expect(!pending.ok && pending.message).toMatch(/"order_ready" \(en_US\) is PENDING, not APPROVED/);
    const rejected = sendCheck(good, { ...meta, status: 'REJECTED', rejectedReason: 'INVALID_FORMAT' });
    expect(!rejected.ok && rejected.message).toContain('is REJECTED (INVALID_FORMAT)');
    const unknown = sendCheck(good, undefined);
    expect(!unknown.ok && unknown.message).toContain('is not in the WhatsApp Business Account');
  });

  it('names each parameter the mapping gets wrong', () => {
    const fewer = mappingProblems(mapped({ ...good.whatsapp!, body: ['customerName'] }), meta);
    expect(fewer).toEqual(['its body has 2 parameters and the mapping fills 1']);
    const noHeader = mappingProblems(mapped({ ...good.whatsapp!, header: undefined }), meta);
    expect(noHeader).toEqual(['its header has the parameter {{1}}, which the mapping does not fill']);
    const named = sendCheck(mapped({ ...good.whatsapp!, parameterFormat: 'named' }), meta);
    expect(named).toMatchObject({ ok: false, code: 'template_mismatch' });
    expect(!named.ok && named.message).toContain('parameterFormat must be "positional"');

    const namedMeta = record({
      name: 'promo',
      language: 'en',
      status: 'APPROVED',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.example/x.png'] } },
        { type: 'BODY', text: 'Hi {{first_name}}, {{discount}} off!' },
      ],
    });
    const promo = mapped({
      name: 'promo',
      language: 'en',
      parameterFormat: 'named',
      body: [{ parameter: 'first_name', variable: 'customerName' }, 'code'],
    });
    expect(mappingProblems(promo, namedMeta)).toEqual([
      'the mapping does not fill its body parameter {{discount}}',
      'the mapping fills {{code}}, which its body does not have',
      'its header is an image, which the mapping does not send (header: {"media": true})',
    ]);
    const withMedia = mapped(
      {
        ...promo.whatsapp!,
        body: [{ parameter: 'first_name', variable: 'customerName' }, 'discount'],
        header: { media: true },
      },
      { media: { type: 'document', url: 'https://example.com/a.pdf' } },
    );
    expect(mappingProblems(withMedia, namedMeta)).toEqual([
      "its header is an image, and the template's media is a document",
    ]);
    // Known only from a webhook (no components yet): the status decides, the parameters wait for a sync.
    expect(sendCheck(good, { ...meta, components: [] })).toEqual({ ok: true, category: 'utility' });
  });
});

describe('importing a Meta template as a platform template', () => {
  it('turns {{1}} into variables (chosen or param1...), keeps the mapping and says what stays with Meta', () => {
    const outcome = importMetaTemplate(readGraphTemplate(orderReady)!, {
      variables: { '1': 'customerName' },
    });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.definition).toEqual({
      name: 'order_ready',
      body: 'Hi {{customerName}}, your order is ready for pickup at {{param2}}.',
      category: 'utility',
      buttons: [{ title: 'Thanks' }],
      whatsapp: {
        name: 'order_ready',
        language: 'en_US',
        parameterFormat: 'positional',
        body: ['customerName', 'param2'],
        header: { variable: 'header1' },
      },
    });
    expect(outcome.notes.join(' ')).toMatch(/header text.*URL, phone.*footer/);
    expect(checkTemplateDefinition(outcome.definition)).toEqual([]);
    // The imported template passes the send check against the template it came from.
    expect(sendCheck(outcome.definition, record(orderReady))).toEqual({ ok: true, category: 'utility' });
  });

  it('keeps named parameters as variables, takes a media header from the example, and refuses video', () => {
    const named = importMetaTemplate(
      readGraphTemplate({
        name: 'promo',
        language: 'en',
        category: 'MARKETING',
        parameter_format: 'NAMED',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.example/x.png'] } },
          { type: 'BODY', text: 'Hi {{first_name}}, take {{discount}} off.' },
        ],
      })!,
    );
    expect(named.ok && named.definition).toMatchObject({
      body: 'Hi {{first_name}}, take {{discount}} off.',
      category: 'marketing',
      media: { type: 'image', url: 'https://scontent.example/x.png' },
      whatsapp: { parameterFormat: 'named', body: ['first_name', 'discount'], header: { media: true } },
    });
    const video = importMetaTemplate(
      readGraphTemplate({
        name: 'v',
        language: 'en',
        components: [
          { type: 'HEADER', format: 'VIDEO' },
          { type: 'BODY', text: 'Watch.' },
        ],
      })!,
    );
    expect(video).toEqual({
      ok: false,
      problems: [{ field: 'components', message: expect.stringContaining('video header') }],
    });
  });
});

describe('template webhooks', () => {
  const t = { id: '1234567890', name: 'order_ready', language: 'en_US', category: 'UTILITY' };
  const updates = (body: unknown) => {
    const n = readNotification(body);
    return n.ok ? n.changes.flatMap(updatesOf) : [];
  };

  it('are read into named updates with the entry time', () => {
    const [status] = updates(
      templateStatusWebhook(t, 'REJECTED', { reason: 'INVALID_FORMAT', time: 1_764_579_600 }),
    );
    expect(status).toEqual({
      kind: 'template_status',
      metaId: '1234567890',
      name: 'order_ready',
      language: 'en_US',
      at: '2025-12-01T09:00:00.000Z',
      event: 'REJECTED',
      reason: 'INVALID_FORMAT',
      category: 'UTILITY',
    });
    expect(updates(templateStatusWebhook(t, 'APPROVED'))[0]).not.toHaveProperty('reason');
    expect(updates(templateQualityWebhook(t, 'GREEN', 'RED'))[0]).toMatchObject({
      kind: 'template_quality',
      quality: 'RED',
      previous: 'GREEN',
    });
    expect(updates(templateCategoryWebhook(t, { previous: 'UTILITY', next: 'MARKETING' }))[0]).toMatchObject({
      kind: 'template_category',
      category: 'MARKETING',
      previous: 'UTILITY',
    });
    const announced = updates(
      templateCategoryWebhook(t, { current: 'UTILITY', correct: 'MARKETING', at: 1_764_579_600 }),
    )[0];
    expect(announced).toMatchObject({
      kind: 'template_category',
      category: 'MARKETING',
      pending: { at: '2025-12-01T09:00:00.000Z' },
    });
  });

  it('move the record: status and reason, quality, and the category only once the change is done', () => {
    const base = record(orderReady);
    const later = '2026-12-01T10:00:00.000Z';
    const paused = recordFromUpdate(
      base,
      { kind: 'template_status', ...t, event: 'PAUSED', reason: 'low quality' },
      later,
    )!;
    expect(paused).toMatchObject({ status: 'PAUSED', statusReason: 'low quality', observedAt: later });
    expect(templatePauseReason(paused)).toBe(
      'WhatsApp template "order_ready" (en_US) is PAUSED (low quality): resume the campaign once Meta approves it again',
    );
    const flagged = recordFromUpdate(base, { kind: 'template_status', ...t, event: 'FLAGGED' }, later)!;
    expect(flagged).toMatchObject({ status: 'APPROVED', statusReason: 'flagged for low quality' });
    const approved = recordFromUpdate(paused, { kind: 'template_status', ...t, event: 'APPROVED' }, later)!;
    expect(approved.status).toBe('APPROVED');
    expect(approved.statusReason).toBeUndefined();

    const pending = recordFromUpdate(
      base,
      { kind: 'template_category', ...t, category: 'MARKETING', pending: {} },
      later,
    )!;
    expect(pending).toMatchObject({ category: 'UTILITY', pendingCategory: { category: 'MARKETING' } });
    const done = recordFromUpdate(
      pending,
      { kind: 'template_category', ...t, category: 'MARKETING', previous: 'UTILITY' },
      later,
    )!;
    expect(done).toMatchObject({ category: 'MARKETING', previousCategory: 'UTILITY' });
    expect(done.pendingCategory).toBeUndefined();
    expect(
      recordFromUpdate(base, { kind: 'template_quality', ...t, quality: 'YELLOW' }, later),
    ).toMatchObject({ quality: 'YELLOW' });

    // Raised before the sync that is stored: the sync already reflects it, so nothing changes.
    expect(
      recordFromUpdate(base, { kind: 'template_status', ...t, event: 'PAUSED' }, '2026-12-01T08:00:00.000Z'),
    ).toBeUndefined();
    // A template never synced gets a record without components.
    expect(
      recordFromUpdate(undefined, { kind: 'template_status', ...t, event: 'APPROVED' }, later),
    ).toMatchObject({
      status: 'APPROVED',
      components: [],
    });
  });

  it('a sync keeps what only webhooks say, and takes a new category as a completed change', () => {
    const base = recordFromUpdate(
      record(orderReady),
      { kind: 'template_category', ...t, category: 'MARKETING', pending: {} },
      at,
    )!;
    const same = recordFromSync(base, readGraphTemplate(orderReady)!, '2026-12-01T11:00:00.000Z');
    expect(same.pendingCategory).toEqual({ category: 'MARKETING' });
    const moved = recordFromSync(
      base,
      readGraphTemplate({ ...orderReady, category: 'MARKETING' })!,
      '2026-12-01T11:00:00.000Z',
    );
    expect(moved).toMatchObject({
      category: 'MARKETING',
      previousCategory: 'UTILITY',
      lastSyncedAt: '2026-12-01T11:00:00.000Z',
    });
    expect(moved.pendingCategory).toBeUndefined();
  });

  it('statuses follow the events Meta names', () => {
    expect(statusAfterEvent('PAUSED', 'APPROVED')).toBe('PAUSED');
    expect(statusAfterEvent('FLAGGED', 'APPROVED')).toBe('APPROVED');
    expect(statusAfterEvent('REINSTATED', 'DISABLED')).toBe('APPROVED');
    expect(statusAfterEvent('SOMETHING_NEW', 'PENDING')).toBe('PENDING');
  });

  it('a paused or disabled template met at send time pauses the campaign instead of failing everyone', () => {
    expect(actionForCode(132015)).toBe('pause');
    expect(actionForCode(132016)).toBe('pause');
  });
});
