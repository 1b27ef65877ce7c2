import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { chunk } from '../../concurrency';
import type { MetaTemplate } from '../../domain/meta-template';
import { creationWindow } from '../../domain/meta-template-submit';
import type { MetaTemplateKey, MetaTemplateStore } from '../../ports';
import { isConditionFailure, queryAll } from './client';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const partition = (k: MetaTemplateKey) => `METATPL#${k.name}#${k.language}`;
const CREATIONS = { pk: 'META_CREATIONS', sk: 'WINDOW' };

/**
 * Meta's templates in the templates table, one partition per name and language: `META` holds Meta's
 * view, `USE#<campaign>` each campaign that started sending through it (so a pause finds them with one
 * query). gsi1 (`META_TEMPLATES`) lists the views. `META_CREATIONS` / `WINDOW` keeps the times of the
 * account's creations in the last hour, written with a revision check so two submits never both take the
 * last one.
 */
export class DynamoMetaTemplateStore implements MetaTemplateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(key: MetaTemplateKey): Promise<MetaTemplate | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: partition(key), sk: 'META' },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toMeta(out.Item) : undefined;
  }

  async getMany(keys: readonly MetaTemplateKey[]): Promise<MetaTemplate[]> {
    const wanted = [...new Set(keys.map(partition))];
    const found: MetaTemplate[] = [];
    for (const group of chunk(wanted, 100)) {
      let request: Record<string, unknown>[] | undefined = group.map((pk) => ({ pk, sk: 'META' }));
      while (request && request.length > 0) {
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: request } } }),
        );
        for (const item of out.Responses?.[this.table] ?? []) found.push(toMeta(item));
        request = out.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  }

  async list(): Promise<MetaTemplate[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'META_TEMPLATES' },
    });
    return items.map(toMeta);
  }

  async put(template: MetaTemplate, previous: string | undefined): Promise<boolean> {
    const key = { pk: partition(template), sk: 'META' };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...template,
            ...key,
            gsi1pk: 'META_TEMPLATES',
            gsi1sk: `${template.name}#${template.language}`,
          },
          ...(previous === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'observedAt = :previous',
                ExpressionAttributeValues: { ':previous': previous },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async noteUse(key: MetaTemplateKey, campaignId: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: partition(key), sk: `USE#${campaignId}`, campaignId },
      }),
    );
  }

  async uses(key: MetaTemplateKey): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :use)',
          ExpressionAttributeValues: { ':pk': partition(key), ':use': 'USE#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(String(item.campaignId));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async dropUse(key: MetaTemplateKey, campaignId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: partition(key), sk: `USE#${campaignId}` } }),
    );
  }

  async takeCreation(nowMs: number, limit: number): Promise<{ ok: true } | { ok: false; nextAt: number }> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const out = await this.db.send(
        new GetCommand({ TableName: this.table, Key: CREATIONS, ConsistentRead: true }),
      );
      const times = (out.Item?.times as number[] | undefined) ?? [];
      const rev = out.Item?.rev as number | undefined;
      const window = creationWindow(times, nowMs, limit);
      if (!window.allowed) return { ok: false, nextAt: window.nextAt! };
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...CREATIONS, times: [...window.recent, nowMs], rev: (rev ?? 0) + 1 },
            ...(rev === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } }),
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error('could not record the template creation: too many at once; try again');
  }
}

function toMeta(item: Record<string, unknown>): MetaTemplate {
  const copy: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as unknown as MetaTemplate;
}
