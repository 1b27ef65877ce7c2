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
  campaigns: {
    localName: 'wa-campaigns',
    envVar: 'CAMPAIGNS_TABLE',
    // Campaign item: CAMPAIGN#<id> / META. Counter shards: CAMPAIGN#<id>#COUNTER#<n> / COUNTER, each its own
    // partition so increments spread over partitions at 1,000 sends/s.
    partitionKey: pk,
    sortKey: sk,
    // gsi1 lists campaigns newest first (gsi1pk = "CAMPAIGNS", gsi1sk = time-ordered id).
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  recipients: {
    localName: 'wa-recipients',
    envVar: 'RECIPIENTS_TABLE',
    // pk = <campaignId>#<bucket>, sk = E.164 phone: a campaign's recipients spread over several partitions.
    partitionKey: pk,
    sortKey: sk,
    indexes: [],
  },
  messages: {
    localName: 'wa-messages',
    envVar: 'MESSAGES_TABLE',
    // Single sends (MSG#<id>) and wamid lookups (WAMID#<wamid>) that let status webhooks find their send.
    partitionKey: pk,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  contacts: {
    localName: 'wa-contacts',
    envVar: 'CONTACTS_TABLE',
    // pk = E.164 phone (or a business-scoped user id): opt-outs, the 24-hour window and the pair-rate slot.
    partitionKey: pk,
    indexes: [],
  },
  lists: {
    localName: 'wa-lists',
    envVar: 'LISTS_TABLE',
    // LIST#<id> / META is the list; LIST#<id> / M#<phone> its members (attributes live on the contact).
    partitionKey: pk,
    sortKey: sk,
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  conversations: {
    localName: 'wa-conversations',
    envVar: 'CONVERSATIONS_TABLE',
    // CONV#<contact> / META is the conversation; CONV#<contact> / MSG#<time>#<wamid> its messages, in order.
    partitionKey: pk,
    sortKey: sk,
    // gsi1 lists conversations by latest activity (gsi1pk = "CONVERSATIONS", gsi1sk = <time>#<contact>).
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
  idempotency: {
    localName: 'wa-idempotency',
    envVar: 'IDEMPOTENCY_TABLE',
    // pk = <caller>#<method> <path>#<Idempotency-Key>: the first answer to a request, kept for 24 hours.
    partitionKey: pk,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  knowledge: {
    localName: 'wa-knowledge',
    envVar: 'KNOWLEDGE_TABLE',
    // SRC#<id> / META a source, SRC#<id> / PAGE#<url hash> its pages, SRC#<id> / CHUNK#<url hash>#<n> the
    // passages (with embeddings); KB / VERSION changes whenever passages change, so caches reload.
    partitionKey: pk,
    sortKey: sk,
    // gsi1 lists sources newest first (gsi1pk = "SOURCES", gsi1sk = time-ordered id).
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

export const QUEUES = {
  send: {
    localName: 'wa-send',
    envVar: 'SEND_QUEUE_URL',
    consumerTimeoutSeconds: 60,
    // The worker marks a recipient failed after MAX_SEND_ATTEMPTS; redrive only catches what it could not.
    maxReceiveCount: 10,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  events: {
    localName: 'wa-events',
    envVar: 'EVENTS_QUEUE_URL',
    consumerTimeoutSeconds: 30,
    // A status can arrive before its send is recorded; it is retried (with a delay) until it can be applied.
    maxReceiveCount: 8,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    dlqRetentionSeconds: 1_209_600,
  },
  inbound: {
    localName: 'wa-inbound',
    envVar: 'INBOUND_QUEUE_URL',
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 5,
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  crawl: {
    localName: 'wa-crawl',
    envVar: 'CRAWL_QUEUE_URL',
    // One crawl per message, within one invocation of the crawler (15 minutes at most).
    consumerTimeoutSeconds: 900,
    maxReceiveCount: 5,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  launch: {
    localName: 'wa-launch',
    envVar: 'LAUNCH_QUEUE_URL',
    consumerTimeoutSeconds: 300,
    maxReceiveCount: 5,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
} as const satisfies Record<string, QueueDefinition>;

/** The most attempts SEND_MAX_ATTEMPTS may allow: it must stay below the send queue's maxReceiveCount. */
export const MAX_SEND_ATTEMPTS = 9;

/**
 * How many send workers run at once for a given messages-per-second limit. Each worker paces itself at
 * rate / concurrency, so together they never exceed the limit; the same number is the event source
 * mapping's maximumConcurrency in AWS and the poller count locally.
 */
export function sendConcurrency(ratePerSecond: number): number {
  return Math.min(50, Math.max(2, Math.ceil(ratePerSecond / 20)));
}

export type QueueKey = keyof typeof QUEUES;

export function visibilityTimeoutSeconds(queue: QueueDefinition): number {
  return queue.consumerTimeoutSeconds * 6;
}
