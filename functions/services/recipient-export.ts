/**
 * A campaign's recipients as CSV rows, a store page at a time with the header first: what the download
 * streams and what an export job writes to a file, so both give the same columns and cells.
 */
import type { Campaign } from '../domain/campaign';
import type { CsvRow } from '../domain/csv-export';
import { csvExport } from '../domain/on-demand';
import type { RecipientStatus } from '../domain/recipient-status';
import type { RecipientStore } from '../ports';

/** Recipients per store read: about 200 KB of CSV, well under DynamoDB's 1 MB page. */
const RECIPIENT_PAGE = 1000;

export async function* recipientCsvRows(
  recipients: Pick<RecipientStore, 'list'>,
  campaign: Pick<Campaign, 'id' | 'buckets' | 'template'>,
  status?: RecipientStatus,
): AsyncGenerator<readonly CsvRow[]> {
  const csv = await csvExport();
  const pages = async function* () {
    let cursor: string | undefined;
    do {
      const page = await recipients.list(campaign.id, campaign.buckets, {
        limit: RECIPIENT_PAGE,
        ...(cursor ? { cursor } : {}),
        ...(status ? { status } : {}),
      });
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor);
  };
  // The header needs every variable name before the first row: one read for the names (only they are
  // kept), then one for the rows. A recipient written between the two (a list audience still being
  // written at launch) may be missed, and a variable only it has left out.
  const names = new Set<string>();
  for await (const items of pages())
    for (const r of items) for (const n of Object.keys(r.variables)) names.add(n);
  const columns = csv.recipientColumns(names, campaign.template.variables);
  yield [columns.header];
  for await (const items of pages()) yield items.map((r) => csv.recipientRow(r, columns));
}
