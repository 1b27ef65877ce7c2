import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SendError } from '../../domain/campaign';
import { ConflictError } from '../../domain/errors';
import type { SingleMessage, SkipReason, WamidRef } from '../../domain/message';
import type { MessageStore } from '../../ports';
import { ClaimedItems } from './claims';
import { conditionalUpdate, putNew } from './client';

const msgKey = (id: string) => ({ pk: `MSG#${id}` });
const wamidKey = (wamid: string) => ({ pk: `WAMID#${wamid}` });

/** The wamid lookup item (expiring after `expiresAt`, epoch seconds, by the table's TTL). */
export const wamidRefItem = (wamid: string, ref: WamidRef, expiresAt: number) => ({
  ...wamidKey(wamid),
  ref,
  expiresAt,
});

/** Single sends (POST /api/messages) and the wamid -> send lookups that status webhooks use. */
export class DynamoMessageStore implements MessageStore {
  private readonly claims: ClaimedItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.claims = new ClaimedItems(db, table);
  }

  async create(message: SingleMessage): Promise<void> {
    if (!(await putNew(this.db, this.table, { ...message, ...msgKey(message.id) })))
      throw new ConflictError(`message ${message.id} already exists`);
  }

  async get(id: string): Promise<SingleMessage | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: msgKey(id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, claimToken: _t, claimUntil: _u, ...rest } = out.Item;
    return rest as SingleMessage;
  }

  async claim(id: string, token: string, nowMs: number, leaseMs: number): Promise<boolean> {
    return (await this.claims.claim(msgKey(id), token, nowMs, leaseMs)) !== undefined;
  }

  markSent(id: string, token: string, wamid: string, at: string): Promise<boolean> {
    return this.claims.markSent(msgKey(id), token, wamid, at);
  }

  markFailed(
    id: string,
    token: string,
    error: SendError,
    options: { countAttempt: boolean },
    at: string,
  ): Promise<boolean> {
    return this.claims.markFailed(msgKey(id), token, error, options, at);
  }

  release(id: string, token: string, options: { error?: SendError; countAttempt: boolean }): Promise<void> {
    return this.claims.release(msgKey(id), token, options);
  }

  markSkipped(id: string, at: string, reason: SkipReason = 'opted_out'): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: msgKey(id),
      UpdateExpression: 'SET #s = :skipped, skipReason = :r, updatedAt = :at REMOVE claimToken, claimUntil',
      ConditionExpression: '#s = :queued',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':skipped': 'skipped', ':r': reason, ':at': at, ':queued': 'queued' },
    });
  }

  async putWamidRef(wamid: string, ref: WamidRef, expiresAtEpochSeconds: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: wamidRefItem(wamid, ref, expiresAtEpochSeconds),
      }),
    );
  }

  async getWamidRef(wamid: string): Promise<WamidRef | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: wamidKey(wamid), ConsistentRead: true }),
    );
    return out.Item?.ref as WamidRef | undefined;
  }
}
