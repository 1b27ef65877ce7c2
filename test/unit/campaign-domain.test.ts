import { retryDelaySeconds } from '../../functions/domain/backoff';
import {
  bucketCount,
  bucketOf,
  campaignCallbackData,
  messageCallbackData,
  parseCallbackData,
} from '../../functions/domain/campaign';
import { allowedActions, type CampaignState, transition } from '../../functions/domain/campaign-state';
import { normalizePhone } from '../../functions/domain/phone';
import { validateRecipients } from '../../functions/domain/recipients';
import { parseRecipientsCsv } from '../../functions/domain/recipients-csv';
import { decideContent, isWindowOpen } from '../../functions/domain/send-decision';
import type { TemplateDefinition } from '../../functions/domain/template';

describe('campaign state machine', () => {
  const cases: [CampaignState, string, CampaignState | null][] = [
    ['draft', 'start', 'running'],
    ['scheduled', 'start', 'running'],
    ['draft', 'schedule', 'scheduled'],
    ['running', 'pause', 'paused'],
    ['paused', 'resume', 'running'],
    ['running', 'complete', 'completed'],
    ['completed', 'retry', 'running'],
    ['paused', 'retry', 'running'],
    ['running', 'cancel', 'cancelled'],
    ['paused', 'cancel', 'cancelled'],
    ['draft', 'pause', null],
    ['running', 'start', null],
    ['completed', 'cancel', null],
    ['cancelled', 'start', null],
    ['cancelled', 'resume', null],
    ['running', 'retry', null],
  ];
  it.each(cases)('%s --%s--> %s', (from, action, to) => {
    const r = transition(from, action as never);
    if (to === null) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain(`is ${from}`);
    } else {
      expect(r).toMatchObject({ ok: true, to });
    }
  });

  it('a cancelled campaign allows nothing', () => {
    expect(allowedActions('cancelled')).toEqual([]);
    expect(allowedActions('running')).toEqual(['pause', 'cancel']);
  });
});

describe('phone numbers', () => {
  it.each([
    ['+49 151 1000 0000', undefined, '+4915110000000'],
    ['0049 15110000000', undefined, '+4915110000000'],
    ['015110000000', 'DE', '+4915110000000'],
    ['(415) 555-0101', 'US', '+14155550101'],
  ])('normalises %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country as never)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['015110000000', undefined, 'no country code'],
    ['+1 555 123 4567', undefined, 'not a valid phone number'],
    ['call me', undefined, 'not a valid phone number'],
    ['', undefined, 'empty'],
    // Plausible by length, impossible by the numbering plan: only the full metadata knows.
    ['+491234', undefined, 'not a valid phone number'],
    ['01234', 'DE', 'not a valid phone number'],
    ['+44 20 1234', undefined, 'not a valid phone number'],
  ])('rejects %j', (raw, country, problem) => {
    const r = normalizePhone(raw, country as never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });
});

describe('recipient validation', () => {
  const rules = { requiredVariables: ['customerName', 'code'], templateDefaults: { code: 'WELCOME' } };

  it('merges duplicates after normalisation, later values winning', () => {
    const r = validateRecipients(
      [
        { row: 1, input: { phone: '+4915110000000', variables: { customerName: 'Ann' } } },
        { row: 2, input: { phone: '0049 151 10000000', variables: { customerName: 'Anna', code: 'X' } } },
      ],
      rules,
    );
    expect(r).toEqual({
      ok: true,
      recipients: [{ phone: '+4915110000000', variables: { customerName: 'Anna', code: 'X' } }],
      duplicatesMerged: 1,
    });
  });

  it('reports every bad row with each of its problems', () => {
    const r = validateRecipients(
      [
        { row: 1, input: { phone: 'nope', variables: {} } },
        { row: 2, input: { phone: '+4915110000001', variables: { customerName: 'Bo' } } },
        { row: 3, input: { phone: '+4915110000002', variables: { customerName: ' ' } } },
      ],
      rules,
    );
    expect(r).toEqual({
      ok: false,
      rows: [
        {
          row: 1,
          phone: 'nope',
          problems: ['not a valid phone number', 'missing variables: customerName'],
          missingVariables: ['customerName'],
        },
        {
          row: 3,
          phone: '+4915110000002',
          problems: ['missing variables: customerName'],
          missingVariables: ['customerName'],
        },
      ],
    });
  });
});

