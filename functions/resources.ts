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

/** An S3 bucket (fauxqs's S3 locally, under the data directory). */
export interface BucketDefinition {
  readonly localName: string;
  readonly envVar: string;
  /** Objects are deleted this many days after they were written. */
  readonly expireAfterDays: number;
  /** Every object's key starts with this: grants name it, so a function reaches nothing else. */
  readonly prefix: string;
}

export type BucketKey = 'parked' | 'media' | 'exports';
/** SNS topics functions publish to: `handoff` tells people that a customer waits for one. */
export type TopicKey = 'handoff';

export const TOPICS: Record<TopicKey, { readonly envVar: string }> = {
  handoff: { envVar: 'HANDOFF_TOPIC_ARN' },
};
export type BucketAccess = 'put' | 'get' | 'delete';

export const BUCKETS = {
  // Webhook changes too large for one queue message (a 2.7 MB history sync, say): the events queue
  // carries a pointer, the events consumer reads the change here and deletes it once applied.
  parked: {
    localName: 'wa-parked-changes',
    envVar: 'PARKED_CHANGES_BUCKET',
    expireAfterDays: 14,
    prefix: 'changes/',
  },
  // Customers' media (kept when the message arrives: WhatsApp's links expire in minutes) and agents'
  // uploads, served to signed-in users by the api. Kept a year, like the conversations that show them.
  media: { localName: 'wa-media', envVar: 'MEDIA_BUCKET', expireAfterDays: 365, prefix: 'media/' },
  // Exports too large for a download (domain/export-job.ts): written by the launcher, linked by the api.
  exports: { localName: 'wa-exports', envVar: 'EXPORTS_BUCKET', expireAfterDays: 7, prefix: 'exports/' },
} as const satisfies Record<BucketKey, BucketDefinition>;

/** Every Lambda function, by its handler file under functions/handlers/. */
export type FunctionName =
  | 'api'
  | 'webhook'
  | 'events'
  | 'send-worker'
  | 'launcher'
  | 'inbound'
  | 'crawler'
  | 'hooks';
export type QueueKey = 'send' | 'events' | 'inbound' | 'crawl' | 'launch' | 'hooks';

export interface QueueDefinition {
  readonly localName: string;
  readonly envVar: string;
  /** The function that consumes it: its Lambda event source mapping in AWS, its poller locally. */
  readonly consumer: FunctionName;
  /**
   * At most this many batches at once: the event source mapping's maximumConcurrency in AWS and the
   * number of pollers locally. `send-rate` derives it from the WhatsApp rate limit (sendConcurrency).
   */
  readonly concurrency: number | 'send-rate';
  /** Timeout of the consumer function; the queue's visibility timeout is six times this, as AWS advises. */
  readonly consumerTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** How long a message stays in the dead-letter queue before SQS drops it (14 days, the maximum). */
  readonly dlqRetentionSeconds: number;
}

