import type { CsvResult } from '../domain/recipients-csv';

/** CSV uploads are rare next to JSON requests: the parser is loaded with the first one, not at cold start. */
export async function readRecipientsCsv(text: string): Promise<CsvResult> {
  return (await import('../domain/recipients-csv')).parseRecipientsCsv(text);
}
