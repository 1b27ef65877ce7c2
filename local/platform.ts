import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { accounts, buildApi } from '../functions/compose/api';
import { buildAssistant } from '../functions/compose/assistant';
import { dynamo } from '../functions/compose/aws-dynamodb';
import { campaignService } from '../functions/compose/campaigns';
import { Context } from '../functions/compose/context';
import { buildCrawler, guardedFetcher } from '../functions/compose/crawler';
import { buildEvents } from '../functions/compose/events';
import { buildHooks } from '../functions/compose/hooks';
import { buildInbound } from '../functions/compose/inbound';
import { buildLauncher } from '../functions/compose/launcher';
import { launchQueue } from '../functions/compose/queues';
import { buildSendWorker } from '../functions/compose/send-worker';
import { whatsAppSender } from '../functions/compose/sending';
import { apiKeyStore, campaignStore, templateStore } from '../functions/compose/stores';
import { buildWebhook } from '../functions/compose/webhook';
import type { Config } from '../functions/config';
import type { LaunchCommand } from '../functions/domain/campaign';
import { WEBHOOK_PATH } from '../functions/http/webhook-app';
import { createLogger, type Logger } from '../functions/logger';
import type {
  ApiKeyStore,
  CampaignCounters,
  CampaignScheduler,
  CampaignStore,
  LaunchCheckpoints,
  LaunchQueue,
  TemplateStore,
  WebFetcher,
} from '../functions/ports';
import { type Clock, systemClock, type WhatsAppSender } from '../functions/ports';
import {
  BUCKETS,
  type BucketKey,
  type FunctionName,
  QUEUES,
  type QueueKey,
  queueBatchSize,
  queueConcurrency,
  sendConcurrency,
  TABLES,
  type TableKey,
  TEMPLATE_SYNC,
} from '../functions/resources';
import type { CampaignService } from '../functions/services/campaign-service';
import { Pacer } from '../functions/services/pacer';
import { consoleFiles } from './console-files';
import { SimulatingWhatsAppSender } from './dev-status-simulator';
import { ensureLocalAdmin, type LocalAdmin } from './local-admin';
import { ensureLocalApiKey } from './local-api-key';
import { LocalCampaignScheduler } from './local-campaign-scheduler';
import { LocalScheduler } from './local-scheduler';
import { ensureBucket, ensureQueue, ensureTable, type ProvisionedQueue } from './provision';
import { type SqsHandler, SqsPoller } from './sqs-poller';

export const LOCAL_REGION = 'us-east-1';

/**
 * Send pollers locally: as many as the event source mapping would run in AWS for this rate and request
 * timeout, but no more than LOCAL_SEND_POLLERS. One process on a laptop sends about 150 messages a second
 * at most (its CPU is the limit there, not WhatsApp's), and pollers beyond what that needs only add idle
 * receive calls.
 */
export const LOCAL_SEND_POLLERS = 32;

function localSendPollers(config: Config): number {
  const timeoutSeconds = config.whatsapp.requestTimeoutMs / 1000;
  return Math.min(LOCAL_SEND_POLLERS, sendConcurrency(config.send.ratePerSecond, timeoutSeconds));
}
// The emulators accept any signature; the SDK still wants something to sign with.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * What API Gateway does at the edge that the app does not: a request refused before its body was read
 * (413) must not leave a half-read body on a kept-alive socket, so the connection is closed.
 */
function gatewayFetch(
  apiFetch: (request: Request, env?: unknown) => Response | Promise<Response>,
  webhookFetch: (request: Request, env?: unknown) => Response | Promise<Response>,
  consoleFetch: (request: Request) => Response | Promise<Response>,
) {
  return async (request: Request, env?: HttpBindings | Http2Bindings): Promise<Response> => {
    // The routes API Gateway has: the webhook goes to its own function, the rest of /api/* to the api;
    // everything else is the console's files (CloudFront's default behaviour in AWS).
    const path = new URL(request.url).pathname;
    if (path !== '/api' && !path.startsWith('/api/')) return consoleFetch(request);
    const response = await (path === WEBHOOK_PATH ? webhookFetch(request, env) : apiFetch(request, env));
    if (response.status === 413) env?.outgoing?.setHeader('connection', 'close');
    return response;
  };
}

