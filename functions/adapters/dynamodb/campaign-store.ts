import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../../domain/campaign';
import type { CampaignState } from '../../domain/campaign-state';
import { NotFoundError, StateConflictError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import {
  type Counts,
  emptyCounts,
  minuteOf,
  RECIPIENT_STATUSES,
  TIMELINE_STATUSES,
  type TimelinePoint,
} from '../../domain/recipient-status';
import type {
  AudienceEntry,
  CampaignCounters,
  CampaignStore,
  CampaignTemplateUpdates,
  LaunchCheckpoint,
  LaunchCheckpoints,
} from '../../ports';
import { batchPut } from './batch-write';
import { conditionalUpdate, isConditionFailure, newestFirst, putNew, queryPage } from './client';
import { recipientItem } from './recipient-store';

/** Enough shards for ~16,000 counter writes/s (1,000 per partition), far above 1,000 sends/s x 4 updates. */
export const COUNTER_SHARDS = 16;

const metaKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'META' });
const shardKey = (id: string, n: number) => ({ pk: `CAMPAIGN#${id}#COUNTER#${n}`, sk: 'COUNTER' });
const timelineKey = (id: string, shard: number, minute: string) => ({
  pk: `CAMPAIGN#${id}#TIMELINE#${shard}`,
  sk: `MIN#${minute}`,
});
const checkpointKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'LAUNCH' });
const runsOf = (seriesId: string) => `RUNS#${seriesId}`;

