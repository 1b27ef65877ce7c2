/** Meta's view of the account's templates: its store, the Graph API's template management, and the service. */
import { DynamoMetaTemplateStore } from '../adapters/dynamodb/meta-template-store';
import { GraphTemplateApi } from '../adapters/whatsapp/graph-templates';
import type { Config } from '../config';
import type { MetaTemplateApi } from '../ports';
import { FUNCTIONS, type FunctionResources } from '../resources';
import { MetaTemplates } from '../services/meta-templates';
import { dynamo } from './aws-dynamodb';
import type { Context } from './context';
import { announcedCampaignStore, announcer } from './hooks';

export const metaTemplateStore = (c: Context) => new DynamoMetaTemplateStore(dynamo(c), c.table('templates'));

/** Why the platform cannot reach the account's templates, or undefined when it can. */
export function metaUnavailable(config: Config): string | undefined {
  const w = config.whatsapp;
  if (config.mode !== 'LIVE') {
    return 'the platform is in DEV mode, without a Meta account (LIVE mode needs WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID, and templates WHATSAPP_BUSINESS_ACCOUNT_ID)';
  }
  if (!w.businessAccountId)
    return 'WHATSAPP_BUSINESS_ACCOUNT_ID (the WhatsApp Business Account id) is not set';
  if (!w.accessToken) return 'WHATSAPP_ACCESS_TOKEN is not set';
  return undefined;
}

export function metaTemplateApi(config: Config): MetaTemplateApi | undefined {
  const w = config.whatsapp;
  if (metaUnavailable(config) || !w.businessAccountId || !w.accessToken) return undefined;
  return new GraphTemplateApi({
    baseUrl: w.apiBaseUrl,
    apiVersion: w.apiVersion,
    businessAccountId: w.businessAccountId,
    accessToken: w.accessToken,
    timeoutMs: w.requestTimeoutMs,
  });
}

/** What both variants of the service are built from. */
export function metaTemplateParts(c: Context) {
  const api = metaTemplateApi(c.config);
  const unavailable = metaUnavailable(c.config);
  return {
    store: metaTemplateStore(c),
    ...(api ? { api } : {}),
    ...(unavailable ? { unavailable } : {}),
    // Campaigns are checked against Meta's view in LIVE mode with an account id, token or not.
    guard: c.config.mode === 'LIVE' && Boolean(c.config.whatsapp.businessAccountId),
    // Records of campaigns that ended are dropped only where the grants allow deleting.
    pruneUses: mayDeleteTemplates(c),
    campaigns: announcedCampaignStore(c),
    clock: c.clock,
    logger: c.logger,
    events: announcer(c),
  };
}

/**
 * The events function's service: it applies template webhooks only, and leaves the platform's own
 * templates to syncs (its bundle carries no template store).
 */
export const webhookMetaTemplates = (c: Context): MetaTemplates =>
  c.once('metaTemplates:webhooks', () => new MetaTemplates(metaTemplateParts(c)));

function mayDeleteTemplates(c: Context): boolean {
  if (c.fn === 'local') return true;
  const grant = (FUNCTIONS[c.fn] as FunctionResources).tables.templates;
  return grant?.actions.includes('DeleteItem') ?? false;
}
