/** The hooks function (the business's webhooks), and the publisher every other function announces through. */
import { PowertoolsHookMetrics } from '../adapters/metrics/powertools-metrics';
import { GuardedPoster } from '../adapters/web/guarded-poster';
import { DEFAULT_RETRY, type RetryPolicy } from '../domain/webhooks/retry';
import type { EventPublisher, WebhookPoster } from '../ports';
import { announcingCampaigns } from '../services/campaign-announcements';
import { bestEffort, SubscribedEventPublisher } from '../services/event-publisher';
import { makeHookDelivery } from '../services/webhook-delivery';
import type { Context } from './context';
import { hookQueue } from './queues';
import { campaignStore, webhookStore } from './stores';

export const retryPolicy = (c: Context): RetryPolicy => ({
  ...DEFAULT_RETRY,
  baseSeconds: c.config.webhooks.retryBaseSeconds,
  windowSeconds: c.config.webhooks.retryWindowSeconds,
});

export const guardedPoster = (c: Context) =>
  new GuardedPoster({
    policy: { allowLoopback: c.config.webhooks.allowLoopback },
    timeoutMs: c.config.webhooks.timeoutMs,
    userAgent: 'WhatsAppPlatform-Webhooks/1',
  });

/** One publisher per context: its cache of wanted event types is shared by the function's parts. */
export const eventPublisher = (c: Context): EventPublisher =>
  c.once('event-publisher', () => new SubscribedEventPublisher(webhookStore(c), hookQueue(c), c.clock));

/** For announcements made after their change is written (campaign states, conversation statuses). */
export const announcer = (c: Context): EventPublisher => bestEffort(eventPublisher(c), c.logger);

/** The campaign store of a function that moves campaigns between states: every change is announced. */
export const announcedCampaignStore = (c: Context) => announcingCampaigns(campaignStore(c), announcer(c));

export function buildHooks(c: Context, options: { poster?: WebhookPoster } = {}) {
  return makeHookDelivery({
    store: webhookStore(c),
    queue: hookQueue(c),
    poster: options.poster ?? c.once('guarded-poster', () => guardedPoster(c)),
    clock: c.clock,
    logger: c.logger,
    ...(c.fn === 'local' ? {} : { metrics: new PowertoolsHookMetrics() }),
    policy: retryPolicy(c),
  });
}
