// zod's mini build: the same checks at a quarter of the size, for every function's start-up.
import * as z from 'zod/mini';
import { SYNC_EXPORT_MAX_ROWS } from './domain/export-job';
import { DEFAULT_HANDOFF_KEYWORDS, parseReplyOverrides, type ReplyTexts } from './domain/knowledge/assistant';
import { DEFAULT_MEDIA_MAX_BYTES } from './domain/media';
import type { Mode } from './domain/mode';
import {
  BUCKETS,
  type BucketKey,
  QUEUES,
  type QueueKey,
  SEND_BUDGET,
  TABLES,
  type TableKey,
} from './resources';

/** A comma-separated list, or the defaults when it is empty. */
function listOr(text: string, fallback: readonly string[]): readonly string[] {
  const items = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return items.length > 0 ? items : fallback;
}

/** Raised for a missing or malformed setting; its message is one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Config {
  readonly mode: Mode;
  readonly whatsapp: {
    readonly accessToken?: string;
    readonly phoneNumberId?: string;
    /** The WhatsApp Business Account's id: template sync, submission and the send-time template check. */
    readonly businessAccountId?: string;
    readonly webhookVerifyToken?: string;
    readonly appSecret?: string;
    readonly apiBaseUrl: string;
    readonly apiVersion: string;
    readonly requestTimeoutMs: number;
  };
  readonly port: number;
  readonly dataDir: string;
  readonly devApiKey?: string;
  /** The first console admin's e-mail address (created when no user exists yet). */
  readonly adminEmail: string;
  /** In AWS, the first admin's one-time password from the stack's generated secret. */
  readonly adminPassword: string | undefined;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly tables: Readonly<Record<TableKey, string>>;
  /** Queue URLs; locally filled in by the runtime once the queues exist. */
  readonly queues: Readonly<Partial<Record<QueueKey, string>>>;
  readonly buckets: Readonly<Record<BucketKey, string>>;
  readonly send: {
    /** Messages per second per sending number, across all workers (WhatsApp's default is 80). */
    readonly ratePerSecond: number;
    /** Attempts per recipient before a retryable failure is final. */
    readonly maxAttempts: number;
    /**
     * How long a worker's claim on a recipient holds before another worker may take over. A Graph request
     * starts only if it ends (timeout included) a second before the claim does.
     */
    readonly claimLeaseMs: number;
    /**
     * Marketing templates are not sent to United States numbers (Meta paused their delivery in April
     * 2025): such recipients are skipped with the reason. Turn off when Meta lifts the pause.
     */
    readonly skipUsMarketing: boolean;
  };
  readonly dev: {
    /** In DEV mode, play WhatsApp's part: post sent/delivered/read webhooks after each send. */
    readonly simulateStatuses: boolean;
    readonly statusDelayMs: number;
  };
  /** Words that opt a contact out, in addition to STOP, UNSUBSCRIBE, STOP PROMOTIONS. */
  readonly optOutKeywords: readonly string[];
  readonly openai: {
    /** Unset: no embeddings, and the assistant replies with excerpts instead of written answers. */
    readonly apiKey?: string;
    readonly baseUrl?: string;
    readonly model: string;
    readonly embeddingModel: string;
    readonly embeddingDimensions: number;
    readonly timeoutMs: number;
    readonly maxRetries: number;
  };
  readonly assistant: {
    readonly topK: number;
    readonly minRelevance: number;
    readonly maxChars: number;
    /** How long a customer message waits, so a burst of messages gets one answer. */
    readonly coalesceSeconds: number;
    readonly handoffKeywords: readonly string[];
    readonly businessName?: string;
    /** The business's own wording of the assistant's messages, by language (ASSISTANT_REPLIES). */
    readonly replies?: Readonly<Record<string, Partial<ReplyTexts>>>;
  };
  readonly inbox: {
    /** Where handoffs are announced (SNS, in AWS); unset locally, where they are logged. */
    readonly handoffTopicArn?: string;
    /** A person opening a conversation marks the customer's messages read on WhatsApp (blue ticks). */
    readonly readReceipts: boolean;
    /** The assistant marks a message read and shows "typing…" while it prepares its answer. */
    readonly assistantTyping: boolean;
  };
  readonly media: {
    /**
     * The most one media item may be, in bytes, under WhatsApp's own limit per kind (image 5 MB, audio
     * and video 16 MB, sticker 500 KB, document 100 MB): downloads and uploads are held in memory whole.
     */
    readonly maxBytes: number;
  };
  /** Exports with more rows than this run as a job writing a file (domain/export-job.ts). */
  readonly exports: { readonly maxDownloadRows: number };
  readonly crawler: {
    /** Loopback only, for the local runtime and tests; private and link-local ranges stay refused. */
    readonly allowPrivateHosts: boolean;
    readonly userAgent: string;
    readonly timeoutMs: number;
    readonly maxBytes: number;
    readonly concurrency: number;
  };
  /** The business's own webhooks (outbound events). */
  readonly webhooks: {
    /** Loopback targets allowed (the local runtime and tests); private and metadata ranges stay refused. */
    readonly allowLoopback: boolean;
    /** How long one post may take before it counts as a timeout and is retried. */
    readonly timeoutMs: number;
    /** The first retry's ceiling, doubled for each later one (up to an hour). */
    readonly retryBaseSeconds: number;
    /** How long an event is retried, and how long a subscription may fail before it is disabled. */
    readonly retryWindowSeconds: number;
  };
  /** EventBridge Scheduler settings, set by the CDK stack; unset locally. */
  readonly scheduler?: { readonly groupName: string; readonly roleArn: string; readonly targetArn: string };
}