/** Names of CloudWatch metrics and of the service on every log line, shared by the functions and the stack. */
export const METRICS_NAMESPACE = 'WhatsAppPlatform';
export const SERVICE_NAME = 'whatsapp-platform';

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
  users: {
    localName: 'wa-users',
    envVar: 'USERS_TABLE',
    // USER#<id> / META a console user, USER#<id> / SESSION#<hash> their sessions (to end them all),
    // SESSION#<hash> / META a session, LOGIN#<email> / META the e-mail's owner, THROTTLE#<address> / <window>
    // failed sign-ins per address. Sessions and throttle windows expire (expiresAt).
    partitionKey: pk,
    sortKey: sk,
    // gsi1 lists users (gsi1pk = "USERS", gsi1sk = created time and id).
    indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
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
  webhooks: {
    localName: 'wa-webhooks',
    envVar: 'WEBHOOKS_TABLE',
    // SUB / <id> the business's webhook subscriptions (a few, read together by every publisher);
    // DELIVERY#<subscription> / <time-ordered id> each delivery attempt, kept 7 days (expiresAt).
    partitionKey: pk,
    sortKey: sk,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

export type TableKey = keyof typeof TABLES;

export const QUEUES = {
  send: {
    localName: 'wa-send',
    envVar: 'SEND_QUEUE_URL',
    consumer: 'send-worker',
    concurrency: 'send-rate',
    // A job's whole budget (SEND_BUDGET: its writes, the pacer, one Graph request); kept short because the
    // visibility timeout (six times this, 54 s) is how long a crashed worker's jobs stay away.
    consumerTimeoutSeconds: 9,
    // The worker marks a recipient failed after MAX_SEND_ATTEMPTS; redrive only catches what it could not.
    maxReceiveCount: 10,
    // The most; fewer at low rates (sendBatchSize), so a batch's jobs need not wait past the budget.
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  events: {
    localName: 'wa-events',
    envVar: 'EVENTS_QUEUE_URL',
    consumer: 'events',
    concurrency: 5,
    // A batch may download customers' media (up to MEDIA_MAX_BYTES each, each request bounded by
    // WHATSAPP_REQUEST_TIMEOUT_MS), so the consumer has a minute.
    consumerTimeoutSeconds: 60,
    // A status can arrive before its send is recorded; it is retried (with a delay) until it can be applied.
    maxReceiveCount: 8,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    dlqRetentionSeconds: 1_209_600,
  },
  inbound: {
    localName: 'wa-inbound',
    envVar: 'INBOUND_QUEUE_URL',
    consumer: 'inbound',
    concurrency: 5,
    consumerTimeoutSeconds: 60,
    maxReceiveCount: 5,
    batchSize: 5,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  crawl: {
    localName: 'wa-crawl',
    envVar: 'CRAWL_QUEUE_URL',
    consumer: 'crawler',
    concurrency: 2,
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
    consumer: 'launcher',
    concurrency: 2,
    consumerTimeoutSeconds: 300,
    maxReceiveCount: 5,
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
  hooks: {
    localName: 'wa-hooks',
    envVar: 'HOOKS_QUEUE_URL',
    consumer: 'hooks',
    concurrency: 4,
    // A batch posts each event to every subscription at once, each request bounded by WEBHOOK_TIMEOUT_MS
    // (at most 30 s), then records the attempts.
    consumerTimeoutSeconds: 60,
    // A failed post is retried by a new, delayed message (the retry policy), not by redelivery; a record
    // comes back only when the table or the queue failed, and reaches the dead-letter queue after 5 tries.
    maxReceiveCount: 5,
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    dlqRetentionSeconds: 1_209_600,
  },
} as const satisfies Record<QueueKey, QueueDefinition>;

/** The most attempts SEND_MAX_ATTEMPTS may allow: it must stay below the send queue's maxReceiveCount. */
export const MAX_SEND_ATTEMPTS = 9;

/**
 * What one send job may spend, from which the send queue's concurrency and batch size and the send
 * worker's timeout follow (docs/operations.md, "Throughput when WhatsApp is slow"). A job's path: its
 * writes before the Graph call, its wait at the pacer, the request (at most the timeout), and the writes
 * that record the answer; the worker starts a request only if that last part still fits.
 */
export const SEND_BUDGET = {
  /** The Graph request timeout by default (WHATSAPP_REQUEST_TIMEOUT_MS). */
  requestTimeoutSeconds: 4,
  /** The share of Graph requests that may hang until the timeout while sending still keeps the rate. */
  hungShare: 0.05,
  /** Requests beyond one per message (errors answered at once, retried): a share of the rate. */
  retryShare: 0.2,
  /** How long a job waits for its turn at the pacer when nothing hangs. */
  pacerWaitSeconds: 0.5,
  /** The writes before the Graph call: the claim and the pair-rate slot. */
  storeSeconds: 0.5,
  /** What is kept after the request's timeout for the writes that record it (sending/delivery.ts). */
  recordSeconds: 1,
} as const;

/**
 * How many send workers may run at once for a given rate: the event source mapping's maximumConcurrency
 * in AWS, the poller count locally. The pacer is shared by all of them (services/pacer.ts), so this
 * number does not split the rate; it is how many batches may be in flight. A batch with a hung request
 * holds its worker until the request times out while the others send in its place, so there are enough
 * workers for the batches the tolerated share of hung requests holds at full rate (a batch of 10 holds
 * one with probability 1 - (1 - hungShare)^10, from its turn at the pacer to the timeout), and as many
 * again as a healthy pipeline needs to keep the pacer busy (two pacer waits' worth of batches).
 */
export function sendConcurrency(
  ratePerSecond: number,
  requestTimeoutSeconds: number = SEND_BUDGET.requestTimeoutSeconds,
): number {
  const b = SEND_BUDGET;
  const batchesPerSecond = ratePerSecond / QUEUES.send.batchSize;
  const holding = 1 - (1 - b.hungShare) ** QUEUES.send.batchSize;
  const heldSeconds = (1 + b.retryShare) * holding * (requestTimeoutSeconds + b.pacerWaitSeconds);
  const workers = Math.ceil(batchesPerSecond * (heldSeconds + 2 * b.pacerWaitSeconds));
  return Math.min(1000, Math.max(2, workers));
}

/** How long a job may wait at the pacer: what the worker's timeout leaves of its budget. */
export function sendPacerWaitLimitSeconds(
  requestTimeoutSeconds: number = SEND_BUDGET.requestTimeoutSeconds,
): number {
  const b = SEND_BUDGET;
  return QUEUES.send.consumerTimeoutSeconds - b.storeSeconds - requestTimeoutSeconds - b.recordSeconds;
}

/**
 * Records per send batch: 10, or fewer at a few messages a second, where the batches in flight (workers
 * times batch size) would otherwise wait at the pacer longer than the worker's timeout leaves them.
 */
export function sendBatchSize(
  ratePerSecond: number,
  requestTimeoutSeconds: number = SEND_BUDGET.requestTimeoutSeconds,
): number {
  const workers = sendConcurrency(ratePerSecond, requestTimeoutSeconds);
  const fit = Math.floor((ratePerSecond * sendPacerWaitLimitSeconds(requestTimeoutSeconds)) / workers);
  return Math.min(QUEUES.send.batchSize, Math.max(1, fit));
}

export function visibilityTimeoutSeconds(queue: QueueDefinition): number {
  return queue.consumerTimeoutSeconds * 6;
}

// ---- What each function may touch ------------------------------------------------------------------

/** The DynamoDB actions a grant may name (exactly those a function's code calls). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** The secrets a function may read, each its own Secrets Manager secret in AWS. */
export const SECRETS = {
  /** The WhatsApp access token: only the functions that call the Graph API. */
  whatsapp: { envVar: 'WHATSAPP_SECRET_ARN', keys: ['WHATSAPP_ACCESS_TOKEN'] },
  /** What authenticates Meta's webhook: only the webhook function. */
  webhook: {
    envVar: 'WEBHOOK_SECRET_ARN',
    keys: ['WHATSAPP_APP_SECRET', 'WHATSAPP_WEBHOOK_VERIFY_TOKEN'],
    generated: 'WHATSAPP_WEBHOOK_VERIFY_TOKEN',
  },
  /** The OpenAI key: the functions that embed or answer. */
  openai: { envVar: 'OPENAI_SECRET_ARN', keys: ['OPENAI_API_KEY'] },
  /** The first console admin's one-time password (generated by the stack): only the api. */
  admin: { envVar: 'ADMIN_SECRET_ARN', keys: ['ADMIN_PASSWORD'], generated: 'ADMIN_PASSWORD' },
} as const satisfies Record<string, { envVar: string; keys: readonly string[]; generated?: string }>;
export type SecretKey = keyof typeof SECRETS;

export interface FunctionResources {
  readonly description: string;
  /** Tables with exactly the actions the function calls, and the indexes it queries. */
  readonly tables: Partial<
    Record<TableKey, { readonly actions: readonly TableAction[]; readonly indexes?: readonly string[] }>
  >;
  /** Queues it sends to (their URLs are in its environment). */
  readonly sendsTo: readonly QueueKey[];
  readonly secrets: readonly SecretKey[];
  /** Buckets with exactly the object actions the function calls. */
  readonly buckets?: Partial<Record<BucketKey, readonly BucketAccess[]>>;
  /** Topics it publishes to. */
  readonly topics?: readonly TopicKey[];
  /** Campaign schedules: `manage` creates, moves and deletes them; `create` only adds release schedules. */
  readonly schedules?: 'manage' | 'create';
}

/**
 * The single description of each function's needs: the stack generates every function's environment and
 * least-privilege grants from it, the local runtime its queue pollers (with QUEUES), and functions/compose
 * builds each function's stores from the same lists.
 */
export const FUNCTIONS = {
  api: {
    description: 'HTTP API: templates, campaigns, messages, conversations, lists, knowledge',
    tables: {
      // Platform templates, and Meta's view of the account's (synced, submitted; BatchGetItem for lists).
      templates: {
        actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem'],
        indexes: ['gsi1'],
      },
      // Keys are issued and revoked from the console too.
      apiKeys: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Scan'] },
      users: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchWriteItem'],
        indexes: ['gsi1'],
      },
      idempotency: { actions: ['GetItem', 'PutItem', 'DeleteItem'] },
      campaigns: {
        actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'],
        indexes: ['gsi1'],
      },
      recipients: { actions: ['BatchWriteItem', 'Query', 'UpdateItem'] },
      contacts: { actions: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
      lists: { actions: ['GetItem', 'PutItem', 'Query', 'BatchWriteItem', 'DeleteItem'], indexes: ['gsi1'] },
      messages: { actions: ['GetItem', 'PutItem'] },
      // Notes and canned replies are written here.
      conversations: {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
        indexes: ['gsi1'],
      },
      // Sources and documents are written here; /knowledge/ask reads every passage.
      knowledge: {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
        indexes: ['gsi1'],
      },
      // Webhook subscriptions are managed here, their deliveries listed and replayed.
      webhooks: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] },
    },
    // hooks: events (campaign started, conversation assigned...) and replays for the business's webhooks.
    sendsTo: ['send', 'launch', 'crawl', 'hooks'],
    // A person or an API client hands a conversation over: the team is told.
    topics: ['handoff'],
    // The access token reads and creates the account's templates (POST /api/templates/sync, .../submit).
    secrets: ['openai', 'admin', 'whatsapp'],
    // Serves customers' media to signed-in users (get) and keeps agents' uploads (put); links to exports.
    buckets: { media: ['get', 'put'], exports: ['get'] },
    schedules: 'manage',
  },
  webhook: {
    description: "WhatsApp webhook: verifies Meta's signature and queues the payload",
    tables: {},
    sendsTo: ['events'],
    secrets: ['webhook'],
    buckets: { parked: ['put'] },
  },
  events: {
    description: 'Applies delivery statuses, inbound messages and opt-outs from webhooks',
    tables: {
      campaigns: { actions: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
      recipients: { actions: ['GetItem', 'UpdateItem'] },
      contacts: { actions: ['GetItem', 'UpdateItem'] },
      messages: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
      // Query: a reply or an opt-out is counted for the campaigns found among the conversation's
      // latest messages (services/campaign-responses.ts).
      conversations: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] },
      // Template webhooks update Meta's view of a template and find the campaigns sending through it.
      templates: { actions: ['GetItem', 'Query', 'PutItem'] },
      // Reads which events the subscriptions want, so an event nobody wants is never queued.
      webhooks: { actions: ['Query'] },
    },
    // launch: a recipient Meta held back (131049) gets a release planned for a day later.
    sendsTo: ['send', 'inbound', 'hooks', 'launch'],
    // A resolved conversation the customer restarts waits for a person when the assistant is off.
    topics: ['handoff'],
    // The access token downloads customers' media from the Graph API as messages arrive.
    secrets: ['whatsapp'],
    // media: put what was downloaded; get (HEAD) finds what a redelivered webhook already kept.
    buckets: { parked: ['get', 'delete'], media: ['put', 'get'] },
  },
  'send-worker': {
    description: 'Sends WhatsApp messages from the send queue, paced to the rate limit',
    tables: {
      campaigns: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      recipients: { actions: ['GetItem', 'Query', 'UpdateItem'] },
      contacts: { actions: ['GetItem', 'UpdateItem'] },
      // BatchWriteItem: a sent message's wamid lookup and conversation message go in one request
      // (adapters/dynamodb/sent-records.ts).
      messages: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
      conversations: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem'] },
      // Reads which events the subscriptions want, so an event nobody wants is never queued.
      webhooks: { actions: ['Query'] },
    },
    // Quiet hours: a worker that defers a recipient asks the launcher (through its queue) to plan the release.
    sendsTo: ['send', 'launch', 'hooks'],
    secrets: ['whatsapp'],
    // An agent's upload is read to upload it to WhatsApp's media API before the message is sent.
    buckets: { media: ['get'] },
  },
  launcher: {
    description:
      "Enqueues a campaign's recipients for sending; settles cancelled campaigns; writes large exports",
    tables: {
      campaigns: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      recipients: { actions: ['Query', 'UpdateItem', 'BatchWriteItem'] },
      lists: { actions: ['GetItem', 'Query'] },
      contacts: { actions: ['BatchGetItem'] },
      // The scheduled template sync, and the template check of scheduled starts and series runs.
      templates: { actions: ['GetItem', 'Query', 'PutItem'], indexes: ['gsi1'] },
      // Reads which events the subscriptions want, so an event nobody wants is never queued.
      webhooks: { actions: ['Query'] },
    },
    sendsTo: ['send', 'launch', 'hooks'],
    // The access token reads the account's templates every 15 minutes (the template-sync schedule).
    secrets: ['whatsapp'],
    // Large exports are written here (services/export-jobs.ts).
    buckets: { exports: ['put'] },
    schedules: 'create',
  },
  inbound: {
    description: "The assistant: answers customers' messages from the website's content",
    tables: {
      conversations: { actions: ['GetItem', 'Query', 'UpdateItem'] },
      contacts: { actions: ['GetItem'] },
      messages: { actions: ['PutItem'] },
      knowledge: { actions: ['GetItem', 'Query'], indexes: ['gsi1'] },
      // Reads which events the subscriptions want, so an event nobody wants is never queued.
      webhooks: { actions: ['Query'] },
    },
    sendsTo: ['send', 'hooks'],
    topics: ['handoff'],
    secrets: ['openai'],
  },
  crawler: {
    description: 'Crawls a website (robots.txt, sitemap, SSRF guard) into passages and embeddings',
    tables: {
      knowledge: {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
        indexes: ['gsi1'],
      },
    },
    sendsTo: [],
    secrets: ['openai'],
  },
  hooks: {
    description: "Delivers the platform's events, signed, to the business's webhook subscriptions",
    tables: {
      // Subscriptions are read (Query), their failure state kept (UpdateItem); attempts are put.
      webhooks: { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
    },
    // A failed post comes back as a new, delayed message on its own queue.
    sendsTo: ['hooks'],
    secrets: [],
  },
} as const satisfies Record<FunctionName, FunctionResources>;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/**
 * The account's templates are read from Meta every 15 minutes (template webhooks keep them current in
 * between): an EventBridge Scheduler schedule in the stack, the local timer locally, both delivering this
 * command to the launch queue, whose launcher runs the sync.
 */
/** The launch-queue command that writes an export's file (the launcher has the recipients' reads). */
export const EXPORT_COMMAND = 'export' as const;

export const TEMPLATE_SYNC = {
  scheduleName: 'template-sync',
  expression: 'rate(15 minutes)',
  command: { action: 'sync_templates' },
} as const;

/** The queue a function consumes, if any. */
export function consumedQueue(fn: FunctionName): QueueKey | undefined {
  return (Object.keys(QUEUES) as QueueKey[]).find((q) => QUEUES[q].consumer === fn);
}

/** A queue's concurrency for a given WhatsApp rate. */
export function queueConcurrency(queue: QueueKey, ratePerSecond: number): number {
  const c = QUEUES[queue].concurrency;
  return c === 'send-rate' ? sendConcurrency(ratePerSecond) : c;
}

/** A queue's batch size for a given WhatsApp rate. */
export function queueBatchSize(queue: QueueKey, ratePerSecond: number): number {
  return queue === 'send' ? sendBatchSize(ratePerSecond) : QUEUES[queue].batchSize;
}

/**
 * The web console: static files built by Vite into `distDir`, served at / by the local runtime and, in
 * AWS, from a private bucket behind CloudFront, with the same headers both ways. Its scripts and styles
 * are its own files only; images may come from https (template media previews show the business's URLs);
 * conversation media (images, audio, video) comes from the API on the same origin.
 */
export const CONSOLE = {
  distDir: 'web/dist',
  contentSecurityPolicy: [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    // Customers' audio and video play from /api/media/{id} on the same origin; in AWS a file over 4 MB
    // comes from a signed S3 link that the API redirects to.
    "media-src 'self' https:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
} as const;
