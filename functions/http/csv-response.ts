import type { Context } from 'hono';
import type { CsvRow } from '../domain/csv-export';
import type { AppEnv } from './app-env';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/**
 * Excel reads a CSV file without a byte order mark in the machine's legacy code page, which garbles any
 * name outside ASCII ("MÃ¼ller"); with it, it reads UTF-8. Other readers (csv-parse with `bom: true`,
 * Python's utf-8-sig, the platform's own CSV upload) skip it.
 */
const BOM = '\uFEFF';

/**
 * CSV written while it is read: `batches` yields rows a store page at a time (the header row in the
 * first), and the stream asks for the next page only when the reader has taken what came before, so a
 * slow download holds one page in memory however many rows there are. A client that goes away stops the
 * paging. A failure after the first bytes cannot become an error answer any more: the stream fails, so
 * the client sees a broken download rather than a short file that looks complete.
 */
export function csvStream(
  batches: AsyncIterable<readonly CsvRow[]>,
  toText: (rows: readonly CsvRow[]) => string,
  onError: (error: unknown) => void = () => {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // A page with no rows (a filtered one) gives nothing to send: take the next.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            if (!started) controller.enqueue(encoder.encode(BOM));
            controller.close();
            return;
          }
          const text = toText(next.value);
          if (text.length === 0) continue;
          controller.enqueue(encoder.encode(started ? text : BOM + text));
          started = true;
          return;
        }
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** The download: a CSV stream as an attachment under `filename` (already safe to quote). */
export function csvDownload(
  c: Context<AppEnv>,
  filename: string,
  batches: AsyncIterable<readonly CsvRow[]>,
  toText: (rows: readonly CsvRow[]) => string,
): Response {
  const stream = csvStream(batches, toText, (error) =>
    c.var.logger.error('CSV export failed after it started', error as Error),
  );
  return c.body(stream, 200, {
    'content-type': CSV_CONTENT_TYPE,
    'content-disposition': `attachment; filename="${filename}"`,
  });
}
