/**
 * The one module shared by the CDK stack (lib/) and the runtime (functions/, local/): table keys, indexes
 * and queue settings live here so the cloud and the local runtime cannot drift apart.
 * Keep it free of imports: lib/ pulls it into the CDK app.
 */

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableDefinition {
  /** Name used by the local runtime; in AWS, CloudFormation names the table and passes it in `envVar`. */
  readonly localName: string;
  /** Environment variable that carries the table name to a function. */
  readonly envVar: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, if items in this table expire. */
  readonly ttlAttribute?: string;
}

export interface QueueDefinition {
  readonly localName: string;
  readonly envVar: string;
  /** Timeout of the consumer function; the queue's visibility timeout is six times this, as AWS advises. */
  readonly consumerTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** How long a message stays in the dead-letter queue before SQS drops it (14 days, the maximum). */
  readonly dlqRetentionSeconds: number;
}

/** All string keys: generic names let one table hold several item types without schema changes. */
const pk = 'pk';
const sk = 'sk';

export const TABLES = {
  templates: {
    localName: 'wa-templates',
    envVar: 'TEMPLATES_TABLE',
    partitionKey: pk,
    sortKey: sk,
    // gsi1 lists templates newest first (gsi1pk = "TEMPLATES", gsi1sk = time-ordered id).
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  apiKeys: {
    localName: 'wa-api-keys',
    envVar: 'API_KEYS_TABLE',
    partitionKey: pk,
    indexes: [],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

export const QUEUES = {} as const satisfies Record<string, QueueDefinition>;

export type QueueKey = keyof typeof QUEUES;

export function visibilityTimeoutSeconds(queue: QueueDefinition): number {
  return queue.consumerTimeoutSeconds * 6;
}
