import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { withCorrelation } from '../correlation';
import { ConversationStateError } from '../domain/conversation-status';
import { ConflictError, InvalidCursorError, NotFoundError, StateConflictError } from '../domain/errors';
import type { AddressPolicy } from '../domain/knowledge/address-policy';
import type { Mode } from '../domain/mode';
import type { RowProblem } from '../domain/recipients';
import { maskPath } from '../domain/redact';
import type {
  AccountAnalytics,
  ApiKeyStore,
  CannedReplyStore,
  Clock,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  CrawlQueue,
  IdempotencyStore,
  KnowledgeStore,
  ListStore,
  MessageStore,
  ReadReceipts,
  RecipientStore,
  SendQueue,
  TemplateStore,
} from '../ports';
import { AccountRefusal, type Accounts } from '../services/accounts';
import {
  type CampaignService,
  CountsChangingError,
  NothingToRetryError,
  RecipientsRejectedError,
} from '../services/campaign-service';
import type { ExportJobs } from '../services/export-jobs';
import type { KnowledgeBase } from '../services/knowledge-base';
import type { KnowledgeIndexer } from '../services/knowledge-indexer';
import { MetaTemplateRefusal, type MetaTemplates } from '../services/meta-templates';
import { type Outbox, OutboxRefusal } from '../services/outbox';
import type { AppEnv } from './app-env';
import { type ApiKeyVerifier, authenticate, SESSION_COOKIE } from './auth';
import { registerDocsRoutes } from './docs-ui';
import { ApiError, errorBody, listedProblems, sendError } from './errors';
import { idempotencyMiddleware } from './idempotency';
import { API_INFO, completeDocument, registerSharedDocs } from './openapi';
import { registerAccountRoutes } from './routes/accounts';
import { registerAnalyticsRoutes } from './routes/analytics';
import { MAX_CSV_BYTES, registerCampaignRoutes } from './routes/campaigns';
import { registerCannedReplyRoutes } from './routes/canned-replies';
import { registerConversationRoutes } from './routes/conversations';
import { registerExportRoutes } from './routes/exports';
import { registerKeyRoutes } from './routes/keys';
import { registerKnowledgeRoutes } from './routes/knowledge';
import { registerListRoutes } from './routes/lists';
import { type MediaRouteDeps, mediaUploadRule, registerMediaRoutes } from './routes/media';
import { registerMessageRoutes } from './routes/messages';
import { type PlatformSettings, registerSettingsRoutes } from './routes/settings';
import { registerSystemRoutes } from './routes/system';
import { registerTemplateRoutes } from './routes/templates';
import { registerWebhookRoutes, type WebhookRouteDeps } from './routes/webhooks';
import { registerEventWebhooks } from './schemas/platform-events';
import { securityHeaders } from './security-headers';

export interface AppDeps {
  readonly templates: TemplateStore;
  readonly campaignService: CampaignService;
  /** Exports too large for a download, written by the launcher. */
  readonly exportJobs: ExportJobs;
  readonly maxDownloadRows: number;
  /** The account's analytics per day and template. */
  readonly analytics: AccountAnalytics;
  readonly recipients: RecipientStore;
  readonly contacts: ContactStore & ContactUpdates;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly cannedReplies: CannedReplyStore;
  readonly receipts: ReadReceipts;
  readonly inboxReadReceipts: boolean;
  readonly sendQueue: SendQueue;
  readonly clock: Clock;
  readonly lists: ListStore;
  readonly knowledge: KnowledgeStore;
  readonly crawlQueue: CrawlQueue;
  readonly idempotency: IdempotencyStore;
  readonly outbox: Outbox;
  readonly verifyApiKey: ApiKeyVerifier;
  readonly accounts: Accounts;
  readonly apiKeys: ApiKeyStore;
  readonly settings: PlatformSettings;
  readonly assistant: { readonly knowledgeBase: KnowledgeBase; readonly indexer: KnowledgeIndexer };
  readonly crawlerPolicy: AddressPolicy;
  readonly logger: Logger;
  readonly mode: Mode;
  /** The media bucket (customers' files, agents' uploads) and MEDIA_MAX_BYTES. */
  readonly media: MediaRouteDeps;
  /** Meta's view of the account's templates: sync, import, submit, and what the templates show. */
  readonly metaTemplates: MetaTemplates;
  /** The business's webhook subscriptions and the hooks queue (replays). */
  readonly webhooks: Omit<WebhookRouteDeps, 'clock'>;
}

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** Campaign uploads may carry up to 10 MB of recipients (API Gateway's own limit). */
const BODY_LIMITS: { path: RegExp; method: string; bytes: number; types: RegExp }[] = [
  {
    path: /^\/api\/campaigns$/,
    method: 'POST',
    bytes: MAX_CSV_BYTES,
    types: /^(application\/json|text\/csv)\b/i,
  },
  {
    path: /^\/api\/lists\/[^/]+\/contacts$/,
    method: 'POST',
    bytes: MAX_CSV_BYTES,
    types: /^(application\/json|text\/csv)\b/i,
  },
];

/** Actions such as POST /campaigns/{id}/start carry no body, and need no Content-Type. */
function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  return request.headers.has('transfer-encoding') || (length !== null && length !== '0');
}

