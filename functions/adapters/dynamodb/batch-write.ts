import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunk, forEachLimit, sleep } from '../../concurrency';

/** Puts items 25 per BatchWriteItem call, several calls at once, retrying unprocessed items with backoff. */
export function batchPut(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  parallel = 8,
): Promise<void> {
  return batchWrite(
    db,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    parallel,
  );
}

/** Deletes keys the same way. */
export function batchDelete(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  parallel = 8,
): Promise<void> {
  return batchWrite(
    db,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    parallel,
  );
}

async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  requests: readonly Record<string, unknown>[],
  parallel: number,
): Promise<void> {
  await forEachLimit(chunk(requests, 25), parallel, (group) => writeTogether(db, { [table]: group }));
}

/**
 * One BatchWriteItem (at most 25 requests, any tables), retrying what DynamoDB leaves unprocessed with
 * backoff: items that belong together cost one request instead of one each.
 */
export async function writeTogether(
  db: DynamoDBDocumentClient,
  requests: Record<string, readonly Record<string, unknown>[]>,
): Promise<void> {
  let pending: Record<string, Record<string, unknown>[]> = Object.fromEntries(
    Object.entries(requests).map(([table, group]) => [table, [...group]]),
  );
  for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
    const left = Object.values(pending).reduce((n, group) => n + group.length, 0);
    if (attempt > 8) throw new Error(`DynamoDB left ${left} writes unprocessed after retries`);
    if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
    const out = await db.send(new BatchWriteCommand({ RequestItems: pending as never }));
    pending = Object.fromEntries(
      Object.entries(out.UnprocessedItems ?? {}).filter(([, group]) => (group?.length ?? 0) > 0),
    ) as Record<string, Record<string, unknown>[]>;
  }
}
