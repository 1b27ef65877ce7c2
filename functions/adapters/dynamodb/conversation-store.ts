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
import { MOVES_FROM } from '../../domain/recipient-status';
import {
  type AiReplyClaim,
  type CampaignMessageLookup,
  type Clock,
  type ConversationListOptions,
  type ConversationStore,
  type DeliveryTick,
  systemClock,
} from '../../ports';
import { conditionalUpdate, isConditionFailure, newestFirst, putNew, queryAll, queryPage } from './client';

/** How many of a thread's latest messages the campaign lookup of a reply or an opt-out reads. */
const CAMPAIGN_LOOKUP_MESSAGES = 50;
const convKey = (contact: string) => ({ pk: `CONV#${contact}`, sk: 'META' });

/** A message's item in its conversation (ordered by time; the wamid keeps two at one time apart). */
export const messageItem = (message: ConversationMessage) => ({
  ...message,
  pk: `CONV#${message.contact}`,
  sk: `MSG#${message.at}#${message.wamid}`,
});

/**
 * Every message in and out, per customer, in time order: CONV#<contact> / MSG#<time>#<wamid>. The sort
 * key is the same on every redelivery of a webhook, so a conditional put stores each message once.
 */
export class DynamoConversationStore implements ConversationStore, CampaignMessageLookup {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async append(
    message: ConversationMessage,
    profile: { name?: string; userId?: string } = {},
  ): Promise<boolean> {
    if (!(await putNew(this.db, this.table, messageItem(message)))) return false;
    if (message.direction === 'note') return true; // a note is not the conversation's news for the list
    await this.touch(message, profile);
    return true;
  }

