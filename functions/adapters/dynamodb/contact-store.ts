import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, ContactStore, SlotResult } from '../../ports';
import { isConditionFailure } from './client';

/** One item per E.164 number: opt-outs, the customer service window and the last send time. */
export class DynamoContactStore implements ContactStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(phone: string): Promise<Contact | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: phone }, ConsistentRead: true }),
    );
    return out.Item ? toContact(out.Item) : undefined;
  }

  async reserveSendSlot(
    phone: string,
    nowMs: number,
    gapMs: number,
    marketing: boolean,
  ): Promise<SlotResult> {
    // One conditional write checks the opt-outs and the pair rate limit and takes the slot; the new item
    // comes back, window and all, so the happy path costs one request.
    const optOut = marketing
      ? '(attribute_not_exists(optedOut) OR optedOut = :no) AND (attribute_not_exists(marketingOptOut) OR marketingOptOut = :no)'
      : '(attribute_not_exists(optedOut) OR optedOut = :no)';
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: phone },
          UpdateExpression: 'SET lastSentAtMs = :now, phone = :phone',
          ConditionExpression: `${optOut} AND (attribute_not_exists(lastSentAtMs) OR lastSentAtMs <= :cut)`,
          ExpressionAttributeValues: { ':now': nowMs, ':cut': nowMs - gapMs, ':no': false, ':phone': phone },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, contact: toContact(out.Attributes ?? { pk: phone }) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const contact = await this.get(phone);
    if (contact?.optedOut || (marketing && contact?.marketingOptOut))
      return { ok: false, reason: 'opted_out' };
    const waitMs = Math.max(1, (contact?.lastSentAtMs ?? nowMs) + gapMs - nowMs);
    return { ok: false, reason: 'too_soon', waitMs };
  }

  async releaseSendSlot(phone: string, reservedAtMs: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: phone },
          UpdateExpression: 'REMOVE lastSentAtMs',
          ConditionExpression: 'lastSentAtMs = :r',
          ExpressionAttributeValues: { ':r': reservedAtMs },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function toContact(item: Record<string, unknown>): Contact {
  const { pk, ...rest } = item;
  return { ...(rest as Omit<Contact, 'phone'>), phone: String(pk) };
}
