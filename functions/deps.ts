import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyStore } from './adapters/dynamodb/api-key-store';
import { DynamoCampaignStore } from './adapters/dynamodb/campaign-store';
import { makeDocumentClient } from './adapters/dynamodb/client';
import { DynamoContactStore } from './adapters/dynamodb/contact-store';
import { DynamoConversationStore } from './adapters/dynamodb/conversation-store';
import { DynamoKnowledgeStore } from './adapters/dynamodb/knowledge-store';
import { DynamoListStore } from './adapters/dynamodb/list-store';
import { DynamoMessageStore } from './adapters/dynamodb/message-store';
import { DynamoRecipientStore } from './adapters/dynamodb/recipient-store';
import { DynamoStatusTarget } from './adapters/dynamodb/status-target';
import { DynamoTemplateStore } from './adapters/dynamodb/template-store';
import { PowertoolsSendMetrics } from './adapters/metrics/powertools-metrics';
import { EventBridgeCampaignScheduler } from './adapters/scheduler/eventbridge-scheduler';

import {
  SqsCrawlQueue,
  SqsInboundQueue,
  SqsLaunchQueue,
  SqsRedelivery,
  SqsSendQueue,
} from './adapters/sqs/queues';
import { ConsoleWhatsAppSender } from './adapters/whatsapp/console-sender';
import { GraphWhatsAppSender } from './adapters/whatsapp/graph-sender';
import type { Config } from './config';
import { createLogger, type Logger } from './logger';
import type {
  ApiKeyStore,
  CampaignScheduler,
  CampaignStore,
  Clock,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  CrawlQueue,
  InboundQueue,
  KnowledgeStore,
  LaunchQueue,
  ListStore,
  MessageStore,
  RecipientStore,
  RedeliveryControl,
  SendQueue,
  StatusTarget,
  TemplateStore,
  WhatsAppSender,
} from './ports';
import { noMetrics, type SendMetrics, systemClock } from './ports';
import { sendConcurrency } from './resources';
import { CampaignService } from './services/campaign-service';
import { Pacer } from './services/pacer';

/** Where the AWS SDK clients point: unset in Lambda, the emulators' endpoints in the local runtime. */
export interface AwsTarget {
  readonly region?: string;
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface Deps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly db: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly templates: TemplateStore;
  readonly apiKeys: ApiKeyStore;
  readonly campaigns: CampaignStore;
  readonly recipients: RecipientStore;
  readonly contacts: ContactStore & ContactUpdates;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly statuses: StatusTarget;
  readonly sendQueue: SendQueue;
  readonly launchQueue: LaunchQueue;
  readonly inboundQueue: InboundQueue;
  readonly sendRedelivery: RedeliveryControl;
  readonly eventsRedelivery: RedeliveryControl;
  readonly scheduler: CampaignScheduler;
  readonly whatsapp: WhatsAppSender;
  readonly pacer: Pacer;
  readonly campaignService: CampaignService;
  readonly metrics: SendMetrics;
  readonly lists: ListStore;
  readonly knowledge: KnowledgeStore;
  readonly crawlQueue: CrawlQueue;
}

export interface DepsOptions {
  readonly aws?: AwsTarget;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly whatsapp?: WhatsAppSender;
  readonly scheduler?: CampaignScheduler;
  /**
   * The send pacer. By default each process paces itself at rate / sendConcurrency, as one of that many
   * Lambda workers; the local runtime runs every worker in one process and shares one pacer at the full rate.
   */
  readonly pacer?: Pacer;
  /** Where the DEV console sender prints; stdout by default. */
  readonly print?: (line: string) => void;
}

