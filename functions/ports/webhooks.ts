/** The business's own webhooks: subscriptions, their delivery attempts, the queue and the poster. */
import type { Page } from '../domain/page';
import type { PlatformEvent } from '../domain/webhooks/events';
import type { TargetAnswer } from '../domain/webhooks/retry';
import type { DeliveryAttempt, WebhookMessage, WebhookSubscription } from '../domain/webhooks/subscription';

export type SubscriptionPatch = Partial<
  Pick<
    WebhookSubscription,
    | 'url'
    | 'events'
    | 'description'
    | 'status'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
    | 'disabledAt'
    | 'disabledReason'
  >
>;

export interface WebhookStore {
  /** Every subscription (there are at most MAX_SUBSCRIPTIONS), oldest first. */
  list(): Promise<WebhookSubscription[]>;
  get(id: string): Promise<WebhookSubscription | undefined>;
  /** Creates it; false when the id exists already. */
  create(subscription: WebhookSubscription): Promise<boolean>;
  /** Changes an existing subscription (undefined when there is none), removing the `clear` attributes. */
  update(
    id: string,
    patch: SubscriptionPatch & { updatedAt: string },
    clear?: readonly (keyof WebhookSubscription)[],
  ): Promise<WebhookSubscription | undefined>;
  delete(id: string): Promise<boolean>;
  /** A failed attempt: `failingSince` is set unless already set; answers the subscription as it now is. */
  noteFailure(id: string, at: string): Promise<WebhookSubscription | undefined>;
  /** A delivered attempt: the subscription is no longer failing. */
  noteSuccess(id: string): Promise<void>;
  /** Disables an active subscription; false when it was not active (paused, disabled, deleted). */
  disable(id: string, at: string, reason: string): Promise<boolean>;
  /** Keeps an attempt until `expiresAt` (epoch seconds). */
  putAttempt(attempt: DeliveryAttempt, expiresAt: number): Promise<void>;
  getAttempt(subscriptionId: string, attemptId: string): Promise<DeliveryAttempt | undefined>;
  /** Newest first. */
  listAttempts(
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<DeliveryAttempt>>;
}

/** The hooks queue: events to fan out and attempts to make, each after an optional delay. */
export interface HookQueue {
  send(message: WebhookMessage, options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * Where the platform's parts announce what happened. Publishing queues the event for every subscription
 * that wants its type; with no such subscription nothing is queued.
 */
export interface EventPublisher {
  publish(events: readonly PlatformEvent[]): Promise<void>;
}

/** One POST of an event body to a subscription's URL; never throws for the receiver's sake. */
export interface WebhookPoster {
  post(
    url: string,
    body: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<TargetAnswer & { readonly body?: string }>;
}

export interface HookMetrics {
  attempt(outcome: DeliveryAttempt['status'], ms: number): void;
  disabled(): void;
  flush(): void;
}
