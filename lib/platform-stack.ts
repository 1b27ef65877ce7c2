import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/adapters/metrics/powertools-metrics';

import { QUEUES, sendConcurrency } from '../functions/resources';
import { PlatformAlarms } from './constructs/alarms';
import { PlatformDashboard } from './constructs/dashboard';
import { allowTable } from './constructs/grants';
import { PlatformHttpApi } from './constructs/http-api';
import { PlatformFunction } from './constructs/lambda-function';
import { PlatformSecret } from './constructs/platform-secret';
import { PlatformQueue } from './constructs/queues';
import { CampaignScheduling } from './constructs/scheduling';
import { Storage } from './constructs/storage';
import { type StageSettings, stageSettings } from './stage';

export interface PlatformStackProps extends StackProps {
  readonly stageName: string;
  /** The sending number's id from Meta's dashboard (not a secret). */
  readonly whatsappPhoneNumberId?: string;
  /** Where alarm e-mails go. */
  readonly alarmEmail?: string;
  readonly secretsVersion?: string;
  /** WhatsApp messages per second for the sending number (80 by default; up to 1,000). */
  readonly sendRatePerSecond?: number;
}

/** The whole platform: one construct per concern, composed here. */
export class PlatformStack extends Stack {
  readonly stage: StageSettings;
  readonly storage: Storage;
  readonly apiFunction: PlatformFunction;
  readonly sendWorker: PlatformFunction;
  readonly launcher: PlatformFunction;
  readonly webhook: PlatformFunction;
  readonly events: PlatformFunction;
  readonly inbound: PlatformFunction;
  readonly crawler: PlatformFunction;
  readonly crawlQueue: PlatformQueue;
  readonly sendQueue: PlatformQueue;
  readonly launchQueue: PlatformQueue;
  readonly eventsQueue: PlatformQueue;
  readonly inboundQueue: PlatformQueue;
  readonly scheduling: CampaignScheduling;
  readonly httpApi: PlatformHttpApi;
  readonly secret: PlatformSecret;
  readonly alarms: PlatformAlarms;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.stage = stageSettings(props.stageName);
    const rate = props.sendRatePerSecond ?? 80;
    if (!Number.isInteger(rate) || rate < 1 || rate > 1000) {
      throw new Error(`sendRatePerSecond must be a whole number from 1 to 1000 (got ${rate})`);
    }
    this.storage = new Storage(this, 'Storage', { stage: this.stage });
    const tables = this.storage.tables;
    this.secret = new PlatformSecret(this, 'Secret', { stage: this.stage });
    this.alarms = new PlatformAlarms(this, 'Alarms', {
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });
    // Non-secret settings; the credentials come from the secret at cold start.
    const settings: Record<string, string> = {
      SEND_RATE_PER_SECOND: String(rate),
      SECRET_ARN: this.secret.secret.secretArn,
      // Changing it (-c secretsVersion=2) replaces every function's containers, so they read the secret again.
      SECRETS_VERSION: props.secretsVersion ?? '1',
      ...(props.whatsappPhoneNumberId ? { WHATSAPP_PHONE_NUMBER_ID: props.whatsappPhoneNumberId } : {}),
    };

    this.apiFunction = new PlatformFunction(this, 'ApiFunction', {
      handler: 'api',
      description: 'HTTP API: templates, campaigns, messages',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      stage: this.stage,
    });
    this.launcher = new PlatformFunction(this, 'Launcher', {
      handler: 'launcher',
      description: "Enqueues a campaign's recipients for sending; settles cancelled campaigns",
      memorySize: 512,
      timeout: Duration.seconds(QUEUES.launch.consumerTimeoutSeconds),
      stage: this.stage,
    });
    this.sendWorker = new PlatformFunction(this, 'SendWorker', {
      handler: 'send-worker',
      description: 'Sends WhatsApp messages from the send queue, paced to the rate limit',
      memorySize: 512,
      timeout: Duration.seconds(QUEUES.send.consumerTimeoutSeconds),
      stage: this.stage,
    });

