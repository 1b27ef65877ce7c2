/** Submitting a template for approval: Meta's creation rules, each named, and the request built. */
import { readGraphTemplate, recordFromSync, sendCheck } from '../../functions/domain/meta-template';
import {
  creationWindow,
  metaParameterName,
  planSubmission,
  type SubmitPlan,
} from '../../functions/domain/meta-template-submit';
import type { TemplateDefinition } from '../../functions/domain/template';

const template = (extra: Partial<TemplateDefinition> = {}): TemplateDefinition => ({
  name: 'spring sale',
  body: 'Hi {{customerName}}, take {{discount}} off this week!',
  category: 'marketing',
  whatsapp: {
    name: 'spring_sale',
    language: 'en_US',
    parameterFormat: 'positional',
    body: ['customerName', 'discount'],
  },
  ...extra,
});

const rules = (plan: SubmitPlan) => (plan.ok ? [] : plan.problems.map((p) => p.rule));

describe("Meta's creation rules", () => {
  it('builds a named-parameter template with the examples Meta requires, and the mapping that fills it', () => {
    const plan = planSubmission(
      template({ buttons: [{ title: 'Shop now' }, { title: 'Stop promotions' }] }),
      {
        examples: { customerName: 'Maria', discount: '20%' },
        footer: 'Reply STOP to opt out',
        buttons: [{ type: 'url', text: 'Visit us', url: 'https://example.com/sale' }],
      },
    );
    expect(plan).toEqual({
      ok: true,
      request: {
        name: 'spring_sale',
        language: 'en_US',
        category: 'MARKETING',
        parameter_format: 'NAMED',
        components: [
          {
            type: 'BODY',
            text: 'Hi {{customer_name}}, take {{discount}} off this week!',
            example: {
              body_text_named_params: [
                { param_name: 'customer_name', example: 'Maria' },
                { param_name: 'discount', example: '20%' },
              ],
            },
          },
          { type: 'FOOTER', text: 'Reply STOP to opt out' },
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'QUICK_REPLY', text: 'Shop now' },
              { type: 'QUICK_REPLY', text: 'Stop promotions' },
              { type: 'URL', text: 'Visit us', url: 'https://example.com/sale' },
            ],
          },
        ],
      },
      mapping: {
        name: 'spring_sale',
        language: 'en_US',
        parameterFormat: 'named',
        body: [{ parameter: 'customer_name', variable: 'customerName' }, 'discount'],
      },
    });
  });

  it('sends a media header with its sample handle and a text header with its named example', () => {
    const media = planSubmission(
      template({ media: { type: 'image', url: 'https://example.com/sale.png' } }),
      {
        examples: { customerName: 'Maria', discount: '20%' },
        headerHandle: '4::aW1hZ2UvcG5n:ARb',
      },
    );
    expect(media.ok && media.request.components[0]).toEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: ['4::aW1hZ2UvcG5n:ARb'] },
    });
    expect(media.ok && media.mapping.header).toEqual({ media: true });
    const text = planSubmission(
      template({ defaults: { customerName: 'Maria', discount: '20%', orderId: 'A-17' } }),
      {
        headerText: 'Order {{orderId}}',
      },
    );
    expect(text.ok && text.request.components[0]).toEqual({
      type: 'HEADER',
      format: 'TEXT',
      text: 'Order {{order_id}}',
      example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-17' }] },
    });
    expect(text.ok && text.mapping.header).toEqual({ variable: 'orderId', parameter: 'order_id' });
    // The mapping a submission writes passes the send check against what Meta then lists.
    if (!text.ok) return;
    const listed = readGraphTemplate({ ...text.request, status: 'APPROVED' })!;
    const def = template({ whatsapp: text.mapping });
    expect(sendCheck(def, recordFromSync(undefined, listed, '2026-12-01T09:00:00.000Z'))).toEqual({
      ok: true,
      category: 'marketing',
    });
  });

  it('names the rule: adjacent variables, a variable at the start or end, missing examples', () => {
    const adjacent = planSubmission(template({ body: 'Hi {{customerName}} {{discount}} off this week!' }), {
      examples: { customerName: 'Maria', discount: '20%' },
    });
    expect(rules(adjacent)).toEqual(['adjacent_variables']);
    expect(!adjacent.ok && adjacent.problems[0]!.message).toContain(
      '{{customerName}} and {{discount}} next to each other',
    );
    expect(
      rules(
        planSubmission(template({ body: '{{customerName}}, take {{discount}}' }), {
          examples: { customerName: 'A', discount: 'B' },
        }),
      ),
    ).toEqual(['variable_at_start', 'variable_at_end']);
    expect(rules(planSubmission(template(), {}))).toEqual(['examples_missing']);
    const bad = planSubmission(template(), { examples: { customerName: 'Ann\nSmith', discount: '5%' } });
    expect(rules(bad)).toEqual(['example_format']);
  });

  it('names the rule: name and language format, lengths, footer variables, buttons', () => {
    const ex = { examples: { customerName: 'A', discount: 'B' } };
    expect(
      rules(
        planSubmission(template({ whatsapp: undefined }), {
          ...ex,
          name: 'Spring Sale',
          language: 'english',
        }),
      ),
    ).toEqual(['name_format', 'language_format']);
    expect(rules(planSubmission(template({ whatsapp: undefined }), ex))).toEqual([
      'name_required',
      'language_required',
    ]);
    expect(
      rules(
        planSubmission(template({ body: `Hi {{customerName}}, ${'x'.repeat(1020)} {{discount}} off.` }), ex),
      ),
    ).toEqual(['body_length']);
    expect(rules(planSubmission(template(), { ...ex, headerText: 'x'.repeat(61) }))).toEqual([
      'header_length',
    ]);
    expect(
      rules(
        planSubmission(template(), {
          ...ex,
          headerText: '{{a}} and {{b}}',
          examples: { ...ex.examples, a: '1', b: '2' },
        }),
      ),
    ).toEqual(['header_variables']);
    expect(rules(planSubmission(template(), { ...ex, footer: 'Hi {{customerName}}' }))).toEqual([
      'footer_variables',
    ]);
    expect(rules(planSubmission(template(), { ...ex, footer: 'x'.repeat(61) }))).toEqual(['footer_length']);
    const url = (i: number) => ({ type: 'url' as const, text: `Link ${i}`, url: `https://example.com/${i}` });
    expect(rules(planSubmission(template(), { ...ex, buttons: [url(1), url(2), url(3)] }))).toEqual([
      'url_button_count',
    ]);
    const many = Array.from({ length: 11 }, (_, i) => ({
      type: 'phone_number' as const,
      text: `Call ${i}`,
      phoneNumber: '+14155550101',
    }));
    expect(rules(planSubmission(template(), { ...ex, buttons: many }))).toEqual([
      'button_count',
      'phone_button_count',
    ]);
    expect(
      rules(planSubmission(template({ media: { type: 'image', url: 'https://e.com/a.png' } }), ex)),
    ).toEqual(['header_example_missing']);
    expect(rules(planSubmission(template({ category: 'authentication' }), ex))).toEqual([
      'authentication_category',
    ]);
    expect(
      rules(
        planSubmission(template({ body: 'Hi {{customerName}} and {{customer_name}}, hello.' }), {
          examples: { customerName: 'A', customer_name: 'B' },
        }),
      ),
    ).toEqual(['parameter_name_clash']);
  });

  it("names parameters as Meta allows, and keeps Meta's hourly creation limit over a rolling hour", () => {
    expect(metaParameterName('customerName')).toBe('customer_name');
    expect(metaParameterName('URLSuffix')).toBe('url_suffix');
    expect(metaParameterName('order_id')).toBe('order_id');
    const now = Date.parse('2026-12-01T10:00:00Z');
    const times = Array.from({ length: 100 }, (_, i) => now - 3_500_000 + i * 1000);
    expect(creationWindow(times, now)).toMatchObject({ allowed: false, nextAt: now + 100_000 });
    expect(creationWindow(times, now + 100_001)).toMatchObject({ allowed: true });
    expect(creationWindow([now - 3_700_000], now).recent).toEqual([]);
  });
});
