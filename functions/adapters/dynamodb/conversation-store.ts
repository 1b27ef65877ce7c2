import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation, ConversationMessage } from '../../domain/conversation';
import { NotFoundError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import type { AiReplyClaim, ConversationStore } from '../../ports';
import { isConditionFailure, newestFirst, putNew, queryPage } from './client';

const convKey = (contact: string) => ({ pk: `CONV#${contact}`, sk: 'META' });

/**
 * Every message in and out, per customer, in time order: CONV#<contact> / MSG#<time>#<wamid>. The sort
 * key is the same on every redelivery of a webhook, so a conditional put stores each message once.
 */
export class DynamoConversationStore implements ConversationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(
    message: ConversationMessage,
    profile: { name?: string; userId?: string } = {},
  ): Promise<boolean> {
    const item = { ...message, pk: `CONV#${message.contact}`, sk: `MSG#${message.at}#${message.wamid}` };
    if (!(await putNew(this.db, this.table, item))) return false;
    const values: Record<string, unknown> = {
      ':at': message.at,
      ':preview': message.summary.slice(0, 200),
      ':dir': message.direction,
      ':contact': message.contact,
      ':g1': 'CONVERSATIONS',
      ':g1sk': `${message.at}#${message.contact}`,
      ':yes': true,
      ':no': false,
    };
    const sets = [
      'contact = :contact',
      'aiEnabled = if_not_exists(aiEnabled, :yes)',
      'needsHuman = if_not_exists(needsHuman, :no)',
    ];
    if (profile.name) {
      sets.push('profileName = :name');
      values[':name'] = profile.name;
    }
    if (profile.userId) {
      sets.push('userId = :uid');
      values[':uid'] = profile.userId;
    }
    const latest = [
      'lastMessageAt = :at',
      'lastMessagePreview = :preview',
      'lastDirection = :dir',
      'gsi1pk = :g1',
      'gsi1sk = :g1sk',
    ];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(message.contact),
          UpdateExpression: `SET ${[...sets, ...latest].join(', ')}`,
          // Messages can arrive out of order; the conversation shows the newest one.
          ConditionExpression: 'attribute_not_exists(lastMessageAt) OR lastMessageAt <= :at',
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      for (const k of [':at', ':preview', ':dir', ':g1', ':g1sk']) delete values[k];
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(message.contact),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ExpressionAttributeValues: values,
        }),
      );
    }
    return true;
  }

  async get(contact: string): Promise<Conversation | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: convKey(contact), ConsistentRead: true }),
    );
    return out.Item ? toConversation(out.Item) : undefined;
  }

  list(options: { limit: number; cursor?: string; needsHuman?: boolean }): Promise<Page<Conversation>> {
    const query = newestFirst(this.table, 'CONVERSATIONS');
    if (options.needsHuman !== undefined) {
      query.FilterExpression = 'needsHuman = :h';
      query.ExpressionAttributeValues = { ...query.ExpressionAttributeValues, ':h': options.needsHuman };
    }
    return queryPage(this.db, query, options, toConversation);
  }

  messages(
    contact: string,
    page: { limit: number; cursor?: string; newestFirst?: boolean },
  ): Promise<Page<ConversationMessage>> {
    return queryPage(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':p': `CONV#${contact}`, ':m': 'MSG#' },
        ScanIndexForward: !page.newestFirst,
        ConsistentRead: true,
      },
      page,
      ({ pk: _p, sk: _s, ...m }) => m as unknown as ConversationMessage,
    );
  }

  async claimAiReply(contact: string, wamid: string): Promise<AiReplyClaim> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(contact),
          // The previous mark moves to aiReplyAfter: a retried job still knows where its burst starts.
          UpdateExpression: 'SET aiReplyAfter = if_not_exists(aiReplyFor, :none), aiReplyFor = :w',
          ConditionExpression:
            'attribute_exists(pk) AND aiEnabled = :yes AND needsHuman = :no AND (attribute_not_exists(aiReplyFor) OR aiReplyFor <> :w)',
          ExpressionAttributeValues: { ':w': wamid, ':yes': true, ':no': false, ':none': '' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const previous = String(out.Attributes?.aiReplyAfter ?? '');
      return { outcome: 'claimed', ...(previous ? { previous } : {}) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: convKey(contact), ConsistentRead: true }),
    );
    if (out.Item?.aiReplyFor !== wamid) return { outcome: 'refused' };
    const previous = String(out.Item?.aiReplyAfter ?? '');
    return { outcome: 'already', ...(previous ? { previous } : {}) };
  }

  async requestHuman(contact: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(contact),
          UpdateExpression: 'SET needsHuman = :yes',
          ConditionExpression: 'attribute_exists(pk) AND needsHuman <> :yes',
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async mergeInto(fromContact: string, toContact: string): Promise<number> {
    let moved = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :msg)',
          ExpressionAttributeValues: { ':pk': `CONV#${fromContact}`, ':msg': 'MSG#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        // The same sort key under the phone: a merge repeated after a crash stores nothing twice.
        if (await putNew(this.db, this.table, { ...item, pk: `CONV#${toContact}`, contact: toContact }))
          moved += 1;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(fromContact),
          UpdateExpression: 'SET mergedInto = :to REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':to': toContact },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return moved;
  }

  async update(contact: string, patch: { aiEnabled?: boolean; needsHuman?: boolean }): Promise<Conversation> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      const current = await this.get(contact);
      if (!current) throw new NotFoundError(`no conversation with ${contact}`);
      return current;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(contact),
          UpdateExpression: `SET ${entries.map(([k]) => `${k} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toConversation(out.Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no conversation with ${contact}`);
      throw error;
    }
  }
}

function toConversation(item: Record<string, unknown>): Conversation {
  const {
    pk: _p,
    sk: _s,
    gsi1pk: _g,
    gsi1sk: _h,
    aiReplyFor: _a,
    aiReplyAfter: _b,
    mergedInto: _m,
    ...rest
  } = item;

  return rest as unknown as Conversation;
}
