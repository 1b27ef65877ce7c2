import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  bucketOf,
  type Campaign,
  type RecipientRecord,
  type RecipientSkipReason,
  type SendError,
} from '../../domain/campaign';
import { InvalidCursorError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import { emptyCounts, type RecipientStatus } from '../../domain/recipient-status';
import type {
  ClaimResult,
  RecipientHistogram,
  RecipientKey,
  RecipientResponse,
  RecipientResponses,
  RecipientStore,
} from '../../ports';
import { ClaimedItems } from './claims';
import { conditionalUpdate, decodeCursor, encodeCursor, isConditionFailure } from './client';

const INTERNAL = ['pk', 'sk', 'claimToken', 'claimUntil', 'heldBackWamid'] as const;

/** Where a reply and an opt-out are stamped on the recipient (domain/analytics.ts counts them). */
const RESPONSE_STAMP = { reply: 'repliedAt', opt_out: 'optedOutAt' } as const;

function key(k: RecipientKey) {
  return { pk: `${k.campaignId}#${k.bucket}`, sk: k.phone };
}

/** A new recipient: queued, or failed from the start when `failure` says it cannot be sent. */
export function recipientItem(
  campaign: Pick<Campaign, 'id' | 'buckets' | 'createdAt'>,
  phone: string,
  variables: Readonly<Record<string, string>>,
  failure?: SendError,
): Record<string, unknown> {
  const bucket = bucketOf(phone, campaign.buckets);
  return {
    ...key({ campaignId: campaign.id, bucket, phone }),
    campaignId: campaign.id,
    phone,
    bucket,
    variables,
    status: failure ? 'failed' : 'queued',
    attempts: 0,
    updatedAt: campaign.createdAt,
    ...(failure ? { lastError: failure, retryable: false, failedAt: campaign.createdAt } : {}),
  };
}

/**
 * Recipients, one item each, spread over `buckets` partitions per campaign. Every change is a conditional
 * write on the status (and on the worker's claim), so a redelivered message or a duplicate job changes
 * nothing twice; callers move the counters only when a write here says it happened.
 */
export class DynamoRecipientStore implements RecipientStore, RecipientResponses {
  private readonly claims: ClaimedItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.claims = new ClaimedItems(db, table);
  }

  async get(k: RecipientKey): Promise<RecipientRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key(k), ConsistentRead: true }),
    );
    return out.Item ? toRecord(out.Item) : undefined;
  }

  async list(
    campaignId: string,
    buckets: number,
    options: { status?: RecipientStatus; limit: number; cursor?: string },
  ): Promise<Page<RecipientRecord>> {
    const start = decodeCursor(options.cursor) as { b?: unknown; k?: Record<string, unknown> } | undefined;
    let bucket = start?.b === undefined ? 0 : Number(start.b);
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= buckets)
      throw new InvalidCursorError('bad cursor');
    let startKey = start?.k;
    const items: RecipientRecord[] = [];
    // A status filter may skip many items; bound the reads per request and hand back a cursor.
    for (let reads = 0; bucket < buckets && items.length < options.limit && reads < 20; reads++) {
      const page = await this.scanBucket(campaignId, bucket, {
        ...(options.status ? { status: options.status } : {}),
        ...(startKey ? { startKey } : {}),
        limit: options.limit - items.length,
      });
      items.push(...page.items);
      startKey = page.lastKey;
      if (!startKey) bucket += 1;
    }
    const more = bucket < buckets;
    const nextCursor = more ? encodeCursor({ b: bucket, ...(startKey ? { k: startKey } : {}) }) : undefined;
    return { items, ...(nextCursor ? { nextCursor } : {}) };
  }

  async scanBucket(
    campaignId: string,
    bucket: number,
    options: { status?: RecipientStatus; startKey?: Record<string, unknown>; limit: number },
  ): Promise<{ items: RecipientRecord[]; lastKey?: Record<string, unknown> }> {
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${campaignId}#${bucket}` },
      Limit: options.limit,
      ExclusiveStartKey: options.startKey,
    };
    if (options.status) {
      input.FilterExpression = '#s = :s';
      input.ExpressionAttributeNames = { '#s': 'status' };
      input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ':s': options.status };
    }
    const out = await this.db.send(new QueryCommand(input));
    return {
      items: (out.Items ?? []).map(toRecord),
      ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}),
    };
  }

  async claim(k: RecipientKey, token: string, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const item = await this.claims.claim(key(k), token, nowMs, leaseMs);
    if (item) return { claimed: true, recipient: toRecord(item) };
    const current = await this.get(k);
    return { claimed: false, ...(current ? { current } : {}) };
  }

  markSent(k: RecipientKey, token: string, wamid: string, at: string): Promise<boolean> {
    return this.claims.markSent(key(k), token, wamid, at);
  }

  markFailed(
    k: RecipientKey,
    token: string,
    error: SendError,
    options: { retryable: boolean; countAttempt: boolean },
    at: string,
  ): Promise<boolean> {
    return this.claims.markFailed(key(k), token, error, options, at);
  }

  release(
    k: RecipientKey,
    token: string,
    options: { error?: SendError; countAttempt: boolean },
  ): Promise<void> {
    return this.claims.release(key(k), token, options);
  }

  markSkipped(k: RecipientKey, reason: RecipientSkipReason, at: string, token?: string): Promise<boolean> {
    const nowMs = Date.parse(at);
    return conditionalUpdate(this.db, this.table, {
      Key: key(k),
      UpdateExpression:
        'SET #s = :skipped, skipReason = :reason, updatedAt = :at REMOVE claimToken, claimUntil, deferredUntil',
      // With a token the caller holds the claim; without one, a recipient being sent right now is left alone.
      ConditionExpression: token
        ? 'claimToken = :t AND #s = :queued'
        : '#s = :queued AND (attribute_not_exists(claimUntil) OR claimUntil < :nowMs)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':skipped': 'skipped',
        ':reason': reason,
        ':at': at,
        ':queued': 'queued',
        ...(token ? { ':t': token } : { ':nowMs': nowMs }),
      },
    });
  }

  defer(k: RecipientKey, until: string, holder: { token: string } | { nowMs: number }): Promise<boolean> {
    const held = 'token' in holder;
    return conditionalUpdate(this.db, this.table, {
      Key: key(k),
      UpdateExpression: 'SET deferredUntil = :until, updatedAt = :now REMOVE claimToken, claimUntil',
      ConditionExpression: held
        ? 'claimToken = :t AND #s = :queued AND attribute_not_exists(deferredUntil)'
        : '#s = :queued AND attribute_not_exists(deferredUntil) AND (attribute_not_exists(claimUntil) OR claimUntil < :nowMs)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':until': until,
        ':queued': 'queued',
        ':now': new Date().toISOString(),
        ...(held ? { ':t': holder.token } : { ':nowMs': holder.nowMs }),
      },
    });
  }

  undefer(k: RecipientKey, until: string): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: key(k),
      UpdateExpression: 'SET updatedAt = :now REMOVE deferredUntil',
      ConditionExpression: '#s = :queued AND deferredUntil = :until',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':until': until, ':queued': 'queued', ':now': new Date().toISOString() },
    });
  }

  markDeadLettered(k: RecipientKey, error: SendError, at: string): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: key(k),
      UpdateExpression:
        'SET #s = :failed, lastError = :e, retryable = :yes, failedAt = :at, updatedAt = :at REMOVE claimToken, claimUntil',
      ConditionExpression: '#s = :queued',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':e': error,
        ':yes': true,
        ':at': at,
        ':queued': 'queued',
      },
    });
  }

  requeue(k: RecipientKey, at: string): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: key(k),
      UpdateExpression: 'SET #s = :queued, updatedAt = :at REMOVE failedAt, retryable',
      ConditionExpression: '#s = :failed AND retryable = :yes',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':queued': 'queued', ':failed': 'failed', ':yes': true, ':at': at },
    });
  }

  async noteResponse(k: RecipientKey, response: RecipientResponse): Promise<{ sentAt?: string } | false> {
    const input =
      response.kind === 'button'
        ? {
            UpdateExpression: 'ADD buttonsTapped :b',
            ConditionExpression: 'attribute_exists(pk) AND NOT contains(buttonsTapped, :label)',
            ExpressionAttributeValues: { ':b': new Set([response.label]), ':label': response.label },
          }
        : {
            UpdateExpression: `SET ${RESPONSE_STAMP[response.kind]} = :at`,
            ConditionExpression: `attribute_exists(pk) AND attribute_exists(sentAt) AND attribute_not_exists(${RESPONSE_STAMP[response.kind]})`,
            ExpressionAttributeValues: { ':at': response.at },
          };
    try {
      const out = await this.db.send(
        new UpdateCommand({ TableName: this.table, Key: key(k), ...input, ReturnValues: 'ALL_NEW' }),
      );
      const sentAt = out.Attributes?.sentAt;
      return typeof sentAt === 'string' ? { sentAt } : {};
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async histogram(campaignId: string, buckets: number): Promise<RecipientHistogram> {
    const counts: RecipientHistogram = { ...emptyCounts(), waiting: 0 };
    for (let bucket = 0; bucket < buckets; bucket++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `${campaignId}#${bucket}` },
            ProjectionExpression: '#s, deferredUntil, updatedAt',
            ExpressionAttributeNames: { '#s': 'status' },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          counts[item.status as RecipientStatus] += 1;
          counts.total += 1;
          if (item.status === 'queued' && item.deferredUntil) counts.waiting += 1;
          const changed = item.updatedAt;
          if (typeof changed === 'string' && (!counts.lastUpdatedAt || changed > counts.lastUpdatedAt))
            counts.lastUpdatedAt = changed;
        }

        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }
    return counts;
  }
}

function toRecord(item: Record<string, unknown>): RecipientRecord {
  const copy: Record<string, unknown> = { ...item };
  for (const k of INTERNAL) delete copy[k];
  // A string set comes back as a Set; the record (and the API) carry it as a sorted list.
  if (copy.buttonsTapped instanceof Set) copy.buttonsTapped = [...copy.buttonsTapped].sort();
  return copy as unknown as RecipientRecord;
}