export interface PlatformOptions {
  readonly config: Config;
  readonly endpoints: { readonly dynamodbEndpoint: string; readonly sqsEndpoint: string };
  /** Keep the API key and schedules in config.dataDir (false for --in-memory and for tests). */
  readonly persistent: boolean;
  readonly host?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly whatsapp?: WhatsAppSender;
  readonly print?: (line: string) => void;
  /** Names queues uniquely (tests share one fauxqs); defaults to the names in resources.ts. */
  readonly queueSuffix?: string;
  /** Milliseconds between scheduler ticks; 1,000 by default. */
  readonly schedulerTickMs?: number;
  /** Run the send workers (true by default; the launch benchmark turns them off to time launching alone). */
  readonly sendWorkers?: boolean;
  /** The crawler's HTTP client (tests inject one with a fake resolver); the guarded fetcher by default. */
  readonly fetcher?: WebFetcher;
}

export interface LocalDeps {
  readonly config: Config;
  readonly db: DynamoDBDocumentClient;
  readonly apiKeys: ApiKeyStore;
  readonly campaignService: CampaignService;
  readonly launchQueue: LaunchQueue;
  readonly templates: TemplateStore;
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints;
}

export interface Platform {
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiKeySource: string;
  readonly admin: LocalAdmin;
  /** What tests and benchmarks reach into: the settings, the tables, and a few parts. */
  readonly deps: LocalDeps;
  readonly queues: Readonly<Record<QueueKey, ProvisionedQueue>>;
  readonly scheduler: LocalScheduler;
  stop(): Promise<void>;
}

