import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation, ConversationMessage } from '../../domain/conversation';
import {
  appendHistory,
  ConversationStateError,
  type ConversationStatus,
  legacyStatus,
  needsHuman,
  type StatusAction,
  type StatusActor,
  type StatusChange,
  statusChange,
  transition,
} from '../../domain/conversation-status';
import { ConflictError, NotFoundError } from '../../domain/errors';
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

  list(options: {
    limit: number;
    cursor?: string;
    needsHuman?: boolean;
    status?: ConversationStatus;
  }): Promise<Page<Conversation>> {
    const query = newestFirst(this.table, 'CONVERSATIONS');
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    if (options.needsHuman !== undefined) {
      filters.push('needsHuman = :h');
      values[':h'] = options.needsHuman;
    }
    if (options.status) {
      // A conversation stored before statuses has none: its needsHuman tells whether it is open or ai.
      const legacy =
        options.status === 'ai' || options.status === 'open'
          ? ' OR (attribute_not_exists(#st) AND needsHuman = :legacy)'
          : '';
      filters.push(`(#st = :st${legacy})`);
      values[':st'] = options.status;
      if (legacy) values[':legacy'] = options.status === 'open';
      query.ExpressionAttributeNames = { ...query.ExpressionAttributeNames, '#st': 'status' };
    }
    if (filters.length > 0) {
      query.FilterExpression = filters.join(' AND ');
      query.ExpressionAttributeValues = { ...query.ExpressionAttributeValues, ...values };
    }
    return queryPage(this.db, query, options, (item) => {
      const { history: _h, ...rest } = toConversation(item);
      return rest;
    });
  }

  async changeStatus(
    contact: string,
    action: StatusAction,
    by: StatusActor,
    at: string,
  ): Promise<{ conversation: Conversation; changed: boolean }> {
    // Read, decide, write on condition that nobody changed the status in between (statusRev); a lost race
    // decides again on the new state (a claim that lost to another claim is then refused, in words).
    for (let attempt = 0; attempt < 5; attempt++) {
      const out = await this.db.send(
        new GetCommand({ TableName: this.table, Key: convKey(contact), ConsistentRead: true }),
      );
      if (!out.Item || out.Item.mergedInto) throw new NotFoundError(`no conversation with ${contact}`);
      const current = toConversation(out.Item);
      const result = transition(current, action, by);
      if (!result.ok) throw new ConversationStateError(result.message, current.status);
      if (!result.changed) return { conversation: current, changed: false };
      const rev = Number(out.Item.statusRev ?? 0);
      const history = appendHistory(
        out.Item.history as StatusChange[] | undefined,
        statusChange(at, by, action, current.status, result),
      );
      const values: Record<string, unknown> = {
        ':st': result.status,
        ':nh': needsHuman(result.status),
        ':at': at,
        ':h': history,
        ':next': rev + 1,
      };
      let expression =
        'SET #st = :st, needsHuman = :nh, statusChangedAt = :at, history = :h, statusRev = :next';
      if (result.assignee) {
        expression += ', assigneeId = :aid, assigneeName = :aname';
        values[':aid'] = result.assignee.id;
        values[':aname'] = result.assignee.name;
      } else {
        expression += ' REMOVE assigneeId, assigneeName';
      }
      if (rev > 0) values[':rev'] = rev;
      try {
        const updated = await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: convKey(contact),
            UpdateExpression: expression,
            ConditionExpression:
              rev > 0 ? 'statusRev = :rev' : 'attribute_exists(pk) AND attribute_not_exists(statusRev)',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { conversation: toConversation(updated.Attributes!), changed: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new ConflictError(`the conversation with ${contact} kept changing; try again`);
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
            'attribute_exists(pk) AND aiEnabled = :yes AND needsHuman = :no AND (attribute_not_exists(#st) OR #st = :ai) AND (attribute_not_exists(aiReplyFor) OR aiReplyFor <> :w)',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':w': wamid, ':yes': true, ':no': false, ':none': '', ':ai': 'ai' },
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

  async requestHuman(
    contact: string,
    options: { by?: StatusActor; reason?: string; at?: string } = {},
  ): Promise<boolean> {
    try {
      const { changed } = await this.changeStatus(
        contact,
        { type: 'handoff', ...(options.reason ? { reason: options.reason } : {}) },
        options.by ?? { kind: 'assistant' },
        options.at ?? new Date().toISOString(),
      );
      return changed;
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ConversationStateError) return false;
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

  async update(contact: string, patch: { aiEnabled?: boolean }): Promise<Conversation> {
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
    statusRev: _r,
    ...rest
  } = item;
  const status = (rest.status as ConversationStatus | undefined) ?? legacyStatus(rest.needsHuman as boolean);
  return {
    ...rest,
    status,
    needsHuman: needsHuman(status),
    history: rest.history ?? [],
  } as unknown as Conversation;
}
