/**
 * What every function needs: settings, a logger, a clock and where the AWS SDK clients point. The other
 * layers of functions/deps/ build on it, and each Lambda assembles only the layers it uses, so its bundle
 * carries no code it never runs (the webhook holds no campaign logic, the crawler no scheduler client).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { type Clock, systemClock } from '../ports';

/** Where the AWS SDK clients point: unset in Lambda, the emulators' endpoints in the local runtime. */
export interface AwsTarget {
  readonly region?: string;
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface CoreDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly aws: AwsTarget;
  readonly sqs: SQSClient;
}

export interface CoreOptions {
  readonly aws?: AwsTarget;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/** Region and credentials shared by every SDK client (endpoints are per service). */
export function clientSettings(aws: AwsTarget) {
  return {
    ...(aws.region ? { region: aws.region } : {}),
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  };
}

export function buildCore(config: Config, options: CoreOptions = {}): CoreDeps {
  const aws = options.aws ?? {};
  return {
    config,
    logger: options.logger ?? createLogger({ level: config.logLevel }),
    clock: options.clock ?? systemClock,
    aws,
    sqs: new SQSClient({
      ...clientSettings(aws),
      ...(aws.sqsEndpoint ? { endpoint: aws.sqsEndpoint } : {}),
    }),
  };
}

/** Stands in for an adapter this process was not configured with, failing loudly if it is used. */
export function unconfigured<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: (_target, prop) =>
      prop === 'then'
        ? undefined
        : () => {
            throw new Error(`${what} is not configured in this process`);
          },
  });
}