/** `rules`: BODY_LIMITS and the ones that depend on settings (media uploads, MEDIA_MAX_BYTES). */
function bodyRule(
  method: string,
  path: string,
  rules: readonly (typeof BODY_LIMITS)[number][] = BODY_LIMITS,
) {
  return (
    rules.find((r) => r.method === method && r.path.test(path)) ?? {
      bytes: MAX_JSON_BODY_BYTES,
      types: /^application\/json\b/i,
    }
  );
}

/** Routes anyone may call: health, the API description, and the WhatsApp webhook (it checks signatures). */
const PUBLIC = [
  /^\/api\/health$/,
  /^\/api\/openapi\.json$/,
  /^\/api\/docs(\/[\w.-]+)?$/,
  /^\/api\/whatsapp\/webhook$/,
  /^\/api\/auth\/sign-in$/,
];

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  // Media uploads take any type (the route names the wrong ones) up to MEDIA_MAX_BYTES.
  const bodyRules = [...BODY_LIMITS, mediaUploadRule(deps.media)];
  let routeTable: { method: string; pattern: RegExp }[] | undefined;
  /** Methods registered for a path; built on first use, once every route exists. */
  const allowedMethods = (path: string): string[] => {
    routeTable ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`) }));
    return [...new Set(routeTable.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  };

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const listed = listedProblems(result.error.issues, c.req.query('errorOffset'));
      const details = listed.shown.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
      const summary = details
        .slice(0, 5)
        .map((d) => `${d.field}: ${d.message}`)
        .join('; ');
      const rest =
        listed.total > 5 ? `; ${listed.note ?? `and ${listed.total - 5} more (all in details)`}` : '';
      return c.json(errorBody('validation_failed', `${summary}${rest}`, details), 400);
    },
  });

  app.use('*', async (c, next) => {
    // A caller's id wins (so traces can span systems), then API Gateway's request id, then a new one.
    const given = c.req.header('x-correlation-id');
    const lambdaRequestId = (c.env as { event?: { requestContext?: { requestId?: string } } } | undefined)
      ?.event?.requestContext?.requestId;
    const correlationId = given && /^[\w.-]{1,128}$/.test(given) ? given : (lambdaRequestId ?? randomUUID());

    const logger = deps.logger.createChild({ persistentKeys: { correlationId } });
    c.set('correlationId', correlationId);
    c.set('logger', logger);
    const started = performance.now();
    // Everything this request queues carries its id, so its work can be followed through the queues.
    await withCorrelation(correlationId, next);
    c.header('x-correlation-id', correlationId);
    logger.info('request', {
      method: c.req.method,
      path: maskPath(c.req.path),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });

  app.use('*', securityHeaders);

  app.use('/api/*', async (c, next) => {
    const limit = bodyRule(c.req.method, c.req.path, bodyRules).bytes;
    return bodyLimit({
      maxSize: limit,
      onError: (ctx) =>
        sendError(ctx, 413, 'payload_too_large', `this request body is limited to ${limit} bytes`),
    })(c, next);
  });

  app.use(
    '/api/*',
    authenticate(deps, (path) => PUBLIC.some((p) => p.test(path))),
  );

  // JSON bodies must say so: a form post or text body is a client mistake, not an empty object.
  // Only checked for routes that exist with this method, so a wrong method still answers 405.
  app.use('/api/*', async (c, next) => {
    const method = c.req.method;
    if (
      (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
      !PUBLIC.some((p) => p.test(c.req.path)) &&
      allowedMethods(c.req.path).includes(method) &&
      hasBody(c.req.raw)
    ) {
      const type = c.req.header('content-type') ?? '';
      if (!bodyRule(method, c.req.path, bodyRules).types.test(type)) {
        return sendError(
          c,
          415,
          'unsupported_media_type',
          'send the body as JSON with "Content-Type: application/json"',
        );
      }
    }
    return next();
  });

  app.use('/api/*', idempotencyMiddleware(deps.idempotency, deps.clock));

  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'A console session from POST /api/auth/sign-in (HttpOnly, Secure, SameSite=Strict); changes also need X-CSRF-Token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from `npm run api-key -- create <name>` (or the one the local runtime prints)',
  });

  registerSystemRoutes(app, deps.mode);
  registerAccountRoutes(app, deps.accounts);
  registerKeyRoutes(app, deps);
  registerSettingsRoutes(app, deps.settings);
  registerTemplateRoutes(app, deps.templates, deps.metaTemplates);
  registerCampaignRoutes(app, {
    service: deps.campaignService,
    recipients: deps.recipients,
    now: () => deps.clock.now(),
  });
  registerMessageRoutes(app, deps);
  registerConversationRoutes(app, deps);
  registerExportRoutes(app, deps);
  registerAnalyticsRoutes(app, {
    campaignService: deps.campaignService,
    analytics: deps.analytics,
    now: () => deps.clock.now(),
  });
  registerCannedReplyRoutes(app, deps);
  registerMediaRoutes(app, deps);
  registerListRoutes(app, deps);
  registerWebhookRoutes(app, { ...deps.webhooks, clock: deps.clock });
  registerKnowledgeRoutes(app, { ...deps, ...deps.assistant });

  registerSharedDocs(app);
  registerEventWebhooks(app);
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/api/openapi.json', (c) => {
    document ??= completeDocument(app.getOpenAPI31Document(API_INFO));
    return c.json(document);
  });
  registerDocsRoutes(app);

  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) {
      c.header('allow', allowed.join(', '));
      return sendError(
        c,
        405,
        'method_not_allowed',
        `${c.req.method} is not allowed here; use ${allowed.join(', ')}`,
      );
    }
    return sendError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`);
  });

  app.onError((error, c) => mapError(error, c));
  return app;
}

