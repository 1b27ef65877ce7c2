/**
 * Property-based tests (fast-check) over the code that reads untrusted input: WhatsApp's webhooks and
 * how they are split for the queue, template rendering with any variable names and values, phone
 * numbers, and the CSV importer. No input may throw, and every split must partition its updates.
 */
import fc from 'fast-check';
import { normalizePhone } from '../../functions/domain/phone';
import { parseRecipientsCsv } from '../../functions/domain/recipients-csv';
import { renderTemplate } from '../../functions/domain/template';
import { parseTemplateText, RESERVED_VARIABLE_NAMES } from '../../functions/domain/template-text';
import { readNotification, updatesOf, type WebhookChange } from '../../functions/domain/webhook';
import { splitChange, UPDATE_LISTS } from '../../functions/domain/webhook-split';

const RUNS = { numRuns: 300 };

/** Names the template syntax allows, with the members every JavaScript object has mixed in. */
const memberNames = [
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'toLocaleString',
];
const variableName = fc.oneof(
  fc.constantFrom(...memberNames),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
);
const anyText = fc.string({ unit: 'binary', maxLength: 40 });

describe('webhook payloads of any shape', () => {
  it('are read, or refused with a reason, never thrown on', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const result = readNotification(body);
        if (result.ok) for (const change of result.changes) updatesOf(change);
        else expect(result.reason.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('with the right envelope and arbitrary changes inside, are read without throwing', () => {
    const change = fc.record({ field: fc.string(), value: fc.dictionary(fc.string(), fc.jsonValue()) });
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.string(), changes: fc.array(change) })), (entry) => {
        const result = readNotification({ object: 'whatsapp_business_account', entry });
        if (result.ok) for (const c of result.changes) updatesOf(c);
      }),
      RUNS,
    );
  });
});

describe('splitting a change for the queue', () => {
  const item = (list: string) =>
    fc.record({
      id: fc.uuid(),
      list: fc.constant(list),
      from: fc.constantFrom('4915110000001', '4915110000002', '16505551234', ''),
      padding: fc.string({ maxLength: 400 }),
    });
  const change = fc
    .record({
      statuses: fc.array(item('statuses'), { maxLength: 60 }),
      messages: fc.array(item('messages'), { maxLength: 60 }),
      errors: fc.array(item('errors'), { maxLength: 5 }),
      user_preferences: fc.array(item('user_preferences'), { maxLength: 5 }),
      contacts: fc.array(
        fc.record({
          wa_id: fc.constantFrom('4915110000001', '4915110000002', '4915110000003'),
          note: fc.string(),
        }),
        { maxLength: 4 },
      ),
    })
    .map(
      (value): WebhookChange => ({
        entryId: 'WABA',
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, ...value },
      }),
    );

  it('partitions every update into exactly one piece, in order, each piece within the limit', () => {
    fc.assert(
      fc.property(change, fc.integer({ min: 1_500, max: 40_000 }), (input, maxBytes) => {
        const pieces = splitChange(input, maxBytes);
        for (const list of UPDATE_LISTS) {
          const together = pieces.flatMap((p) => (p.value[list] as unknown[] | undefined) ?? []);
          expect(together).toEqual(input.value[list]);
        }
        for (const piece of pieces) {
          const updates = UPDATE_LISTS.flatMap((l) => (piece.value[l] as unknown[] | undefined) ?? []);
          // Only a single update too large for any message may exceed the limit (it is parked instead).
          if (updates.length > 1)
            expect(Buffer.byteLength(JSON.stringify(piece))).toBeLessThanOrEqual(maxBytes);
          expect(piece.value.metadata).toEqual(input.value.metadata);
        }
        // Every contact still reaches the consumer, with the updates that name it.
        const contacts = pieces.flatMap((p) => (p.value.contacts as unknown[] | undefined) ?? []);
        for (const c of input.value.contacts as unknown[]) expect(contacts).toContainEqual(c);
      }),
      { numRuns: 200 },
    );
  });

  it('does not amplify: 1,000 statuses and 678 messages (3 MB) stay 1,000 and 678, about 3 MB', () => {
    const pad = 'x'.repeat(1_700);
    const statuses = Array.from({ length: 1000 }, (_, i) => ({
      id: `wamid.S${i}`,
      status: 'read',
      recipient_id: '4915110000001',
      pad,
    }));
    const messages = Array.from({ length: 678 }, (_, i) => ({
      id: `wamid.M${i}`,
      from: '4915110000002',
      type: 'text',
      text: { body: pad },
    }));
    const input: WebhookChange = {
      entryId: 'WABA',
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { phone_number_id: '1' },
        statuses,
        messages,
        contacts: [{ wa_id: '4915110000002' }],
      },
    };
    const inputBytes = Buffer.byteLength(JSON.stringify(input));
    expect(inputBytes).toBeGreaterThan(2.8 * 1024 * 1024);
    const pieces = splitChange(input);
    const count = (list: string) =>
      pieces.reduce((n, p) => n + ((p.value[list] as unknown[] | undefined)?.length ?? 0), 0);
    expect(count('statuses')).toBe(1000);
    expect(count('messages')).toBe(678);
    const total = pieces.reduce((n, p) => n + Buffer.byteLength(JSON.stringify(p)), 0);
    expect(total / inputBytes).toBeLessThan(1.02);
    expect(pieces.length).toBeLessThanOrEqual(Math.ceil(inputBytes / (200 * 1024)) + 2);
  });
});

