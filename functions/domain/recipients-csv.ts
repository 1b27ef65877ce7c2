import { parse } from 'csv-parse/sync';
import type { RecipientInput, RowProblem } from './recipients';
import { variableNameProblem } from './template-text';

export type CsvResult =
  | { readonly ok: true; readonly rows: { row: number; input: RecipientInput }[] }
  | { readonly ok: false; readonly message: string; readonly rows?: readonly RowProblem[] };

/**
 * Reads `phone,<variable>,...` CSV. A row with the wrong number of fields is reported with its line;
 * column names other than `phone` become variables.
 */
export function parseRecipientsCsv(text: string): CsvResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    return { ok: false, message: `the CSV cannot be read: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header)
    return { ok: false, message: 'the CSV is empty: it needs a header row such as phone,customerName' };
  const columns = header.record.map((c) => c.trim());
  const phoneIndex = columns.findIndex((c) => c.toLowerCase() === 'phone');
  if (phoneIndex === -1) return { ok: false, message: 'the CSV header must have a "phone" column' };
  const badNames = columns.filter((c, i) => i !== phoneIndex && variableNameProblem(c) !== undefined);
  if (badNames.length > 0) {
    return {
      ok: false,
      message: `column names must be variable names; not: ${badNames.map((n) => `"${n}"`).join(', ')}`,
    };
  }
  const wrongWidth: RowProblem[] = [];
  const rows: { row: number; input: RecipientInput }[] = [];
  for (const { record, info } of body) {
    if (record.length !== columns.length) {
      wrongWidth.push({
        row: info.lines,
        phone: record[phoneIndex] ?? '',
        problems: [`has ${record.length} fields; the header has ${columns.length}`],
      });
      continue;
    }
    const variables = Object.fromEntries(
      columns.flatMap((name, i) => (i === phoneIndex ? [] : [[name, record[i] ?? '']])),
    );
    rows.push({ row: info.lines, input: { phone: record[phoneIndex] ?? '', variables } });
  }
  if (wrongWidth.length > 0)
    return { ok: false, message: 'some rows do not match the header', rows: wrongWidth };
  return { ok: true, rows };
}