/**
 * The whole platform in one process: the same handlers and adapters as in AWS, with dynalite and
 * fauxqs standing in for DynamoDB and SQS, a Node HTTP server for API Gateway, pollers for the SQS
 * event source mappings and a timer for EventBridge Scheduler.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const { endpoints } = options;
  const logger = options.logger ?? createLogger({ level: options.config.logLevel, readable: true });
  const aws = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: endpoints.dynamodbEndpoint });
  const sqs = new SQSClient({ ...aws, endpoint: endpoints.sqsEndpoint });

  for (const [key, def] of Object.entries(TABLES)) {
    await ensureTable(dynamodb, options.config.tables[key as TableKey], def);
  }
  const s3 = new S3Client({ ...aws, endpoint: endpoints.sqsEndpoint, forcePathStyle: true });
  for (const key of Object.keys(BUCKETS) as BucketKey[]) await ensureBucket(s3, options.config.buckets[key]);
  s3.destroy();
  const queues = {} as Record<QueueKey, ProvisionedQueue>;
  for (const [key, def] of Object.entries(QUEUES) as [QueueKey, (typeof QUEUES)[QueueKey]][]) {
    queues[key] = await ensureQueue(sqs, `${def.localName}${options.queueSuffix ?? ''}`, def);
  }
  const config: Config = {
    ...options.config,
    queues: Object.fromEntries(Object.entries(queues).map(([k, q]) => [k, q.url])) as Record<
      QueueKey,
      string
    >,
  };

  const dataDir = options.persistent ? resolve(config.dataDir) : undefined;
  let fire: (command: LaunchCommand) => Promise<void> = async () => {};
  const scheduler = new LocalScheduler({
    ...(dataDir ? { file: join(dataDir, 'schedules.json') } : {}),
    clock: options.clock ?? systemClock,
    logger,
    onFire: (schedule) => fire(schedule.payload as LaunchCommand),
    ...(options.schedulerTickMs ? { tickMs: options.schedulerTickMs } : {}),
  });

  const rate = config.send.ratePerSecond;
  const simulator =
    !options.whatsapp && config.mode === 'DEV' && config.dev.simulateStatuses
      ? new SimulatingWhatsAppSender(whatsAppSender(config, options.print), {
          delayMs: config.dev.statusDelayMs,
          ...(config.whatsapp.appSecret ? { appSecret: config.whatsapp.appSecret } : {}),
          logger,
        })
      : undefined;
  const whatsapp = options.whatsapp ?? simulator;
  // One context plays every function: the same builders as the Lambda handlers, on the emulators.
  const context = new Context(config, 'local', {
    aws: {
      ...aws,
      dynamodbEndpoint: endpoints.dynamodbEndpoint,
      sqsEndpoint: endpoints.sqsEndpoint,
      s3Endpoint: endpoints.sqsEndpoint,
    },
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const schedules: CampaignScheduler = new LocalCampaignScheduler(scheduler);
  const launches = launchQueue(context);
  // A schedule delivers its command to the launch queue, as EventBridge Scheduler's SQS target does.
  fire = (command) => launches.send(command);
  const deps: LocalDeps = {
    config,
    db: dynamo(context),
    apiKeys: apiKeyStore(context),
    campaignService: campaignService(context, schedules),
    launchQueue: launches,
    templates: templateStore(context),
    campaigns: campaignStore(context),
  };

  const localKey = await ensureLocalApiKey({
    store: deps.apiKeys,
    clock: context.clock,
    ...(config.devApiKey ? { devApiKey: config.devApiKey } : {}),
    ...(dataDir ? { dataDir } : {}),
  });

  const localAdmin = await ensureLocalAdmin({
    accounts: accounts(context),
    email: config.adminEmail,
    ...(dataDir ? { dataDir } : {}),
  });

  // One assistant (one passage index) for the api, the assistant and the crawler, as one process.
  const assistant = buildAssistant(context);
  // The guarded fetcher holds a connection pool; one built here is closed at stop.
  const ownFetcher = options.fetcher ? undefined : guardedFetcher(context);
  const app = buildApi(context, {
    assistant,
    scheduler: schedules,
    ...(config.devApiKey ? { devApiKey: config.devApiKey } : {}),
  });
  const webhook = buildWebhook(context);
  // Every consumer that Lambda runs from a queue, with the same batch size and concurrency as in AWS.
  const consumers: Record<FunctionName, (() => SqsHandler) | undefined> = {
    'send-worker':
      options.sendWorkers === false
        ? undefined
        : () =>
            buildSendWorker(context, {
              // Every worker runs in this one process, so they share one pacer at the full rate.
              pacer: Pacer.forRate(rate),
              ...(whatsapp ? { whatsapp } : {}),
              ...(options.print ? { print: options.print } : {}),
            }),
    events: () => buildEvents(context),
    inbound: () => buildInbound(context, { assistant }),
    crawler: () => buildCrawler(context, { assistant, fetcher: options.fetcher ?? ownFetcher! }),
    launcher: () => buildLauncher(context, { scheduler: schedules }),
    hooks: () => buildHooks(context),
    api: undefined,
    webhook: undefined,
  };
  const pollers = (Object.keys(QUEUES) as QueueKey[]).flatMap((key) => {
    const def = QUEUES[key];
    const handler = consumers[def.consumer]?.();
    if (!handler) return [];
    return [
      new SqsPoller({
        sqs,
        queueUrl: queues[key].url,
        queueArn: queues[key].arn,
        region: LOCAL_REGION,
        handler,
        batchSize: queueBatchSize(key, rate),
        concurrency: key === 'send' ? localSendPollers(config) : queueConcurrency(key, rate),
        logger,
      }),
    ];
  });

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolveServer, reject) => {
    const s = serve(
      {
        fetch: gatewayFetch(app.fetch, webhook.fetch, consoleFiles().fetch),
        port: config.port,
        hostname: host,
      },
      () => resolveServer(s as Server),
    );
    (s as Server).once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  if (simulator) simulator.webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;

  for (const poller of pollers) poller.start();
  // The account's templates are read every 15 minutes, as the stack's template-sync schedule does in AWS.
  if (config.mode === 'LIVE' && config.whatsapp.businessAccountId) {
    if (!scheduler.get(TEMPLATE_SYNC.scheduleName)) {
      scheduler.upsert({
        name: TEMPLATE_SYNC.scheduleName,
        payload: TEMPLATE_SYNC.command,
        recurrence: { expression: TEMPLATE_SYNC.expression, timezone: 'UTC' },
      });
    }
  } else scheduler.delete(TEMPLATE_SYNC.scheduleName);
  scheduler.start();

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    port,
    apiKey: localKey.key,
    apiKeySource: localKey.source,
    admin: localAdmin,
    deps,
    queues,
    scheduler,
    stop() {
      stopping ??= (async () => {
        simulator?.stop();
        await new Promise<void>((done) => server.close(() => done()));
        await scheduler.stop();
        await Promise.all(pollers.map((p) => p.stop()));
        await ownFetcher?.close();

        dynamodb.destroy();
        sqs.destroy();
        context.destroy();
      })();
      return stopping;
    },
  };
}
