import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  addStats,
  failureTitleName,
  isAccountOnly,
  STAT,
  type StatsDelta,
  statsOfMove,
  sumStats,
} from '../../domain/analytics';
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
  AccountAnalytics,
  AccountDay,
  AudienceEntry,
  CampaignCounters,
  CampaignStore,
  CampaignTemplateUpdates,
  CounterDelta,
  LaunchCheckpoint,
  LaunchCheckpoints,
  SummedStats,
} from '../../ports';
import { batchPut } from './batch-write';
import { conditionalUpdate, isConditionFailure, newestFirst, putNew, queryAll, queryPage } from './client';
import { recipientItem } from './recipient-store';

/** Enough shards for ~16,000 counter writes/s (1,000 per partition), far above 1,000 sends/s x 4 updates. */
export const COUNTER_SHARDS = 16;

const metaKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'META' });
const shardKey = (id: string, n: number) => ({ pk: `CAMPAIGN#${id}#COUNTER#${n}`, sk: 'COUNTER' });
const timelineKey = (id: string, shard: number, minute: string) => ({
  pk: `CAMPAIGN#${id}#TIMELINE#${shard}`,
  sk: `MIN#${minute}`,
});
/** The account's analytics for a day and template, sharded like the counters (one row per shard). */
const accountDayKey = (shard: number, day: string, templateId: string) => ({
  pk: `ACCOUNT#STATS#${shard}`,
  sk: `DAY#${day}#TPL#${templateId}`,
});
const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const checkpointKey = (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: 'LAUNCH' });
const runsOf = (seriesId: string) => `RUNS#${seriesId}`;

/** One table holds a campaign, its counter shards and its launch checkpoint; one class serves all three. */
export class DynamoCampaignStore
  implements CampaignStore, CampaignCounters, LaunchCheckpoints, CampaignTemplateUpdates, AccountAnalytics
{
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly recipientsTable: string,
    private readonly random: () => number = Math.random,
  ) {}

  private readonly templates = new Map<string, { id: string; name: string }>();

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
    this.templates.set(campaign.id, { id: campaign.template.id, name: campaign.template.name });
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
    let filled: Campaign;
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
      filled = toCampaign(out.Attributes!);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new StateConflictError(
        `campaign ${id}: another launcher took over writing its audience`,
        undefined,
      );
    }
    // Once, by the launcher whose audience stands: who was targeted, and who could not be sent at all.
    const stats: StatsDelta = { [STAT.targeted]: entries.length };
    const titles: Record<string, string> = {};
    for (const e of entries) {
      if (!e.failure) continue;
      addStats(stats, statsOfMove({ from: 'queued', to: 'failed', error: e.failure }));
      titles[String(e.failure.code ?? 'none')] = e.failure.title;
    }
    if (entries.length > 0) await this.addCounts(id, { stats, titles });
    return filled;
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

  async addCounts(id: string, delta: CounterDelta): Promise<void> {
    const { stats, titles, ...counts } = delta;
    const entries = Object.entries(counts).filter(([k, v]) => k !== 'total' && v) as [string, number][];
    const statEntries = Object.entries(stats ?? {}).filter(([, v]) => v);
    const titleEntries = Object.entries(titles ?? {}).map(
      ([code, title]) => [failureTitleName(code), title] as [string, string],
    );
    if (entries.length === 0 && statEntries.length === 0) return;
    const shard = Math.floor(this.random() * COUNTER_SHARDS);
    // Arrivals in sent, delivered, read and failed also go into this minute's bucket of the timeline,
    // in the same write as the counters' (a transition is counted once, so it is bucketed once).
    const arrivals = entries.filter(([k, v]) => TIMELINE_STATUSES.includes(k as never) && v > 0);
    // The account's day row takes what happened (increments only: a retry takes a failure back from the
    // campaign's standing failures, but the failure still happened that day).
    const happened = statEntries.filter(([, v]) => v > 0);
    const now = new Date();
    // The stages reached and the targeted count serve the account's days only (a campaign's funnel follows
    // its status counts): the campaign's shard does not carry them.
    const campaignStats = statEntries.filter(([k]) => !isAccountOnly(k));
    await Promise.all([
      ...(entries.length > 0 || campaignStats.length > 0
        ? [this.add(shardKey(id, shard), [...entries, ...campaignStats], titleEntries)]
        : []),
      ...(arrivals.length > 0 ? [this.add(timelineKey(id, shard, minuteOf(now)), arrivals)] : []),
      ...(happened.length > 0 ? [this.addToAccountDay(id, shard, now, happened, titleEntries)] : []),
    ]);
  }

  /** One UpdateItem that adds numbers and sets strings; names go through placeholders (any text is safe). */
  private add(
    key: Record<string, string>,
    adds: readonly [string, number][],
    sets: readonly [string, string][] = [],
  ) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const addParts = adds.map(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      return `#a${i} :a${i}`;
    });
    const setParts = sets.map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
    return this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: [
          addParts.length ? `ADD ${addParts.join(', ')}` : '',
          setParts.length ? `SET ${setParts.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async addToAccountDay(
    id: string,
    shard: number,
    now: Date,
    stats: readonly [string, number][],
    titles: readonly [string, string][],
  ): Promise<void> {
    const template = await this.templateOf(id);
    if (!template) return;
    await this.add(accountDayKey(shard, dayOf(now), template.id), stats, [
      ...titles,
      ['templateName', template.name],
    ]);
  }

  /**
   * The template a campaign was created with (it never changes), remembered per container: the account's
   * rows are kept per template, and this saves a read per counter write.
   */
  private async templateOf(id: string): Promise<{ id: string; name: string } | undefined> {
    const known = this.templates.get(id);
    if (known) return known;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: metaKey(id),
        ProjectionExpression: '#t.#id, #t.#name',
        ExpressionAttributeNames: { '#t': 'template', '#id': 'id', '#name': 'name' },
      }),
    );
    const t = out.Item?.template as { id?: string; name?: string } | undefined;
    if (!t?.id) return undefined;
    if (this.templates.size >= 10_000) this.templates.clear();
    const found = { id: t.id, name: t.name ?? t.id };
    this.templates.set(id, found);
    return found;
  }

  async stats(id: string): Promise<SummedStats> {
    return sumStats(await this.readShards(id));
  }

  async days(from: string, to: string): Promise<AccountDay[]> {
    const shards = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, (_, n) =>
        queryAll(this.db, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': `ACCOUNT#STATS#${n}`,
            ':from': `DAY#${from}`,
            ':to': `DAY#${to}#~`,
          },
        }),
      ),
    );
    const rows = new Map<string, Record<string, unknown>[]>();
    for (const item of shards.flat()) {
      const sk = String(item.sk);
      rows.set(sk, [...(rows.get(sk) ?? []), item]);
    }
    return [...rows]
      .map(([sk, items]) => {
        const [, day, , templateId] = sk.split('#');
        const name = items.map((i) => i.templateName).find((n) => typeof n === 'string') as
          | string
          | undefined;
        return {
          day: day ?? '',
          templateId: templateId ?? '',
          ...(name ? { templateName: name } : {}),
          ...sumStats(items),
        };
      })
      .sort((a, b) => a.day.localeCompare(b.day) || a.templateId.localeCompare(b.templateId));
  }

  async timeline(id: string): Promise<TimelinePoint[]> {
    const shards = await Promise.all(
      Array.from({ length: COUNTER_SHARDS }, (_, n) =>
        queryAll(this.db, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CAMPAIGN#${id}#TIMELINE#${n}` },
        }),
      ),
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