    this.webhook = new PlatformFunction(this, 'Webhook', {
      handler: 'webhook',
      description: "WhatsApp webhook: verifies Meta's signature and queues the payload",
      memorySize: 512,
      timeout: Duration.seconds(10),
      stage: this.stage,
    });
    this.events = new PlatformFunction(this, 'Events', {
      handler: 'events',
      description: 'Applies delivery statuses, inbound messages and opt-outs from webhooks',
      memorySize: 512,
      timeout: Duration.seconds(QUEUES.events.consumerTimeoutSeconds),
      stage: this.stage,
    });
    this.inbound = new PlatformFunction(this, 'Inbound', {
      handler: 'inbound',
      description: "The assistant: answers customers' messages from the website's content",
      // The passage index lives in memory (about 2 KB per passage with its embedding).
      memorySize: 1024,
      timeout: Duration.seconds(QUEUES.inbound.consumerTimeoutSeconds),
      stage: this.stage,
    });
    this.crawler = new PlatformFunction(this, 'Crawler', {
      handler: 'crawler',
      description: 'Crawls a website (robots.txt, sitemap, SSRF guard) into passages and embeddings',
      memorySize: 1024,
      timeout: Duration.seconds(QUEUES.crawl.consumerTimeoutSeconds),
      stage: this.stage,
    });

    this.sendQueue = new PlatformQueue(this, 'SendQueue', {
      definition: QUEUES.send,
      consumer: this.sendWorker,
      // With at most this many workers, each pacing itself at rate / workers, the limit holds.
      maxConcurrency: sendConcurrency(rate),
    });
    this.launchQueue = new PlatformQueue(this, 'LaunchQueue', {
      definition: QUEUES.launch,
      consumer: this.launcher,
    });
    this.eventsQueue = new PlatformQueue(this, 'EventsQueue', {
      definition: QUEUES.events,
      consumer: this.events,
    });
    this.inboundQueue = new PlatformQueue(this, 'InboundQueue', {
      definition: QUEUES.inbound,
      consumer: this.inbound,
    });
    this.crawlQueue = new PlatformQueue(this, 'CrawlQueue', {
      definition: QUEUES.crawl,
      consumer: this.crawler,
      // A few crawls at once: each fetches several pages in parallel and calls the embeddings API.
      maxConcurrency: 2,
    });
    this.scheduling = new CampaignScheduling(this, 'Scheduling', { launchQueue: this.launchQueue.queue });

    const queueEnv = {
      [QUEUES.send.envVar]: this.sendQueue.queue.queueUrl,
      [QUEUES.launch.envVar]: this.launchQueue.queue.queueUrl,
    };
    const setEnv = (fn: PlatformFunction, env: Record<string, string>) => {
      for (const [k, v] of Object.entries(env)) fn.fn.addEnvironment(k, v);
    };

