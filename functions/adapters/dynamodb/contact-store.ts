import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, ContactRecord, OptOutChange } from '../../domain/contact';
import type { ContactStore, ContactUpdates, SlotResult } from '../../ports';
import { isConditionFailure } from './client';

/** One item per E.164 number: opt-outs, the customer service window and the last send time. */
export class DynamoContactStore implements ContactStore, ContactUpdates {
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
    optOutScope: 'any' | 'marketing' | 'none',
  ): Promise<SlotResult> {
    // One conditional write checks the opt-outs and the pair rate limit and takes the slot; the new item
    // comes back, window and all, so the happy path costs one request.
    const notOut = '(attribute_not_exists(optedOut) OR optedOut = :no)';
    const notOutOfMarketing = '(attribute_not_exists(marketingOptOut) OR marketingOptOut = :no)';
    const pairRate = '(attribute_not_exists(lastSentAtMs) OR lastSentAtMs <= :cut)';
    const conditions =
      optOutScope === 'marketing'
        ? [notOut, notOutOfMarketing, pairRate]
        : optOutScope === 'any'
          ? [notOut, pairRate]
          : [pairRate];
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: phone },
          UpdateExpression: 'SET lastSentAtMs = :now, phone = :phone',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':cut': nowMs - gapMs,
            ':phone': phone,
            ...(optOutScope === 'none' ? {} : { ':no': false }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, contact: toContact(out.Attributes ?? { pk: phone }) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const contact = await this.get(phone);
    const optedOut =
      (optOutScope !== 'none' && contact?.optedOut) ||
      (optOutScope === 'marketing' && contact?.marketingOptOut);
    if (optedOut) return { ok: false, reason: 'opted_out' };
    const waitMs = Math.max(1, (contact?.lastSentAtMs ?? nowMs) + gapMs - nowMs);
    return { ok: false, reason: 'too_soon', waitMs };
  }

  async recordInbound(
    contact: string,
    at: string,
    profile: { name?: string; userId?: string },
  ): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':at': at, ':phone': contact };
    const sets = ['phone = :phone'];
    if (profile.name) {
      sets.push('profileName = :name');
      values[':name'] = profile.name;
    }
    if (profile.userId) {
      sets.push('userId = :uid');
      values[':uid'] = profile.userId;
    }
    // The window only moves forward: an older message arriving late must not shorten it.
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: contact },
          UpdateExpression: `SET ${[...sets, 'lastInboundAt = :at'].join(', ')}`,
          ConditionExpression: 'attribute_not_exists(lastInboundAt) OR lastInboundAt < :at',
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      delete values[':at'];
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: contact },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeValues: values,
        }),
      );
    }
  }

  async linkUserId(userId: string, phone: string): Promise<boolean> {
    let before: Record<string, unknown> | undefined;
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: userId },
          UpdateExpression: 'SET aliasOf = :phone',
          ConditionExpression: 'attribute_not_exists(aliasOf) OR aliasOf <> :phone',
          ExpressionAttributeValues: { ':phone': phone },
          ReturnValues: 'ALL_OLD',
        }),
      );
      before = out.Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    // An opt-out given while only the user id was known holds for the phone too.
    const change = {
      ...(before?.optedOut === true ? { optedOut: true } : {}),
      ...(before?.marketingOptOut === true ? { marketingOptOut: true } : {}),
    };
    if (Object.keys(change).length > 0)
      await this.setOptOut(phone, change, new Date().toISOString(), 'user_id_link');
    return true;
  }

  async phoneOf(userId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: userId },
        ProjectionExpression: 'aliasOf',
        ConsistentRead: true,
      }),
    );
    return typeof out.Item?.aliasOf === 'string' ? out.Item.aliasOf : undefined;
  }

  async setOptOut(contact: string, change: OptOutChange, at: string, source: string): Promise<OptOutChange> {
    const sets = [
      'phone = :phone',
      'optOutSource = :src',
      'history = list_append(if_not_exists(history, :empty), :entry)',
    ];
    const values: Record<string, unknown> = {
      ':phone': contact,
      ':src': source,
      ':empty': [],
      ':entry': [{ at, change: JSON.stringify(change), source }],
    };
    if (change.optedOut !== undefined) {
      sets.push('optedOut = :o', 'optedOutAt = :at');
      values[':o'] = change.optedOut;
      values[':at'] = at;
    }
    if (change.marketingOptOut !== undefined) {
      sets.push('marketingOptOut = :m');
      values[':m'] = change.marketingOptOut;
    }
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: contact },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const old = out.Attributes ?? {};
    return {
      optedOut: old.optedOut === true,
      marketingOptOut: old.marketingOptOut === true,
    };
  }

  async getRecord(contact: string): Promise<ContactRecord | undefined> {
    const record = (await this.get(contact)) as
      | (ContactRecord & { lists?: Set<string> | string[] })
      | undefined;
    // Lists are a string set in the table; callers get an array.
    if (record?.lists instanceof Set) return { ...record, lists: [...record.lists].sort() };
    return record;
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
