import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendError } from '../../domain/campaign';
import {
  MOVES_FROM,
  type RecipientStatus,
  type Stamps,
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

  async holdBack(
    key: RecipientKey,
    wamid: string,
    error: SendError,
    until: string,
    at: string,
  ): Promise<RecipientStatus | 'already' | undefined> {
    const itemKey = { pk: `${key.campaignId}#${key.bucket}`, sk: key.phone };
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.recipientsTable,
          Key: itemKey,
          UpdateExpression:
            'SET #s = :queued, deferredUntil = :until, deferReason = :why, heldBackAt = :at, heldBackWamid = :w, lastError = :e, updatedAt = :now REMOVE claimToken, claimUntil, wamid, sentAt, deliveredAt, readAt',
          ConditionExpression:
            'attribute_exists(pk) AND #s IN (:sent, :queued) AND attribute_not_exists(heldBackAt)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':queued': 'queued',
            ':sent': 'sent',
            ':until': until,
            ':why': 'meta_131049',
            ':at': at,
            ':e': error,
            ':w': wamid,
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes?.status as RecipientStatus;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    // The same message's 131049 again (Meta redelivers): it was held back already.
    const current = await this.db.send(
      new GetCommand({ TableName: this.recipientsTable, Key: itemKey, ConsistentRead: true }),
    );
    return current.Item?.heldBackWamid === wamid ? 'already' : undefined;
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
    // The first status that says how Meta bills the message records it (they all carry the same).
    const pricing = update.pricing;
    if (pricing) {
      sets.push(
        'pricingCategory = if_not_exists(pricingCategory, :pc)',
        'billable = if_not_exists(billable, :pb)',
      );
      values[':pc'] = pricing.category;
      values[':pb'] = pricing.billable;
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
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = out.Attributes ?? {};
      return {
        changed: true,
        from: old.status as RecipientStatus,
        to: update.status,
        ...facts(old, update),
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Not a forward move: keep the status, but record when this one happened (and the pricing) if that
    // was not known yet. The write is conditional on that, so of two copies of a status one records it.
    const late = update.status !== 'failed';
    const missing = [
      ...(late ? [`attribute_not_exists(${stamp})`] : []),
      ...(pricing ? ['attribute_not_exists(pricingCategory)'] : []),
    ];
    if (missing.length > 0) {
      try {
        const out = await this.db.send(
          new UpdateCommand({
            TableName: table,
            Key: key,
            UpdateExpression: `SET ${[
              ...(late ? [`${stamp} = if_not_exists(${stamp}, :at)`] : []),
              // As on a forward move, "read" implies "delivered".
              ...(update.status === 'read' ? ['deliveredAt = if_not_exists(deliveredAt, :at)'] : []),
              ...(pricing
                ? [
                    'pricingCategory = if_not_exists(pricingCategory, :pc)',
                    'billable = if_not_exists(billable, :pb)',
                  ]
                : []),
            ].join(', ')}`,
            ConditionExpression: `attribute_exists(pk) AND (${missing.join(' OR ')})`,
            ExpressionAttributeValues: {
              ...(late ? { ':at': update.at } : {}),
              ...(pricing ? { ':pc': pricing.category, ':pb': pricing.billable } : {}),
            },
            ReturnValues: 'ALL_OLD',
          }),
        );
        return {
          changed: false,
          ...facts(out.Attributes ?? {}, late ? update : { ...update, status: 'failed' }),
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    const current = await this.db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
    return current.Item ? { changed: false } : undefined;
  }
}

/** The times before and after the write (as the write set them) and the pricing it recorded first. */
function facts(old: Record<string, unknown>, update: StatusUpdate): Omit<StatusChange, 'changed'> {
  const before = stampsOf(old);
  const at = update.at;
  const after = {
    ...before,
    ...(update.status === 'sent' && !before.sentAt ? { sentAt: at } : {}),
    ...((update.status === 'delivered' || update.status === 'read') && !before.deliveredAt
      ? { deliveredAt: at }
      : {}),
    ...(update.status === 'read' && !before.readAt ? { readAt: at } : {}),
  };
  return {
    stamps: { before, after },
    ...(update.pricing && old.pricingCategory === undefined ? { firstPricing: update.pricing } : {}),
  };
}

function stampsOf(item: Record<string, unknown>): Stamps {
  const pick = (k: string) => (typeof item[k] === 'string' ? { [k]: item[k] as string } : {});
  return { ...pick('sentAt'), ...pick('deliveredAt'), ...pick('readAt') };
}
