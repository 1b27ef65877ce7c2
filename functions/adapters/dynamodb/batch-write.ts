import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunk, forEachLimit, sleep } from '../concurrency';

/** Puts items 25 per BatchWriteItem call, several calls at once, retrying unprocessed items with backoff. */
export async function batchPut(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  parallel = 8,
): Promise<void> {
  await forEachLimit(chunk(items, 25), parallel, async (group) => {
    let pending: Record<string, unknown>[] = group.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} items unprocessed after retries`);
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  });
}

/** Deletes keys 25 per BatchWriteItem call, retrying unprocessed keys with backoff. */
export async function batchDelete(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  parallel = 8,
): Promise<void> {
  await forEachLimit(chunk(keys, 25), parallel, async (group) => {
    let pending: Record<string, unknown>[] = group.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} deletes unprocessed after retries`);
      if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
  });
}
