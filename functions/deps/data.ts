/** The stores and queues: DynamoDB tables and SQS queues behind the platform's ports. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { DynamoCampaignStore } from '../adapters/dynamodb/campaign-store';
import { makeDocumentClient } from '../adapters/dynamodb/client';
import { DynamoContactStore } from '../adapters/dynamodb/contact-store';
import { DynamoConversationStore } from '../adapters/dynamodb/conversation-store';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoKnowledgeStore } from '../adapters/dynamodb/knowledge-store';
import { DynamoListStore } from '../adapters/dynamodb/list-store';
import { DynamoMessageStore } from '../adapters/dynamodb/message-store';
import { DynamoRecipientStore } from '../adapters/dynamodb/recipient-store';
import { DynamoStatusTarget } from '../adapters/dynamodb/status-target';
import { DynamoTemplateStore } from '../adapters/dynamodb/template-store';
import { SqsJsonQueue, SqsRedelivery, SqsSendQueue } from '../adapters/sqs/queues';
import type { LaunchCommand } from '../domain/campaign';
import type { InboundJob } from '../domain/conversation';
import type { CrawlJob } from '../domain/knowledge/source';
import type {
  ApiKeyStore,
  CampaignCounters,
  CampaignStore,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  CrawlQueue,
  IdempotencyStore,
  InboundQueue,
  KnowledgeStore,
  LaunchCheckpoints,
  LaunchQueue,
  ListStore,
  MessageStore,
  RecipientStore,
  RedeliveryControl,
  SendQueue,
  StatusTarget,
  TemplateStore,
} from '../ports';
import { type CoreDeps, clientSettings, unconfigured } from './core';

export interface DataDeps extends CoreDeps {
  readonly db: DynamoDBDocumentClient;
  readonly templates: TemplateStore;
  readonly apiKeys: ApiKeyStore;
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints;
  readonly recipients: RecipientStore;
  readonly contacts: ContactStore & ContactUpdates;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly statuses: StatusTarget;
  readonly lists: ListStore;
  readonly knowledge: KnowledgeStore;
  readonly idempotency: IdempotencyStore;
  readonly sendQueue: SendQueue;
  readonly launchQueue: LaunchQueue;
  readonly inboundQueue: InboundQueue;
  readonly crawlQueue: CrawlQueue;
  readonly sendRedelivery: RedeliveryControl;
  readonly eventsRedelivery: RedeliveryControl;
}

export function buildData(core: CoreDeps): DataDeps {
  const { config, sqs, clock, aws } = core;
  const db = makeDocumentClient({
    ...clientSettings(aws),
    ...(aws.dynamodbEndpoint ? { endpoint: aws.dynamodbEndpoint } : {}),
  });
  const t = config.tables;
  const q = config.queues;
  const queue = <T extends object>(url: string | undefined, what: string, make: (url: string) => T): T =>
    url ? make(url) : unconfigured<T>(what);
  return {
    ...core,
    db,
    templates: new DynamoTemplateStore(db, t.templates, clock),
    apiKeys: new DynamoApiKeyStore(db, t.apiKeys),
    campaigns: new DynamoCampaignStore(db, t.campaigns, t.recipients),
    recipients: new DynamoRecipientStore(db, t.recipients),
    contacts: new DynamoContactStore(db, t.contacts),
    messages: new DynamoMessageStore(db, t.messages),
    conversations: new DynamoConversationStore(db, t.conversations),
    statuses: new DynamoStatusTarget(db, t.recipients, t.messages),
    lists: new DynamoListStore(db, t.lists, t.contacts),
    knowledge: new DynamoKnowledgeStore(db, t.knowledge),
    idempotency: new DynamoIdempotencyStore(db, t.idempotency),
    sendQueue: queue(q.send, 'send queue', (url) => new SqsSendQueue(sqs, url)),
    launchQueue: queue(q.launch, 'launch queue', (url) => new SqsJsonQueue<LaunchCommand>(sqs, url)),
    inboundQueue: queue(q.inbound, 'inbound queue', (url) => new SqsJsonQueue<InboundJob>(sqs, url)),
    crawlQueue: queue(q.crawl, 'crawl queue', (url) => new SqsJsonQueue<CrawlJob>(sqs, url)),
    sendRedelivery: queue(q.send, 'send queue', (url) => new SqsRedelivery(sqs, url)),
    eventsRedelivery: queue(q.events, 'events queue', (url) => new SqsRedelivery(sqs, url)),
  };
}