/** One table holds a campaign, its counter shards and its launch checkpoint; one class serves all three. */
export class DynamoCampaignStore
  implements CampaignStore, CampaignCounters, LaunchCheckpoints, CampaignTemplateUpdates
{
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly recipientsTable: string,
    private readonly random: () => number = Math.random,
  ) {}

  async create(
    campaign: Campaign,
    recipients: readonly { phone: string; variables: Readonly<Record<string, string>> }[],
  ): Promise<void> {
    await batchPut(
      this.db,
      this.recipientsTable,
      recipients.map((r) => recipientItem(campaign, r.phone, r.variables)),
    );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...shardKey(campaign.id, 0), ...emptyShard(), queued: campaign.total },
      }),
    );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...campaign, ...metaKey(campaign.id), gsi1pk: 'CAMPAIGNS', gsi1sk: campaign.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<Campaign | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: metaKey(id), ConsistentRead: true }),
    );
    return out.Item ? toCampaign(out.Item) : undefined;
  }

  list(page: { limit: number; cursor?: string }): Promise<Page<Campaign>> {
    return queryPage(this.db, newestFirst(this.table, 'CAMPAIGNS'), page, toCampaign);
  }

  createRun(run: Campaign): Promise<boolean> {
    return putNew(this.db, this.table, {
      ...run,
      ...metaKey(run.id),
      gsi1pk: runsOf(run.seriesId ?? ''),
      gsi1sk: run.id,
    });
  }

  listRuns(seriesId: string, page: { limit: number; cursor?: string }): Promise<Page<Campaign>> {
    return queryPage(this.db, newestFirst(this.table, runsOf(seriesId)), page, toCampaign);
  }

  async noteRun(seriesId: string, runId: string, runAt: string): Promise<void> {
    await conditionalUpdate(this.db, this.table, {
      Key: metaKey(seriesId),
      UpdateExpression: 'ADD runCount :one SET lastRunId = :id, lastRunAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1, ':id': runId, ':at': runAt },
    });
  }

  async claimFill(id: string, token: string, nowMs: number, leaseMs: number): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: metaKey(id),
      UpdateExpression: 'SET fillToken = :t, fillUntil = :until',
      ConditionExpression: 'preparing = :yes AND (attribute_not_exists(fillUntil) OR fillUntil < :now)',
      ExpressionAttributeValues: { ':t': token, ':until': nowMs + leaseMs, ':now': nowMs, ':yes': true },
    });
  }

  async fillAudience(
    id: string,
    token: string,
    buckets: number,
    entries: readonly AudienceEntry[],
    at: string,
  ): Promise<Campaign> {
    const frame = { id, buckets, createdAt: at };
    await batchPut(
      this.db,
      this.recipientsTable,
      entries.map((e) => recipientItem(frame, e.phone, e.variables, e.failure)),
    );
    const failed = entries.filter((e) => e.failure).length;
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...shardKey(id, 0), ...emptyShard(), queued: entries.length - failed, failed },
      }),
    );
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: metaKey(id),
          UpdateExpression:
            'SET #total = :total, buckets = :buckets, updatedAt = :at REMOVE preparing, fillToken, fillUntil',
          ConditionExpression: 'fillToken = :t',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: {
            ':total': entries.length,
            ':buckets': buckets,
            ':at': at,
            ':t': token,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCampaign(out.Attributes!);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new StateConflictError(
        `campaign ${id}: another launcher took over writing its audience`,
        undefined,
      );
    }
  }

  async noteRelease(id: string, at: string, now: string): Promise<void> {
    await conditionalUpdate(this.db, this.table, {
      Key: metaKey(id),
      UpdateExpression: 'SET nextReleaseAt = :at',
      ConditionExpression:
        'attribute_exists(pk) AND (attribute_not_exists(nextReleaseAt) OR nextReleaseAt > :at OR nextReleaseAt <= :now)',
      ExpressionAttributeValues: { ':at': at, ':now': now },
    });
  }

  async changeState(
    id: string,
    from: readonly CampaignState[],
    to: CampaignState,
    patch: Record<string, unknown> = {},
    options: { bumpGen?: boolean; clear?: readonly string[] } = {},
  ): Promise<Campaign> {
    const names: Record<string, string> = { '#state': 'state', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':to': to, ':now': new Date().toISOString() };
    const sets = ['#state = :to', '#updatedAt = :now'];
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    if (options.bumpGen) {
      names['#gen'] = 'gen';
      values[':one'] = 1;
      sets.push('#gen = #gen + :one');
    }
    const removes = (options.clear ?? []).map((k) => {
      names[`#${k}`] = k;
      return `#${k}`;
    });
    from.forEach((s, i) => {
      values[`:from${i}`] = s;
    });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: metaKey(id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(pk) AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toCampaign(out.Attributes!);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(id);
      if (!current) throw new NotFoundError(`campaign ${id} does not exist`);
      throw new StateConflictError(`campaign ${id} is ${current.state}`, current.state);
    }
  }

  /** The category the campaign's template is sent as (Meta changed it): later sends go as this one. */
  async setTemplateCategory(id: string, category: Campaign['template']['category']): Promise<void> {
    await conditionalUpdate(this.db, this.table, {
      Key: metaKey(id),
      UpdateExpression: 'SET #template.#category = :c',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#template': 'template', '#category': 'category' },
      ExpressionAttributeValues: { ':c': category },
    });
  }

  async counts(id: string): Promise<Counts> {
    return (await this.tally(id)).counts;
  }

  async tally(id: string): Promise<{ counts: Counts; waiting: number }> {
    const [meta, shards] = await Promise.all([this.get(id), this.readShards(id)]);
    if (!meta) throw new NotFoundError(`campaign ${id} does not exist`);
    const counts = emptyCounts();
    counts.total = meta.total;
    let waiting = 0;
    for (const shard of shards) {
      for (const s of RECIPIENT_STATUSES) counts[s] += Number(shard[s] ?? 0);
      waiting += Number(shard.waiting ?? 0);
    }
    return { counts, waiting };
  }

  async addCounts(id: string, delta: Partial<Counts> & { waiting?: number }): Promise<void> {
    const entries = Object.entries(delta).filter(([k, v]) => k !== 'total' && v);
    if (entries.length === 0) return;
    const shard = Math.floor(this.random() * COUNTER_SHARDS);
    const add = (key: Record<string, string>, parts: [string, number | undefined][]) =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: `ADD ${parts.map(([k]) => `#${k} :${k}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(parts.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(parts.map(([k, v]) => [`:${k}`, v])),
        }),
      );
    // Arrivals in sent, delivered, read and failed also go into this minute's bucket of the timeline,
    // in the same write as the counters' (a transition is counted once, so it is bucketed once).
    const arrivals = entries.filter(([k, v]) => TIMELINE_STATUSES.includes(k as never) && (v ?? 0) > 0);
    await Promise.all([
      add(shardKey(id, shard), entries),
      ...(arrivals.length > 0 ? [add(timelineKey(id, shard, minuteOf(new Date())), arrivals)] : []),
    ]);
  }

  async timeline(id: string): Promise<TimelinePoint[]> {
    const shards = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, async (_, n) => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.db.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': `CAMPAIGN#${id}#TIMELINE#${n}` },
              ExclusiveStartKey: start,
            }),
          );
          items.push(...(out.Items ?? []));
          start = out.LastEvaluatedKey;
        } while (start);
        return items;
      }),
    );
    const minutes = new Map<string, TimelinePoint>();
    for (const item of shards.flat()) {
      const minute = String(item.sk).slice(4);
      const point = minutes.get(minute) ?? { minute, sent: 0, delivered: 0, read: 0, failed: 0 };
      for (const s of TIMELINE_STATUSES) point[s] += Number(item[s] ?? 0);
      minutes.set(minute, point);
    }
    return [...minutes.values()].sort((a, b) => a.minute.localeCompare(b.minute));
  }

  async noteRecount(id: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: metaKey(id),
        UpdateExpression: 'ADD countCorrections :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async checkpoint(id: string): Promise<LaunchCheckpoint | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: checkpointKey(id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { gen, bucket, cursor, done } = out.Item as LaunchCheckpoint;
    return { gen, bucket, done, ...(cursor ? { cursor } : {}) };
  }

  async saveCheckpoint(id: string, checkpoint: LaunchCheckpoint): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...checkpointKey(id), ...checkpoint } }),
    );
  }

  private async readShards(id: string): Promise<Record<string, unknown>[]> {
    const keys = Array.from({ length: COUNTER_SHARDS }, (_, n) => shardKey(id, n));
    const out = await this.db.send(
      new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
    );
    let items = out.Responses?.[this.table] ?? [];
    let unprocessed = out.UnprocessedKeys?.[this.table];
    while (unprocessed?.Keys?.length) {
      const more = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: unprocessed } }));
      items = items.concat(more.Responses?.[this.table] ?? []);
      unprocessed = more.UnprocessedKeys?.[this.table];
    }
    return items;
  }
}

function emptyShard(): Record<string, number> {
  return Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0]));
}

function toCampaign(item: Record<string, unknown>): Campaign {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, fillToken: _t, fillUntil: _u, ...rest } = item;
  return rest as unknown as Campaign;
}
