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
  await forEachLimit(chunk(requests, 25), parallel, async (group) => {
    let pending: Record<string, unknown>[] = [...group];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} writes unprocessed after retries`);
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  });
}
