import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyStore } from './adapters/dynamodb/api-key-store';
import { makeDocumentClient } from './adapters/dynamodb/client';
import { DynamoTemplateStore } from './adapters/dynamodb/template-store';
import { ConsoleWhatsAppSender } from './adapters/whatsapp/console-sender';
import { GraphWhatsAppSender } from './adapters/whatsapp/graph-sender';
import type { Config } from './config';
import { createLogger, type Logger } from './logger';
import { type ApiKeyStore, type Clock, systemClock, type TemplateStore, type WhatsAppSender } from './ports';

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
  readonly templates: TemplateStore;
  readonly apiKeys: ApiKeyStore;
  readonly whatsapp: WhatsAppSender;
}

export interface DepsOptions {
  readonly aws?: AwsTarget;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly whatsapp?: WhatsAppSender;
  /** Where the DEV console sender prints; stdout by default. */
  readonly print?: (line: string) => void;
}

/** The only place that chooses adapters. Handlers and the local runtime both build their wiring here. */
export function buildDeps(config: Config, options: DepsOptions = {}): Deps {
  const aws = options.aws ?? {};
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const db = makeDocumentClient({
    ...(aws.region ? { region: aws.region } : {}),
    ...(aws.dynamodbEndpoint ? { endpoint: aws.dynamodbEndpoint } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  });
  return {
    config,
    logger,
    clock,
    db,
    templates: new DynamoTemplateStore(db, config.tables.templates, clock),
    apiKeys: new DynamoApiKeyStore(db, config.tables.apiKeys),
    whatsapp: options.whatsapp ?? buildWhatsAppSender(config, options.print),
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
