/**
 * The rows of the CSV exports (a campaign's recipients, a conversation's messages) and the CSV text of a
 * batch of them. Every cell goes through neutralizeCell (csv-cells.ts) as it is written, the header's
 * too, so no column can be forgotten.
 */
import { stringify } from 'csv-stringify/sync';
import type { RecipientRecord } from './campaign';
import type { ConversationMessage } from './conversation';
import { isFormulaLike, neutralizeCell } from './csv-cells';

/** A row as the writer takes it: one text per column, empty for nothing. */
export type CsvRow = readonly string[];

/**
 * The rows as CSV (RFC 4180: comma-separated, CRLF after each row, a cell with a comma, quote or line
 * break quoted), with every cell neutralized and quoted when that changed it.
 */
export function csvText(rows: readonly CsvRow[]): string {
  if (rows.length === 0) return '';
  return stringify(rows as string[][], {
    record_delimiter: '\r\n',
    // Given a record delimiter, csv-stringify quotes only cells holding that one; a lone \n or \r must be
    // quoted too, or a reader sees a new row.
    quote_record_delimiter: true,
    cast: {
      string: (value) => (isFormulaLike(value) ? { value: neutralizeCell(value), quoted: true } : value),
    },
  });
}

/** Columns every recipient row has, around the variables (which come after status). */
const RECIPIENT_LEADING = ['phone', 'status'] as const;
const RECIPIENT_TRAILING = [
  'errorCode',
  'errorTitle',
  'skipReason',
  'attempts',
  'updatedAt',
  'wamid',
] as const;
const FIXED = new Set<string>([...RECIPIENT_LEADING, ...RECIPIENT_TRAILING]);

export interface RecipientColumns {
  /** The header row. */
  readonly header: CsvRow;
  /** The variables, in the order of their columns. */
  readonly variables: readonly string[];
}

/**
 * The recipient export's columns for the variables the recipients have: the template's own first, in
 * its order, then any others by name. A variable named like a fixed column (`status`) is headed
 * `variables.status`, which no variable can be called, so every header names one column.
 */
export function recipientColumns(
  names: Iterable<string>,
  templateOrder: readonly string[] = [],
): RecipientColumns {
  const found = new Set(names);
  const variables = [
    ...templateOrder.filter((n, i) => found.has(n) && templateOrder.indexOf(n) === i),
    ...[...found].filter((n) => !templateOrder.includes(n)).sort(),
  ];
  return {
    header: [
      ...RECIPIENT_LEADING,
      ...variables.map((n) => (FIXED.has(n) ? `variables.${n}` : n)),
      ...RECIPIENT_TRAILING,
    ],
    variables,
  };
}

/** One recipient under `columns`; a variable it does not have is an empty cell. */
export function recipientRow(r: RecipientRecord, columns: RecipientColumns): CsvRow {
  const error = r.status === 'failed' ? r.lastError : undefined;
  return [
    r.phone,
    r.status,
    ...columns.variables.map((n) => (Object.hasOwn(r.variables, n) ? (r.variables[n] ?? '') : '')),
    error?.code === null || error?.code === undefined ? '' : String(error.code),
    error?.title ?? '',
    r.skipReason ?? '',
    String(r.attempts),
    r.updatedAt,
    r.wamid ?? '',
  ];
}

export const MESSAGE_HEADER: CsvRow = [
  'at',
  'direction',
  'type',
  'text',
  'status',
  'wamid',
  'source',
  'agent',
];

/**
 * One message of a conversation: its text (or, for media and other kinds without text, the summary the
 * inbox shows), the latest delivery status of an outbound one, and the name of the person who wrote an
 * agent's reply or a note.
 */
export function messageRow(m: ConversationMessage): CsvRow {
  return [
    m.at,
    m.direction,
    m.type,
    m.text ?? m.summary,
    m.delivery?.status ?? '',
    m.wamid,
    m.source ?? '',
    m.agent?.name ?? '',
  ];
}

/** A file name for Content-Disposition: letters, digits, `.`, `_` and `-` only (no quote can break out). */
export function exportFilename(...parts: readonly string[]): string {
  const name = parts
    .map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+|[._]+$/g, ''))
    .filter((p) => p.length > 0)
    .join('-')
    .slice(0, 120);
  return `${name || 'export'}.csv`;
}
