import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyStore, StoredAnswer } from '../../ports';
import { isConditionFailure } from './client';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 86_400_000; // 24 hours, a literal so bundles without the store drop it
/** A claim whose request died (a crashed Lambda) can be taken over after this long. */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/**
 * One item per key. A claim is a conditional put that succeeds when the key is new, expired (TTL deletes
 * items lazily, so expiry is also checked here), or held by a request that died with the same body.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(key: string, fingerprint: string, now: Date): Promise<IdempotencyClaim> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: key,
            fingerprint,
            state: 'pending',
            leaseUntil: now.getTime() + IDEMPOTENCY_LEASE_MS,
            expiresAt: Math.floor((now.getTime() + IDEMPOTENCY_TTL_MS) / 1000),
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :nowSec OR (#state = :pending AND leaseUntil < :nowMs AND fingerprint = :fp)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':nowSec': Math.floor(now.getTime() / 1000),
            ':nowMs': now.getTime(),
            ':pending': 'pending',
            ':fp': fingerprint,
          },
        }),
      );
      return { kind: 'new' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: key }, ConsistentRead: true }),
    );
    const item = out.Item;
    // Gone between the two calls: the holder released it; the caller may simply try again.
    if (!item) return { kind: 'in_progress' };
    if (item.fingerprint !== fingerprint) return { kind: 'different_request' };
    if (item.state === 'done') return { kind: 'replay', answer: item.answer as StoredAnswer };
    return { kind: 'in_progress' };
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer, now: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: key,
          fingerprint,
          state: 'done',
          answer,
          expiresAt: Math.floor((now.getTime() + IDEMPOTENCY_TTL_MS) / 1000),
        },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: key } }));
  }
}
