import * as z from 'zod';
import { QUEUES, type QueueKey, TABLES, type TableKey } from './resources';

/** Raised for a missing or malformed setting; its message is one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Mode = 'DEV' | 'LIVE';

export interface Config {
  readonly mode: Mode;
  readonly whatsapp: {
    readonly accessToken?: string;
    readonly phoneNumberId?: string;
    readonly webhookVerifyToken?: string;
    readonly appSecret?: string;
    readonly apiBaseUrl: string;
    readonly apiVersion: string;
    readonly requestTimeoutMs: number;
  };
  readonly port: number;
  readonly dataDir: string;
  readonly devApiKey?: string;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly tables: Readonly<Record<TableKey, string>>;
  /** Queue URLs; locally filled in by the runtime once the queues exist. */
  readonly queues: Readonly<Partial<Record<QueueKey, string>>>;
  readonly send: {
    /** Messages per second per sending number, across all workers (WhatsApp's default is 80). */
    readonly ratePerSecond: number;
    /** Attempts per recipient before a retryable failure is final. */
    readonly maxAttempts: number;
    /** How long a worker's claim on a recipient holds before another worker may take over. */
    readonly claimLeaseMs: number;
  };
  readonly dev: {
    /** In DEV mode, play WhatsApp's part: post sent/delivered/read webhooks after each send. */
    readonly simulateStatuses: boolean;
    readonly statusDelayMs: number;
  };
  /** Words that opt a contact out, in addition to STOP, UNSUBSCRIBE, STOP PROMOTIONS. */
  readonly optOutKeywords: readonly string[];
  /** EventBridge Scheduler settings, set by the CDK stack; unset locally. */
  readonly scheduler?: { readonly groupName: string; readonly roleArn: string; readonly targetArn: string };
}

// An empty variable (`FOO=` in a .env file) means "not set", not "set to the empty string".
const optionalText = (rule: string) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: rule }).trim().min(1, rule).optional());

const withDefault = <T extends z.ZodType>(inner: T, fallback: z.input<T>) =>
  z.preprocess((v) => (v === undefined || v === '' ? fallback : v), inner);

const EnvSchema = z.object({
  WHATSAPP_ACCESS_TOKEN: optionalText('must be a non-empty access token'),
  WHATSAPP_PHONE_NUMBER_ID: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{5,20}$/, "must be the numeric phone number ID shown in Meta's dashboard")
      .optional(),
  ),
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: optionalText('must be a non-empty string'),
  WHATSAPP_APP_SECRET: optionalText("must be the app secret from Meta's dashboard"),
  WHATSAPP_API_BASE_URL: withDefault(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://graph.facebook.com' }),
    'https://graph.facebook.com',
  ),
  WHATSAPP_API_VERSION: withDefault(z.string().regex(/^v\d+\.\d+$/, 'must look like v25.0'), 'v25.0'),
  WHATSAPP_REQUEST_TIMEOUT_MS: withDefault(
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(100, 'must be at least 100')
      .max(60_000, 'must be at most 60000'),
    '10000',
  ),
  PORT: withDefault(
    z.coerce
      .number({ error: 'must be a port number from 0 to 65535' })
      .int('must be a port number from 0 to 65535')
      .min(0, 'must be a port number from 0 to 65535')
      .max(65535, 'must be a port number from 0 to 65535'),
    '3000',
  ),
  DATA_DIR: withDefault(z.string().min(1, 'must be a directory path'), '.data'),
  DEV_API_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().min(16, 'must be at least 16 characters long').optional(),
  ),
  SEND_RATE_PER_SECOND: withDefault(
    z.coerce
      .number({ error: 'must be a whole number from 1 to 1000' })
      .int('must be a whole number from 1 to 1000')
      .min(1, 'must be a whole number from 1 to 1000')
      .max(1000, 'must be a whole number from 1 to 1000'),
    '80',
  ),
  SEND_MAX_ATTEMPTS: withDefault(
    z.coerce
      .number({ error: 'must be a whole number from 1 to 9' })
      .int('must be a whole number from 1 to 9')
      .min(1, 'must be a whole number from 1 to 9')
      .max(9, 'must be a whole number from 1 to 9'),
    '6',
  ),
  SEND_CLAIM_LEASE_SECONDS: withDefault(
    z.coerce
      .number({ error: 'must be a whole number of seconds from 1 to 300' })
      .int('must be a whole number of seconds from 1 to 300')
      .min(1, 'must be a whole number of seconds from 1 to 300')
      .max(300, 'must be a whole number of seconds from 1 to 300'),
    '60',
  ),
  DEV_SIMULATE_STATUSES: withDefault(z.enum(['true', 'false'], { error: 'must be true or false' }), 'true'),
  DEV_STATUS_DELAY_MS: withDefault(
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(0, 'must be at least 0')
      .max(60_000, 'must be at most 60000'),
    '1000',
  ),
  OPT_OUT_KEYWORDS: withDefault(z.string(), ''),
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
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const secret = /TOKEN|SECRET|KEY/.test(name);
      return `${name} ${issue.message} (${secret ? 'value hidden' : describeValue(env[name])})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const hasToken = e.WHATSAPP_ACCESS_TOKEN !== undefined;
  const hasNumber = e.WHATSAPP_PHONE_NUMBER_ID !== undefined;
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
  const tables = Object.fromEntries(
    Object.entries(TABLES).map(([key, def]) => [key, env[def.envVar] || def.localName]),
  ) as Record<TableKey, string>;

  const queues = Object.fromEntries(
    Object.entries(QUEUES)
      .map(([key, def]) => [key, env[def.envVar]])
      .filter(([, url]) => url),
  ) as Partial<Record<QueueKey, string>>;

  return {
    mode: hasToken && hasNumber ? 'LIVE' : 'DEV',
    whatsapp: {
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      webhookVerifyToken: e.WHATSAPP_WEBHOOK_VERIFY_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      apiBaseUrl: e.WHATSAPP_API_BASE_URL.replace(/\/+$/, ''),
      apiVersion: e.WHATSAPP_API_VERSION,
      requestTimeoutMs: e.WHATSAPP_REQUEST_TIMEOUT_MS,
    },
    port: e.PORT,
    dataDir: e.DATA_DIR,
    devApiKey: e.DEV_API_KEY,
    logLevel: e.LOG_LEVEL,
    tables,
    queues,
    dev: { simulateStatuses: e.DEV_SIMULATE_STATUSES === 'true', statusDelayMs: e.DEV_STATUS_DELAY_MS },
    optOutKeywords: e.OPT_OUT_KEYWORDS.split(',')
      .map((k) => k.trim())
      .filter(Boolean),
    send: {
      ratePerSecond: e.SEND_RATE_PER_SECOND,
      maxAttempts: e.SEND_MAX_ATTEMPTS,
      claimLeaseMs: e.SEND_CLAIM_LEASE_SECONDS * 1000,
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
