import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendError } from '../../domain/campaign';
import { conditionalUpdate, isConditionFailure } from './client';

/**
 * The claim protocol shared by campaign recipients and single messages: a queued item is claimed with a
 * lease before the Graph call, and only the claim's holder may record what happened.
 */
export class ClaimedItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Claims a queued item that no live claim holds; returns the item, or undefined if it could not. */
  async claim(key: Record<string, string>, token: string, nowMs: number, leaseMs: number) {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          ReturnValues: 'ALL_NEW',
          UpdateExpression: 'SET claimToken = :t, claimUntil = :until',
          ConditionExpression: '#s = :queued AND (attribute_not_exists(claimUntil) OR claimUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':t': token,
            ':until': nowMs + leaseMs,
            ':now': nowMs,
            ':queued': 'queued',
          },
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  markSent(key: Record<string, string>, token: string, wamid: string, at: string): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: key,
      UpdateExpression:
        'SET #s = :sent, wamid = :w, sentAt = :at, updatedAt = :at, attempts = attempts + :one REMOVE claimToken, claimUntil, retryable',
      ConditionExpression: 'claimToken = :t AND #s = :queued',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':w': wamid,
        ':at': at,
        ':one': 1,
        ':t': token,
        ':queued': 'queued',
      },
    });
  }

  markFailed(
    key: Record<string, string>,
    token: string,
    error: SendError,
    options: { retryable?: boolean; countAttempt: boolean },
    at: string,
  ): Promise<boolean> {
    const retryable = options.retryable === undefined ? '' : ', retryable = :r';
    return conditionalUpdate(this.db, this.table, {
      Key: key,
      UpdateExpression: `SET #s = :failed, lastError = :e${retryable}, failedAt = :at, updatedAt = :at, attempts = attempts + :inc REMOVE claimToken, claimUntil`,
      ConditionExpression: 'claimToken = :t AND #s = :queued',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':e': error,
        ':at': at,
        ':inc': options.countAttempt ? 1 : 0,
        ':t': token,
        ':queued': 'queued',
        ...(options.retryable === undefined ? {} : { ':r': options.retryable }),
      },
    });
  }

  /** Gives a claim back after a failure that will be retried, counting the attempt if it reached WhatsApp. */
  async release(
    key: Record<string, string>,
    token: string,
    options: { error?: SendError; countAttempt: boolean },
  ): Promise<void> {
    await conditionalUpdate(this.db, this.table, {
      Key: key,
      UpdateExpression: `SET attempts = attempts + :inc${options.error ? ', lastError = :e' : ''} REMOVE claimToken, claimUntil`,
      ConditionExpression: 'claimToken = :t',
      ExpressionAttributeValues: {
        ':inc': options.countAttempt ? 1 : 0,
        ':t': token,
        ...(options.error ? { ':e': options.error } : {}),
      },
    });
  }
}
