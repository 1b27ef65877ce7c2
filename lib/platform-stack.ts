import { type CfnElement, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import {
  BUCKETS,
  type BucketAccess,
  type BucketKey,
  consumedQueue,
  FUNCTION_NAMES,
  FUNCTIONS,
  type FunctionName,
  METRICS_NAMESPACE,
  QUEUES,
  type QueueKey,
  queueBatchSize,
  queueConcurrency,
  SECRETS,
  SERVICE_NAME,
  type SecretKey,
  type TableKey,
  TOPICS,
} from '../functions/resources';
import { PlatformAlarms } from './constructs/alarms';
import { ConsoleSite } from './constructs/console-site';
import { PlatformDashboard } from './constructs/dashboard';
import { allowTable } from './constructs/grants';
import { HandoffTopic } from './constructs/handoff-topic';
import { PlatformHttpApi } from './constructs/http-api';
import { PlatformFunction } from './constructs/lambda-function';
import { PlatformSecrets } from './constructs/platform-secret';
import { PlatformQueue } from './constructs/queues';
import { CampaignScheduling } from './constructs/scheduling';
import { Storage } from './constructs/storage';
import { type StageSettings, stageSettings } from './stage';

export interface PlatformStackProps extends StackProps {
  readonly stageName: string;
  /** The sending number's id from Meta's dashboard (not a secret). */
  readonly whatsappPhoneNumberId?: string;
  /**
   * The WhatsApp Business Account's id (not a secret): templates are synced from it every 15 minutes,
   * submitted to it, and checked before campaigns send.
   */
  readonly whatsappBusinessAccountId?: string;
  /** Where alarm e-mails go. */
  readonly alarmEmail?: string;
  /** Where e-mails go when a customer starts waiting for a person (the inbox's handoff alert). */
  readonly handoffEmail?: string;
  readonly secretsVersion?: string;
  /** The first console admin's e-mail address (admin@platform.local by default); the password is generated. */
  readonly adminEmail?: string;
  /** WhatsApp messages per second for the sending number (80 by default; up to 1,000). */
  readonly sendRatePerSecond?: number;
}

/** What only the stack decides about each function: memory and timeout. */
const SIZING: Record<FunctionName, { memorySize: number; timeoutSeconds?: number }> = {
  api: { memorySize: 1024, timeoutSeconds: 29 },
  webhook: { memorySize: 512, timeoutSeconds: 10 },
  events: { memorySize: 512 },
  'send-worker': { memorySize: 512 },
  launcher: { memorySize: 512 },
  // The passage index lives in memory (about 2 KB per passage with its embedding).
  inbound: { memorySize: 1024 },
  crawler: { memorySize: 1024 },
  // Posts events and waits on receivers; little memory, no CPU to speak of.
  hooks: { memorySize: 256 },
};

/**
 * The whole platform: one construct per concern, composed here. Every function's environment and grants
 * are generated from its entry in functions/resources.ts (the same description the local runtime and
 * functions/compose use), so a function can reach exactly the tables, queues and secrets it is built with.
 */
export class PlatformStack extends Stack {
  readonly stage: StageSettings;
  readonly storage: Storage;
  readonly functions: Record<FunctionName, PlatformFunction>;
  readonly queues: Record<QueueKey, PlatformQueue>;
  readonly scheduling: CampaignScheduling;
  readonly httpApi: PlatformHttpApi;
  readonly secrets: PlatformSecrets;
  readonly alarms: PlatformAlarms;
  readonly handoff: HandoffTopic;
  readonly console: ConsoleSite;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    this.stage = stageSettings(props.stageName);
    if (
      props.whatsappBusinessAccountId !== undefined &&
      !/^\d{5,20}$/.test(props.whatsappBusinessAccountId)
    ) {
      throw new Error(
        `whatsappBusinessAccountId must be the numeric WhatsApp Business Account ID (got ${props.whatsappBusinessAccountId})`,
      );
    }
    const rate = props.sendRatePerSecond ?? 80;
    if (!Number.isInteger(rate) || rate < 1 || rate > 1000) {
      throw new Error(`sendRatePerSecond must be a whole number from 1 to 1000 (got ${rate})`);
    }
    this.storage = new Storage(this, 'Storage', { stage: this.stage });
    this.secrets = new PlatformSecrets(this, 'Secrets', { stage: this.stage });
    this.alarms = new PlatformAlarms(this, 'Alarms', {
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
    });
    this.handoff = new HandoffTopic(this, 'Handoff', {
      ...(props.handoffEmail ? { email: props.handoffEmail } : {}),
    });
    // Non-secret settings, the same for every function; credentials come from the secrets at cold start.
    const settings: Record<string, string> = {
      SEND_RATE_PER_SECOND: String(rate),
      // The mode is named here: the webhook, the assistant and the crawler hold no access token to tell it by.
      WHATSAPP_MODE: props.whatsappPhoneNumberId ? 'LIVE' : 'DEV',
      // Changing it (-c secretsVersion=2) replaces every function's containers, so they read the secrets again.
      SECRETS_VERSION: props.secretsVersion ?? '1',
      ...(props.adminEmail ? { ADMIN_EMAIL: props.adminEmail } : {}),
      ...(props.whatsappPhoneNumberId ? { WHATSAPP_PHONE_NUMBER_ID: props.whatsappPhoneNumberId } : {}),
      ...(props.whatsappBusinessAccountId
        ? { WHATSAPP_BUSINESS_ACCOUNT_ID: props.whatsappBusinessAccountId }
        : {}),
    };

    this.functions = Object.fromEntries(
      FUNCTION_NAMES.map((name) => {
        const consumed = consumedQueue(name);
        const seconds =
          SIZING[name].timeoutSeconds ?? (consumed ? QUEUES[consumed].consumerTimeoutSeconds : 30);
        const fn = new PlatformFunction(this, functionId(name), {
          handler: name,
          description: FUNCTIONS[name].description,
          memorySize: SIZING[name].memorySize,
          timeout: Duration.seconds(seconds),
          stage: this.stage,
        });
        return [name, fn];
      }),
    ) as Record<FunctionName, PlatformFunction>;

    this.queues = Object.fromEntries(
      (Object.keys(QUEUES) as QueueKey[]).map((key) => {
        const def = QUEUES[key];
        const queue = new PlatformQueue(this, `${key[0]!.toUpperCase()}${key.slice(1)}Queue`, {
          definition: def,
          consumer: this.functions[def.consumer],
          // The send queue's workers share one pacer (slots in DynamoDB), so their number is not a share
          // of the rate: it is how many batches may be in flight, enough that batches held by hung Graph
          // requests do not starve the rest (sendConcurrency in functions/resources.ts).
          maxConcurrency: queueConcurrency(key, rate),
          batchSize: queueBatchSize(key, rate),
        });
        return [key, queue];
      }),
    ) as Record<QueueKey, PlatformQueue>;
    this.scheduling = new CampaignScheduling(this, 'Scheduling', { launchQueue: this.queues.launch.queue });
    // Without an account there are no templates to read.
    if (props.whatsappBusinessAccountId) this.scheduling.addTemplateSync();

    for (const name of FUNCTION_NAMES) this.grant(name, settings);
    this.watch();

    this.httpApi = new PlatformHttpApi(this, 'Http', {
      apiFunction: this.functions.api.fn,
      webhookFunction: this.functions.webhook.fn,
      stage: this.stage,
    });
    Validations.of(this.httpApi.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Routes are authorised inside the api Lambda by API key (hashed keys in DynamoDB), the same check the local runtime runs; the WhatsApp webhook is authenticated by Meta's HMAC signature.",
    });
    // The web console and the API on one CloudFront domain (https://<domain>/ and https://<domain>/api/...).
    this.console = new ConsoleSite(this, 'Console', { api: this.httpApi.api, stage: this.stage });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `https://${this.console.distribution.distributionDomainName}/`,
      description: 'The web console (its API is /api on the same domain); sign in as the first admin below',
    });
    new CfnOutput(this, 'ScheduleGroup', { value: this.scheduling.groupName });
    new CfnOutput(this, 'ApiKeysTable', {
      value: this.storage.tables.apiKeys.tableName,
      description: 'API_KEYS_TABLE=<this> npm run api-key -- create <name> (with AWS credentials)',
    });
    new CfnOutput(this, 'WhatsAppSecretArn', {
      value: this.secrets.secrets.whatsapp.secretArn,
      description:
        "Put WHATSAPP_ACCESS_TOKEN here (read by the send worker, by the events function to download customers' media, and by the api and the launcher for the account's templates)",
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      value: this.secrets.secrets.webhook.secretArn,
      description:
        "Put WHATSAPP_APP_SECRET here; WHATSAPP_WEBHOOK_VERIFY_TOKEN (for Meta's dashboard) is generated in it",
    });
    new CfnOutput(this, 'OpenAiSecretArn', {
      value: this.secrets.secrets.openai.secretArn,
      description: 'Put OPENAI_API_KEY here to have the assistant write answers (optional)',
    });
    new CfnOutput(this, 'VerifyTokenLocation', {
      value: `aws secretsmanager get-secret-value --secret-id ${this.secrets.secrets.webhook.secretArn} --query SecretString --output text`,
      description:
        "The webhook verify token for Meta's dashboard is WHATSAPP_WEBHOOK_VERIFY_TOKEN in this secret",
    });
    new CfnOutput(this, 'AdminPasswordLocation', {
      value: `aws secretsmanager get-secret-value --secret-id ${this.secrets.secrets.admin.secretArn} --query SecretString --output text`,
      description: `The first console admin (${props.adminEmail ?? 'admin@platform.local'}) signs in at ConsoleUrl with ADMIN_PASSWORD from this secret, once, and then chooses a new password`,
    });
    new PlatformDashboard(this, 'Operations', { queues: this.queues });
    this.alarms.above(
      'ApiServerErrors',
      this.httpApi.api.metricServerError({ period: PlatformAlarms.PERIOD }),
      0,
      'The HTTP API answered 5xx',
    );
  }

  /** A function's environment and least-privilege grants, read off its entry in functions/resources.ts. */
  private grant(name: FunctionName, settings: Record<string, string>): void {
    const fn = this.functions[name];
    const needs = FUNCTIONS[name];
    const tables = Object.entries(needs.tables) as [
      TableKey,
      { actions: readonly import('../functions/resources').TableAction[]; indexes?: readonly string[] },
    ][];
    const env: Record<string, string> = {
      ...this.storage.environmentFor(tables.map(([key]) => key)),
      ...settings,
    };
    for (const [key, access] of tables) {
      allowTable(
        fn.role,
        this.storage.tables[key],
        access.actions,
        access.indexes ? { indexes: access.indexes } : {},
      );
    }
    const queues = new Set<QueueKey>(needs.sendsTo);
    const consumed = consumedQueue(name);
    if (consumed) queues.add(consumed);
    for (const key of queues) env[QUEUES[key].envVar] = this.queues[key].queue.queueUrl;
    for (const key of needs.sendsTo) this.queues[key].queue.grantSendMessages(fn.role);
    const buckets = Object.entries(('buckets' in needs ? needs.buckets : undefined) ?? {}) as [
      BucketKey,
      readonly BucketAccess[],
    ][];
    Object.assign(env, this.storage.bucketEnvironmentFor(buckets.map(([key]) => key)));
    for (const [key, uses] of buckets) {
      const actions = { put: 's3:PutObject', get: 's3:GetObject', delete: 's3:DeleteObject' } as const;
      fn.role.addToPolicy(
        new PolicyStatement({
          actions: uses.map((u) => actions[u]),
          resources: [this.storage.buckets[key].arnForObjects(`${BUCKETS[key].prefix}*`)],
        }),
      );
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.storage.buckets[key].node.defaultChild as CfnElement)}.Arn>/${BUCKETS[key].prefix}*]`,
        reason: `Objects are named per item at run time (a change, a media file); the wildcard is limited to the ${BUCKETS[key].prefix} prefix of the platform's own bucket.`,
      });
    }
    for (const key of ('topics' in needs ? needs.topics : undefined) ?? []) {
      env[TOPICS[key].envVar] = this.handoff.topic.topicArn;
      this.handoff.topic.grantPublish(fn.role);
    }
    for (const key of needs.secrets as readonly SecretKey[]) {
      env[SECRETS[key].envVar] = this.secrets.secrets[key].secretArn;
      this.secrets.allowRead(fn.role, key);
    }
    if ('schedules' in needs && needs.schedules) {
      env.SCHEDULE_GROUP_NAME = this.scheduling.groupName;
      env.SCHEDULER_ROLE_ARN = this.scheduling.role.roleArn;
      env.LAUNCH_QUEUE_ARN = this.queues.launch.queue.queueArn;
      this.scheduling.allowManage(fn.role, needs.schedules);
    }
    for (const [k, v] of Object.entries(env)) fn.fn.addEnvironment(k, v);
  }

  /** Alarms on every DLQ, on send-worker errors and throttles, and on webhook signature failures. */
  private watch(): void {
    for (const q of Object.values(this.queues)) this.alarms.notify(q.dlqAlarm);
    this.alarms.above(
      'AssistantErrors',
      this.functions.inbound.fn.metricErrors({ period: PlatformAlarms.PERIOD }),
      0,
      'The assistant failed to handle customer messages (they are retried, then dead-lettered)',
    );

    this.alarms.above(
      'SendWorkerErrors',
      this.functions['send-worker'].fn.metricErrors({ period: PlatformAlarms.PERIOD }),
      0,
      'The send worker failed',
    );
    this.alarms.above(
      'SendWorkerThrottles',
      this.functions['send-worker'].fn.metricThrottles({ period: PlatformAlarms.PERIOD }),
      0,
      'The send worker was throttled',
    );
    // Counted by the webhook itself through Powertools Metrics (EMF in its log; no metric filter needed).
    const signatureFailures = new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'WebhookSignatureFailures',
      dimensionsMap: { service: SERVICE_NAME },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    this.alarms.above(
      'WebhookSignatureFailures',
      signatureFailures,

      5,
      'Webhook posts with a wrong or missing signature (someone other than Meta, or a changed app secret)',
    );
    // Counted by the hooks function when a subscription's receiver failed for the whole retry window.
    this.alarms.above(
      'WebhookSubscriptionsDisabled',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'WebhookSubscriptionsDisabled',
        dimensionsMap: { service: SERVICE_NAME },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }),
      0,
      'A webhook subscription was disabled: its receiver failed every delivery for 24 hours (PATCH it with paused: false once it is back)',
    );
  }
}

/** The construct ids the functions had before they were generated, so a deploy replaces none of them. */
function functionId(name: FunctionName): string {
  const ids: Record<FunctionName, string> = {
    api: 'ApiFunction',
    webhook: 'Webhook',
    events: 'Events',
    'send-worker': 'SendWorker',
    launcher: 'Launcher',
    inbound: 'Inbound',
    crawler: 'Crawler',
    hooks: 'Hooks',
  };
  return ids[name];
}