const optionalText = (rule: string) =>
  z.optional(z.string({ error: rule }).check(z.trim(), z.minLength(1, rule)));

/** The value used when the variable is unset, parsed like a value that was set. */
const withDefault = z.prefault;

/** A number from text; `rules` names each broken bound, `rule` everything else. */
function numberIn(rule: string, min: number, max: number, rules: { min?: string; max?: string } = {}) {
  return z.coerce
    .number({ error: rule })
    .check(z.minimum(min, rules.min ?? rule), z.maximum(max, rules.max ?? rule));
}

function wholeNumberIn(rule: string, min: number, max: number, rules: { min?: string; max?: string } = {}) {
  return z.coerce
    .number({ error: rule })
    .check(z.multipleOf(1, rule), z.minimum(min, rules.min ?? rule), z.maximum(max, rules.max ?? rule));
}

const wholeNumber = (min: number, max: number) =>
  wholeNumberIn(`must be a whole number from ${min} to ${max}`, min, max);

const millis = (min: number, max: number) =>
  wholeNumberIn('must be a whole number of milliseconds', min, max, {
    min: `must be at least ${min}`,
    max: `must be at most ${max}`,
  });

const trueOrFalse = z.enum(['true', 'false'], { error: 'must be true or false' });

const EnvSchema = z.object({
  WHATSAPP_ACCESS_TOKEN: optionalText('must be a non-empty access token'),
  // Set by the stack in AWS (LIVE when a sending number is configured); derived from the credentials locally.
  WHATSAPP_MODE: z.optional(z.enum(['DEV', 'LIVE'], { error: 'must be DEV or LIVE' })),
  WHATSAPP_PHONE_NUMBER_ID: z.optional(
    z.string().check(z.regex(/^\d{5,20}$/, "must be the numeric phone number ID shown in Meta's dashboard")),
  ),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.optional(
    z
      .string()
      .check(
        z.regex(/^\d{5,20}$/, "must be the numeric WhatsApp Business Account ID shown in Meta's dashboard"),
      ),
  ),
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: optionalText('must be a non-empty string'),
  WHATSAPP_APP_SECRET: optionalText("must be the app secret from Meta's dashboard"),
  WHATSAPP_API_BASE_URL: withDefault(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://graph.facebook.com' }),
    'https://graph.facebook.com',
  ),
  WHATSAPP_API_VERSION: withDefault(
    z.string().check(z.regex(/^v\d+\.\d+$/, 'must look like v25.0')),
    'v25.0',
  ),
  WHATSAPP_REQUEST_TIMEOUT_MS: withDefault(
    millis(100, 60_000),
    String(SEND_BUDGET.requestTimeoutSeconds * 1000),
  ),
  PORT: withDefault(wholeNumberIn('must be a port number from 0 to 65535', 0, 65535), '3000'),
  DATA_DIR: withDefault(z.string().check(z.minLength(1, 'must be a directory path')), '.data'),
  DEV_API_KEY: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters long'))),
  ADMIN_PASSWORD: optionalText('must be a non-empty string'),
  ADMIN_EMAIL: withDefault(
    z.string().check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address')),
    'admin@platform.local',
  ),
  SEND_RATE_PER_SECOND: withDefault(wholeNumber(1, 1000), '80'),
  SEND_MAX_ATTEMPTS: withDefault(wholeNumber(1, 9), '6'),
  SEND_CLAIM_LEASE_SECONDS: withDefault(
    wholeNumberIn('must be a whole number of seconds from 1 to 300', 1, 300),
    '20',
  ),
  DEV_SIMULATE_STATUSES: withDefault(trueOrFalse, 'true'),
  DEV_STATUS_DELAY_MS: withDefault(millis(0, 60_000), '1000'),
  OPT_OUT_KEYWORDS: withDefault(z.string(), ''),
  OPENAI_API_KEY: optionalText('must be an OpenAI API key'),
  OPENAI_BASE_URL: z.optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.openai.com/v1' }),
  ),
  OPENAI_MODEL: withDefault(z.string().check(z.minLength(1)), 'gpt-4.1-mini'),
  OPENAI_EMBEDDING_MODEL: withDefault(z.string().check(z.minLength(1)), 'text-embedding-3-small'),
  OPENAI_EMBEDDING_DIMENSIONS: withDefault(wholeNumber(64, 3072), '512'),
  OPENAI_TIMEOUT_MS: withDefault(wholeNumber(1000, 120_000), '20000'),
  OPENAI_MAX_RETRIES: withDefault(wholeNumber(0, 5), '2'),
  ASSISTANT_TOP_K: withDefault(wholeNumber(1, 10), '4'),
  ASSISTANT_MIN_RELEVANCE: withDefault(numberIn('must be a number from 0 to 1', 0, 1), '0.6'),
  ASSISTANT_MAX_CHARS: withDefault(wholeNumber(100, 4096), '1000'),
  ASSISTANT_COALESCE_SECONDS: withDefault(wholeNumber(0, 60), '3'),
  HANDOFF_KEYWORDS: withDefault(z.string(), ''),
  BUSINESS_NAME: optionalText('must be a non-empty name'),
  ASSISTANT_REPLIES: z.optional(
    z.string().check(
      z.refine((v) => typeof parseReplyOverrides(v) !== 'string', {
        error:
          'must be JSON like {"pt":{"handoff":"..."}} with handoff, media, excerpt, reviews or source per language',
      }),
    ),
  ),
  MEDIA_MAX_BYTES: withDefault(wholeNumber(100_000, 104_857_600), String(DEFAULT_MEDIA_MAX_BYTES)),
  SKIP_US_MARKETING: withDefault(trueOrFalse, 'true'),
  EXPORT_SYNC_MAX_ROWS: withDefault(wholeNumber(1, 1_000_000), String(SYNC_EXPORT_MAX_ROWS)),
  CRAWLER_ALLOW_PRIVATE_HOSTS: withDefault(trueOrFalse, 'false'),
  WEBHOOK_ALLOW_LOOPBACK: withDefault(trueOrFalse, 'false'),
  WEBHOOK_TIMEOUT_MS: withDefault(wholeNumber(500, 30_000), '10000'),
  WEBHOOK_RETRY_BASE_SECONDS: withDefault(wholeNumber(1, 600), '5'),
  WEBHOOK_RETRY_WINDOW_SECONDS: withDefault(wholeNumber(30, 259_200), '86400'),
  INBOX_READ_RECEIPTS: withDefault(trueOrFalse, 'true'),
  HANDOFF_TOPIC_ARN: optionalText('must be an SNS topic ARN'),
  ASSISTANT_TYPING_INDICATOR: withDefault(trueOrFalse, 'true'),
  CRAWLER_USER_AGENT: withDefault(z.string().check(z.minLength(1)), 'WhatsAppPlatformBot/0.1'),
  CRAWLER_TIMEOUT_MS: withDefault(wholeNumber(500, 60_000), '10000'),
  CRAWLER_MAX_BYTES: withDefault(wholeNumber(10_000, 20_000_000), '2000000'),
  CRAWLER_CONCURRENCY: withDefault(wholeNumber(1, 16), '4'),
  LOG_LEVEL: withDefault(
    z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR'], { error: 'must be one of DEBUG, INFO, WARN, ERROR' }),
    'INFO',
  ),
});