/** The only place that chooses adapters. Handlers and the local runtime both build their wiring here. */
export function buildDeps(config: Config, options: DepsOptions = {}): Deps {
  const aws = options.aws ?? {};
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const common = {
    ...(aws.region ? { region: aws.region } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  };
  const db = makeDocumentClient({
    ...common,
    ...(aws.dynamodbEndpoint ? { endpoint: aws.dynamodbEndpoint } : {}),
  });
  const sqs = new SQSClient({ ...common, ...(aws.sqsEndpoint ? { endpoint: aws.sqsEndpoint } : {}) });
  const t = config.tables;
  const templates = new DynamoTemplateStore(db, t.templates, clock);
  const campaigns = new DynamoCampaignStore(db, t.campaigns, t.recipients);
  const recipients = new DynamoRecipientStore(db, t.recipients);
  const sendQueueUrl = config.queues.send;
  const launchQueueUrl = config.queues.launch;
  const sendQueue: SendQueue = sendQueueUrl
    ? new SqsSendQueue(sqs, sendQueueUrl)
    : unconfigured('send queue');
  const launchQueue: LaunchQueue = launchQueueUrl
    ? new SqsLaunchQueue(sqs, launchQueueUrl)
    : unconfigured('launch queue');
  const scheduler = options.scheduler ?? buildScheduler(config, common);
  const lists = new DynamoListStore(db, t.lists, t.contacts);
  const rate = config.send.ratePerSecond;
  return {
    config,
    logger,
    clock,
    db,
    sqs,
    templates,
    apiKeys: new DynamoApiKeyStore(db, t.apiKeys),
    campaigns,
    recipients,
    contacts: new DynamoContactStore(db, t.contacts),
    messages: new DynamoMessageStore(db, t.messages),
    conversations: new DynamoConversationStore(db, t.conversations),
    statuses: new DynamoStatusTarget(db, t.recipients, t.messages),
    sendQueue,
    launchQueue,
    inboundQueue: config.queues.inbound
      ? new SqsInboundQueue(sqs, config.queues.inbound)
      : unconfigured('inbound queue'),
    sendRedelivery: sendQueueUrl ? new SqsRedelivery(sqs, sendQueueUrl) : unconfigured('send queue'),
    eventsRedelivery: config.queues.events
      ? new SqsRedelivery(sqs, config.queues.events)
      : unconfigured('events queue'),
    scheduler,
    whatsapp: options.whatsapp ?? buildWhatsAppSender(config, options.print),
    pacer: options.pacer ?? Pacer.forRate(rate, sendConcurrency(rate)),
    campaignService: new CampaignService({
      campaigns,
      recipients,
      templates,
      launchQueue,
      scheduler,
      lists,
      clock,
      logger,
    }),
    lists,
    knowledge: new DynamoKnowledgeStore(db, t.knowledge),
    crawlQueue: config.queues.crawl
      ? new SqsCrawlQueue(sqs, config.queues.crawl)
      : unconfigured('crawl queue'),

    // Metrics go to CloudWatch in Lambda; locally the same counts are in the log lines.
    metrics: process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsSendMetrics() : noMetrics,
  };
}

export function buildWhatsAppSender(config: Config, print?: (line: string) => void): WhatsAppSender {
  const w = config.whatsapp;
  if (config.mode === 'LIVE' && w.accessToken && w.phoneNumberId) {
    return new GraphWhatsAppSender({
      baseUrl: w.apiBaseUrl,
      apiVersion: w.apiVersion,
      phoneNumberId: w.phoneNumberId,
      accessToken: w.accessToken,
      timeoutMs: w.requestTimeoutMs,
    });
  }
  return new ConsoleWhatsAppSender(print);
}

function buildScheduler(config: Config, common: Record<string, unknown>): CampaignScheduler {
  if (!config.scheduler) return unconfigured('campaign scheduler');
  return new EventBridgeCampaignScheduler(new SchedulerClient(common), config.scheduler);
}

/** Stands in for an adapter this process was not configured with, failing loudly if it is used. */
function unconfigured<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_target, prop) =>
      prop === 'then'
        ? undefined
        : () => {
            throw new Error(`${what} is not configured in this process`);
          },
  });
}