/** Rows of an upload that cannot be used: the first of them by line, with how to read the rest. */
function rejectedRows(
  c: Context<AppEnv>,
  code: string,
  message: string,
  rows: readonly RowProblem[],
  status: 400 | 422,
) {
  const listed = listedProblems(rows, c.req.query('errorOffset'));
  const shown = listed.shown
    .slice(0, 5)
    .map((r) => `row ${r.row}${r.phone ? ` (${r.phone})` : ''}: ${r.problems.join('; ')}`)
    .join('; ');
  const more = listed.note ? `; ${listed.note}` : rows.length > 5 ? `; and ${rows.length - 5} more rows` : '';
  return sendError(c, status, code, `${message}: ${shown}${more}`, {
    rows: listed.shown,
    totalRows: listed.total,
    ...(listed.nextErrorOffset !== undefined ? { nextErrorOffset: listed.nextErrorOffset } : {}),
  });
}

function mapError(error: Error, c: Context<AppEnv>) {
  if (error instanceof ApiError) {
    const rows = (error.details as { rows?: unknown } | undefined)?.rows;
    if (Array.isArray(rows) && (error.status === 400 || error.status === 422)) {
      return rejectedRows(c, error.code, error.message, rows as RowProblem[], error.status);
    }
    return sendError(c, error.status, error.code, error.message, error.details);
  }
  if (error instanceof StateConflictError) {
    return sendError(c, 409, 'invalid_state', error.message, { state: error.currentState });
  }
  if (error instanceof ConversationStateError) {
    return sendError(c, 409, 'invalid_state', error.message, { status: error.status });
  }
  if (error instanceof RecipientsRejectedError) {
    return rejectedRows(c, 'invalid_recipients', error.message, error.rows, 422);
  }
  if (error instanceof NothingToRetryError) return sendError(c, 409, 'nothing_to_retry', error.message);
  if (error instanceof CountsChangingError) return sendError(c, 409, 'counts_changing', error.message);
  if (error instanceof OutboxRefusal) return sendError(c, error.status, error.code, error.message);
  if (error instanceof MetaTemplateRefusal)
    return sendError(c, error.status, error.code, error.message, error.details);
  if (error instanceof AccountRefusal)
    return sendError(c, error.status, error.code, error.message, error.details);
  if (error instanceof NotFoundError) return sendError(c, 404, 'not_found', error.message);
  if (error instanceof ConflictError) return sendError(c, 409, 'conflict', error.message);
  if (error instanceof InvalidCursorError) return sendError(c, 400, 'invalid_cursor', error.message);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status === 400 && /json/i.test(error.message)) {
      return sendError(c, 400, 'malformed_json', 'the request body is not valid JSON');
    }
    return sendError(
      c,
      status,
      status === 400 ? 'bad_request' : `http_${status}`,
      error.message || 'request failed',
    );
  }
  c.var.logger?.error('unhandled error', error);
  return sendError(
    c,
    500,
    'internal_error',
    `something went wrong on our side; quote correlation id ${c.var.correlationId ?? 'unknown'}`,
  );
}