    // api: manages templates and campaigns, queues single messages, schedules campaign starts.
    const api = this.apiFunction;
    for (const [k, v] of Object.entries({
      ...this.storage.environmentFor([
        'templates',
        'apiKeys',
        'campaigns',
        'recipients',
        'contacts',
        'messages',
        'conversations',
        'lists',
        'knowledge',
        'idempotency',
      ]),
      ...queueEnv,
      [QUEUES.crawl.envVar]: this.crawlQueue.queue.queueUrl,
      ...settings,
      SCHEDULE_GROUP_NAME: this.scheduling.groupName,
      SCHEDULER_ROLE_ARN: this.scheduling.role.roleArn,
      LAUNCH_QUEUE_ARN: this.launchQueue.queue.queueArn,
    })) {
      api.fn.addEnvironment(k, v);
    }
    allowTable(api.role, tables.templates, ['GetItem', 'Query', 'PutItem', 'DeleteItem'], {
      indexes: ['gsi1'],
    });
    allowTable(api.role, tables.apiKeys, ['GetItem']);
    // Idempotency-Key: claimed with a conditional put, read on a clash, released after a failure.
    allowTable(api.role, tables.idempotency, ['GetItem', 'PutItem', 'DeleteItem']);
    allowTable(api.role, tables.campaigns, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem'], {
      indexes: ['gsi1'],
    });
    allowTable(api.role, tables.recipients, ['BatchWriteItem', 'Query', 'UpdateItem']);
    allowTable(api.role, tables.contacts, ['GetItem', 'BatchGetItem', 'UpdateItem']);
    allowTable(api.role, tables.lists, ['GetItem', 'PutItem', 'Query', 'BatchWriteItem', 'DeleteItem'], {
      indexes: ['gsi1'],
    });
    allowTable(api.role, tables.messages, ['GetItem', 'PutItem']);
    allowTable(api.role, tables.conversations, ['GetItem', 'Query', 'UpdateItem'], { indexes: ['gsi1'] });
    // Knowledge: sources and documents are written here; /knowledge/ask reads every passage.
    allowTable(
      api.role,
      tables.knowledge,
      ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      { indexes: ['gsi1'] },
    );
    this.crawlQueue.queue.grantSendMessages(api.role);
    this.sendQueue.queue.grantSendMessages(api.role);
    this.launchQueue.queue.grantSendMessages(api.role);
    this.scheduling.allowManage(api.role);

    // launcher: pages through recipients, enqueues sends, continues itself, starts scheduled campaigns,
    // makes series runs (writing audiences taken from lists at launch) and plans quiet-hours releases.
    for (const [k, v] of Object.entries({
      ...this.storage.environmentFor(['campaigns', 'recipients', 'lists', 'contacts']),
      ...queueEnv,
      ...settings,
      SCHEDULE_GROUP_NAME: this.scheduling.groupName,
      SCHEDULER_ROLE_ARN: this.scheduling.role.roleArn,
      LAUNCH_QUEUE_ARN: this.launchQueue.queue.queueArn,
    })) {
      this.launcher.fn.addEnvironment(k, v);
    }
    allowTable(this.launcher.role, tables.campaigns, ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem']);

    allowTable(this.launcher.role, tables.recipients, ['Query', 'UpdateItem', 'BatchWriteItem']);
    allowTable(this.launcher.role, tables.lists, ['GetItem', 'Query']);
    allowTable(this.launcher.role, tables.contacts, ['BatchGetItem']);
    this.sendQueue.queue.grantSendMessages(this.launcher.role);
    this.launchQueue.queue.grantSendMessages(this.launcher.role);
    this.scheduling.allowManage(this.launcher.role, 'create');

    // send worker: claims and records recipients and single messages, checks contacts, sends.
    for (const [k, v] of Object.entries({
      ...this.storage.environmentFor(['campaigns', 'recipients', 'contacts', 'messages', 'conversations']),
      ...queueEnv,
      ...settings,
    })) {
      this.sendWorker.fn.addEnvironment(k, v);
    }
    allowTable(this.sendWorker.role, tables.conversations, ['PutItem', 'UpdateItem']);
    allowTable(this.sendWorker.role, tables.campaigns, ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem']);
    allowTable(this.sendWorker.role, tables.recipients, ['GetItem', 'Query', 'UpdateItem']);
    allowTable(this.sendWorker.role, tables.contacts, ['GetItem', 'UpdateItem']);
    allowTable(this.sendWorker.role, tables.messages, ['GetItem', 'PutItem', 'UpdateItem']);
    this.sendQueue.queue.grantSendMessages(this.sendWorker.role);
    // Quiet hours: a worker that defers a recipient asks the launcher to plan the release.
    this.launchQueue.queue.grantSendMessages(this.sendWorker.role);

    // webhook: only queues what Meta sends.
    setEnv(this.webhook, { [QUEUES.events.envVar]: this.eventsQueue.queue.queueUrl, ...settings });
    this.eventsQueue.queue.grantSendMessages(this.webhook.role);

    // events: statuses onto recipients and messages, inbound messages into conversations, opt-outs.
    setEnv(this.events, {
      ...this.storage.environmentFor(['campaigns', 'recipients', 'contacts', 'messages', 'conversations']),
      ...queueEnv,
      [QUEUES.events.envVar]: this.eventsQueue.queue.queueUrl,
      [QUEUES.inbound.envVar]: this.inboundQueue.queue.queueUrl,
      ...settings,
    });
    allowTable(this.events.role, tables.campaigns, ['GetItem', 'BatchGetItem', 'UpdateItem']);
    allowTable(this.events.role, tables.recipients, ['GetItem', 'UpdateItem']);
    allowTable(this.events.role, tables.contacts, ['GetItem', 'UpdateItem']);
    allowTable(this.events.role, tables.messages, ['GetItem', 'PutItem', 'UpdateItem']);
    allowTable(this.events.role, tables.conversations, ['GetItem', 'PutItem', 'UpdateItem']);
    this.sendQueue.queue.grantSendMessages(this.events.role);
    this.inboundQueue.queue.grantSendMessages(this.events.role);

    // inbound (the assistant): reads conversations, contacts and passages; replies through the send queue.
    setEnv(this.inbound, {
      ...this.storage.environmentFor(['contacts', 'messages', 'conversations', 'knowledge']),
      ...queueEnv,
      ...settings,
    });
    allowTable(this.inbound.role, tables.conversations, ['GetItem', 'Query', 'UpdateItem']);
    allowTable(this.inbound.role, tables.contacts, ['GetItem']);
    allowTable(this.inbound.role, tables.messages, ['PutItem']);
    allowTable(this.inbound.role, tables.knowledge, ['GetItem', 'Query'], { indexes: ['gsi1'] });
    this.sendQueue.queue.grantSendMessages(this.inbound.role);

    // crawler: fetches public pages and writes passages; nothing else.
    setEnv(this.crawler, { ...this.storage.environmentFor(['knowledge']), ...settings });
    allowTable(
      this.crawler.role,
      tables.knowledge,
      ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
      { indexes: ['gsi1'] },
    );

    // Every function reads the secret at cold start (it decides DEV or LIVE); no other function may.
    for (const fn of [
      api,
      this.launcher,
      this.sendWorker,
      this.webhook,
      this.events,
      this.inbound,
      this.crawler,
    ]) {
      this.secret.allowRead(fn.role);
    }
    this.watch();

    this.httpApi = new PlatformHttpApi(this, 'Http', {
      apiFunction: api.fn,
      webhookFunction: this.webhook.fn,
      stage: this.stage,
    });
    Validations.of(this.httpApi.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Routes are authorised inside the api Lambda by API key (hashed keys in DynamoDB), the same check the local runtime runs; the WhatsApp webhook is authenticated by Meta's HMAC signature.",
    });
    new CfnOutput(this, 'ScheduleGroup', { value: this.scheduling.groupName });
    new CfnOutput(this, 'ApiKeysTable', {
      value: tables.apiKeys.tableName,
      description: 'API_KEYS_TABLE=<this> npm run api-key -- create <name> (with AWS credentials)',
    });

    new CfnOutput(this, 'SecretArn', {
      value: this.secret.secret.secretArn,
      description:
        'Fill in WHATSAPP_ACCESS_TOKEN and WHATSAPP_APP_SECRET here; WHATSAPP_WEBHOOK_VERIFY_TOKEN is generated',
    });
    new CfnOutput(this, 'VerifyTokenLocation', {
      value: `aws secretsmanager get-secret-value --secret-id ${this.secret.secret.secretArn} --query SecretString --output text`,
      description:
        "The webhook verify token for Meta's dashboard is WHATSAPP_WEBHOOK_VERIFY_TOKEN in this secret",
    });
    new PlatformDashboard(this, 'Operations', {
      queues: {
        send: this.sendQueue,
        launch: this.launchQueue,
        events: this.eventsQueue,
        inbound: this.inboundQueue,
        crawl: this.crawlQueue,
      },
    });
    this.alarms.above(
      'ApiServerErrors',
      this.httpApi.api.metricServerError({ period: PlatformAlarms.PERIOD }),
      0,
      'The HTTP API answered 5xx',
    );
  }

  /** Alarms on every DLQ, on send-worker errors and throttles, and on webhook signature failures. */
  private watch(): void {
    for (const q of [this.sendQueue, this.launchQueue, this.eventsQueue, this.inboundQueue, this.crawlQueue])
      this.alarms.notify(q.dlqAlarm);
    this.alarms.above(
      'AssistantErrors',
      this.inbound.fn.metricErrors({ period: PlatformAlarms.PERIOD }),
      0,
      'The assistant failed to handle customer messages (they are retried, then dead-lettered)',
    );

    this.alarms.above(
      'SendWorkerErrors',
      this.sendWorker.fn.metricErrors({ period: PlatformAlarms.PERIOD }),
      0,
      'The send worker failed',
    );
    this.alarms.above(
      'SendWorkerThrottles',
      this.sendWorker.fn.metricThrottles({ period: PlatformAlarms.PERIOD }),
      0,
      'The send worker was throttled',
    );
    // Counted by the webhook itself through Powertools Metrics (EMF in its log; no metric filter needed).
    const signatureFailures = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'WebhookSignatureFailures',
      dimensionsMap: { service: 'whatsapp-platform' },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    this.alarms.above(
      'WebhookSignatureFailures',
      signatureFailures,

      5,
      'Webhook posts with a wrong or missing signature (someone other than Meta, or a changed app secret)',
    );
  }
}
