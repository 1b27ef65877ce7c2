import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  MOVES_FROM,
  type RecipientStatus,
  type StatusChange,
  type StatusUpdate,
} from '../../domain/recipient-status';
import type { RecipientKey, StatusTarget } from '../../ports';
import { isConditionFailure } from './client';

const TIMESTAMP: Record<StatusUpdate['status'], string> = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  read: 'readAt',
  failed: 'failedAt',
};

/**
 * Applies delivery statuses to recipients and single messages with one conditional write each. The old
 * status comes back with the write, so the caller moves the counters exactly once per transition; a
 * duplicate or a late status (delivered after read) changes nothing but its own timestamp.
 */
export class DynamoStatusTarget implements StatusTarget {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly recipientsTable: string,
    private readonly messagesTable: string,
  ) {}

  applyToRecipient(key: RecipientKey, update: StatusUpdate): Promise<StatusChange | undefined> {
    return this.apply(this.recipientsTable, { pk: `${key.campaignId}#${key.bucket}`, sk: key.phone }, update);
  }

  applyToMessage(messageId: string, update: StatusUpdate): Promise<StatusChange | undefined> {
    return this.apply(this.messagesTable, { pk: `MSG#${messageId}` }, update);
  }

  private async apply(
    table: string,
    key: Record<string, string>,
    update: StatusUpdate,
  ): Promise<StatusChange | undefined> {
    const from = MOVES_FROM[update.status];
    const stamp = TIMESTAMP[update.status];
    const values: Record<string, unknown> = {
      ':to': update.status,
      ':w': update.wamid,
      ':at': update.at,
      ':now': new Date().toISOString(),
      ...Object.fromEntries(from.map((s, i) => [`:f${i}`, s])),
    };
    const sets = [
      '#s = :to',
      'wamid = if_not_exists(wamid, :w)',
      `${stamp} = if_not_exists(${stamp}, :at)`,
      'updatedAt = :now',
    ];
    // "read" implies "delivered", even when the delivered webhook never comes.
    if (update.status === 'read') sets.push('deliveredAt = if_not_exists(deliveredAt, :at)');
    if (update.status === 'failed') {
      sets.push('lastError = :e', 'retryable = :no');
      values[':e'] = update.error ?? { code: null, title: 'Failed' };
      values[':no'] = false;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')} REMOVE claimToken, claimUntil`,
          ConditionExpression: `attribute_exists(pk) AND #s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { changed: true, from: out.Attributes?.status as RecipientStatus, to: update.status };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    if (!current.Item) return undefined;
    // Not a forward move: keep the status, but record when this one happened if it was not known yet.
    if (update.status !== 'failed') {
      await this.db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET ${stamp} = if_not_exists(${stamp}, :at)`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': update.at },
        }),
      );
    }
    return { changed: false };
  }
}