describe('recipient CSV', () => {
  it('reads a header of phone and variables, with quoting and a BOM', () => {
    const r = parseRecipientsCsv(
      '\uFEFFphone,customerName,city\r\n+4915110000000,"Doe, Jane",Berlin\r\n\r\n',
    );

    expect(r).toEqual({
      ok: true,
      rows: [
        {
          row: 2,
          input: { phone: '+4915110000000', variables: { customerName: 'Doe, Jane', city: 'Berlin' } },
        },
      ],
    });
  });

  it.each([
    ['', 'empty'],
    ['name,city\nA,B', '"phone" column'],
    ['phone,first name\n+1,A', 'column names must be variable names'],
    ['phone,a\n"+1,x', 'cannot be read'],
  ])('explains an unusable file: %j', (text, message) => {
    const r = parseRecipientsCsv(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it('names rows with the wrong number of fields by their line', () => {
    const r = parseRecipientsCsv('phone,a\n+4915110000000,1\n+4915110000001,2,3\n+4915110000002');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rows?.map((x) => x.row)).toEqual([3, 4]);
  });
});

describe('send decision', () => {
  const utility: TemplateDefinition = { name: 'u', body: 'Hi {{n}}', category: 'utility' };
  const mapped: TemplateDefinition = {
    ...utility,
    whatsapp: { name: 'u', language: 'en', parameterFormat: 'positional', body: ['n'] },
  };

  it('sends free-form inside the window, the Meta template outside it', () => {
    expect(decideContent(mapped, { n: 'A' }, true, 'LIVE')).toMatchObject({ ok: true, via: 'session' });
    expect(decideContent(mapped, { n: 'A' }, false, 'LIVE')).toMatchObject({
      ok: true,
      via: 'meta_template',
    });
  });

  it('always uses the Meta template for marketing', () => {
    expect(decideContent({ ...mapped, category: 'marketing' }, { n: 'A' }, true, 'LIVE')).toMatchObject({
      via: 'meta_template',
    });
  });

  it('refuses an unmapped template outside the window in LIVE, and warns in DEV', () => {
    expect(decideContent(utility, { n: 'A' }, false, 'LIVE')).toMatchObject({
      ok: false,
      code: 'template_required',
    });
    expect(decideContent(utility, { n: 'A' }, false, 'DEV')).toMatchObject({
      ok: true,
      via: 'session',
      warning: expect.stringContaining('LIVE'),
    });
  });

  it('knows when the 24-hour window is open', () => {
    const now = new Date('2026-03-29T12:00:00Z');
    expect(isWindowOpen('2026-03-28T12:00:01Z', now)).toBe(true);
    expect(isWindowOpen('2026-03-28T12:00:00Z', now)).toBe(false);
    expect(isWindowOpen(undefined, now)).toBe(false);
  });
});

describe('retry delays, buckets and callback data', () => {
  it('backs off 4^X seconds with jitter, capped', () => {
    expect(retryDelaySeconds(1, () => 0)).toBe(1);
    expect(retryDelaySeconds(2, () => 1)).toBe(4);
    expect(retryDelaySeconds(3, () => 0)).toBe(8);
    expect(retryDelaySeconds(3, () => 1)).toBe(16);
    expect(retryDelaySeconds(20, () => 1)).toBe(900);
  });

  it('spreads large campaigns over buckets, deterministically', () => {
    expect(bucketCount(3)).toBe(1);
    expect(bucketCount(100_000)).toBe(20);
    expect(bucketOf('+4915110000000', 20)).toBe(bucketOf('+4915110000000', 20));
    const used = new Set(Array.from({ length: 1000 }, (_, i) => bucketOf(`+49151${i}`, 20)));
    expect(used.size).toBe(20);
  });

  it('round-trips callback data', () => {
    expect(parseCallbackData(campaignCallbackData('01ABC', 3, '+4915110000000'))).toEqual({
      kind: 'campaign',
      campaignId: '01ABC',
      bucket: 3,
      phone: '+4915110000000',
    });
    expect(parseCallbackData(messageCallbackData('01XYZ'))).toEqual({ kind: 'message', messageId: '01XYZ' });
    expect(parseCallbackData('something else')).toBeUndefined();
  });
});