  /** The conversation's summary after a new message: its latest message, who waits, what is unread. */
  async touch(message: ConversationMessage, profile: { name?: string; userId?: string } = {}): Promise<void> {
    const changedAt = this.clock.now().toISOString();
    const values: Record<string, unknown> = {
      ':at': message.at,
      ':preview': message.summary.slice(0, 200),
      ':dir': message.direction,
      ':contact': message.contact,
      ':g1': 'CONVERSATIONS',
      ':g1sk': `${changedAt}#${message.contact}`,
      ':changed': changedAt,
      ':yes': true,
      ':no': false,
    };
    // The list is ordered by the platform's time of the latest change (not WhatsApp's message time, which
    // can be older than a change already seen): a client polling with changedSince misses nothing.
    const sets = [
      'contact = :contact',
      'aiEnabled = if_not_exists(aiEnabled, :yes)',
      'needsHuman = if_not_exists(needsHuman, :no)',
      'changedAt = :changed',
      'gsi1pk = :g1',
      'gsi1sk = :g1sk',
    ];
    const removes: string[] = [];
    let add = '';
    if (message.direction === 'in') {
      // The customer waits from their first unanswered message; the inbox counts what nobody has seen.
      sets.push('waitingSince = if_not_exists(waitingSince, :at)');
      add = ' ADD unread :one';
      values[':one'] = 1;
    } else if (message.source === 'agent' || message.source === 'ai' || message.source === 'api') {
      // Someone answered: the customer no longer waits, and whoever answered has read what came before.
      removes.push('waitingSince');
      sets.push('unread = :zero');
      values[':zero'] = 0;
    }
    if (profile.name) {
      sets.push('profileName = :name');
      values[':name'] = profile.name;
    }
    if (profile.userId) {
      sets.push('userId = :uid');
      values[':uid'] = profile.userId;
    }
    const latest = ['lastMessageAt = :at', 'lastMessagePreview = :preview', 'lastDirection = :dir'];
    const inbound = ['lastInboundAt = :at', 'lastInboundWamid = :wamid'];
    const isIn = message.direction === 'in';
    if (isIn) values[':wamid'] = message.wamid;
    // Messages can arrive out of order: the conversation shows the newest one, and a read receipt marks
    // the customer's newest (WhatsApp's whole-second times can sort before our own replies' ms times, so
    // the newest inbound message is not always the newest message).
    const attempts: { set: string[]; condition?: string; unused: string[] }[] = [
      {
        set: [...sets, ...latest, ...(isIn ? inbound : [])],
        condition: 'attribute_not_exists(lastMessageAt) OR lastMessageAt <= :at',
        unused: [],
      },
      ...(isIn
        ? [
            {
              set: [...sets, ...inbound],
              condition: 'attribute_not_exists(lastInboundAt) OR lastInboundAt <= :at',
              unused: [':preview', ':dir'],
            },
          ]
        : []),
      { set: sets, unused: [':preview', ':dir', ':wamid'] },
    ];
    for (const attempt of attempts) {
      const expression = `SET ${attempt.set.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}${add}`;
      const used = Object.fromEntries(
        Object.entries(values).filter(([k]) => !attempt.unused.includes(k) && expression.includes(k)),
      );
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: convKey(message.contact),
            UpdateExpression: expression,
            ...(attempt.condition ? { ConditionExpression: attempt.condition } : {}),
            ExpressionAttributeValues: used,
          }),
        );
        return;
      } catch (error) {
        if (!attempt.condition || !isConditionFailure(error)) throw error;
      }
    }
  }

  async get(contact: string): Promise<Conversation | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: convKey(contact), ConsistentRead: true }),
    );
    return out.Item ? toConversation(out.Item) : undefined;
  }

  list(options: ConversationListOptions): Promise<Page<Conversation>> {
    const query = newestFirst(this.table, 'CONVERSATIONS');
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (options.changedSince) {
      // The change feed: everything that changed after the cursor, oldest change first, unfiltered, so a
      // client also learns that a conversation left its filter (claimed by someone else, resolved).
      query.KeyConditionExpression = 'gsi1pk = :p AND gsi1sk > :since';
      query.ScanIndexForward = true;
      values[':since'] = options.changedSince;
    } else {
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
        names['#st'] = 'status';
      }
      if (options.assigneeId) {
        filters.push('assigneeId = :aid');
        values[':aid'] = options.assigneeId;
      }
      if (options.waiting) filters.push('attribute_exists(waitingSince)');
    }
    if (filters.length > 0) query.FilterExpression = filters.join(' AND ');
    query.ExpressionAttributeValues = { ...query.ExpressionAttributeValues, ...values };
    if (Object.keys(names).length > 0)
      query.ExpressionAttributeNames = { ...query.ExpressionAttributeNames, ...names };
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
        ':changed': this.clock.now().toISOString(),
        ':g1': 'CONVERSATIONS',
      };
      values[':g1sk'] = `${values[':changed']}#${contact}`;
      // A status change is news for the list too (another agent's inbox sees the claim on its next poll).
      let expression =
        'SET #st = :st, needsHuman = :nh, statusChangedAt = :at, history = :h, statusRev = :next, changedAt = :changed, gsi1pk = :g1, gsi1sk = :g1sk';
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

  /**
   * The campaigns among the latest messages of the period, newest first: the sort key starts with the
   * time, so this reads just that stretch of the thread, and at most CAMPAIGN_LOOKUP_MESSAGES of it (a
   * filter does not save the reads; a chatty customer's thread would otherwise cost more per message).
   * A reply is counted at the first message after the campaign's, so the newest are the ones that matter.
   * Eventually consistent is enough: the campaign's message was written long before the answer.
   */
  async campaignsMessaged(contact: string, since: string, until: string): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :from AND :to',
        ProjectionExpression: 'campaignId, #d',
        ExpressionAttributeNames: { '#d': 'direction' },
        ExpressionAttributeValues: {
          ':p': `CONV#${contact}`,
          ':from': `MSG#${since}`,
          ':to': `MSG#${until}~`,
        },
        ScanIndexForward: false,
        Limit: CAMPAIGN_LOOKUP_MESSAGES,
      }),
    );
    const ids = (out.Items ?? [])
      .filter((i) => i.direction === 'out' && typeof i.campaignId === 'string')
      .map((i) => String(i.campaignId));
    return [...new Set(ids)];
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

  async applyDelivery(tick: DeliveryTick): Promise<'moved' | 'unchanged' | 'missing'> {
    // Forward only (sent < delivered < read; failed ends a message that was not delivered), as for
    // campaign recipients: a late or repeated status changes nothing.
    const from = MOVES_FROM[tick.status].filter((s) => s !== 'queued');
    const values: Record<string, unknown> = { ':d': { status: tick.status, at: tick.at } };
    if (tick.error) (values[':d'] as Record<string, unknown>).error = tick.error;
    from.forEach((s, i) => {
      values[`:f${i}`] = s;
    });
    const allowed = from.map((_, i) => `:f${i}`).join(', ');
    // "sent" moves from no status only: an empty IN () is a syntax error, which would retry the change.
    const key = { pk: `CONV#${tick.contact}`, sk: `MSG#${tick.messageAt}#${tick.wamid}` };
    const moved = await conditionalUpdate(this.db, this.table, {
      Key: key,
      UpdateExpression: 'SET delivery = :d',
      ...(from.length > 0
        ? {
            ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(delivery) OR delivery.#s IN (${allowed}))`,
            ExpressionAttributeNames: { '#s': 'status' },
          }
        : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(delivery)' }),
      ExpressionAttributeValues: values,
    });
    if (moved) return 'moved';
    // Refused: a late or repeated status (common, and fine), or a copy not written yet (a status that
    // overtook the send's own records; the caller retries it).
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true, ProjectionExpression: 'pk' }),
    );
    return out.Item ? 'unchanged' : 'missing';
  }

  async markRead(contact: string): Promise<{ conversation: Conversation; wasUnread: number }> {
    const changedAt = this.clock.now().toISOString();
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: convKey(contact),
          // A change for the list too: other agents' consoles see the unread count go to 0 on their next poll.
          UpdateExpression: 'SET unread = :zero, changedAt = :changed, gsi1sk = :g1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':changed': changedAt,
            ':g1sk': `${changedAt}#${contact}`,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = out.Attributes!;
      return {
        conversation: toConversation({ ...before, unread: 0, changedAt }),
        wasUnread: Number(before.unread ?? 0),
      };
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`no conversation with ${contact}`);
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
    lastInboundAt: _i,
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