describe('templates with any variable names and values', () => {
  it('render or say what is missing, never throw, for member names too', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(variableName, { minLength: 1, maxLength: 4 }),
        fc.dictionary(variableName, anyText),
        (names, values) => {
          const body = names.map((n) => `{{${n}}}`).join(' and ');
          const outcome = renderTemplate({ name: 't', body, category: 'utility' }, values);
          const given = (n: string) => Object.hasOwn(values, n) && values[n]!.trim() !== '';
          if (outcome.ok) {
            expect(names.every(given)).toBe(true);
            for (const n of names) expect(outcome.text).toContain(values[n]!);
          } else if (outcome.code === 'missing_variables') {
            expect([...outcome.missing].sort()).toEqual(names.filter((n) => !given(n)).sort());
          } else {
            expect(['message_too_long', 'invalid_parameter']).toContain(outcome.code);
          }
        },
      ),
      RUNS,
    );
  });

  it('parse any text into segments or problems with positions', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const parsed = parseTemplateText(text);
        if (!parsed.ok) for (const p of parsed.problems) expect(p.position).toBeGreaterThanOrEqual(0);
        else for (const v of parsed.variables) expect(RESERVED_VARIABLE_NAMES).not.toContain(v);
      }),
      RUNS,
    );
  });
});

describe('phone numbers and CSV uploads of any content', () => {
  it('normalise to E.164 or give a problem in words', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^\+?[0-9 ()-]{0,20}$/)),
        fc.constantFrom(undefined, 'DE', 'US', 'BR', 'IN'),
        (raw, country) => {
          const result = normalizePhone(raw, country as never);
          if (result.ok) expect(result.e164).toMatch(/^\+[1-9]\d{6,14}$/);
          else expect(result.problem.length).toBeGreaterThan(0);
        },
      ),
      RUNS,
    );
  });

  it('CSV is read into rows or refused with a message, never thrown on', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '""', ',', '\n', '\r\n', '=1+1', '__proto__'),
    );
    const csv = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 })
        .map((rows) => ['phone,customerName', ...rows.map((r) => r.join(','))].join('\n')),
    );
    fc.assert(
      fc.property(csv, (text) => {
        const result = parseRecipientsCsv(text);
        if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
        else for (const r of result.rows) expect(typeof r.input.phone).toBe('string');
      }),
      RUNS,
    );
  });
});
