import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import type { Config } from '../functions/config';
import { buildDeps, buildWhatsAppSender, type Deps } from '../functions/deps';
import type { LaunchCommand } from '../functions/domain/campaign';
import { WEBHOOK_PATH } from '../functions/http/webhook-app';
import { createLogger, type Logger } from '../functions/logger';
import type { WebFetcher } from '../functions/ports';
import { type Clock, systemClock, type WhatsAppSender } from '../functions/ports';
import { QUEUES, type QueueKey, sendConcurrency, TABLES, type TableKey } from '../functions/resources';
import { Pacer } from '../functions/services/pacer';
import { apiApp } from '../functions/wiring/api';
import { buildAssistant } from '../functions/wiring/assistant';
import { buildFetcher, crawlProcessor } from '../functions/wiring/crawler';
import { eventsProcessor } from '../functions/wiring/events';
import { responder } from '../functions/wiring/inbound';
import { launcher } from '../functions/wiring/launcher';
import { sendWorker } from '../functions/wiring/send-worker';
import { webhookApp } from '../functions/wiring/webhook';
import { SimulatingWhatsAppSender } from './dev-status-simulator';

import { ensureLocalApiKey } from './local-api-key';
import { LocalCampaignScheduler } from './local-campaign-scheduler';
import { LocalScheduler } from './local-scheduler';
import { ensureQueue, ensureTable, type ProvisionedQueue } from './provision';
import { SqsPoller } from './sqs-poller';

export const LOCAL_REGION = 'us-east-1';
// The emulators accept any signature; the SDK still wants something to sign with.
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * What API Gateway does at the edge that the app does not: a request refused before its body was read
 * (413) must not leave a half-read body on a kept-alive socket, so the connection is closed.
 */
function gatewayFetch(
  apiFetch: (request: Request) => Response | Promise<Response>,
  webhookFetch: (request: Request) => Response | Promise<Response>,
) {
  return async (request: Request, env?: HttpBindings | Http2Bindings): Promise<Response> => {
    // The routes API Gateway has: the webhook goes to its own function, the rest of /api/* to the api.
    const path = new URL(request.url).pathname;
    const response = await (path === WEBHOOK_PATH ? webhookFetch(request) : apiFetch(request));
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

export interface Platform {
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly apiKeySource: string;
  readonly deps: Deps;
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
      ? new SimulatingWhatsAppSender(buildWhatsAppSender(config, options.print), {
          delayMs: config.dev.statusDelayMs,
          ...(config.whatsapp.appSecret ? { appSecret: config.whatsapp.appSecret } : {}),
          logger,
        })
      : undefined;
  const whatsapp = options.whatsapp ?? simulator;
  const deps = buildDeps(config, {
    aws: { ...aws, dynamodbEndpoint: endpoints.dynamodbEndpoint, sqsEndpoint: endpoints.sqsEndpoint },
    logger,
    scheduler: new LocalCampaignScheduler(scheduler),
    // Every worker runs in this one process, so they share one pacer at the full rate.
    pacer: Pacer.forRate(rate, 1),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    ...(options.print ? { print: options.print } : {}),
  });
  // A schedule delivers its command to the launch queue, as EventBridge Scheduler's SQS target does.
  fire = (command) => deps.launchQueue.send(command);

  const localKey = await ensureLocalApiKey({
    store: deps.apiKeys,
    clock: deps.clock,
    ...(config.devApiKey ? { devApiKey: config.devApiKey } : {}),
    ...(dataDir ? { dataDir } : {}),
  });

  const assistant = buildAssistant(deps);
  // The guarded fetcher holds a connection pool; one built here is closed at stop.
  const ownFetcher = options.fetcher ? undefined : buildFetcher(deps);
  const app = apiApp(deps, { assistant, ...(config.devApiKey ? { devApiKey: config.devApiKey } : {}) });
  const webhook = webhookApp(deps);
  const pollers = [
    ...(options.sendWorkers === false
      ? []
      : [
          new SqsPoller({
            sqs,
            queueUrl: queues.send.url,
            queueArn: queues.send.arn,
            region: LOCAL_REGION,
            handler: sendWorker(deps),
            batchSize: QUEUES.send.batchSize,
            concurrency: sendConcurrency(rate),
            logger,
          }),
        ]),

    new SqsPoller({
      sqs,
      queueUrl: queues.events.url,
      queueArn: queues.events.arn,
      region: LOCAL_REGION,
      handler: eventsProcessor(deps),
      batchSize: QUEUES.events.batchSize,
      concurrency: 2,
      logger,
    }),
    new SqsPoller({
      sqs,
      queueUrl: queues.inbound.url,
      queueArn: queues.inbound.arn,
      region: LOCAL_REGION,
      handler: responder(deps, assistant),
      batchSize: QUEUES.inbound.batchSize,
      concurrency: 2,
      logger,
    }),
    new SqsPoller({
      sqs,
      queueUrl: queues.crawl.url,
      queueArn: queues.crawl.arn,
      region: LOCAL_REGION,
      handler: crawlProcessor(deps, assistant, {
        fetcher: options.fetcher ?? ownFetcher!,
        budgetMs: (QUEUES.crawl.consumerTimeoutSeconds - 60) * 1000,
      }),
      batchSize: QUEUES.crawl.batchSize,
      concurrency: 1,
      logger,
    }),
    new SqsPoller({
      sqs,
      queueUrl: queues.launch.url,
      queueArn: queues.launch.arn,
      region: LOCAL_REGION,
      handler: launcher(deps),
      batchSize: QUEUES.launch.batchSize,
      concurrency: 2,
      logger,
    }),
  ];

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolveServer, reject) => {
    const s = serve(
      { fetch: gatewayFetch(app.fetch, webhook.fetch), port: config.port, hostname: host },
      () => resolveServer(s as Server),
    );
    (s as Server).once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  if (simulator) simulator.webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;

  for (const poller of pollers) poller.start();
  scheduler.start();

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    port,
    apiKey: localKey.key,
    apiKeySource: localKey.source,
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
        deps.db.destroy();
        deps.sqs.destroy();
      })();
      return stopping;
    },
  };
}
