/**
 * What every function is built from: its settings, a logger, a clock, and where the AWS SDK clients point.
 * The clients are made on first use, so a function builds only the clients its parts need (the webhook
 * never builds a DynamoDB client, the crawler never an SQS one).
 */
import type { Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { type Clock, systemClock } from '../ports';
import {
  type BucketAccess,
  type BucketKey,
  consumedQueue,
  FUNCTIONS,
  type FunctionName,
  type FunctionResources,
  type QueueKey,
  type TableKey,
} from '../resources';

/** Where the AWS SDK clients point: unset in Lambda, the emulators' endpoints in the local runtime. */
export interface AwsTarget {
  readonly region?: string;
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
  /** fauxqs serves S3 on its SQS port locally; path-style addressing is then used. */
  readonly s3Endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ContextOptions {
  readonly aws?: AwsTarget;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/**
 * One function's context. `fn` names the function whose grants (functions/resources.ts) the parts are
 * checked against; the local runtime, which plays every function, uses `local`.
 */
export class Context {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly aws: AwsTarget;
  private readonly made = new Map<string, unknown>();

  constructor(
    readonly config: Config,
    readonly fn: FunctionName | 'local',
    options: ContextOptions = {},
  ) {
    this.logger = options.logger ?? createLogger({ level: config.logLevel });
    this.clock = options.clock ?? systemClock;
    this.aws = options.aws ?? {};
  }

  /**
   * One instance of something per context (an SDK client), made on first use by the part that needs
   * it: compose/clients.ts holds the makers, so a bundle carries only the SDK clients it calls.
   */
  once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as T;
  }

  /** Region and credentials for an SDK client (its endpoint is chosen by the maker). */
  clientSettings() {
    return {
      ...(this.aws.region ? { region: this.aws.region } : {}),
      ...(this.aws.credentials ? { credentials: this.aws.credentials } : {}),
    };
  }

  /** A table's name, refused when the function is not granted it: a part the function may not use. */
  table(key: TableKey): string {
    if (this.fn !== 'local' && !(key in FUNCTIONS[this.fn].tables)) {
      throw new Error(`the ${this.fn} function has no access to the ${key} table (functions/resources.ts)`);
    }
    return this.config.tables[key];
  }

  /**
   * A queue's URL, refused when the function may not use it: `send` to a queue it sends to, `consume` its
   * own queue (to delay a message's redelivery).
   */
  queue(key: QueueKey, use: 'send' | 'consume' = 'send'): string {
    const granted =
      this.fn === 'local' ||
      (use === 'send'
        ? (FUNCTIONS[this.fn].sendsTo as readonly QueueKey[]).includes(key)
        : consumedQueue(this.fn) === key);
    const url = this.config.queues[key];
    if (!granted || !url) {
      throw new Error(
        `the ${this.fn} function cannot ${use === 'send' ? 'send to' : 'consume'} the ${key} queue`,
      );
    }
    return url;
  }

  /** A bucket's name, refused when the function may not use it so. */
  bucket(key: BucketKey, access: BucketAccess): string {
    const granted =
      this.fn === 'local' || (FUNCTIONS[this.fn] as FunctionResources).buckets?.[key]?.includes(access);
    if (!granted) throw new Error(`the ${this.fn} function may not ${access} objects in the ${key} bucket`);
    return this.config.buckets[key];
  }

  /** Closes the clients this context made (the local runtime and tests stop cleanly). */
  destroy(): void {
    for (const made of this.made.values()) (made as { destroy?: () => void }).destroy?.();
    this.made.clear();
  }
}
