import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportJob } from '../../domain/export-job';
import type { ExportJobStore } from '../../ports';
import { conditionalUpdate } from './client';

const keyOf = (id: string) => ({ pk: `EXPORT#${id}`, sk: 'META' });

/** Export jobs, one item each in the campaigns table (they belong to a campaign and are few). */
export class DynamoExportJobStore implements ExportJobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(job: ExportJob): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...job, ...keyOf(job.id) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keyOf(id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _p, sk: _s, ...job } = out.Item;
    return job as unknown as ExportJob;
  }

  finish(
    id: string,
    outcome: { state: 'ready'; rows: number; bytes: number } | { state: 'failed'; error: string },
    at: string,
  ): Promise<boolean> {
    const { state, ...rest } = outcome;
    const fields: Record<string, unknown> = { ...rest, finishedAt: at };
    const names = Object.keys(fields);
    return conditionalUpdate(this.db, this.table, {
      Key: keyOf(id),
      UpdateExpression: `SET #state = :state, ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk) AND #state = :running',
      ExpressionAttributeNames: {
        '#state': 'state',
        ...Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      },
      ExpressionAttributeValues: {
        ':state': state,
        ':running': 'running',
        ...Object.fromEntries(names.map((n, i) => [`:f${i}`, fields[n]])),
      },
    });
  }
}