function describeValue(value: unknown): string {
  if (value === undefined) return 'it is not set';
  const text = String(value);
  return `got "${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`;
}

/** Parses the environment once at start-up. Secrets are never echoed in the error. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  // An empty variable (`FOO=` in a .env file) means "not set", not "set to the empty string".
  const parsed = EnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const secret = /TOKEN|SECRET|KEY/.test(name);
      return `${name} ${issue.message} (${secret ? 'value hidden' : describeValue(env[name])})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  // A Graph request starts only if it ends a second before the claim does (services/sending), so a
  // claim shorter than that would never send.
  if (e.SEND_CLAIM_LEASE_SECONDS * 1000 < e.WHATSAPP_REQUEST_TIMEOUT_MS + 2000) {
    throw new ConfigError(
      `SEND_CLAIM_LEASE_SECONDS must be at least 2 seconds more than WHATSAPP_REQUEST_TIMEOUT_MS (got ${e.SEND_CLAIM_LEASE_SECONDS} s and ${e.WHATSAPP_REQUEST_TIMEOUT_MS} ms): a send starts only if its request ends a second before the claim does`,
    );
  }
  const hasToken = e.WHATSAPP_ACCESS_TOKEN !== undefined;
  const hasNumber = e.WHATSAPP_PHONE_NUMBER_ID !== undefined;
  // In AWS the stack names the mode: each function holds only the secrets it uses, so the api (which
  // never sends) has no access token to tell the mode by, and the send worker no app secret.
  if (e.WHATSAPP_MODE !== undefined) return build(e, e.WHATSAPP_MODE, env);
  if (hasToken !== hasNumber) {
    const missing = hasToken ? 'WHATSAPP_PHONE_NUMBER_ID' : 'WHATSAPP_ACCESS_TOKEN';
    const present = hasToken ? 'WHATSAPP_ACCESS_TOKEN' : 'WHATSAPP_PHONE_NUMBER_ID';
    throw new ConfigError(
      `${missing} must be set when ${present} is set (set both for LIVE mode, neither for DEV mode)`,
    );
  }
  if (hasToken && hasNumber && e.WHATSAPP_APP_SECRET === undefined) {
    throw new ConfigError(
      'WHATSAPP_APP_SECRET must be set in LIVE mode: it verifies that webhooks come from Meta (App Dashboard > App settings > Basic)',
    );
  }
  return build(e, hasToken && hasNumber ? 'LIVE' : 'DEV', env);
}

function build(
  e: z.infer<typeof EnvSchema>,
  mode: Mode,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const tables = Object.fromEntries(
    Object.entries(TABLES).map(([key, def]) => [key, env[def.envVar] || def.localName]),
  ) as Record<TableKey, string>;

  const queues = Object.fromEntries(
    Object.entries(QUEUES)
      .map(([key, def]) => [key, env[def.envVar]])
      .filter(([, url]) => url),
  ) as Partial<Record<QueueKey, string>>;
  const buckets = Object.fromEntries(
    Object.entries(BUCKETS).map(([key, def]) => [key, env[def.envVar] || def.localName]),
  ) as Record<BucketKey, string>;

  return {
    mode,
    whatsapp: {
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID,
      webhookVerifyToken: e.WHATSAPP_WEBHOOK_VERIFY_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      apiBaseUrl: e.WHATSAPP_API_BASE_URL.replace(/\/+$/, ''),
      apiVersion: e.WHATSAPP_API_VERSION,
      requestTimeoutMs: e.WHATSAPP_REQUEST_TIMEOUT_MS,
    },
    port: e.PORT,
    dataDir: e.DATA_DIR,
    devApiKey: e.DEV_API_KEY,
    adminEmail: e.ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    logLevel: e.LOG_LEVEL,
    tables,
    queues,
    buckets,
    dev: { simulateStatuses: e.DEV_SIMULATE_STATUSES === 'true', statusDelayMs: e.DEV_STATUS_DELAY_MS },
    optOutKeywords: listOr(e.OPT_OUT_KEYWORDS, []),
    openai: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
      embeddingDimensions: e.OPENAI_EMBEDDING_DIMENSIONS,
      timeoutMs: e.OPENAI_TIMEOUT_MS,
      maxRetries: e.OPENAI_MAX_RETRIES,
    },
    assistant: {
      topK: e.ASSISTANT_TOP_K,
      minRelevance: e.ASSISTANT_MIN_RELEVANCE,
      maxChars: e.ASSISTANT_MAX_CHARS,
      coalesceSeconds: e.ASSISTANT_COALESCE_SECONDS,
      handoffKeywords: listOr(e.HANDOFF_KEYWORDS, DEFAULT_HANDOFF_KEYWORDS),
      businessName: e.BUSINESS_NAME,
      ...(e.ASSISTANT_REPLIES
        ? { replies: parseReplyOverrides(e.ASSISTANT_REPLIES) as Record<string, Partial<ReplyTexts>> }
        : {}),
    },
    media: { maxBytes: e.MEDIA_MAX_BYTES },
    exports: { maxDownloadRows: e.EXPORT_SYNC_MAX_ROWS },
    crawler: {
      allowPrivateHosts: e.CRAWLER_ALLOW_PRIVATE_HOSTS === 'true',
      userAgent: e.CRAWLER_USER_AGENT,
      timeoutMs: e.CRAWLER_TIMEOUT_MS,
      maxBytes: e.CRAWLER_MAX_BYTES,
      concurrency: e.CRAWLER_CONCURRENCY,
    },
    webhooks: {
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK === 'true',
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseSeconds: e.WEBHOOK_RETRY_BASE_SECONDS,
      retryWindowSeconds: e.WEBHOOK_RETRY_WINDOW_SECONDS,
    },
    inbox: {
      ...(e.HANDOFF_TOPIC_ARN ? { handoffTopicArn: e.HANDOFF_TOPIC_ARN } : {}),
      readReceipts: e.INBOX_READ_RECEIPTS === 'true',
      assistantTyping: e.ASSISTANT_TYPING_INDICATOR === 'true',
    },
    send: {
      ratePerSecond: e.SEND_RATE_PER_SECOND,
      maxAttempts: e.SEND_MAX_ATTEMPTS,
      claimLeaseMs: e.SEND_CLAIM_LEASE_SECONDS * 1000,
      skipUsMarketing: e.SKIP_US_MARKETING === 'true',
    },

    ...(env.SCHEDULE_GROUP_NAME && env.SCHEDULER_ROLE_ARN && env.LAUNCH_QUEUE_ARN
      ? {
          scheduler: {
            groupName: env.SCHEDULE_GROUP_NAME,
            roleArn: env.SCHEDULER_ROLE_ARN,
            targetArn: env.LAUNCH_QUEUE_ARN,
          },
        }
      : {}),
  };
}
